//! Forgiving, deterministic name resolution.
//!
//! Names are normalised (case, spaces, dashes, underscores and vendor words don't matter) and
//! looked up in an alias index built once; an unknown name gets up to three suggestions.

use crate::schema::*;
use std::collections::HashMap;

/// Outcome of looking a name up.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution<'a, T> {
    Found(&'a T),
    /// The name matches several entries equally well; all are listed.
    Ambiguous(Vec<&'a T>),
    /// Nothing matches; up to three display names that come close.
    NotFound {
        suggestions: Vec<String>,
    },
}

impl<'a, T> Resolution<'a, T> {
    pub fn found(&self) -> Option<&'a T> {
        match self {
            Resolution::Found(t) => Some(t),
            _ => None,
        }
    }
}

/// Lower-case and keep only letters and digits, so `RTX 4090`, `rtx-4090` and `rtx4090` agree.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

pub(crate) trait Named {
    fn id(&self) -> &str;
    fn display_name(&self) -> &str;
    fn aliases(&self) -> &[String];
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn id(&self) -> &str { &self.id }
            fn display_name(&self) -> &str { &self.name }
            fn aliases(&self) -> &[String] { &self.aliases }
        }
    )*};
}
named!(Device, Model, Quant, Runtime, Link);

impl Named for KvType {
    fn id(&self) -> &str {
        &self.id
    }
    fn display_name(&self) -> &str {
        &self.id
    }
    fn aliases(&self) -> &[String] {
        &self.aliases
    }
}

#[derive(Debug, Default)]
pub(crate) struct Index {
    by_key: HashMap<String, Vec<usize>>,
}

impl Index {
    fn build<T: Named>(items: &[T], table: &str) -> Result<Index, String> {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let mut keys: Vec<String> = std::iter::once(item.id())
                .chain(std::iter::once(item.display_name()))
                .chain(item.aliases().iter().map(String::as_str))
                .map(normalize)
                .filter(|k| !k.is_empty())
                .collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let slot = by_key.entry(key).or_default();
                if !slot.contains(&i) {
                    slot.push(i);
                }
            }
        }
        let mut ids: Vec<&str> = items.iter().map(Named::id).collect();
        ids.sort();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("duplicate {table} id `{}`", w[0]));
        }
        Ok(Index { by_key })
    }

    pub(crate) fn resolve<'a, T: Named>(&self, name: &str, items: &'a [T]) -> Resolution<'a, T> {
        let key = normalize(name);
        match self.by_key.get(&key).map(Vec::as_slice) {
            Some([one]) => Resolution::Found(&items[*one]),
            Some(many) if !many.is_empty() => {
                Resolution::Ambiguous(many.iter().map(|&i| &items[i]).collect())
            }
            _ => Resolution::NotFound {
                suggestions: self.suggest(&key, items),
            },
        }
    }

    fn suggest<T: Named>(&self, key: &str, items: &[T]) -> Vec<String> {
        let mut scored: Vec<(f64, &str)> = self
            .by_key
            .iter()
            .map(|(k, idx)| (strsim::jaro_winkler(key, k), items[idx[0]].id()))
            .filter(|(s, _)| *s > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, id) in scored {
            if !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }
}

#[derive(Debug, Default)]
pub(crate) struct Indexes {
    pub devices: Index,
    pub models: Index,
    pub quants: Index,
    pub kv_types: Index,
    pub runtimes: Index,
    pub links: Index,
}

impl Indexes {
    pub(crate) fn build(
        devices: &[Device],
        models: &[Model],
        quants: &[Quant],
        kv_types: &[KvType],
        runtimes: &[Runtime],
        links: &[Link],
    ) -> Result<Indexes, String> {
        Ok(Indexes {
            devices: Index::build(devices, "device")?,
            models: Index::build(models, "model")?,
            quants: Index::build(quants, "quant")?,
            kv_types: Index::build(kv_types, "kv")?,
            runtimes: Index::build(runtimes, "runtime")?,
            links: Index::build(links, "link")?,
        })
    }
}

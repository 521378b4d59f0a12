//! Forgiving, deterministic name resolution.
//!
//! Two layers:
//!
//! 1. **Exact keys.** Ids, display names and aliases are normalised (case, spaces, dashes and
//!    punctuation removed) into one index. A query whose normalised form is a key resolves at once.
//! 2. **Token matching** (devices, runtimes, links). A free-form name such as
//!    `"Tesla V100 32GB (PCIe vs SXM not stated)"` or `"llama.cpp (CUDA, May 2024)"` is read as:
//!    - *main text* (outside parentheses, before the first `,` or `;`): every token of it that
//!      the table knows must appear in a candidate's vocabulary. Unknown words (`framework`,
//!      `desktop`) are noise and ignored; for devices an unknown *model number* (a token with a
//!      digit, such as `5095`) makes the name unknown rather than silently matching something.
//!    - *hints* (parenthesised text and anything after a `,`/`;`, plus letter/digit pieces of
//!      tokens such as `rocm` in `rocm721`): they never exclude a candidate, they only rank.
//!    - *memory and core counts* (`512GB`, `2x512GB`, `76-core`, `80c`, a bare `512` for
//!      devices): they filter variants when some candidate matches them.
//!
//!    Candidates are ranked by (hint tokens matched, descending) then (name tokens the main text
//!    did not mention, ascending), so `RTX 4080` prefers the 4080 to the 4080 SUPER and
//!    `llama.cpp (CUDA)` prefers the CUDA backend to the family entry. A tie between variants of
//!    one `family` goes to the family's default variant when it is among them, otherwise to the
//!    most GPU cores, then the most memory (`M3 Pro 18GB` → the 18-core 18 GB part). Any other
//!    tie is reported as [`Resolution::Ambiguous`] with the candidates, and so is a win on
//!    fewer unmentioned words over a rival that is not a refinement of the winner (`xeon`
//!    matches two unrelated Xeons; `RTX 4080` is not ambiguous with `RTX 4080 SUPER`). Nothing
//!    matching gives [`Resolution::NotFound`] with up to three suggestions.
//!
//! Vendor and product-line words (`nvidia`, `geforce`, `amd`, `radeon`, `apple`, `mac`,
//! `studio`, `intel`, `arc`, …) are dropped from both sides before matching.

use crate::schema::*;
use std::collections::{HashMap, HashSet};

/// Outcome of looking a name up.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution<'a, T> {
    Found(&'a T),
    /// The name matches several entries equally well; all are listed.
    Ambiguous(Vec<&'a T>),
    /// Nothing matches; up to three ids that come close.
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

/// Like [`normalize`], but a decimal point between digits stays (as `p`), so `2.5gbe` and
/// `25gbe` remain different keys. Used by the device, runtime and link tables.
fn normalize_key(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c == '.' && between_digits {
            out.push('p');
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
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
    fn family(&self) -> Option<&str> {
        None
    }
    fn family_default(&self) -> bool {
        false
    }
    fn mem_gb(&self) -> Option<f64> {
        None
    }
    fn gpu_cores(&self) -> Option<u32> {
        None
    }
}

/// `Named` over a table type's `id` and `aliases` fields and the field it shows as its name
/// (KV cache types have no name of their own: the id stands in), plus any other methods given
/// in braces.
macro_rules! named {
    ($t:ty, $name:ident $(, { $($extra:item)* })?) => {
        impl Named for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn display_name(&self) -> &str {
                &self.$name
            }
            fn aliases(&self) -> &[String] {
                &self.aliases
            }
            $($($extra)*)?
        }
    };
}
named!(Model, name);
named!(Quant, name);
named!(Device, name, {
    fn family(&self) -> Option<&str> {
        self.family.as_deref()
    }
    fn family_default(&self) -> bool {
        self.family_default
    }
    fn mem_gb(&self) -> Option<f64> {
        Some(self.mem_gb)
    }
    fn gpu_cores(&self) -> Option<u32> {
        self.gpu_cores
    }
});
named!(Runtime, name, {
    fn family(&self) -> Option<&str> {
        Some(&self.family)
    }
    fn family_default(&self) -> bool {
        self.backend == "auto"
    }
});
named!(Link, name, {
    fn family(&self) -> Option<&str> {
        self.family.as_deref()
    }
    fn family_default(&self) -> bool {
        self.family_default
    }
});

named!(KvType, id);

/// Exact-key index: normalised id, name and aliases → entries.
#[derive(Debug)]
pub(crate) struct Index {
    by_key: HashMap<String, Vec<usize>>,
    key: fn(&str) -> String,
}

impl Index {
    fn build<T: Named>(items: &[T], table: &str) -> Result<Index, String> {
        Self::build_with(items, table, normalize)
    }

    fn build_with<T: Named>(
        items: &[T],
        table: &str,
        key: fn(&str) -> String,
    ) -> Result<Index, String> {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let mut keys: Vec<String> = std::iter::once(item.id())
                .chain(std::iter::once(item.display_name()))
                .chain(item.aliases().iter().map(String::as_str))
                .map(key)
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
        Ok(Index { by_key, key })
    }

    fn exact(&self, key: &str) -> Option<&[usize]> {
        self.by_key
            .get(key)
            .map(Vec::as_slice)
            .filter(|s| !s.is_empty())
    }

    pub(crate) fn resolve<'a, T: Named>(
        &self,
        name: &str,
        items: &'a [T],
        suggest: bool,
    ) -> Resolution<'a, T> {
        let key = (self.key)(name);
        match self.exact(&key) {
            Some([one]) => Resolution::Found(&items[*one]),
            Some(many) => Resolution::Ambiguous(many.iter().map(|&i| &items[i]).collect()),
            None => Resolution::NotFound {
                suggestions: if suggest {
                    self.suggest(&key, items)
                } else {
                    Vec::new()
                },
            },
        }
    }

    fn suggest<T: Named>(&self, key: &str, items: &[T]) -> Vec<String> {
        if key.is_empty() {
            return Vec::new();
        }
        // Keys that contain the query (`7950x` in `ryzen97950x`) rank first, then similarity.
        // Keys of very different length score low anyway; skipping them keeps this cheap.
        let near = |k: &str| k.len() <= 2 * key.len() + 2 && 2 * k.len() + 2 >= key.len();
        let mut scored: Vec<(f64, &str)> = self
            .by_key
            .iter()
            .filter(|(k, _)| near(k) || (key.len() >= 3 && k.contains(key)))
            .map(|(k, idx)| {
                let contains = key.len() >= 3 && k.contains(key);
                let score = strsim::jaro_winkler(key, k) + if contains { 1.0 } else { 0.0 };
                (score, items[idx[0]].id())
            })
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

/// How a table's names are read by the token matcher.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    /// Words dropped from names and queries.
    stopwords: &'static [&'static str],
    /// Multi-word phrases dropped before tokens are read (`macbook pro`).
    stop_phrases: &'static [&'static [&'static str]],
    /// Devices: memory/core numbers are read, and an unknown model number means "unknown".
    numbers_matter: bool,
    /// Runtimes: tokens with digits are versions, build numbers or hashes, never required.
    digits_are_versions: bool,
}

pub(crate) const DEVICE_STYLE: Style = Style {
    stopwords: &[
        "nvidia",
        "geforce",
        "amd",
        "radeon",
        "apple",
        "mac",
        "macbook",
        "imac",
        "studio",
        "mini",
        "intel",
        "arc",
        "instinct",
        "gpu",
        "gpus",
        "graphics",
        "card",
        "the",
        "with",
        "and",
        "of",
        "edition",
        "founders",
        "generation",
        "desktop",
        "laptop",
    ],
    stop_phrases: &[
        &["macbook", "pro"],
        &["macbook", "air"],
        &["mac", "pro"],
        &["imac", "pro"],
    ],
    numbers_matter: true,
    digits_are_versions: false,
};

pub(crate) const RUNTIME_STYLE: Style = Style {
    stopwords: &["the", "with", "and", "of", "on"],
    stop_phrases: &[],
    numbers_matter: false,
    digits_are_versions: true,
};

pub(crate) const LINK_STYLE: Style = Style {
    stopwords: &["the", "with", "and", "of", "on"],
    stop_phrases: &[],
    numbers_matter: false,
    digits_are_versions: false,
};

/// A name read into tokens: the words, plus memory sizes and GPU-core counts found in it.
#[derive(Debug, Default, Clone, PartialEq)]
struct Reading {
    tokens: Vec<String>,
    mem_gb: Vec<f64>,
    cores: Vec<u32>,
    /// Bare numbers that may be a memory size (`mac-m3-ultra-512`).
    bare: Vec<u64>,
}

fn split_alnum(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Letter/digit pieces of a token: `rocm721` → `rocm`, `721`; `sxm2` → `sxm`, `2`.
fn pieces(token: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_digit: Option<bool> = None;
    for c in token.chars() {
        let d = c.is_ascii_digit();
        if cur_digit.is_some_and(|p| p != d) {
            out.push(std::mem::take(&mut cur));
        }
        cur_digit = Some(d);
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    if out.len() < 2 { Vec::new() } else { out }
}

fn all_digits(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
}

fn has_digit(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
}

/// `512gb` → 512; `2x512gb` → 512; `1tb` → 1024.
fn mem_token(t: &str) -> Option<f64> {
    let t = match t.find('x') {
        Some(i) if all_digits(&t[..i]) => &t[i + 1..],
        _ => t,
    };
    for (unit, scale) in [("gb", 1.0), ("tb", 1024.0)] {
        if let Some(num) = t.strip_suffix(unit)
            && all_digits(num)
            && num.len() <= 5
        {
            return num.parse::<f64>().ok().map(|n| n * scale);
        }
    }
    None
}

/// `80c` / `80core` → 80.
fn cores_token(t: &str) -> Option<u32> {
    ["core", "cores", "c"]
        .iter()
        .filter_map(|s| t.strip_suffix(s))
        .find(|n| all_digits(n) && n.len() <= 3)
        .and_then(|n| n.parse().ok())
}

fn read(text: &str, style: &Style) -> Reading {
    let raw = split_alnum(text);
    let mut r = Reading::default();
    let mut i = 0;
    while i < raw.len() {
        let t = raw[i].as_str();
        let next = raw.get(i + 1).map(String::as_str);
        let after = raw.get(i + 2).map(String::as_str);
        if let Some(phrase) = style.stop_phrases.iter().find(|p| {
            p.len() <= raw.len() - i && p.iter().enumerate().all(|(k, w)| raw[i + k] == *w)
        }) {
            i += phrase.len();
            continue;
        }
        if style.numbers_matter {
            if let Some(m) = mem_token(t) {
                r.mem_gb.push(m);
                i += 1;
                continue;
            }
            if all_digits(t) && matches!(next, Some("gb")) {
                if let Ok(n) = t.parse::<f64>() {
                    r.mem_gb.push(n);
                }
                i += 2;
                continue;
            }
            if all_digits(t) && matches!(next, Some("core" | "cores")) {
                // "28-core CPU" describes the CPU, not the GPU variant.
                if after == Some("cpu") {
                    i += 3;
                    continue;
                }
                if let Ok(n) = t.parse() {
                    r.cores.push(n);
                }
                i += 2;
                continue;
            }
            if let Some(n) = cores_token(t) {
                if next == Some("cpu") {
                    i += 2;
                    continue;
                }
                r.cores.push(n);
                i += 1;
                continue;
            }
            // A count prefix such as `2x` in `2x 512GB` (not a model number like `7950x`).
            if (2..=4).contains(&t.len()) && t.ends_with('x') && all_digits(&t[..t.len() - 1]) {
                i += 1;
                continue;
            }
        }
        if !style.stopwords.contains(&t) {
            r.tokens.push(t.to_string());
        }
        i += 1;
    }
    r
}

/// Split a query into main text and hint text (parenthesised, or after the first `,`/`;`).
fn split_query(text: &str) -> (String, String) {
    let mut main = String::new();
    let mut hint = String::new();
    let mut depth = 0usize;
    let mut tail = false;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                hint.push(' ');
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                hint.push(' ');
            }
            ',' | ';' if depth == 0 => {
                tail = true;
                hint.push(' ');
            }
            _ if depth > 0 || tail => hint.push(c),
            _ => main.push(c),
        }
    }
    (main, hint)
}

#[derive(Debug)]
struct Entry {
    /// Tokens of each name (id, display name, aliases).
    names: Vec<Vec<String>>,
    /// Tokens and concatenations of up to three adjacent tokens of every name.
    vocab: HashSet<String>,
    /// `vocab` plus letter/digit pieces, for hint matching.
    soft: HashSet<String>,
}

/// Token index for devices, runtimes and links.
#[derive(Debug)]
pub(crate) struct TokenIndex {
    style: Style,
    entries: Vec<Entry>,
    vocab: HashSet<String>,
}

/// Hint tokens that carry too little to rank by.
fn useful_hint(t: &str) -> bool {
    t.len() >= 2 && !all_digits(t)
}

impl TokenIndex {
    fn build<T: Named>(items: &[T], style: Style) -> TokenIndex {
        let mut vocab = HashSet::new();
        let entries = items
            .iter()
            .map(|item| {
                let names: Vec<Vec<String>> = std::iter::once(item.id())
                    .chain(std::iter::once(item.display_name()))
                    .chain(item.aliases().iter().map(String::as_str))
                    .map(|n| read(n, &style).tokens)
                    .filter(|t| !t.is_empty())
                    .collect();
                let mut v = HashSet::new();
                for toks in &names {
                    for i in 0..toks.len() {
                        let mut cat = String::new();
                        for t in toks.iter().skip(i).take(3) {
                            cat.push_str(t);
                            v.insert(cat.clone());
                        }
                    }
                }
                let mut soft = v.clone();
                for t in names.iter().flatten() {
                    soft.extend(pieces(t));
                }
                vocab.extend(v.iter().cloned());
                Entry {
                    names,
                    vocab: v,
                    soft,
                }
            })
            .collect();
        TokenIndex {
            style,
            entries,
            vocab,
        }
    }

    /// Merge adjacent query tokens whose concatenation is a known token (`mi 300x` → `mi300x`).
    fn merge(&self, tokens: Vec<String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            let mut taken = 1;
            for n in [3usize, 2] {
                if i + n <= tokens.len() {
                    let parts = &tokens[i..i + n];
                    let cat: String = parts.concat();
                    if self.vocab.contains(&cat) && parts.iter().any(|p| !self.vocab.contains(p)) {
                        out.push(cat);
                        taken = n;
                        break;
                    }
                }
            }
            if taken == 1 {
                out.push(tokens[i].clone());
            }
            i += taken;
        }
        out
    }

    /// Candidates for `query`, best first, with the decision; `None` when the query names
    /// something the table does not know.
    fn rank<T: Named>(&self, query: &str, items: &[T]) -> Option<Vec<usize>> {
        let (main_text, hint_text) = split_query(query);
        let main = read(&main_text, &self.style);
        let hint = read(&hint_text, &self.style);
        let main_tokens = self.merge(main.tokens);

        let mut required: Vec<&str> = Vec::new();
        let mut hints: HashSet<String> = HashSet::new();
        let mut bare: Vec<f64> = Vec::new();
        for t in &main_tokens {
            if self.vocab.contains(t) && !(self.style.digits_are_versions && has_digit(t)) {
                required.push(t);
            } else if self.style.numbers_matter && has_digit(t) {
                if all_digits(t) {
                    bare.push(t.parse().ok()?);
                } else {
                    // An unknown model number: do not guess.
                    return None;
                }
            } else {
                hints.insert(t.clone());
            }
            hints.extend(pieces(t));
        }
        for t in self.merge(hint.tokens) {
            hints.extend(pieces(&t));
            hints.insert(t);
        }
        hints.retain(|h| useful_hint(h));
        if required.is_empty() {
            return None;
        }

        let mut cands: Vec<usize> = (0..self.entries.len())
            // A letter/digit piece counts too: `SXM` matches `SXM4`.
            .filter(|&i| required.iter().all(|t| self.entries[i].soft.contains(*t)))
            .collect();
        if cands.is_empty() {
            return None;
        }

        // A bare number in a hint may be a memory size too (`Mac M4 Max (64)`); it only ranks.
        let hint_numbers = hint_text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| self.style.numbers_matter && all_digits(t) && t.len() <= 4)
            .filter_map(|t| t.parse::<f64>().ok());
        let mems: Vec<f64> = main
            .mem_gb
            .iter()
            .chain(&hint.mem_gb)
            .copied()
            .chain(hint_numbers)
            .collect();
        filter_if_any(&mut cands, |i| {
            items[i]
                .mem_gb()
                .is_some_and(|m| mems.iter().any(|q| (q - m).abs() < 0.5))
        });
        if !bare.is_empty() {
            let fits = |i: usize| {
                items[i]
                    .mem_gb()
                    .is_some_and(|m| bare.iter().any(|q| (q - m).abs() < 0.5))
            };
            // A bare number that is neither a known token nor a memory size: unknown name.
            if !cands.iter().any(|&i| fits(i)) {
                return None;
            }
            cands.retain(|&i| fits(i));
        }
        let cores: Vec<u32> = main.cores.iter().chain(&hint.cores).copied().collect();
        filter_if_any(&mut cands, |i| {
            items[i].gpu_cores().is_some_and(|c| cores.contains(&c))
        });

        let covered: HashSet<&str> = main_tokens.iter().map(String::as_str).collect();
        let mut scored: Vec<(usize, usize, usize)> = cands
            .into_iter()
            .map(|i| {
                let e = &self.entries[i];
                let hint_hits = hints.iter().filter(|h| e.soft.contains(h.as_str())).count();
                let extras = e
                    .names
                    .iter()
                    .map(|n| uncovered(n, &covered))
                    .min()
                    .unwrap_or(usize::MAX);
                (i, hint_hits, extras)
            })
            .collect();
        scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
        let best = (scored[0].1, scored[0].2);
        let mut top: Vec<usize> = scored
            .iter()
            .take_while(|s| (s.1, s.2) == best)
            .map(|s| s.0)
            .collect();
        if let [winner] = top[..] {
            // Fewer unmentioned words wins only over refinements of the winner (`RTX 4080`
            // over `RTX 4080 SUPER`); a rival in another family that merely has a longer name
            // (`xeon`: 6980P vs Platinum 8480+) makes the name ambiguous.
            let rivals: Vec<usize> = scored[1..]
                .iter()
                .filter(|s| s.1 == best.0)
                .map(|s| s.0)
                .filter(|&c| {
                    let same_family =
                        items[c].family().is_some() && items[c].family() == items[winner].family();
                    !same_family && !self.refines(c, winner, &covered)
                })
                .collect();
            top.extend(rivals);
        }
        if top.len() > 1 {
            let fam = items[top[0]].family();
            if fam.is_some() && top.iter().all(|&i| items[i].family() == fam) {
                // Closest to the family default first: `A100 40GB` keeps the default's SXM4.
                let default_tokens: HashSet<&String> = items
                    .iter()
                    .position(|it| it.family() == fam && it.family_default())
                    .map(|d| self.entries[d].names.iter().flatten().collect())
                    .unwrap_or_default();
                let overlap = |i: usize| {
                    let own: HashSet<&String> = self.entries[i].names.iter().flatten().collect();
                    own.intersection(&default_tokens).count()
                };
                top.sort_by(|&a, &b| {
                    let (x, y) = (&items[a], &items[b]);
                    y.family_default()
                        .cmp(&x.family_default())
                        .then(overlap(b).cmp(&overlap(a)))
                        .then(y.gpu_cores().cmp(&x.gpu_cores()))
                        .then(
                            y.mem_gb()
                                .unwrap_or(0.0)
                                .total_cmp(&x.mem_gb().unwrap_or(0.0)),
                        )
                        .then(x.id().cmp(y.id()))
                });
                top.truncate(1);
            } else {
                // List one variant per family: the default when it is among them.
                let mut seen: Vec<Option<&str>> = Vec::new();
                let mut listed = Vec::new();
                for &i in &top {
                    let fam = items[i].family();
                    if fam.is_none() || !seen.contains(&fam) {
                        let pick = top
                            .iter()
                            .copied()
                            .filter(|&j| fam.is_some() && items[j].family() == fam)
                            .find(|&j| items[j].family_default())
                            .unwrap_or(i);
                        seen.push(fam);
                        listed.push(pick);
                    }
                }
                top = listed;
            }
        }
        Some(top)
    }

    /// Whether entry `c`'s names contain every token of `winner`'s best-matching name.
    fn refines(&self, c: usize, winner: usize, covered: &HashSet<&str>) -> bool {
        let w = &self.entries[winner];
        let Some(best) = w.names.iter().min_by_key(|n| uncovered(n, covered)) else {
            return true;
        };
        best.iter().all(|t| self.entries[c].soft.contains(t))
    }

    /// Entries whose vocabulary has every query word (or a word starting with it), best first.
    fn search(&self, query: &str) -> Vec<usize> {
        let r = read(query, &self.style);
        let tokens = self.merge(r.tokens);
        let mut out: Vec<(usize, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                tokens.iter().all(|t| {
                    e.vocab.contains(t) || e.soft.iter().any(|v| v.starts_with(t.as_str()))
                })
            })
            .map(|(i, e)| {
                let covered: HashSet<&str> = tokens.iter().map(String::as_str).collect();
                let extras = e
                    .names
                    .iter()
                    .map(|n| uncovered(n, &covered))
                    .min()
                    .unwrap_or(0);
                (i, extras)
            })
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        out.into_iter().map(|(i, _)| i).collect()
    }
}

fn filter_if_any(cands: &mut Vec<usize>, keep: impl Fn(usize) -> bool) {
    if cands.iter().any(|&i| keep(i)) {
        cands.retain(|&i| keep(i));
    }
}

/// Tokens of one name not covered by the query (a query token covers a run of adjacent name
/// tokens when it equals their concatenation).
fn uncovered(name: &[String], covered: &HashSet<&str>) -> usize {
    let mut hit = vec![false; name.len()];
    for i in 0..name.len() {
        let mut cat = String::new();
        for j in i..name.len().min(i + 3) {
            cat.push_str(&name[j]);
            if covered.contains(cat.as_str()) {
                hit[i..=j].iter_mut().for_each(|h| *h = true);
            }
        }
    }
    hit.iter().filter(|h| !**h).count()
}

/// Exact keys first, then tokens.
#[derive(Debug)]
pub(crate) struct Resolver {
    exact: Index,
    tokens: TokenIndex,
}

impl Resolver {
    fn build<T: Named>(items: &[T], table: &str, style: Style) -> Result<Resolver, String> {
        Ok(Resolver {
            exact: Index::build_with(items, table, normalize_key)?,
            tokens: TokenIndex::build(items, style),
        })
    }

    pub(crate) fn resolve<'a, T: Named>(
        &self,
        name: &str,
        items: &'a [T],
        suggest: bool,
    ) -> Resolution<'a, T> {
        // Bound the work on pasted junk; real names are short.
        let name: String = name.chars().take(512).collect();
        let key = normalize_key(&name);
        // A key shared by several entries (an alias on every variant of a family) goes on to
        // the token ranking, which applies the family default.
        if let Some([one]) = self.exact.exact(&key) {
            return Resolution::Found(&items[*one]);
        }
        match self.tokens.rank(&name, items) {
            Some(top) if top.len() == 1 => Resolution::Found(&items[top[0]]),
            Some(top) => Resolution::Ambiguous(top.into_iter().map(|i| &items[i]).collect()),
            // Suggestions cost a fuzzy comparison against every key: only compute them when
            // the caller will show them (not while probing word prefixes).
            None => Resolution::NotFound {
                suggestions: if suggest {
                    self.exact.suggest(&key, items)
                } else {
                    Vec::new()
                },
            },
        }
    }

    pub(crate) fn search<'a, T: Named>(&self, query: &str, items: &'a [T]) -> Vec<&'a T> {
        let query: String = query.chars().take(512).collect();
        self.tokens
            .search(&query)
            .into_iter()
            .map(|i| &items[i])
            .collect()
    }
}

#[derive(Debug)]
pub(crate) struct Indexes {
    pub devices: Resolver,
    pub models: Index,
    pub quants: Index,
    pub kv_types: Index,
    pub runtimes: Resolver,
    pub links: Resolver,
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
            devices: Resolver::build(devices, "device", DEVICE_STYLE)?,
            models: Index::build(models, "model")?,
            quants: Index::build(quants, "quant")?,
            kv_types: Index::build(kv_types, "kv")?,
            runtimes: Resolver::build(runtimes, "runtime", RUNTIME_STYLE)?,
            links: Resolver::build(links, "link", LINK_STYLE)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_extracts_memory_and_cores() {
        let r = read("Mac M2 Ultra 192GB (76-core GPU)", &DEVICE_STYLE);
        assert_eq!(r.tokens, vec!["m2", "ultra"]);
        assert_eq!(r.mem_gb, vec![192.0]);
        assert_eq!(r.cores, vec![76]);
        let r = read("M3 Ultra 32-core CPU 2x512GB 80c", &DEVICE_STYLE);
        assert_eq!(r.tokens, vec!["m3", "ultra"]);
        assert_eq!(r.mem_gb, vec![512.0]);
        assert_eq!(r.cores, vec![80]);
    }

    #[test]
    fn query_splits_main_from_hints() {
        let (m, h) = split_query("H100 80GB (form factor; PCIe), transcription");
        assert_eq!(m.trim(), "H100 80GB");
        assert!(h.contains("PCIe") && h.contains("transcription"));
    }

    #[test]
    fn pieces_split_letters_from_digits() {
        assert_eq!(pieces("rocm721"), vec!["rocm", "721"]);
        assert!(pieces("cuda").is_empty());
    }

    #[test]
    fn uncovered_counts_concatenations() {
        let name: Vec<String> = vec!["rtx".into(), "4090".into()];
        let q: HashSet<&str> = ["rtx4090"].into_iter().collect();
        assert_eq!(uncovered(&name, &q), 0);
        let q: HashSet<&str> = ["4090"].into_iter().collect();
        assert_eq!(uncovered(&name, &q), 1);
    }
}

//! Upgrade advice for a scenario without a goal: one change at a time — a second card, a faster
//! link, more host memory, a smaller quant, another runtime — each estimated with the engine,
//! and listed with its predicted gain and what it costs where the catalog knows.

use super::{Choices, quant_order_on};
use crate::estimate::Estimate;
use crate::scenario::{HostMemory, LinkSpec, Scenario};
use mlbn_catalog::Catalog;
use serde::Serialize;
use std::cmp::Ordering;

/// A change counts as a gain when decode rises by more than this share without losing the fit
/// (or the model starts to fit).
pub const MIN_GAIN: f64 = 0.02;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdviceKind {
    AddDevice,
    FasterLink,
    HostMemory,
    SmallerQuant,
    Runtime,
}

/// One change and its predicted effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    pub kind: AdviceKind,
    /// `add a second NVIDIA GeForce RTX 3090`, `use NVLink bridge (RTX 3090)`.
    pub title: String,
    pub decode_before_tok_s: f64,
    pub decode_after_tok_s: f64,
    pub fits_before: bool,
    pub fits_after: bool,
    pub ttft_before_ms: f64,
    pub ttft_after_ms: f64,
    /// Purchase cost where the catalog has a price; `Some(0)` for software changes.
    pub cost_usd: Option<f64>,
    /// Where the price comes from, or why there is none.
    pub cost_note: String,
    /// The scenario with the change applied (a front end can turn it into a fix).
    #[serde(skip)]
    pub scenario: Scenario,
}

impl Advice {
    /// Decode after / before (∞ when before was 0).
    pub fn gain(&self) -> f64 {
        if self.decode_before_tok_s > 0.0 {
            self.decode_after_tok_s / self.decode_before_tok_s
        } else if self.decode_after_tok_s > 0.0 {
            f64::INFINITY
        } else {
            1.0
        }
    }

    fn improves(&self) -> bool {
        // Never trade a fit for speed; starting to fit is a gain by itself.
        let starts_to_fit = self.fits_after && !self.fits_before;
        let keeps_fit = self.fits_after || !self.fits_before;
        keeps_fit && (starts_to_fit || self.gain() > 1.0 + MIN_GAIN)
    }
}

/// Each single change that improves `base`, cheapest first (free software changes, then by
/// known price, then unpriced); at equal cost those that fit first, then the bigger gain. Runs a bounded number of
/// estimates: one per device group, link option, alternative runtime, plus two.
pub fn advise(base: &Scenario, catalog: &Catalog, choices: &dyn Choices) -> Vec<Advice> {
    let before = crate::estimate(base);
    let mut out: Vec<Advice> = Vec::new();
    let mut push = |kind, title: String, s: Scenario, cost_usd: Option<f64>, note: String| {
        let after = crate::estimate(&s);
        out.push(advice(kind, title, &before, &after, cost_usd, note, s));
    };

    // A second card (one more device in a group).
    for (i, g) in base.groups.iter().enumerate() {
        let mut s = base.clone();
        s.groups[i].count = g.count.saturating_add(1);
        if g.count == 1 {
            // The link for the new pair is inferred by the engine.
            s.groups[i].link = None;
        }
        let price = g.device.price_usd.filter(|p| p.is_finite() && *p >= 0.0);
        let note = match (&price, &g.device.price_source, &g.device.price_date) {
            (Some(_), Some(src), Some(date)) => format!("{src}, {date}"),
            (Some(_), Some(src), None) => src.clone(),
            (Some(_), None, _) => "catalog price".to_string(),
            (None, ..) => "no price in the catalog".to_string(),
        };
        let title = if g.count == 1 {
            format!("add a second {}", g.device.name)
        } else {
            format!("add one more {} ({} in all)", g.device.name, g.count + 1)
        };
        push(AdviceKind::AddDevice, title, s, price, note);
    }

    // A faster link inside a group of several devices.
    for (i, g) in base.groups.iter().enumerate() {
        if g.count < 2 {
            continue;
        }
        let current_bw = g
            .link
            .as_ref()
            .map(|l| l.link.bw_gbps)
            .or_else(|| {
                catalog
                    .infer_group_link(&g.device, g.count)
                    .map(|l| l.link.bw_gbps)
            })
            .unwrap_or(0.0);
        for link in super::link_options(catalog, &g.device, g.count)
            .into_iter()
            .flatten()
        {
            if link.link.bw_gbps <= current_bw {
                continue;
            }
            let mut s = base.clone();
            let name = link.link.name.clone();
            s.groups[i].link = Some(LinkSpec::new(link.link, false));
            push(
                AdviceKind::FasterLink,
                format!("use {name}"),
                s,
                None,
                "no link prices in the catalog".to_string(),
            );
        }
    }

    // More host memory, where layers spill to the host.
    if let Some(off) = &before.offload
        && off.layers_on_host > 0
    {
        let mut s = base.clone();
        let mem = (base.host.mem_gb * 2.0).max(off.host_gb * 1.25).ceil();
        s.host = HostMemory::new(mem, base.host.bw_gbps);
        push(
            AdviceKind::HostMemory,
            format!("more host memory: {:.0} → {:.0} GB", base.host.mem_gb, mem),
            s,
            None,
            "no memory prices in the catalog".to_string(),
        );
    }

    // A smaller quant: the largest with fewer bits than the current one.
    let quants = quant_order_on(choices, &base.runtime, &base.groups);
    if let Some(q) = quants
        .iter()
        .find(|q| q.bits_per_weight < base.quant.bits_per_weight - 1e-9)
    {
        let mut s = base.clone();
        s.quant = q.clone();
        push(
            AdviceKind::SmallerQuant,
            format!("use {} instead of {}", q.name, base.quant.name),
            s,
            Some(0.0),
            "no purchase; lower quality".to_string(),
        );
    }

    // Another runtime, with its format closest to the current quant's bits.
    for rt in choices.alternative_runtimes(&base.groups) {
        if rt.id == base.runtime.id {
            continue;
        }
        let Some(q) = quant_order_on(choices, &rt, &base.groups)
            .into_iter()
            .min_by(|a, b| {
                let da = (a.bits_per_weight - base.quant.bits_per_weight).abs();
                let db = (b.bits_per_weight - base.quant.bits_per_weight).abs();
                da.total_cmp(&db)
            })
        else {
            continue;
        };
        let mut s = base.clone();
        s.runtime = rt.clone();
        s.quant = q.clone();
        push(
            AdviceKind::Runtime,
            format!("run {} with {}", rt.name, q.name),
            s,
            Some(0.0),
            "no purchase".to_string(),
        );
    }

    out.retain(Advice::improves);
    out.sort_by(order);
    out
}

fn advice(
    kind: AdviceKind,
    title: String,
    before: &Estimate,
    after: &Estimate,
    cost_usd: Option<f64>,
    cost_note: String,
    scenario: Scenario,
) -> Advice {
    Advice {
        kind,
        title,
        decode_before_tok_s: before.decode_tok_s,
        decode_after_tok_s: after.decode_tok_s,
        fits_before: before.fits,
        fits_after: after.fits,
        ttft_before_ms: before.ttft_ms,
        ttft_after_ms: after.ttft_ms,
        cost_usd,
        cost_note,
        scenario,
    }
}

fn order(a: &Advice, b: &Advice) -> Ordering {
    let cost = match (a.cost_usd, b.cost_usd) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    // At equal cost a change that leaves the model fitting beats one that does not (a runtime
    // that cannot offload cannot run what does not fit, whatever its speed).
    cost.then_with(|| b.fits_after.cmp(&a.fits_after))
        .then_with(|| b.gain().total_cmp(&a.gain()))
        .then_with(|| a.title.cmp(&b.title))
}

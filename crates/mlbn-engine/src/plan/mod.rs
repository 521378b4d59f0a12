//! Reverse planning: given a model, a workload and a goal (decode rate, TTFT, prefill rate,
//! power, budget), search hardware configurations, quants and runtimes for the ones that meet
//! it, and rank them. Also upgrade advice for an existing scenario ([`advise`]).
//!
//! # The search (branch and bound)
//! The space is bounded and explicit ([`space::enumerate`]): counts (1, 2, 4, 8) of one device
//! type with each sensible link, or the owned devices plus one purchase. For each hardware
//! configuration the caller ([`Choices`]) names the runtimes that run on every device and the
//! formats each loads there; the (runtime, quant) pairs are tried best quality first (most
//! bits per weight, [`menu`]); the first pair that meets the goal is the configuration's plan,
//! so every plan carries the best quality that works.
//!
//! Before the full estimate (AUTO over strategies, microseconds to a millisecond) a pair must
//! pass cheap necessary conditions ([`bounds`]): the purchase within the budget, the idle draw
//! within the power limit, the layers and their KV cache within the usable memory, the
//! decode-step floor under the decode target and the TTFT floor under the TTFT limit. Each is
//! a bound the engine can never beat, so pruning never loses a plan; `tests/plan_bounds.rs`
//! checks that over the whole space. Configurations are then estimated in the order of the
//! best rank they could reach, and skipped once they cannot enter the top `top` ([`search`]);
//! `tests/plan.rs` checks that the result is exactly what [`exhaustive`] returns. Over the
//! whole catalog a 70B or a 671B MoE target leaves some tens of estimates out of ~7000 pairs
//! (`benches/plan.rs`).

pub mod advice;
pub mod bounds;
pub mod space;

pub use advice::{Advice, AdviceKind, advise};
pub use bounds::{Bounds, bounds, bounds_with};
use bounds::{RuntimeCosts, bounds_of, collective_latency_s};
pub use space::{DEFAULT_COUNTS, Hardware, Purchase, enumerate, link_options};
use space::{Slot, slots};
use std::collections::HashMap;

use crate::estimate::{Estimate, StrategyKind};
use crate::scenario::{DeviceGroup, Scenario};
use crate::shape::ModelShape;
use mlbn_catalog::{Catalog, Device, Quant, Runtime};
use serde::Serialize;
use std::cmp::Ordering;

/// Plans returned when the caller does not say.
pub const DEFAULT_TOP: usize = 5;

/// What to rank plans by once they meet the goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefer {
    /// Lowest purchase cost (unpriced configurations last, fewest devices and lowest power
    /// first), then fastest.
    #[default]
    Cheap,
    /// Highest decode rate, then cheapest.
    Fast,
    /// Lowest average power draw, then cheapest.
    Quiet,
}

/// The goal: every limit given must hold. Rates are per stream.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Goal {
    /// Decode at least this, tok/s.
    pub decode_tok_s: Option<f64>,
    /// Prefill at least this, tok/s.
    pub prefill_tok_s: Option<f64>,
    /// Time to first token at most this, ms.
    pub ttft_ms: Option<f64>,
    /// System power in the hungrier phase (prefill or decode) at most this, W.
    pub power_w: Option<f64>,
    /// Purchase cost at most this, USD (configurations without a known price are excluded).
    pub budget_usd: Option<f64>,
    pub prefer: Prefer,
}

impl Goal {
    /// Does `est` (for hardware costing `purchase_usd`) meet every limit?
    pub fn met_by(&self, est: &Estimate, purchase_usd: Option<f64>) -> bool {
        est.fits
            && self.decode_tok_s.is_none_or(|t| est.decode_tok_s >= t)
            && self.prefill_tok_s.is_none_or(|t| est.prefill_tok_s >= t)
            && self.ttft_ms.is_none_or(|t| est.ttft_ms <= t)
            && self.power_w.is_none_or(|t| peak_power_w(est) <= t)
            && self
                .budget_usd
                .is_none_or(|b| purchase_usd.is_some_and(|p| p <= b))
    }
}

/// System power in the hungrier phase.
pub fn peak_power_w(est: &Estimate) -> f64 {
    est.power.prefill_w.max(est.power.decode_w)
}

/// What the front end decides for a configuration: which runtimes can run this hardware, and
/// which weight formats each of them loads on it. The search asks once per sequence of device
/// types (the groups' devices in order): answers must not depend on counts or links.
pub trait Choices {
    /// The usual runtime for these devices (`None`: the hardware has no runtime; skipped).
    fn runtime(&self, groups: &[DeviceGroup]) -> Option<Runtime>;
    /// Weight formats `runtime` loads; the search orders them by bits per weight.
    fn quants(&self, runtime: &Runtime) -> Vec<Quant>;
    /// Other runtimes that can run these devices (for upgrade advice).
    fn alternative_runtimes(&self, groups: &[DeviceGroup]) -> Vec<Runtime>;
    /// Runtimes the search tries for these devices, preferred first (each must run on every
    /// device). Default: the usual one.
    fn runtimes(&self, groups: &[DeviceGroup]) -> Vec<Runtime> {
        self.runtime(groups).into_iter().collect()
    }
    /// Weight formats `runtime` loads on every one of these devices. Default: [`Self::quants`].
    fn quants_on(&self, runtime: &Runtime, _groups: &[DeviceGroup]) -> Vec<Quant> {
        self.quants(runtime)
    }
}

/// One search: the scenario template (model, workload, KV type, host, power prices; its
/// groups, quant and runtime are replaced per configuration), the goal and the space.
pub struct PlanRequest<'a> {
    pub base: &'a Scenario,
    pub goal: Goal,
    pub catalog: &'a Catalog,
    /// Device types that may be bought.
    pub candidates: Vec<&'a Device>,
    pub counts: Vec<u32>,
    /// Devices already owned, with counts (`have 1x rtx4090`).
    pub have: Vec<(Device, u32)>,
    pub choices: &'a dyn Choices,
    pub top: usize,
}

impl<'a> PlanRequest<'a> {
    /// Every catalog device as a candidate, counts 1/2/4/8, nothing owned.
    pub fn new(
        base: &'a Scenario,
        goal: Goal,
        catalog: &'a Catalog,
        choices: &'a dyn Choices,
    ) -> Self {
        PlanRequest {
            base,
            goal,
            catalog,
            candidates: catalog.devices.iter().collect(),
            counts: DEFAULT_COUNTS.to_vec(),
            have: Vec::new(),
            choices,
            top: DEFAULT_TOP,
        }
    }
}

/// One configuration that meets the goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// `2x NVIDIA GeForce RTX 3090 over NVLink bridge (RTX 3090)`.
    pub hardware: String,
    pub groups: Vec<PlanGroup>,
    pub quant_id: String,
    pub quant_name: String,
    pub bits_per_weight: f64,
    pub runtime_id: String,
    pub runtime_name: String,
    pub strategy: StrategyKind,
    pub strategy_summary: String,
    pub decode_tok_s: f64,
    pub prefill_tok_s: f64,
    pub ttft_ms: f64,
    pub fits: bool,
    /// Memory used on the busiest device over its usable memory (0..1).
    pub max_memory_use: f64,
    /// Average system power over the workload, W.
    pub avg_power_w: f64,
    /// System power in the hungrier phase, W.
    pub peak_power_w: f64,
    /// Electricity per million generated tokens, USD.
    pub usd_per_mtok: f64,
    /// Electricity plus the purchase amortised (engine's default years), when priced.
    pub usd_per_mtok_with_hardware: Option<f64>,
    pub purchase: Option<Purchase>,
    /// 0 when nothing is bought; `None` when a bought device has no catalog price.
    pub purchase_usd: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanGroup {
    pub device_id: String,
    pub device_name: String,
    pub count: u32,
    /// Devices of this group already owned.
    pub owned: u32,
    pub link_id: Option<String>,
    pub link_name: Option<String>,
}

/// How much work the search did, and why configurations were dropped.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SearchStats {
    /// Hardware configurations in the space.
    pub hardware: usize,
    /// Configuration × quant pairs the bounds looked at.
    pub candidates: usize,
    /// Full estimates run.
    pub estimates: usize,
    pub pruned_budget: usize,
    pub pruned_power: usize,
    pub pruned_memory: usize,
    pub pruned_roofline: usize,
    /// Pruned by the compute floor on TTFT.
    pub pruned_compute: usize,
    pub no_runtime: usize,
    /// Configurations skipped without an estimate because they cannot enter the top `top`:
    /// their bounds rank them after the current last plan (see [`search`]).
    pub pruned_rank: usize,
    /// Configurations found to meet the goal (before dropping dominated ones and `top`; the
    /// ones skipped by rank are not counted).
    pub met: usize,
    /// Of those, how many buy a device without a known price.
    pub met_unpriced: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanReport {
    pub goal: Goal,
    /// Best first, at most `top`.
    pub plans: Vec<Plan>,
    pub stats: SearchStats,
}

/// The scenario for one configuration and quant.
pub fn configure(base: &Scenario, hw: &Hardware, quant: &Quant, runtime: &Runtime) -> Scenario {
    let mut s = base.clone();
    s.groups = hw.groups.clone();
    s.inter_group_link = None;
    s.quant = quant.clone();
    s.runtime = runtime.clone();
    s.strategy = crate::scenario::StrategyRequest::Auto;
    s.alt_quants = Vec::new();
    s.power.hardware_price_usd = hw.purchase.as_ref().and_then(|p| p.total_usd());
    s.power.catalog_hardware_price = false;
    s
}

/// Quants of `runtime` in the order the search tries them: most bits first (ties by id, so
/// the order is stable).
pub fn quant_order(choices: &dyn Choices, runtime: &Runtime) -> Vec<Quant> {
    sorted_quants(choices.quants(runtime))
}

/// Quants `runtime` loads on every device of `groups` ([`Choices::quants_on`]), in the order
/// of [`quant_order`].
pub fn quant_order_on(
    choices: &dyn Choices,
    runtime: &Runtime,
    groups: &[DeviceGroup],
) -> Vec<Quant> {
    sorted_quants(choices.quants_on(runtime, groups))
}

fn sorted_quants(quants: Vec<Quant>) -> Vec<Quant> {
    let mut q: Vec<Quant> = quants
        .into_iter()
        .filter(|q| q.bits_per_weight.is_finite() && q.bits_per_weight > 0.0)
        .collect();
    q.sort_by(|a, b| {
        b.bits_per_weight
            .total_cmp(&a.bits_per_weight)
            .then_with(|| a.id.cmp(&b.id))
    });
    q.dedup_by(|a, b| a.id == b.id);
    q
}

/// Every (runtime, quant) the search tries on `groups`, in order: most bits first, then the
/// runtime the front end prefers, then the quant id. The first pair that meets the goal is
/// the configuration's plan, so a plan carries the best quality that works.
pub fn menu(choices: &dyn Choices, groups: &[DeviceGroup]) -> Vec<(Runtime, Quant)> {
    let mut out: Vec<(usize, Runtime, Quant)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, rt) in choices.runtimes(groups).into_iter().enumerate() {
        if seen.contains(&rt.id) {
            continue;
        }
        seen.push(rt.id.clone());
        for q in sorted_quants(choices.quants_on(&rt, groups)) {
            out.push((i, rt.clone(), q));
        }
    }
    out.sort_by(|a, b| {
        b.2.bits_per_weight
            .total_cmp(&a.2.bits_per_weight)
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.2.id.cmp(&b.2.id))
    });
    out.into_iter().map(|(_, r, q)| (r, q)).collect()
}

/// What the bounds say about one configuration before any estimate.
struct Screened {
    slot: usize,
    price: Option<f64>,
    devices: u32,
    /// Indices into the configuration's menu that pass every bound, in menu order.
    tries: Vec<usize>,
    /// Upper bound on decode over `tries`.
    decode_max: f64,
    /// Lower bound on power (idle draw).
    power_min: f64,
}

/// Menus memoised per sequence of device types, over pools of runtimes and quants (with the
/// model's shape at each quant), so the search clones no record per configuration.
struct Menus<'a> {
    keys: HashMap<Vec<&'a str>, usize>,
    /// Per key: (runtime, quant) pool indices in menu order.
    menus: Vec<Vec<(usize, usize)>>,
    runtimes: Vec<Runtime>,
    quants: Vec<(Quant, ModelShape)>,
}

impl<'a> Menus<'a> {
    fn new() -> Self {
        Menus {
            keys: HashMap::new(),
            menus: Vec::new(),
            runtimes: Vec::new(),
            quants: Vec::new(),
        }
    }

    fn get(&mut self, choices: &dyn Choices, base: &Scenario, slot: &Slot<'a>) -> usize {
        let key: Vec<&'a str> = slot.groups.iter().map(|g| g.0.id.as_str()).collect();
        if let Some(&i) = self.keys.get(&key) {
            return i;
        }
        let hw = slot.hardware();
        let mut m = Vec::new();
        for (rt, q) in menu(choices, &hw.groups) {
            let r = match self.runtimes.iter().position(|x| *x == rt) {
                Some(r) => r,
                None => {
                    self.runtimes.push(rt);
                    self.runtimes.len() - 1
                }
            };
            let k = match self.quants.iter().position(|(x, _)| *x == q) {
                Some(k) => k,
                None => {
                    let shape = ModelShape::new(&base.model, &q, base.kv.as_ref());
                    self.quants.push((q, shape));
                    self.quants.len() - 1
                }
            };
            m.push((r, k));
        }
        self.menus.push(m);
        self.keys.insert(key, self.menus.len() - 1);
        self.menus.len() - 1
    }
}

/// Run the search (branch and bound).
///
/// 1. **Bound** every configuration without an estimate: the budget, then for each
///    (runtime, quant) of its [`menu`] the power, memory, decode and TTFT bounds
///    ([`bounds`]); what is left are the pairs that may meet the goal, and an upper bound on
///    the configuration's decode rate. Menus are asked once per sequence of device types.
/// 2. **Order** the configurations by the best rank each could reach for the goal's
///    [`Prefer`]: by price (`cheap`; unpriced by device count and idle draw), by the decode
///    bound (`fast`), by idle draw (`quiet`).
/// 3. **Branch**: estimate a configuration's pairs best quality first until one meets the
///    goal; but once `top` undominated plans are known, skip a configuration whose bounds rank
///    it strictly after the last of them. Such a configuration can neither enter the list nor
///    dominate a plan in it (dominating needs a price no higher and a decode rate no lower),
///    and plans found later only move that last plan forward, so the result is the one an
///    exhaustive search ([`exhaustive`]) returns. `quiet` ranks by average power, which
///    dominance does not look at, so it skips nothing by rank.
pub fn search(req: &PlanRequest) -> PlanReport {
    let mut stats = SearchStats::default();
    let space = slots(req.catalog, &req.candidates, &req.counts, &req.have);
    stats.hardware = space.len();
    let goal = req.goal;
    let top = req.top.max(1);
    let mut menus = Menus::new();
    let mut menu_of = Vec::with_capacity(space.len());
    let mut screened: Vec<Screened> = Vec::new();
    let mut costs: Vec<RuntimeCosts> = Vec::new();
    for (i, slot) in space.iter().enumerate() {
        let m = menus.get(req.choices, req.base, slot);
        menu_of.push(m);
        let price = slot.purchase_usd();
        if let Some(b) = goal.budget_usd
            && price.is_none_or(|p| p > b)
        {
            stats.pruned_budget += 1;
            continue;
        }
        if menus.menus[m].is_empty() {
            stats.no_runtime += 1;
            continue;
        }
        while costs.len() < menus.runtimes.len() {
            costs.push(RuntimeCosts::new(&menus.runtimes[costs.len()]));
        }
        let latency_s = collective_latency_s(slot.groups.iter().map(|g| (g.1, g.2.as_ref())), None);
        let mut tries = Vec::new();
        let mut decode_max: f64 = 0.0;
        let mut power_min = 0.0;
        let mut power_out = false;
        for (k, &(r, q)) in menus.menus[m].iter().enumerate() {
            stats.candidates += 1;
            let (quant, shape) = &menus.quants[q];
            let b = bounds_of(
                req.base,
                slot.groups.iter().map(|g| (g.0, g.1, None)),
                quant,
                &costs[r],
                shape,
                latency_s,
            );
            power_min = b.power_w_min;
            if goal.power_w.is_some_and(|p| b.power_w_min > p) {
                // Idle draw depends on the devices only: nothing on this hardware meets it.
                stats.pruned_power += 1;
                power_out = true;
                break;
            }
            if !b.may_fit() {
                stats.pruned_memory += 1;
                continue;
            }
            if goal.decode_tok_s.is_some_and(|t| b.decode_tok_s_max < t) {
                stats.pruned_roofline += 1;
                continue;
            }
            if goal.ttft_ms.is_some_and(|t| b.ttft_ms_min > t) {
                stats.pruned_compute += 1;
                continue;
            }
            decode_max = decode_max.max(b.decode_tok_s_max);
            tries.push(k);
        }
        if power_out || tries.is_empty() {
            continue;
        }
        screened.push(Screened {
            slot: i,
            price,
            devices: slot.devices(),
            tries,
            decode_max,
            power_min,
        });
    }
    screened.sort_by(|a, b| order(goal.prefer, a, b));

    let mut found: Vec<Plan> = Vec::new();
    let mut kept: Vec<Plan> = Vec::new();
    for c in &screened {
        if kept.len() >= top && after(goal.prefer, c, &kept[top - 1]) {
            stats.pruned_rank += 1;
            continue;
        }
        let hw = space[c.slot].hardware();
        let pairs = &menus.menus[menu_of[c.slot]];
        let mut s: Option<Scenario> = None;
        for &k in &c.tries {
            let (r, q) = pairs[k];
            let (rt, (quant, _)) = (&menus.runtimes[r], &menus.quants[q]);
            let s = match &mut s {
                Some(s) => {
                    if s.quant.id != quant.id {
                        s.quant = quant.clone();
                    }
                    if s.runtime.id != rt.id {
                        s.runtime = rt.clone();
                    }
                    s
                }
                None => s.insert(configure(req.base, &hw, quant, rt)),
            };
            stats.estimates += 1;
            let est = crate::estimate(s);
            if goal.met_by(&est, c.price) {
                stats.met += 1;
                if c.price.is_none() {
                    stats.met_unpriced += 1;
                }
                found.push(plan_of(&hw, quant, rt, &est));
                found.sort_by(|a, b| rank(goal.prefer, a, b));
                kept = undominated(found.clone());
                break;
            }
        }
    }
    kept.truncate(top);
    PlanReport {
        goal,
        plans: kept,
        stats,
    }
}

/// The search without any pruning: every (runtime, quant) of every configuration is
/// estimated. The reference [`search`] must agree with (tests); slow on the whole catalog.
pub fn exhaustive(req: &PlanRequest) -> PlanReport {
    let mut stats = SearchStats::default();
    let space = enumerate(req.catalog, &req.candidates, &req.counts, &req.have);
    stats.hardware = space.len();
    let goal = req.goal;
    let mut plans = Vec::new();
    for hw in &space {
        let price = hw.purchase_usd();
        let pairs = menu(req.choices, &hw.groups);
        if pairs.is_empty() {
            stats.no_runtime += 1;
        }
        let mut best: Option<Plan> = None;
        for (rt, q) in &pairs {
            stats.candidates += 1;
            stats.estimates += 1;
            let est = crate::estimate(&configure(req.base, hw, q, rt));
            if best.is_none() && goal.met_by(&est, price) {
                best = Some(plan_of(hw, q, rt, &est));
            }
        }
        if let Some(p) = best {
            stats.met += 1;
            if price.is_none() {
                stats.met_unpriced += 1;
            }
            plans.push(p);
        }
    }
    plans.sort_by(|a, b| rank(goal.prefer, a, b));
    let mut plans = undominated(plans);
    plans.truncate(req.top.max(1));
    PlanReport { goal, plans, stats }
}

/// Order in which the search estimates configurations: the best rank each could reach.
fn order(prefer: Prefer, a: &Screened, b: &Screened) -> Ordering {
    let first = match prefer {
        Prefer::Cheap => match (a.price, b.price) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a
                .devices
                .cmp(&b.devices)
                .then_with(|| a.power_min.total_cmp(&b.power_min)),
        }
        .then_with(|| b.decode_max.total_cmp(&a.decode_max)),
        Prefer::Fast => b.decode_max.total_cmp(&a.decode_max),
        Prefer::Quiet => a.power_min.total_cmp(&b.power_min),
    };
    first.then_with(|| a.slot.cmp(&b.slot))
}

/// True when every plan `c` could give ranks strictly after `last` (see [`rank`]) and cannot
/// dominate any plan ranked before `last` (see [`undominated`]).
fn after(prefer: Prefer, c: &Screened, last: &Plan) -> bool {
    match prefer {
        Prefer::Cheap => match (c.price, last.purchase_usd) {
            (Some(x), Some(y)) => x > y || (x == y && c.decode_max < last.decode_tok_s),
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (None, None) => {
                let n_last: u32 = last.groups.iter().map(|g| g.count).sum();
                c.devices > n_last || (c.devices == n_last && c.power_min > last.peak_power_w)
            }
        },
        Prefer::Fast => c.decode_max < last.decode_tok_s,
        Prefer::Quiet => false,
    }
}

/// Drop plans another plan beats on everything: no dearer (a known lower-or-equal price, or
/// for unpriced hardware the same device types and no more devices), no slower in decode, no
/// worse in TTFT, peak power and quant bits. Buying 8 cards that AUTO runs as data-parallel
/// replicas at the speed of 2 is never a useful suggestion. Keeps the ranked order.
pub fn undominated(plans: Vec<Plan>) -> Vec<Plan> {
    let devices = |p: &Plan| -> (Vec<String>, u32) {
        let mut ids: Vec<String> = p.groups.iter().map(|g| g.device_id.clone()).collect();
        ids.sort();
        ids.dedup();
        (ids, p.groups.iter().map(|g| g.count).sum())
    };
    let no_dearer = |a: &Plan, b: &Plan| match (a.purchase_usd, b.purchase_usd) {
        (Some(x), Some(y)) => x <= y,
        (None, None) => {
            let (ia, na) = devices(a);
            let (ib, nb) = devices(b);
            ia == ib && na <= nb
        }
        _ => false,
    };
    let dominates = |a: &Plan, b: &Plan| {
        no_dearer(a, b)
            && a.decode_tok_s >= b.decode_tok_s
            && a.ttft_ms <= b.ttft_ms
            && a.peak_power_w <= b.peak_power_w
            && a.bits_per_weight >= b.bits_per_weight
    };
    let keep: Vec<bool> = plans
        .iter()
        .enumerate()
        .map(|(i, b)| {
            !plans.iter().enumerate().any(|(j, a)| {
                // Of two identical plans keep the first.
                j != i && dominates(a, b) && (j < i || !dominates(b, a))
            })
        })
        .collect();
    plans
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Order of plans for `prefer`; always total (ties end on the hardware label).
pub fn rank(prefer: Prefer, a: &Plan, b: &Plan) -> Ordering {
    // Unpriced hardware ranks after priced, fewer devices and lower board power first (a
    // rough stand-in for cost).
    let devices = |p: &Plan| p.groups.iter().map(|g| g.count).sum::<u32>();
    let cheap = |a: &Plan, b: &Plan| match (a.purchase_usd, b.purchase_usd) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => devices(a)
            .cmp(&devices(b))
            .then_with(|| a.peak_power_w.total_cmp(&b.peak_power_w)),
    };
    let fast = |a: &Plan, b: &Plan| b.decode_tok_s.total_cmp(&a.decode_tok_s);
    let quiet = |a: &Plan, b: &Plan| a.avg_power_w.total_cmp(&b.avg_power_w);
    let first = match prefer {
        Prefer::Cheap => cheap(a, b).then_with(|| fast(a, b)),
        Prefer::Fast => fast(a, b).then_with(|| cheap(a, b)),
        Prefer::Quiet => quiet(a, b).then_with(|| cheap(a, b)),
    };
    first
        .then_with(|| b.bits_per_weight.total_cmp(&a.bits_per_weight))
        .then_with(|| a.hardware.cmp(&b.hardware))
}

fn plan_of(hw: &Hardware, quant: &Quant, runtime: &Runtime, est: &Estimate) -> Plan {
    let groups = hw
        .groups
        .iter()
        .zip(&hw.owned)
        .map(|(g, owned)| PlanGroup {
            device_id: g.device.id.clone(),
            device_name: g.device.name.clone(),
            count: g.count,
            owned: *owned,
            link_id: g.link.as_ref().map(|l| l.link.id.clone()),
            link_name: g.link.as_ref().map(|l| l.link.name.clone()),
        })
        .collect();
    let max_memory_use = est
        .memory
        .iter()
        .filter(|m| m.usable_gb > 0.0)
        .map(|m| m.total_gb / m.usable_gb)
        .fold(0.0, f64::max);
    Plan {
        hardware: hw.label(),
        groups,
        quant_id: quant.id.clone(),
        quant_name: quant.name.clone(),
        bits_per_weight: quant.bits_per_weight,
        runtime_id: runtime.id.clone(),
        runtime_name: runtime.name.clone(),
        strategy: est.strategy.kind,
        strategy_summary: est.strategy.summary.clone(),
        decode_tok_s: est.decode_tok_s,
        prefill_tok_s: est.prefill_tok_s,
        ttft_ms: est.ttft_ms,
        fits: est.fits,
        max_memory_use,
        avg_power_w: est.power.avg_w,
        peak_power_w: peak_power_w(est),
        usd_per_mtok: est.power.decode.usd_per_mtok,
        usd_per_mtok_with_hardware: est.power.decode.usd_per_mtok_with_hardware,
        purchase: hw.purchase.clone(),
        purchase_usd: hw.purchase_usd(),
    }
}

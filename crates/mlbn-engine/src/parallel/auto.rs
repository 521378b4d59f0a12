//! AUTO: enumerate every valid strategy and degree, cost each, rank, explain.
//!
//! # Why this stays fast for many devices
//! AUTO never enumerates assignments of devices to roles. Devices are taken in the order
//! written and grouped into classes of identical devices; candidates are (a) each class
//! alone, (b) a pipeline over all devices (layer split by water-filling, linear in devices),
//! (c) every factorisation `tp × pp × dp = n` of the device count — the number of divisor
//! triples of `n` (28 for 64 devices), (d) expert / sequence / context parallel at degree n,
//! and (e) one phase-split cut per boundary between classes ranked by compute-to-bandwidth.
//! Each candidate costs O(devices × stages) arithmetic, so AUTO is polynomial (about
//! O(d(n)³ · n) with d(n) the divisor count); 64 devices stays interactive (see
//! `benches/auto.rs`).
//!
//! # Ranking
//! Candidates that fit beat those that overflow (host offload); invalid ones (rules below)
//! are listed with their reason and never win. Among the rest: system decode rate (aggregate
//! tok/s at the workload's batch) first — rates within [`TIE_TOLERANCE`] count as a tie —
//! then memory headroom (at least [`HEADROOM_COMFORT`] free beats tighter), then TTFT, then
//! the larger headroom. With `optimize ttft`, TTFT comes first and decode rate breaks ties.
//!
//! Validity: tensor needs 2+ devices and a runtime that implements it, and a degree that
//! divides the attention heads; hybrids need 4+ devices; expert needs a MoE model; sequence
//! parallel needs a prompt over 4k tokens and context parallel over 8k; phase split needs
//! device classes of different compute-to-bandwidth balance; a layout whose runtime cannot
//! offload must fit.

use super::layout::{self, Layout};
use super::phase_split;
use super::{Cx, SLOW_LINK_SHARE, headroom_fraction};
use crate::engine::{Core, core};
use crate::estimate::*;
use crate::scenario::{LinkSpec, Objective, Scenario, StrategyRequest};
use mlbn_catalog::{Catalog, LinkKind};
use serde::Serialize;

/// Sequence parallel is only considered for prompts longer than this (tokens).
pub const SEQUENCE_MIN_PROMPT: u64 = 4096;
/// Context parallel is only considered for prompts longer than this (tokens).
pub const CONTEXT_MIN_PROMPT: u64 = 8192;
/// Relative difference in the objective below which two candidates tie.
pub const TIE_TOLERANCE: f64 = 0.01;
/// Share of usable memory left free that counts as comfortable headroom.
pub const HEADROOM_COMFORT: f64 = 0.10;

/// One strategy AUTO considered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutoCandidate {
    /// `tensor tp=8`, `tp=4 pp=2`, `pipeline`, `single rtx-4090`, `phase split`, ...
    pub label: String,
    pub kind: StrategyKind,
    /// What to write to force it (the fix AUTO proposes).
    pub request: StrategyRequest,
    pub tp: u32,
    pub pp: u32,
    pub dp: u32,
    /// Rank among valid candidates (1 = winner); `None` when disqualified.
    pub rank: Option<u32>,
    /// Why it cannot be used, when it cannot.
    pub disqualified: Option<String>,
    pub fits: bool,
    /// Aggregate decode tok/s at the workload's batch (the primary score).
    pub system_decode_tok_s: f64,
    /// Single-stream decode tok/s.
    pub decode_tok_s: f64,
    pub prefill_tok_s: f64,
    pub ttft_ms: f64,
    pub total_s: f64,
    /// Smallest share of usable memory left free on a used device (negative: overflow).
    pub headroom_fraction: f64,
}

/// AUTO's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutoReport {
    pub objective: Objective,
    pub winner: String,
    /// One sentence: why the winner.
    pub reason: String,
    /// Valid candidates by rank, then disqualified ones.
    pub candidates: Vec<AutoCandidate>,
    /// Classes of identical devices AUTO enumerated over.
    pub device_classes: u32,
}

struct Cand {
    label: String,
    kind: StrategyKind,
    request: StrategyRequest,
    tp: u32,
    pp: u32,
    dp: u32,
    core: Option<Core>,
    disq: Option<String>,
    layout: Option<Layout>,
}

pub(crate) fn tensor_layout(tp: u32, pp: u32, dp: u32, sp: bool) -> Layout {
    let (kind, label, request) = if sp {
        (
            StrategyKind::Sequence,
            format!("sequence sp={tp}"),
            StrategyRequest::Sequence,
        )
    } else if tp >= 2 && pp == 1 && dp == 1 {
        (
            StrategyKind::Tensor,
            format!("tensor tp={tp}"),
            StrategyRequest::Tensor,
        )
    } else if tp == 1 && dp == 1 {
        (
            StrategyKind::Pipeline,
            format!("pipeline pp={pp}"),
            StrategyRequest::Pipeline,
        )
    } else if tp == 1 && pp == 1 {
        (
            StrategyKind::Data,
            format!("data dp={dp}"),
            StrategyRequest::Data,
        )
    } else if tp == 1 {
        (
            StrategyKind::Data,
            format!("dp={dp} pp={pp}"),
            StrategyRequest::Hybrid { tp, pp },
        )
    } else {
        let mut l = format!("tp={tp} pp={pp}");
        if dp > 1 {
            l = if pp == 1 {
                format!("tp={tp} dp={dp}")
            } else {
                format!("{l} dp={dp}")
            };
        }
        (StrategyKind::Hybrid, l, StrategyRequest::Hybrid { tp, pp })
    };
    Layout {
        kind,
        request,
        label,
        tp,
        pp,
        dp,
        expert: false,
        cp: 1,
        sp,
    }
}

pub(crate) fn expert_layout(n: u32) -> Layout {
    Layout {
        kind: StrategyKind::Expert,
        request: StrategyRequest::Expert,
        label: format!("expert ep={n}"),
        tp: n,
        pp: 1,
        dp: 1,
        expert: true,
        cp: 1,
        sp: false,
    }
}

pub(crate) fn context_layout(n: u32) -> Layout {
    Layout {
        kind: StrategyKind::Context,
        request: StrategyRequest::Context,
        label: format!("context cp={n}"),
        tp: 1,
        pp: 1,
        dp: 1,
        expert: false,
        cp: n,
        sp: false,
    }
}

fn runtime_has(s: &Scenario, what: &str) -> bool {
    s.runtime.strategies.is_empty()
        || s.runtime
            .strategies
            .iter()
            .any(|x| x.eq_ignore_ascii_case(what))
}

/// A TP degree is valid when it divides the attention heads, and the KV heads either split
/// evenly or are replicated a whole number of times.
pub fn tp_valid(heads: u32, kv_heads: u32, tp: u32) -> bool {
    let kv = kv_heads.max(1);
    tp <= 1 || (heads % tp == 0 && (kv % tp == 0 || tp % kv == 0))
}

/// The valid degree nearest to `tp` (ties to the smaller), at most `max`.
pub fn nearest_valid_tp(heads: u32, kv_heads: u32, tp: u32, max: u32) -> u32 {
    (1..=max.max(1))
        .filter(|&t| tp_valid(heads, kv_heads, t))
        .min_by_key(|&t| (t.abs_diff(tp), t))
        .unwrap_or(1)
}

pub(crate) fn tp_divisor_finding(cx: &Cx, lay: &Layout) -> Option<Finding> {
    let (h, kv) = (cx.s.model.heads, cx.s.model.kv_heads);
    if lay.tp < 2 || tp_valid(h, kv, lay.tp) {
        return None;
    }
    let n = cx.devs.len() as u32;
    let good = nearest_valid_tp(h, kv, lay.tp, lay.tp.max(n));
    let mut f = Finding::new(
        Severity::Warning,
        FindingCode::TpDegreeNotDivisor,
        Subject::Strategy,
        format!(
            "tp={} does not divide {}'s {} attention heads / {} KV heads evenly: shards are uneven (the largest binds) and vLLM-style runtimes refuse it; tp={good} divides them",
            lay.tp, cx.s.model.name, h, kv
        ),
    );
    let pp = (n / good.max(1)).max(1);
    let alt = tensor_layout(good, if lay.pp > 1 { pp } else { 1 }, 1, false);
    let (c, _) = layout::evaluate(cx, &alt);
    f.fixes.push(SuggestedFix {
        kind: FixKind::SetDegrees {
            tp: good,
            pp: alt.pp,
        },
        title: format!(
            "Use tp={good}{}",
            if alt.pp > 1 {
                format!(" pp={}", alt.pp)
            } else {
                String::new()
            }
        ),
        effect: format!("even shards; decode ~{:.1} tok/s", c.est.decode_tok_s),
    });
    Some(f)
}

/// A faster link the devices of the tensor group could use (NVLink for NVIDIA cards that
/// list it, Thunderbolt 5 RDMA for Macs that list it), if any.
fn faster_link(cx: &Cx, members: &[usize]) -> Option<(mlbn_catalog::Link, Option<usize>)> {
    let cat = Catalog::builtin();
    let g = cx.devs[members[0]].r.group;
    let same_group = members.iter().all(|&i| cx.devs[i].r.group == g);
    let current = cx.link_among(members);
    let mut groups: Vec<usize> = members.iter().map(|&i| cx.devs[i].r.group).collect();
    groups.dedup();
    let dev = &cx.s.groups[g].device;
    let lookup = |id: &str| {
        cat.link_by_id(id)
            .cloned()
            .unwrap_or_else(|| mlbn_catalog::standard_link(id))
    };
    let mut best: Option<mlbn_catalog::Link> = None;
    // Only links every device involved lists; between boxes only network links.
    for id in &dev.interconnects {
        let listed_by_all = groups.iter().all(|&gi| {
            cx.s.groups[gi]
                .device
                .interconnects
                .iter()
                .any(|x| x.eq_ignore_ascii_case(id))
        });
        let l = lookup(id);
        let box_ok = same_group
            || !matches!(
                l.kind,
                LinkKind::Pcie | LinkKind::Nvlink | LinkKind::Nvswitch | LinkKind::Local
            );
        if listed_by_all
            && box_ok
            && l.id.eq_ignore_ascii_case(id)
            && l.bw_gbps * 1e9 > current.bw * 1.5
            && best.as_ref().is_none_or(|b| l.bw_gbps > b.bw_gbps)
        {
            best = Some(l);
        }
    }
    if best.is_none() && same_group && dev.vendor.eq_ignore_ascii_case("nvidia") {
        // Datacenter parts whose link was written slower can take their NVLink.
        let d = cat.infer_group_link(dev, 2).map(|l| l.link);
        if let Some(l) = d.filter(|l| {
            matches!(l.kind, LinkKind::Nvlink | LinkKind::Nvswitch)
                && l.bw_gbps * 1e9 > current.bw * 1.5
        }) {
            best = Some(l);
        }
    }
    best.map(|l| (l, if same_group { Some(g) } else { None }))
}

fn with_link(s: &Scenario, link: &mlbn_catalog::Link, group: Option<usize>) -> Scenario {
    let mut alt = s.clone();
    match group {
        Some(g) => alt.groups[g].link = Some(LinkSpec::new(link.clone(), false)),
        None => alt.inter_group_link = Some(LinkSpec::new(link.clone(), false)),
    }
    alt.alt_quants.clear();
    alt
}

/// One layout evaluated with `link` in place of the current one (group `group`, or between
/// groups). Never runs AUTO, so link advice cannot recurse.
fn evaluate_with_link(
    cx: &Cx,
    lay: &Layout,
    link: &mlbn_catalog::Link,
    group: Option<usize>,
) -> Core {
    let alt = with_link(cx.s, link, group);
    let devs = crate::engine::devices(&alt, cx.profile);
    let acx = Cx::new(&alt, &devs, cx.shape, cx.profile);
    layout::evaluate(&acx, lay).0
}

pub(crate) fn slow_link_finding(cx: &Cx, lay: &Layout, c: &Core, findings: &mut Vec<Finding>) {
    let d = &c.est.decode;
    if lay.tp < 2 || lay.cp > 1 || d.total_ms <= 0.0 || d.link_ms / d.total_ms <= SLOW_LINK_SHARE {
        return;
    }
    let members: Vec<usize> = (0..lay.tp as usize).collect();
    let link = cx.link_name_among(&members);
    let mut f = Finding::new(
        Severity::Warning,
        FindingCode::SlowLinkForTensor,
        Subject::Link {
            group: Some(cx.devs[0].r.group).filter(|_| cx.s.groups.len() == 1),
        },
        format!(
            "collectives over {link} take {:.1} of {:.1} ms per token ({:.0}%): tensor parallel is link-bound at {:.1} tok/s",
            d.link_ms,
            d.total_ms,
            100.0 * d.link_ms / d.total_ms,
            c.est.decode_tok_s
        ),
    );
    if let Some((l, g)) = faster_link(cx, &members) {
        // The same layout over the faster link: evaluating it directly (not a whole
        // `estimate`, whose AUTO would look for links again) keeps this from recursing.
        let after = evaluate_with_link(cx, lay, &l, g).est.decode_tok_s;
        if after > c.est.decode_tok_s * 1.05 {
            f.fixes.push(SuggestedFix {
                kind: FixKind::UseLink {
                    link_id: l.id.clone(),
                    group: g,
                },
                title: format!("Add {}", l.name),
                effect: format!(
                    "{:.1} tok/s instead of {:.1} ({:.1}x)",
                    after,
                    c.est.decode_tok_s,
                    after / c.est.decode_tok_s.max(1e-9)
                ),
            });
        }
    }
    let mut alt = cx.s.clone();
    alt.strategy = StrategyRequest::Pipeline;
    alt.alt_quants.clear();
    let r = core(&alt, &mut Vec::new());
    f.fixes.push(SuggestedFix {
        kind: FixKind::SetStrategy {
            strategy: StrategyRequest::Pipeline,
        },
        title: "Use pipeline (layer split)".to_string(),
        effect: format!(
            "one activation hop per stage instead of 2 all-reduces per layer: {:.1} tok/s",
            r.est.decode_tok_s
        ),
    });
    findings.push(f);
}

fn divisors(n: u32) -> Vec<u32> {
    (1..=n).filter(|d| n % d == 0).collect()
}

fn enumerate(cx: &Cx) -> Vec<Cand> {
    let s = cx.s;
    let n = cx.devs.len() as u32;
    let mut out = Vec::new();
    let (h, kvh) = (s.model.heads, s.model.kv_heads);

    // Each class of identical devices alone (no parallelism).
    let singles = phase_split::singles(s);
    for (g, c) in singles.iter().cloned() {
        out.push(Cand {
            label: format!("single {}", s.groups[g].device.id),
            kind: StrategyKind::Single,
            request: StrategyRequest::Pipeline,
            tp: 1,
            pp: 1,
            dp: 1,
            core: Some(c),
            disq: None,
            layout: None,
        });
    }
    // Pipeline over everything (the engine's, with host offload where the runtime can).
    let mut pipe = s.clone();
    pipe.strategy = StrategyRequest::Pipeline;
    pipe.alt_quants.clear();
    if cx.one_shot {
        out.push(cand_from(tensor_layout(1, n, 1, false), None));
    } else {
        out.push(Cand {
            label: format!("pipeline pp={n}"),
            kind: StrategyKind::Pipeline,
            request: StrategyRequest::Pipeline,
            tp: 1,
            pp: n,
            dp: 1,
            core: Some(core(&pipe, &mut Vec::new())),
            disq: None,
            layout: None,
        });
    }
    // Every factorisation tp x pp x dp = n.
    for tp in divisors(n) {
        for pp in divisors(n / tp) {
            let dp = n / tp / pp;
            if tp == 1 && dp == 1 {
                continue;
            }
            let lay = tensor_layout(tp, pp, dp, false);
            let mut disq = None;
            if tp >= 2 && !runtime_has(s, "tensor") {
                disq = Some(format!(
                    "{} does not implement tensor parallel",
                    s.runtime.name
                ));
            } else if tp >= 2 && !tp_valid(h, kvh, tp) {
                disq = Some(format!(
                    "tp={tp} does not divide {h} attention heads / {kvh} KV heads (nearest valid tp={})",
                    nearest_valid_tp(h, kvh, tp, n)
                ));
            } else if (tp >= 2 && (pp >= 2 || dp >= 2)) && n < 4 {
                disq = Some("hybrids need 4 or more devices".to_string());
            }
            out.push(cand_from(lay, disq));
        }
    }
    // Expert parallel (MoE only).
    let ex = expert_layout(n);
    let disq = if cx.shape.experts <= 1.0 {
        Some(format!(
            "{} is dense: expert parallel needs a MoE model",
            s.model.name
        ))
    } else if !tp_valid(h, kvh, n) {
        Some(format!(
            "attention split {n} ways does not divide {h} heads"
        ))
    } else {
        None
    };
    out.push(cand_from(ex, disq));
    // Sequence and context parallel (long prompts only).
    let p = s.workload.prompt_tokens;
    let disq = if p <= SEQUENCE_MIN_PROMPT {
        Some(format!(
            "prompt of {p} tokens: sequence parallel only helps above {SEQUENCE_MIN_PROMPT}"
        ))
    } else if !runtime_has(s, "tensor") {
        Some(format!(
            "{} does not implement tensor parallel",
            s.runtime.name
        ))
    } else if !tp_valid(h, kvh, n) {
        Some(format!("tp={n} does not divide {h} attention heads"))
    } else {
        None
    };
    out.push(cand_from(tensor_layout(n, 1, 1, true), disq));
    let disq = if p <= CONTEXT_MIN_PROMPT {
        Some(format!(
            "prompt of {p} tokens: context parallel only helps above {CONTEXT_MIN_PROMPT}"
        ))
    } else {
        None
    };
    out.push(cand_from(context_layout(n), disq));
    // Phase split (mixed clusters).
    match phase_split::run_with(cx, &singles) {
        Ok(c) => out.push(Cand {
            label: "phase split".to_string(),
            kind: StrategyKind::PhaseSplit,
            request: StrategyRequest::PhaseSplit,
            tp: 1,
            pp: 1,
            dp: 1,
            core: Some(c),
            disq: None,
            layout: None,
        }),
        Err(why) => out.push(Cand {
            label: "phase split".to_string(),
            kind: StrategyKind::PhaseSplit,
            request: StrategyRequest::PhaseSplit,
            tp: 1,
            pp: 1,
            dp: 1,
            core: None,
            disq: Some(why),
            layout: None,
        }),
    }
    // Evaluate the layouts that are valid by the rules; those that cannot fit (their
    // runtimes do not offload) are disqualified with the numbers.
    for c in &mut out {
        if c.core.is_none() && c.disq.is_none() {
            if let Some(l) = &c.layout {
                let (core, unfit) = layout::evaluate_with(cx, l, false);
                c.disq = unfit;
                c.core = Some(core);
            }
        }
    }
    // Pipeline/single that overflow without a runtime that offloads cannot run either.
    for c in &mut out {
        if let Some(core) = &c.core {
            if !core.est.fits && c.disq.is_none() {
                let can_offload = core.offload_capable
                    && core.est.offload.as_ref().is_some_and(|o| !o.host_overflow);
                if !can_offload {
                    c.disq = Some(format!(
                        "does not fit: needs {:.1} GB, {:.1} GB usable{}",
                        core.need_bytes / 1e9,
                        core.usable_bytes / 1e9,
                        if core.offload_capable {
                            " and host memory is too small"
                        } else {
                            " and the runtime cannot offload"
                        }
                    ));
                }
            }
        }
    }
    out
}

fn cand_from(lay: Layout, disq: Option<String>) -> Cand {
    Cand {
        label: lay.label.clone(),
        kind: lay.kind,
        request: lay.request,
        tp: lay.tp,
        pp: lay.pp,
        dp: lay.dp.max(lay.cp),
        core: None,
        disq,
        layout: Some(lay),
    }
}

/// Primary objective value (higher is better).
fn primary(obj: Objective, e: &Estimate) -> f64 {
    match obj {
        Objective::Ttft => 1.0 / e.ttft_ms.max(1e-9),
        _ => e.batch.aggregate_decode_tok_s,
    }
}

/// Tie-breakers among candidates within the tolerance of the best primary value: comfortable
/// headroom, then the secondary objective (TTFT, or decode rate under `optimize ttft`), then
/// the larger headroom. Compared lexicographically (all finite).
fn tie_key(obj: Objective, e: &Estimate) -> (u8, f64, f64) {
    let h = headroom_fraction(e);
    let secondary = match obj {
        Objective::Ttft => e.batch.aggregate_decode_tok_s,
        _ => 1.0 / e.ttft_ms.max(1e-9),
    };
    let fin = |x: f64| if x.is_finite() { x } else { 0.0 };
    (u8::from(h >= HEADROOM_COMFORT), fin(secondary), fin(h))
}

fn reason(obj: Objective, win: &Cand, we: &Estimate, runner: Option<(&Cand, &Estimate)>) -> String {
    let what = match obj {
        Objective::Ttft => format!("TTFT {:.0} ms", we.ttft_ms),
        _ => format!("{:.1} tok/s system decode", we.batch.aggregate_decode_tok_s),
    };
    let fit = if we.fits {
        "fits"
    } else {
        "overflows to host memory (nothing fits)"
    };
    match runner {
        Some((rc, re)) => {
            let (pw, pr) = (primary(obj, we), primary(obj, re));
            let cmp = if pw > pr * (1.0 + TIE_TOLERANCE) {
                format!(
                    "{:.2}x the next best, {} ({})",
                    pw / pr.max(1e-12),
                    rc.label,
                    short(obj, re)
                )
            } else if headroom_fraction(we) >= HEADROOM_COMFORT
                && headroom_fraction(re) < HEADROOM_COMFORT
            {
                format!(
                    "ties with {} but keeps {:.0}% of memory free",
                    rc.label,
                    100.0 * headroom_fraction(we)
                )
            } else {
                format!(
                    "ties with {} on decode and wins on TTFT ({:.0} vs {:.0} ms)",
                    rc.label, we.ttft_ms, re.ttft_ms
                )
            };
            format!("{} wins: {what}, {fit}, {cmp}", win.label)
        }
        None => format!(
            "{} wins: {what}, {fit}; it is the only usable candidate",
            win.label
        ),
    }
}

fn short(obj: Objective, e: &Estimate) -> String {
    match obj {
        Objective::Ttft => format!("{:.0} ms", e.ttft_ms),
        _ => format!("{:.1} tok/s", e.batch.aggregate_decode_tok_s),
    }
}

/// Run AUTO: the winner's core result, with the report attached and findings added.
pub(crate) fn run(cx: &Cx, findings: &mut Vec<Finding>) -> Core {
    let obj = cx.s.objective;
    let mut cands = enumerate(cx);
    // Rank the valid ones: fitting first, then the primary objective (a total order, so
    // sorting never misbehaves); the winner is chosen among those within the tie tolerance of
    // the best by the tie-breakers, and moved to the front.
    fn est(i: usize, c: &[Cand]) -> Option<&Estimate> {
        c[i].core.as_ref().map(|x| &x.est)
    }
    let mut valid: Vec<usize> = (0..cands.len())
        .filter(|&i| cands[i].disq.is_none() && cands[i].core.is_some())
        .collect();
    valid.sort_by(|&a, &b| match (est(a, &cands), est(b, &cands)) {
        (Some(ea), Some(eb)) => eb
            .fits
            .cmp(&ea.fits)
            .then(primary(obj, eb).total_cmp(&primary(obj, ea))),
        _ => std::cmp::Ordering::Equal,
    });
    if let Some(top) = valid.first().and_then(|&i| est(i, &cands)) {
        let (fits, best) = (top.fits, primary(obj, top));
        let tied: Vec<usize> = valid
            .iter()
            .copied()
            .filter(|&i| {
                est(i, &cands).is_some_and(|e| {
                    e.fits == fits && primary(obj, e) * (1.0 + TIE_TOLERANCE) >= best
                })
            })
            .collect();
        let w = tied
            .iter()
            .copied()
            .max_by(|&a, &b| match (est(a, &cands), est(b, &cands)) {
                (Some(ea), Some(eb)) => tie_key(obj, ea)
                    .partial_cmp(&tie_key(obj, eb))
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(b.cmp(&a)),
                _ => std::cmp::Ordering::Equal,
            })
            .unwrap_or(valid[0]);
        valid.retain(|&i| i != w);
        valid.insert(0, w);
    }
    let Some(&win) = valid.first() else {
        // Nothing usable: report the pipeline (it carries the does-not-fit findings).
        let mut pipe = cx.s.clone();
        pipe.strategy = StrategyRequest::Pipeline;
        return core(&pipe, findings);
    };
    let win_est = est(win, &cands)
        .cloned()
        .unwrap_or_else(|| unreachable_estimate(cx));
    let runner = valid
        .get(1)
        .and_then(|&r| cands[r].core.as_ref().map(|c| (&cands[r], &c.est)));
    let why = reason(obj, &cands[win], &win_est, runner);

    let mut table = Vec::new();
    for (rank, &i) in valid.iter().enumerate() {
        table.push(row(&cands[i], Some(rank as u32 + 1)));
    }
    for c in cands
        .iter()
        .filter(|c| c.disq.is_some() || c.core.is_none())
    {
        table.push(row(c, None));
    }
    findings.push(Finding::new(
        Severity::Info,
        FindingCode::AutoChoice,
        Subject::Strategy,
        why.clone(),
    ));

    // What the user could change: a faster link for the best tensor-style candidate.
    improvements(cx, &cands, &win_est, findings);

    let mut win_c = cands.swap_remove(win);
    if let Some(l) = &win_c.layout {
        // Candidates skipped the compute-bound batch search; the winner gets it.
        win_c.core = Some(layout::evaluate(cx, l).0);
    }
    if let Some(l) = &win_c.layout {
        if let Some(c) = &win_c.core {
            slow_link_finding(cx, l, c, findings);
        }
    }
    let mut c = win_c.core.unwrap_or_else(|| empty(cx));
    c.est.auto = Some(AutoReport {
        objective: obj,
        winner: win_c.label,
        reason: why,
        candidates: table,
        device_classes: cx.classes().len() as u32,
    });
    c
}

fn unreachable_estimate(cx: &Cx) -> Estimate {
    super::empty_core(cx).est
}

fn empty(cx: &Cx) -> Core {
    super::empty_core(cx)
}

fn row(c: &Cand, rank: Option<u32>) -> AutoCandidate {
    let e = c.core.as_ref().map(|x| &x.est);
    AutoCandidate {
        label: c.label.clone(),
        kind: c.kind,
        request: c.request,
        tp: c.tp,
        pp: c.pp,
        dp: c.dp,
        rank,
        disqualified: c.disq.clone(),
        fits: e.is_some_and(|e| e.fits),
        system_decode_tok_s: e.map_or(0.0, |e| e.batch.aggregate_decode_tok_s),
        decode_tok_s: e.map_or(0.0, |e| e.decode_tok_s),
        prefill_tok_s: e.map_or(0.0, |e| e.prefill_tok_s),
        ttft_ms: e.map_or(0.0, |e| e.ttft_ms),
        total_s: e.map_or(0.0, |e| e.total_s),
        headroom_fraction: e.map_or(0.0, headroom_fraction),
    }
}

fn improvements(cx: &Cx, cands: &[Cand], win: &Estimate, findings: &mut Vec<Finding>) {
    let s = cx.s;
    // Best candidate with collectives (tensor, hybrid, expert, sequence) that can run.
    let tensorish = cands
        .iter()
        .filter(|c| c.layout.as_ref().is_some_and(|l| l.tp >= 2 && l.cp <= 1))
        .filter(|c| {
            c.core.is_some()
                && c.disq
                    .as_ref()
                    .is_none_or(|d| !d.contains("does not implement"))
        })
        .filter(|c| {
            c.disq
                .as_ref()
                .is_none_or(|d| !d.contains("divide") && !d.contains("dense"))
        })
        .max_by(|a, b| {
            let ra = a.core.as_ref().map_or(0.0, |c| c.est.decode_tok_s);
            let rb = b.core.as_ref().map_or(0.0, |c| c.est.decode_tok_s);
            ra.total_cmp(&rb)
        });
    if let Some(tc) = tensorish {
        let lay = tc.layout.as_ref().expect("filtered on layout");
        let members: Vec<usize> = (0..lay.tp as usize).collect();
        if let Some((link, group)) = faster_link(cx, &members) {
            let ac = evaluate_with_link(cx, lay, &link, group);
            let before = tc.core.as_ref().map_or(0.0, |c| c.est.decode_tok_s);
            let after = ac.est.decode_tok_s;
            if after > before * 1.05 {
                let beats = after > win.decode_tok_s * (1.0 + TIE_TOLERANCE);
                let mut f = Finding::new(
                    Severity::Info,
                    FindingCode::AutoImprovement,
                    Subject::Link { group },
                    format!(
                        "{} would make {} {:.1}x faster ({:.1} → {:.1} tok/s){}",
                        link.name,
                        tc.label,
                        after / before.max(1e-9),
                        before,
                        after,
                        if beats {
                            format!(
                                ", beating the current choice ({:.1} tok/s)",
                                win.decode_tok_s
                            )
                        } else {
                            String::new()
                        }
                    ),
                );
                f.fixes.push(SuggestedFix {
                    kind: FixKind::UseLink {
                        link_id: link.id.clone(),
                        group,
                    },
                    title: format!("Add {}", link.name),
                    effect: format!("{}: {:.1} tok/s", tc.label, after),
                });
                findings.push(f);
            }
        }
    }
    // A smaller quant that lets the winner drop host offload.
    if !win.fits {
        let mut alts: Vec<&mlbn_catalog::Quant> = s
            .alt_quants
            .iter()
            .filter(|q| {
                q.bits_per_weight.is_finite()
                    && q.bits_per_weight > 0.0
                    && q.bits_per_weight < s.quant.bits_per_weight
            })
            .collect();
        alts.sort_by(|a, b| b.bits_per_weight.total_cmp(&a.bits_per_weight));
        for q in alts {
            let mut alt = s.clone();
            alt.quant = q.clone();
            alt.alt_quants.clear();
            alt.strategy = StrategyRequest::Pipeline;
            let r = core(&alt, &mut Vec::new());
            if r.est.fits {
                let mut f = Finding::new(
                    Severity::Info,
                    FindingCode::AutoImprovement,
                    Subject::Quant,
                    format!(
                        "{} would let pipeline drop the offload: {:.1} tok/s instead of {:.1}",
                        q.name, r.est.decode_tok_s, win.decode_tok_s
                    ),
                );
                f.fixes.push(SuggestedFix {
                    kind: FixKind::UseQuant {
                        quant_id: q.id.clone(),
                    },
                    title: format!("Use {}", q.name),
                    effect: format!("fits; pipeline decode ~{:.1} tok/s", r.est.decode_tok_s),
                });
                findings.push(f);
                break;
            }
        }
    }
}

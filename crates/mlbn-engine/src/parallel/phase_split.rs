//! EXO-style phase split: prefill on compute-heavy devices, decode on bandwidth-heavy ones,
//! the prompt's KV cache streamed between them.
//!
//! Device classes are ranked by fp16 TFLOPS per GB/s of memory bandwidth; every cut of that
//! ranking is tried (the first part prefills, the rest decodes) and the one with the shortest
//! prompt + generation time wins. Each side runs its phase as the engine would run the model
//! on those devices alone (a pipeline over them, or one device), so both sides hold the whole
//! model, as exo does. The KV cache of the prompt (KV bytes / link bandwidth) is streamed
//! layer by layer while prefill runs when the runtime does so (exo), leaving only the tail
//! exposed; otherwise it is sent after prefill.

use super::Cx;
use crate::engine::{Core, core};
use crate::estimate::*;
use crate::scenario::{DeviceGroup, Scenario, StrategyRequest};
use serde::Serialize;

const GB: f64 = 1e9;

/// Runtime families that stream the KV cache layer by layer while prefill runs (exo 1.0
/// sends each layer's KV as soon as that layer is prefilled).
pub const KV_STREAMING_RUNTIMES: &[&str] = &["exo"];

/// One device run alone, for comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseSingle {
    pub device_id: String,
    pub fits: bool,
    pub ttft_ms: f64,
    pub total_s: f64,
    /// This device's total time / the phase split's total time.
    pub speedup: f64,
}

/// Which devices do which phase and what it buys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseSplitReport {
    pub prefill_devices: Vec<DeviceRef>,
    pub decode_devices: Vec<DeviceRef>,
    pub prefill_device_id: String,
    pub decode_device_id: String,
    pub prefill_tok_s: f64,
    pub decode_tok_s: f64,
    /// KV cache of the prompt sent from the prefill to the decode side.
    pub kv_transfer_gb: f64,
    /// Time the transfer takes on the link.
    pub kv_transfer_ms: f64,
    /// Part of it not hidden under prefill.
    pub kv_exposed_ms: f64,
    pub kv_overlapped: bool,
    pub link_id: String,
    pub ttft_ms: f64,
    pub total_s: f64,
    /// Each device class alone (one device).
    pub singles: Vec<PhaseSingle>,
    pub best_single_device_id: String,
    pub speedup_vs_best_single: f64,
}

/// The scenario restricted to `groups` (whole groups), run as a pipeline; returns the core
/// result with device references mapped back to the full scenario.
fn run_groups(s: &Scenario, groups: &[usize], single: bool) -> Core {
    let mut sub = s.clone();
    sub.groups = groups
        .iter()
        .map(|&g| {
            let mut dg: DeviceGroup = s.groups[g].clone();
            if single {
                dg.count = 1;
                dg.link = None;
            }
            dg
        })
        .collect();
    sub.strategy = StrategyRequest::Pipeline;
    sub.alt_quants.clear();
    let mut c = core(&sub, &mut Vec::new());
    let map = |r: &mut DeviceRef| r.group = groups.get(r.group).copied().unwrap_or(r.group);
    for m in &mut c.est.memory {
        map(&mut m.device);
    }
    for u in &mut c.est.utilisation {
        map(&mut u.device);
    }
    for st in &mut c.est.strategy.stages {
        map(&mut st.device);
    }
    c
}

fn ratio(g: &DeviceGroup) -> f64 {
    let d = &g.device;
    if d.bw_gbps > 0.0 && d.fp16_tflops.is_finite() {
        d.fp16_tflops.max(0.0) / d.bw_gbps
    } else {
        0.0
    }
}

/// Each device class alone.
pub(crate) fn singles(s: &Scenario) -> Vec<(usize, Core)> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (i, g) in s.groups.iter().enumerate() {
        if seen.contains(&g.device.id.as_str()) {
            continue;
        }
        seen.push(&g.device.id);
        out.push((i, run_groups(s, &[i], true)));
    }
    out
}

/// The best phase split over the scenario's device classes, or why there is none.
pub(crate) fn run(cx: &Cx) -> Result<Core, String> {
    run_with(cx, &singles(cx.s))
}

/// [`run`] with each class's single-device result already computed.
pub(crate) fn run_with(cx: &Cx, singles: &[(usize, Core)]) -> Result<Core, String> {
    let s = cx.s;
    let mut order: Vec<usize> = (0..s.groups.len()).collect();
    order.sort_by(|&a, &b| {
        ratio(&s.groups[b])
            .total_cmp(&ratio(&s.groups[a]))
            .then(a.cmp(&b))
    });
    let distinct = {
        let mut r: Vec<f64> = order.iter().map(|&g| ratio(&s.groups[g])).collect();
        r.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * a.abs().max(1.0));
        r.len()
    };
    if distinct < 2 {
        return Err("every device has the same compute-to-bandwidth balance".to_string());
    }
    let shape = cx.shape;
    let prompt = s.workload.prompt_tokens;
    let kv_bytes = shape.kv_bytes(f64::from(shape.layers), prompt);
    let overlapped = KV_STREAMING_RUNTIMES
        .iter()
        .any(|r| s.runtime.family.to_ascii_lowercase().contains(r));
    let mut best: Option<(f64, Core)> = None;
    for cut in 1..order.len() {
        if ratio(&s.groups[order[cut - 1]]) == ratio(&s.groups[order[cut]]) {
            continue;
        }
        let mut pre_g: Vec<usize> = order[..cut].to_vec();
        let mut dec_g: Vec<usize> = order[cut..].to_vec();
        pre_g.sort_unstable();
        dec_g.sort_unstable();
        let p = run_groups(s, &pre_g, false);
        let d = run_groups(s, &dec_g, false);
        // The link between the two sides: groups on different sides are in different boxes.
        let link = cx.link_between(
            cx.devs
                .iter()
                .position(|x| x.r.group == pre_g[0])
                .unwrap_or(0),
            cx.devs
                .iter()
                .position(|x| x.r.group == dec_g[0])
                .unwrap_or(0),
        );
        let link_id = s
            .inter_group_link
            .as_ref()
            .map_or("10gbe".to_string(), |l| l.link.id.clone());
        let transfer_s = kv_bytes / link.bw.max(1.0);
        let pre_s = if prompt == 0 {
            0.0
        } else {
            p.est.prefill.total_ms / 1e3
        };
        let layers = f64::from(shape.layers);
        let exposed_s = link.latency_s
            + if overlapped {
                // Layer i's KV leaves when layer i is prefilled: the last layer's share is
                // always exposed, and the rest only when the link is slower than prefill.
                let per_layer = transfer_s / layers;
                per_layer.max(transfer_s - pre_s + pre_s / layers)
            } else {
                transfer_s
            };
        let dec_step_ms = d.est.decode.total_ms;
        let gen_ms = 1e3 / d.est.gen_avg_decode_tok_s.max(1e-9);
        let ttft_ms = (pre_s + exposed_s) * 1e3 + dec_step_ms;
        let total_s = pre_s + exposed_s + s.workload.gen_tokens as f64 * gen_ms / 1e3;

        let mut est = d.est.clone();
        est.fits = p.est.fits && d.est.fits;
        est.prefill = p.est.prefill;
        est.prefill.link_ms += exposed_s * 1e3;
        est.prefill.total_ms += exposed_s * 1e3;
        est.prefill_tok_s = p.est.prefill_tok_s;
        est.prefill_bound = p.est.prefill_bound;
        est.ttft_ms = ttft_ms;
        est.total_s = total_s;
        let mut memory = p.est.memory.clone();
        memory.extend(d.est.memory.iter().cloned());
        memory.sort_by_key(|m| (m.device.group, m.device.index));
        est.memory = memory;
        let mut util = p.est.utilisation.clone();
        for u in &mut util {
            u.decode_bandwidth = 0.0;
            u.decode_compute = 0.0;
        }
        for u in &d.est.utilisation {
            let mut u = *u;
            u.prefill_bandwidth = 0.0;
            u.prefill_compute = 0.0;
            util.push(u);
        }
        util.sort_by_key(|u| (u.device.group, u.device.index));
        est.utilisation = util;
        let mut stages = p.est.strategy.stages.clone();
        stages.extend(d.est.strategy.stages.iter().cloned());
        let name = |gs: &[usize]| {
            gs.iter()
                .map(|&g| format!("{}x {}", s.groups[g].count, s.groups[g].device.id))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let (pre_name, dec_name) = (name(&pre_g), name(&dec_g));
        let singles_out: Vec<PhaseSingle> = singles
            .iter()
            .map(|(g, c)| PhaseSingle {
                device_id: s.groups[*g].device.id.clone(),
                fits: c.est.fits,
                ttft_ms: c.est.ttft_ms,
                total_s: c.est.total_s,
                speedup: c.est.total_s / total_s.max(1e-12),
            })
            .collect();
        let best_single = singles_out
            .iter()
            .filter(|x| x.fits)
            .min_by(|a, b| a.total_s.total_cmp(&b.total_s))
            .or_else(|| {
                singles_out
                    .iter()
                    .min_by(|a, b| a.total_s.total_cmp(&b.total_s))
            })
            .cloned();
        let (bs_id, bs_speed) =
            best_single.map_or((String::new(), 0.0), |b| (b.device_id, b.speedup));
        est.strategy = StrategyReport {
            kind: StrategyKind::PhaseSplit,
            summary: format!(
                "phase split: prefill on {pre_name} ({:.0} tok/s, compute-heavy), {:.2} GB of KV streamed over {link_id} ({:.0} ms, {:.0} ms exposed{}), decode on {dec_name} ({:.1} tok/s, bandwidth-heavy); {:.2} s end to end, {:.1}x the best single device ({bs_id})",
                p.est.prefill_tok_s,
                kv_bytes / GB,
                transfer_s * 1e3,
                exposed_s * 1e3,
                if overlapped {
                    ", overlapped layer by layer"
                } else {
                    ", sent after prefill"
                },
                d.est.decode_tok_s,
                total_s,
                bs_speed
            ),
            stages,
        };
        est.phase_split = Some(PhaseSplitReport {
            prefill_devices: p.est.strategy.stages.iter().map(|x| x.device).collect(),
            decode_devices: d.est.strategy.stages.iter().map(|x| x.device).collect(),
            prefill_device_id: pre_name,
            decode_device_id: dec_name,
            prefill_tok_s: p.est.prefill_tok_s,
            decode_tok_s: d.est.decode_tok_s,
            kv_transfer_gb: kv_bytes / GB,
            kv_transfer_ms: transfer_s * 1e3,
            kv_exposed_ms: exposed_s * 1e3,
            kv_overlapped: overlapped,
            link_id,
            ttft_ms,
            total_s,
            singles: singles_out,
            best_single_device_id: bs_id,
            speedup_vs_best_single: bs_speed,
        });
        let c = Core {
            est,
            need_bytes: p.need_bytes + d.need_bytes,
            usable_bytes: p.usable_bytes + d.usable_bytes,
            offload_capable: p.offload_capable,
        };
        if best.as_ref().is_none_or(|b| total_s < b.0) {
            best = Some((total_s, c));
        }
    }
    best.map(|b| b.1)
        .ok_or_else(|| "no cut between device classes".to_string())
}

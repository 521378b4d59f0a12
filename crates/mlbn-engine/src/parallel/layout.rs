//! Tensor, hybrid, expert, data, sequence and context parallel layouts, costed as physics
//! from the per-device pieces: each device reads its shard of the weights and KV at its own
//! bandwidth, the slowest member of a tensor group binds the group, and every collective pays
//! the slowest link among its devices (see [`super::collectives`]).
//!
//! Devices are taken in the order written: replica `r`, pipeline stage `k`, rank `j` is
//! device `r*tp*pp + k*tp + j`. Layers are split over stages by stage speed under memory
//! (the same water-filling as the pipeline split).

use super::collectives::{LinkCost, all_gather_s, all_reduce_s, all_to_all_s};
use super::pipeline::split_by_speed;
use super::{Cx, model_figures};
use crate::cost::{self, Part, div};
use crate::device::MEM_GB_BYTES;
use crate::engine::{Core, OVERHEAD_BOUND_SHARE, activation_bytes};
use crate::estimate::*;
use crate::scenario::StrategyRequest;
use crate::validate;

/// Activations travel between devices in 16-bit (serving runtimes keep bf16 hidden states).
const ACT_BYTES: f64 = 2.0;
/// Fixed cost of one MoE layer at small batch in the runtimes that run it as a chain of
/// separate kernels (vLLM, SGLang, TRT-LLM, MLX/exo), microseconds: router GEMM, top-k, token
/// permute/unpermute and the grouped expert GEMM launches. Calibrated on the multi-device MoE
/// rows of `shared/benchmarks` (8x B200 DeepSeek-R1 TRT-LLM without MTP; 4x Arc Pro B70 vLLM
/// MoE runs; exo DeepSeek V3.1 / Kimi K2 on M3 Ultra clusters: 100-160 us per layer beyond
/// weight reads and all-reduces). llama.cpp's per-layer costs are in its runtime profile.
pub const MOE_LAYER_US: f64 = 100.0;

/// Pipeline hand-over bytes per hidden element (fp32, as the engine's pipeline uses).
const HOP_BYTES: f64 = 4.0;

/// One way of laying the model over the devices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub kind: StrategyKind,
    pub request: StrategyRequest,
    pub label: String,
    pub tp: u32,
    pub pp: u32,
    pub dp: u32,
    /// Experts spread over each tensor group (all-to-all of routed tokens).
    pub expert: bool,
    /// Context-parallel degree: every device holds the whole model and a slice of the prompt.
    pub cp: u32,
    /// Sequence-sharded activations alongside tensor parallel.
    pub sp: bool,
}

impl Layout {
    pub fn devices(&self) -> u32 {
        self.tp.max(1) * self.pp.max(1) * self.dp.max(1) * self.cp.max(1)
    }
}

/// Per-device share of one layer's weights (uneven head splits make the largest shard bind).
fn weight_frac(cx: &Cx, tp: u32) -> f64 {
    if tp <= 1 {
        return 1.0;
    }
    let heads = cx.s.model.heads.max(1);
    f64::from(heads.div_ceil(tp)) / f64::from(heads)
}

/// Per-device share of the KV cache under tensor parallel: KV heads split while there are
/// enough of them, replicated beyond; an MLA latent is replicated on every rank.
fn kv_frac(cx: &Cx, tp: u32) -> f64 {
    if tp <= 1 || cx.s.model.attention == mlbn_catalog::AttentionKind::Mla {
        return 1.0;
    }
    let kvh = cx.s.model.kv_heads.max(1);
    let t = tp.min(kvh);
    f64::from(kvh.div_ceil(t)) / f64::from(kvh)
}

/// What one device of a stage runs.
#[derive(Debug, Clone, Copy)]
struct Share {
    layers: f64,
    w: f64,
    kv: f64,
    first: bool,
    last: bool,
}

struct Step {
    weights_s: f64,
    kv_s: f64,
    excess_s: f64,
    overhead_s: f64,
    bytes: f64,
    flops: f64,
}

impl Step {
    fn total(&self) -> f64 {
        self.weights_s + self.kv_s + self.excess_s + self.overhead_s
    }
}

/// One decode step of `sh` on device `d` (expert layouts read their share of routed experts).
fn dev_step(cx: &Cx, d: usize, sh: Share, lay: &Layout, ctx: u64, b: u32) -> Step {
    let shape = &cx.shape;
    let r = &cx.devs[d].rates;
    let bf = f64::from(b.max(1));
    let layer_w = if lay.expert {
        let routed = shape.layer_routed_active_params;
        let dense = (shape.layer_active_params - routed) * shape.bytes_per_weight;
        let e = shape.experts.max(1.0);
        let k = shape.experts_per_token.max(1.0);
        let distinct = if e > k {
            e * (1.0 - (1.0 - k / e).powf(bf))
        } else {
            k
        };
        let per_dev = (distinct / f64::from(lay.tp.max(1))).max(distinct.min(1.0));
        dense * sh.w + per_dev * routed / k * shape.expert_bytes_per_weight
    } else {
        shape.layer_read_bytes(b) * sh.w
    };
    let out = if sh.last {
        shape.output_read_bytes() * sh.w
    } else {
        0.0
    };
    let bytes_w = sh.layers * layer_w + out;
    let bytes_kv = shape.kv_bytes(sh.layers, ctx) * bf * sh.kv;
    let out_f = if sh.last { shape.output_flops() } else { 0.0 };
    let flops = bf * (sh.layers * shape.layer_flops(ctx as f64) + out_f) * sh.w;
    let weights_s = div(bytes_w, r.bw_eff);
    let kv_s = div(bytes_kv, r.bw_eff);
    let comp = div(flops, r.matrix_eff);
    Step {
        weights_s,
        kv_s,
        excess_s: (comp - weights_s - kv_s).max(0.0),
        overhead_s: sh.layers * cx.profile.layer_overhead_us * 1e-6
            + if cx.moe_chain {
                sh.layers * moe_share(cx) * MOE_LAYER_US * 1e-6
            } else {
                0.0
            },
        bytes: bytes_w + bytes_kv,
        flops,
    }
}

/// Share of layers that are MoE layers (0 for dense models).
fn moe_share(cx: &Cx) -> f64 {
    match &cx.s.model.moe {
        Some(m) if cx.shape.experts > 1.0 => {
            f64::from(cx.s.model.layers.saturating_sub(m.dense_layers)) / f64::from(cx.shape.layers)
        }
        _ => 0.0,
    }
}

/// Collectives of one stage for one decode step (`tokens` = streams) or one prefill chunk.
fn stage_collectives_s(cx: &Cx, lay: &Layout, layers: f64, tokens: f64, link: LinkCost) -> f64 {
    let h = cx.shape.hidden;
    let l = cx.launch_s;
    if lay.cp > 1 {
        // Attention partials (output and softmax statistics) gathered once per layer.
        let bytes = tokens * cx.shape.heads * (cx.shape.head_dim + 2.0) * ACT_BYTES;
        return layers * all_gather_s(bytes, lay.cp, link, l);
    }
    if lay.tp < 2 {
        return 0.0;
    }
    let msg = tokens * h * ACT_BYTES;
    if lay.expert {
        let moe_share = moe_share(cx);
        let k = cx.shape.experts_per_token;
        layers * all_reduce_s(msg, lay.tp, link, l, cx.one_shot)
            + layers * moe_share * 2.0 * all_to_all_s(msg * k, lay.tp, link, l)
    } else if lay.sp {
        // Megatron sequence parallel: an all-gather and a reduce-scatter replace each
        // all-reduce (same bytes, twice the latency terms).
        layers * 4.0 * all_gather_s(msg, lay.tp, link, l)
    } else {
        layers * 2.0 * all_reduce_s(msg, lay.tp, link, l, cx.one_shot)
    }
}

struct Replica {
    /// Device indices per stage.
    stages: Vec<Vec<usize>>,
    layers: Vec<u32>,
}

fn replicas(cx: &Cx, lay: &Layout) -> Vec<Replica> {
    let tp = lay.tp.max(1) as usize;
    let pp = lay.pp.max(1) as usize;
    let per = if lay.cp > 1 { lay.cp as usize } else { tp * pp };
    let mut out = Vec::new();
    for r in 0..lay.dp.max(1) as usize {
        let base = r * per;
        let stages: Vec<Vec<usize>> = if lay.cp > 1 {
            vec![(base..base + per).collect()]
        } else {
            (0..pp)
                .map(|k| (base + k * tp..base + (k + 1) * tp).collect())
                .collect()
        };
        if stages.iter().flatten().any(|&i| i >= cx.devs.len()) {
            continue;
        }
        let w = weight_frac(cx, lay.tp);
        let kvf = kv_frac(cx, lay.tp);
        let layer_mem = cx.shape.layer_bytes() * w + cx.kv_layer_alloc * kvf;
        let speed: Vec<f64> = stages
            .iter()
            .map(|m| {
                m.iter()
                    .map(|&i| cx.devs[i].rates.bw_eff)
                    .fold(f64::INFINITY, f64::min)
                    .min(1e30)
            })
            .collect();
        let cap: Vec<f64> = stages
            .iter()
            .map(|m| {
                m.iter()
                    .map(|&i| {
                        ((cx.devs[i].rates.usable_bytes - cx.fixed_base) / layer_mem.max(1.0))
                            .floor()
                    })
                    .fold(f64::INFINITY, f64::min)
                    .max(0.0)
            })
            .collect();
        let layers = split_by_speed(cx.shape.layers, &speed, &cap);
        out.push(Replica { stages, layers });
    }
    out
}

fn share(cx: &Cx, lay: &Layout, rep: &Replica, k: usize) -> Share {
    let (w, kv) = if lay.cp > 1 {
        (1.0, 1.0 / f64::from(lay.cp))
    } else {
        (weight_frac(cx, lay.tp), kv_frac(cx, lay.tp))
    };
    Share {
        layers: f64::from(rep.layers[k]),
        w,
        kv,
        first: k == 0,
        last: k + 1 == rep.stages.len(),
    }
}

/// Decode step of one replica: breakdown plus per-device (bytes, flops) for utilisation.
fn replica_step(
    cx: &Cx,
    lay: &Layout,
    rep: &Replica,
    ctx: u64,
    b: u32,
) -> (TokenBreakdown, Vec<(usize, f64, f64)>, Vec<f64>) {
    let mut bd = TokenBreakdown {
        overhead_ms: cx.profile.token_overhead_ms,
        ..Default::default()
    };
    let mut per_dev = Vec::new();
    let mut stage_ms = Vec::new();
    for (k, members) in rep.stages.iter().enumerate() {
        let sh = share(cx, lay, rep, k);
        let mut worst: Option<Step> = None;
        for &d in members {
            let st = dev_step(cx, d, sh, lay, ctx, b);
            per_dev.push((d, st.bytes, st.flops));
            if worst.as_ref().is_none_or(|w| st.total() > w.total()) {
                worst = Some(st);
            }
        }
        let link = cx.link_among(members);
        let coll = stage_collectives_s(cx, lay, sh.layers, f64::from(b.max(1)), link);
        let hop = if k + 1 < rep.stages.len() {
            let l = cx.link_between(members[members.len() - 1], rep.stages[k + 1][0]);
            cx.profile.stage_hop_us * 1e-6
                + l.latency_s
                + f64::from(b.max(1)) * cx.shape.hidden * HOP_BYTES / l.bw
        } else {
            0.0
        };
        if let Some(w) = worst {
            bd.weights_ms += w.weights_s * 1e3;
            bd.kv_ms += w.kv_s * 1e3;
            bd.compute_ms += w.excess_s * 1e3;
            bd.overhead_ms += w.overhead_s * 1e3;
            stage_ms.push((w.total() + coll + hop) * 1e3);
        }
        bd.link_ms += (coll + hop) * 1e3;
    }
    bd.total_ms = bd.sum_parts();
    (bd, per_dev, stage_ms)
}

fn replica_prefill(
    cx: &Cx,
    lay: &Layout,
    rep: &Replica,
    tokens: u64,
) -> (PrefillBreakdown, Vec<(usize, f64, f64)>, Vec<f64>) {
    let mut bd = PrefillBreakdown {
        overhead_ms: cx.profile.prefill_overhead_ms,
        ..Default::default()
    };
    let mut per_dev = Vec::new();
    let mut stage_ms = Vec::new();
    let ub = tokens.div_ceil(cx.ubatch).max(1) as f64;
    let ub_tokens = tokens.clamp(1, cx.ubatch) as f64;
    for (k, members) in rep.stages.iter().enumerate() {
        let sh = share(cx, lay, rep, k);
        let link = cx.link_among(members);
        let mut worst = (0.0, 0.0);
        for &d in members {
            let part = Part {
                layers: sh.layers,
                shard: if lay.cp > 1 {
                    1.0 / f64::from(lay.cp)
                } else {
                    sh.w
                },
                output: sh.last,
            };
            let c = cost::prefill(&cx.devs[d].rates, cx.shape, part, 0, tokens, cx.ubatch);
            per_dev.push((d, c.bytes, c.flops));
            let mut compute = c.compute_s;
            if lay.cp > 1 {
                // Ring attention: each slice's KV travels round the ring, overlapped with
                // the attention compute of the slice being held.
                let kv = cx.shape.kv_bytes(sh.layers, tokens) * (f64::from(lay.cp) - 1.0)
                    / f64::from(lay.cp);
                compute =
                    compute.max(kv / (link.bw * super::collectives::COLLECTIVE_BW_EFF).max(1.0));
            }
            if compute + c.memory_excess_s > worst.0 + worst.1 {
                worst = (compute, c.memory_excess_s);
            }
        }
        let coll = ub * stage_collectives_s(cx, lay, sh.layers, ub_tokens, link);
        let hop = if k + 1 < rep.stages.len() {
            let l = cx.link_between(members[members.len() - 1], rep.stages[k + 1][0]);
            ub * (cx.profile.stage_hop_us * 1e-6 + l.latency_s)
                + tokens as f64 * cx.shape.hidden * HOP_BYTES / l.bw
        } else {
            0.0
        };
        bd.compute_ms += worst.0 * 1e3;
        bd.memory_ms += worst.1 * 1e3;
        bd.link_ms += (coll + hop) * 1e3;
        stage_ms.push((worst.0 + worst.1 + coll + hop) * 1e3);
    }
    bd.total_ms = bd.compute_ms + bd.memory_ms + bd.offload_ms + bd.link_ms + bd.overhead_ms;
    (bd, per_dev, stage_ms)
}

/// Cost `lay` over `cx`'s devices. Returns the core result and, when it does not fit, why.
pub(crate) fn evaluate(cx: &Cx, lay: &Layout) -> (Core, Option<String>) {
    evaluate_with(cx, lay, true)
}

/// [`evaluate`]; `full = false` skips the search for the batch where compute binds (AUTO's
/// candidates do not need it; the winner is evaluated in full).
pub(crate) fn evaluate_with(cx: &Cx, lay: &Layout, full: bool) -> (Core, Option<String>) {
    let s = cx.s;
    let w = s.workload;
    let batch = w.batch.max(1);
    let reps = replicas(cx, lay);
    let Some(rep0) = reps.first() else {
        let mut core = super::empty_core(cx);
        core.est.strategy.summary = lay.label.clone();
        return (
            core,
            Some(format!(
                "needs {} devices, the scenario has {}",
                lay.devices(),
                cx.devs.len()
            )),
        );
    };

    // Memory per device.
    let mut memory = Vec::new();
    let mut need = 0.0;
    let mut usable_all = 0.0;
    let mut unfit: Option<String> = None;
    let mut used = vec![false; cx.devs.len()];
    let act = activation_bytes(cx.shape, cx.ubatch)
        / if lay.sp {
            f64::from(lay.tp.max(1))
        } else {
            1.0
        };
    for rep in &reps {
        for (k, members) in rep.stages.iter().enumerate() {
            let sh = share(cx, lay, rep, k);
            for &d in members {
                used[d] = true;
                let dev = &cx.devs[d];
                let mut fixed_w = 0.0;
                if sh.first {
                    fixed_w += cx.shape.embed_params * cx.shape.bytes_per_weight * sh.w;
                }
                if sh.last && !cx.shape.output_tied {
                    fixed_w += cx.shape.output_params * cx.shape.bytes_per_weight * sh.w;
                }
                let weights = sh.layers * cx.shape.layer_bytes() * sh.w + fixed_w;
                let kv = sh.layers * cx.kv_layer_alloc * sh.kv;
                let overhead = cx.profile.mem_overhead_gb * MEM_GB_BYTES;
                let total = weights + kv + act + overhead;
                let usable = dev.rates.usable_bytes;
                need += total;
                usable_all += usable;
                if total > usable && unfit.is_none() {
                    unfit = Some(format!(
                        "needs {:.1} GB on each {} ({:.1} GB weights), {:.1} GB usable",
                        total / MEM_GB_BYTES,
                        dev.id,
                        weights / MEM_GB_BYTES,
                        usable / MEM_GB_BYTES
                    ));
                }
                memory.push(DeviceMemory {
                    device: dev.r,
                    device_id: dev.id.clone(),
                    mem_gb: dev.rates.mem_bytes / MEM_GB_BYTES,
                    usable_gb: usable / MEM_GB_BYTES,
                    usable_fraction: dev.rates.usable_fraction,
                    weights_gb: weights / MEM_GB_BYTES,
                    kv_gb: kv / MEM_GB_BYTES,
                    activations_gb: act / MEM_GB_BYTES,
                    overhead_gb: cx.profile.mem_overhead_gb,
                    total_gb: total / MEM_GB_BYTES,
                    free_gb: ((usable - total) / MEM_GB_BYTES).max(0.0),
                    overflow_gb: ((total - usable) / MEM_GB_BYTES).max(0.0),
                    layers: rep.layers[k],
                });
            }
        }
    }
    for (i, d) in cx.devs.iter().enumerate() {
        if !used[i] {
            memory.push(super::idle_memory(d));
        }
    }
    memory.sort_by_key(|m| (m.device.group, m.device.index));

    let ctx = w.prompt_tokens;
    let (dec, dec_dev, dec_stage) = replica_step(cx, lay, rep0, ctx, 1);
    let gen_ctx = w.prompt_tokens.saturating_add(w.gen_tokens / 2);
    let (dec_avg, _, _) = replica_step(cx, lay, rep0, gen_ctx, 1);
    // Streams spread over replicas; each replica decodes its share as one batch.
    let nrep = reps.len() as u32;
    let per_rep = batch.div_ceil(nrep);
    let mut aggregate = 0.0;
    let mut per_stream = f64::INFINITY;
    let mut left = batch;
    let mut dec_b = dec;
    for rep in &reps {
        let streams = left.min(per_rep);
        if streams == 0 {
            break;
        }
        left -= streams;
        let (bd, _, _) = replica_step(cx, lay, rep, ctx, streams);
        let rate = 1e3 / bd.total_ms.max(1e-9);
        aggregate += f64::from(streams) * rate;
        if rate < per_stream {
            per_stream = rate;
            dec_b = bd;
        }
    }
    let mut compute_from = None;
    let mut bsz: u32 = 1;
    while full && bsz <= validate::MAX_BATCH {
        let (bd, _, _) = replica_step(cx, lay, rep0, ctx, bsz);
        if bd.compute_ms > 0.0 {
            compute_from = Some(bsz.saturating_mul(nrep));
            break;
        }
        bsz = bsz.saturating_mul(4);
    }

    let prompt = w.prompt_tokens.max(1);
    let (pre, pre_dev, pre_stage) = replica_prefill(cx, lay, rep0, prompt);
    let prefill_ms_real = if w.prompt_tokens == 0 {
        0.0
    } else {
        pre.total_ms
    };
    let decode_tok_s = 1e3 / dec.total_ms.max(1e-9);
    let ttft_ms = prefill_ms_real + dec.total_ms;
    let total_s = (prefill_ms_real + w.gen_tokens as f64 * dec_avg.total_ms) / 1e3;

    let mut util: Vec<DeviceUtilisation> = cx
        .devs
        .iter()
        .map(|d| DeviceUtilisation {
            device: d.r,
            prefill_compute: 0.0,
            prefill_bandwidth: 0.0,
            decode_compute: 0.0,
            decode_bandwidth: 0.0,
        })
        .collect();
    let dec_s = dec.total_ms / 1e3;
    let pre_s = pre.total_ms / 1e3;
    for (d, bytes, flops) in dec_dev {
        let r = &cx.devs[d].rates;
        util[d].decode_bandwidth = super::unit(div(bytes, dec_s) / r.bw_peak.max(1.0));
        util[d].decode_compute = super::unit(div(flops, dec_s) / r.matrix_peak.max(1.0));
    }
    for (d, bytes, flops) in pre_dev {
        let r = &cx.devs[d].rates;
        util[d].prefill_bandwidth = super::unit(div(bytes, pre_s) / r.bw_peak.max(1.0));
        util[d].prefill_compute = super::unit(div(flops, pre_s) / r.matrix_peak.max(1.0));
    }

    let mut first = 1u32;
    let mut stages = Vec::new();
    for (k, members) in rep0.stages.iter().enumerate() {
        let l = rep0.layers[k];
        for &d in members {
            stages.push(Stage {
                device: cx.devs[d].r,
                device_id: cx.devs[d].id.clone(),
                first_layer: first,
                last_layer: first + l - 1,
                decode_ms: dec_stage.get(k).copied().unwrap_or(0.0),
                prefill_ms: pre_stage.get(k).copied().unwrap_or(0.0),
            });
        }
        first += l;
    }
    let summary = summary(cx, lay, rep0, &dec);

    let est = Estimate {
        power: Default::default(),
        fits: unfit.is_none(),
        strategy: StrategyReport {
            kind: lay.kind,
            summary,
            stages,
        },
        memory,
        offload: None,
        model: model_figures(cx.shape, ctx),
        prefill_tok_s: prompt as f64 / (pre.total_ms / 1e3).max(1e-12),
        prefill_bound: super::prefill_bound(&pre),
        prefill: pre,
        decode_tok_s,
        decode_bound: super::decode_bound(&dec),
        decode: dec,
        gen_avg_decode_tok_s: 1e3 / dec_avg.total_ms.max(1e-9),
        ttft_ms,
        total_s,
        batch: BatchEstimate {
            batch,
            per_stream_decode_tok_s: if per_stream.is_finite() {
                per_stream
            } else {
                decode_tok_s
            },
            aggregate_decode_tok_s: aggregate,
            bound: super::decode_bound(&dec_b),
            compute_bound_from_batch: compute_from,
        },
        utilisation: util,
        findings: Vec::new(),
        auto: None,
        phase_split: None,
    };
    let _ = OVERHEAD_BOUND_SHARE;
    (
        Core {
            est,
            need_bytes: need,
            usable_bytes: usable_all,
            offload_capable: false,
        },
        unfit,
    )
}

fn summary(cx: &Cx, lay: &Layout, rep: &Replica, dec: &TokenBreakdown) -> String {
    let link = cx.link_name_among(&rep.stages[0]);
    let who = {
        let mut ids: Vec<(String, u32)> = Vec::new();
        for &d in &rep.stages[0] {
            match ids.iter_mut().find(|x| x.0 == cx.devs[d].id) {
                Some(x) => x.1 += 1,
                None => ids.push((cx.devs[d].id.clone(), 1)),
            }
        }
        ids.iter()
            .map(|(id, n)| format!("{n}x {id}"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let coll = if dec.total_ms > 0.0 {
        100.0 * dec.link_ms / dec.total_ms
    } else {
        0.0
    };
    match lay.kind {
        StrategyKind::Tensor | StrategyKind::Sequence => format!(
            "{}: every layer split {} ways over {}, 2 all-reduces of the hidden state per layer over {} ({:.0}% of each decode step){}",
            lay.label,
            lay.tp,
            who,
            link,
            coll,
            if lay.sp {
                "; activations sharded by sequence during prefill"
            } else {
                ""
            }
        ),
        StrategyKind::Expert => format!(
            "{}: experts spread over {} devices (~{:.0} each), attention split {} ways, an all-to-all of routed tokens per MoE layer over {} ({:.0}% of each decode step)",
            lay.label,
            lay.tp,
            cx.shape.experts / f64::from(lay.tp.max(1)),
            lay.tp,
            link,
            coll
        ),
        StrategyKind::Context => format!(
            "{}: the prompt is split over {} devices for prefill (ring attention over {}); decode reads the whole weights on each and gains only the KV split",
            lay.label, lay.cp, link
        ),
        StrategyKind::Data => format!(
            "{}: {} independent replicas; each stream runs at one replica's rate, throughput adds up over streams",
            lay.label, lay.dp
        ),
        _ => {
            let mut parts = Vec::new();
            let mut f = 1;
            for (k, m) in rep.stages.iter().enumerate() {
                let l = rep.layers[k];
                parts.push(format!(
                    "L{}-{} on {}x {}",
                    f,
                    f + l - 1,
                    m.len(),
                    cx.devs[m[0]].id
                ));
                f += l;
            }
            format!(
                "{}: {} ({} replica(s))",
                lay.label,
                parts.join(", "),
                lay.dp.max(1)
            )
        }
    }
}

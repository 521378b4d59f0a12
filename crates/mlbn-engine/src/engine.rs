//! Orchestration: validate, place layers (strategy), size memory and offload, cost prefill and
//! decode from the per-device pieces in [`crate::cost`], then findings and fixes.
//!
//! Strategies live in [`plan`]: `Single` and `Pipeline` are modelled here; tensor, expert,
//! data, hybrid, phase split and AUTO's search plug in there (issue 5) by producing a
//! different [`Plan`] and/or extra per-step collective costs.

use crate::cost::{self, Part, div};
use crate::device::{DeviceRates, MEM_GB_BYTES, UNIFIED_CPU_BW_SHARE};
use crate::estimate::*;
use crate::runtime::{RuntimeProfile, profile_for};
use crate::scenario::{Scenario, StrategyRequest};
use crate::shape::ModelShape;
use crate::validate;

const GB: f64 = 1e9;

/// Bytes of activations handed between pipeline stages per token: the hidden state in fp32,
/// as llama.cpp copies it between backends.
const HOP_BYTES_PER_HIDDEN: f64 = 4.0;

/// Link assumed between device groups in separate boxes when the scenario names none:
/// 10 GbE, 1.25 GB/s, ~50 us one-way through the kernel TCP stack.
const DEFAULT_INTER_GROUP_GBPS: f64 = 1.25;
const DEFAULT_INTER_GROUP_LATENCY_US: f64 = 50.0;

/// Decode is reported as overhead-bound when fixed costs exceed this share of a step.
pub(crate) const OVERHEAD_BOUND_SHARE: f64 = 0.35;

/// One physical device in the flattened scenario.
#[derive(Debug, Clone)]
pub(crate) struct Dev {
    pub r: DeviceRef,
    pub id: String,
    pub rates: DeviceRates,
    /// Bandwidth for this device's host-resident layers, bytes/s (CPU reading DRAM).
    pub host_bw: f64,
    /// Host memory available to this device's overflow, bytes (shared for discrete devices).
    pub unified_spare_bytes: f64,
    /// Link to the next device in order: (bytes/s, latency s).
    pub next_link: (f64, f64),
}

/// A pipeline stage: a device holding a contiguous range of layers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StagePlan {
    pub dev: usize,
    pub layers: u32,
    pub on_device: u32,
    pub on_host: u32,
    pub first: bool,
    pub last: bool,
}

/// Where layers run.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub kind: StrategyKind,
    pub stages: Vec<StagePlan>,
}

/// Flatten groups into devices with their rates and links.
pub(crate) fn devices(s: &Scenario, profile: &RuntimeProfile) -> Vec<Dev> {
    let mut out = Vec::new();
    let quant = crate::shape::kernel_quant(&s.model, &s.quant);
    for (gi, g) in s.groups.iter().enumerate() {
        let rates = DeviceRates::new(
            &g.device,
            &quant,
            profile,
            s.gpu_mem_fraction,
            g.host_link.as_ref().map(|l| l.bw_gbps),
            s.runtime_build,
        );
        let (host_bw, spare) = if rates.unified {
            (
                rates.bw_peak * UNIFIED_CPU_BW_SHARE,
                (rates.mem_bytes - rates.usable_bytes).max(0.0),
            )
        } else {
            (s.host.bw_gbps * GB, 0.0)
        };
        // Without a named link: discrete devices in one box talk over their host link
        // (PCIe); unified-memory machines are separate boxes on Ethernet.
        let intra = g
            .link
            .as_ref()
            .map(|l| (l.link.bw_gbps * GB, l.link.latency_us * 1e-6))
            .unwrap_or(if rates.unified || rates.host_link_bw <= 0.0 {
                (
                    DEFAULT_INTER_GROUP_GBPS * GB,
                    DEFAULT_INTER_GROUP_LATENCY_US * 1e-6,
                )
            } else {
                (rates.host_link_bw, 1e-6)
            });
        let inter = s
            .inter_group_link
            .as_ref()
            .map(|l| (l.link.bw_gbps * GB, l.link.latency_us * 1e-6))
            .unwrap_or((
                DEFAULT_INTER_GROUP_GBPS * GB,
                DEFAULT_INTER_GROUP_LATENCY_US * 1e-6,
            ));
        for i in 0..g.count {
            let next = if i + 1 < g.count { intra } else { inter };
            out.push(Dev {
                r: DeviceRef {
                    group: gi,
                    index: i,
                },
                id: g.device.id.clone(),
                rates: rates.clone(),
                host_bw,
                unified_spare_bytes: spare,
                next_link: (next.0.max(1.0), next.1.max(0.0)),
            });
        }
    }
    out
}

/// Split `layers` over devices in proportion to `weights` (largest remainder), the way
/// llama.cpp's default `--tensor-split` follows each device's memory.
pub(crate) fn split_layers(layers: u32, weights: &[f64]) -> Vec<u32> {
    let total: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if total <= 0.0 {
        let mut v = vec![0; weights.len()];
        v[0] = layers;
        return v;
    }
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| {
            if w.is_finite() && *w > 0.0 {
                f64::from(layers) * w / total
            } else {
                0.0
            }
        })
        .collect();
    let mut out: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut rest = layers.saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(weights.len() * 2) {
        if rest == 0 {
            break;
        }
        if exact[i] > 0.0 {
            out[i] += 1;
            rest -= 1;
        }
    }
    if rest > 0 {
        out[0] += rest;
    }
    out
}

/// Choose the strategy and layer placement (before memory capping).
fn plan(s: &Scenario, devs: &[Dev], shape: &ModelShape, findings: &mut Vec<Finding>) -> Plan {
    let n = devs.len();
    if n <= 1 {
        return Plan {
            kind: StrategyKind::Single,
            stages: vec![StagePlan {
                dev: 0,
                layers: shape.layers,
                on_device: shape.layers,
                on_host: 0,
                first: true,
                last: true,
            }],
        };
    }
    match s.strategy {
        StrategyRequest::Auto | StrategyRequest::Pipeline => {}
        other => findings.push(Finding::new(
            Severity::Info,
            FindingCode::StrategyNotModelled,
            Subject::Strategy,
            format!(
                "{} is not modelled yet; estimated as a pipeline (layer split) over {n} devices",
                strategy_name(other)
            ),
        )),
    }
    if !s.runtime.strategies.iter().any(|x| x == "pipeline") {
        findings.push(Finding::new(
            Severity::Info,
            FindingCode::StrategyNotSupported,
            Subject::Strategy,
            format!(
                "{} does not list pipeline (layer split) among its strategies",
                s.runtime.name
            ),
        ));
    }
    // Balance stage time subject to each device's memory (issue 5), not memory share alone.
    let split = crate::parallel::pipeline::balanced_split(s, devs, shape);
    let stages: Vec<StagePlan> = split
        .iter()
        .enumerate()
        .filter(|(_, l)| **l > 0)
        .map(|(i, &l)| StagePlan {
            dev: i,
            layers: l,
            on_device: l,
            on_host: 0,
            first: false,
            last: false,
        })
        .collect();
    let mut stages = if stages.is_empty() {
        vec![StagePlan {
            dev: 0,
            layers: shape.layers,
            on_device: shape.layers,
            on_host: 0,
            first: true,
            last: true,
        }]
    } else {
        stages
    };
    let len = stages.len();
    stages[0].first = true;
    stages[len - 1].last = true;
    Plan {
        kind: if len > 1 {
            StrategyKind::Pipeline
        } else {
            StrategyKind::Single
        },
        stages,
    }
}

fn strategy_name(s: StrategyRequest) -> String {
    match s {
        StrategyRequest::Auto => "auto".into(),
        StrategyRequest::Pipeline => "pipeline".into(),
        StrategyRequest::Tensor => "tensor parallel".into(),
        StrategyRequest::Data => "data parallel".into(),
        StrategyRequest::Expert => "expert parallel".into(),
        StrategyRequest::Sequence => "sequence parallel".into(),
        StrategyRequest::Context => "context parallel".into(),
        StrategyRequest::Hybrid { tp, pp } => format!("tp={tp} pp={pp}"),
        StrategyRequest::PhaseSplit => "phase split".into(),
    }
}

/// Activation working set of one prefill micro-batch: a dozen hidden-sized fp32 buffers per
/// token (residual, norms, QKV, attention output, FFN input) and the FFN intermediate.
pub(crate) fn activation_bytes(shape: &ModelShape, ubatch: u64) -> f64 {
    let ffn_width = (shape.layer_active_params / shape.hidden / 3.0).max(shape.hidden);
    ubatch as f64 * 4.0 * (12.0 * shape.hidden + 2.0 * ffn_width)
}

/// Per-device memory need of a stage's fixed part (non-layer weights, buffers, runtime).
fn fixed_bytes(shape: &ModelShape, profile: &RuntimeProfile, st: &StagePlan, ubatch: u64) -> f64 {
    let mut b = activation_bytes(shape, ubatch) + profile.mem_overhead_gb * MEM_GB_BYTES;
    if st.first && !profile.embeddings_on_host {
        b += shape.embed_params * shape.bytes_per_weight;
    }
    if st.last && !shape.output_tied {
        b += shape.output_params * shape.bytes_per_weight;
    }
    b
}

/// Result of the physics before findings/fixes.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub est: Estimate,
    /// Total bytes needed over all devices (for fix search).
    pub need_bytes: f64,
    pub usable_bytes: f64,
    pub offload_capable: bool,
}

fn offload_capable(family: &str) -> bool {
    // Only llama.cpp-based runtimes run layers on the CPU (`-ngl`); vLLM, SGLang, TRT-LLM,
    // MLX and exo need the model in device memory.
    let f = family.to_ascii_lowercase();
    f.contains("llama.cpp") || f.contains("ollama") || f.contains("llamacpp")
}

/// One decode step for the plan at context `ctx`, batch `b`; per-stage (bytes, flops, secs).
fn decode_step(
    devs: &[Dev],
    shape: &ModelShape,
    profile: &RuntimeProfile,
    plan: &Plan,
    ctx: u64,
    b: u32,
) -> (TokenBreakdown, Vec<(f64, f64, f64)>) {
    let mut bd = TokenBreakdown {
        overhead_ms: profile.token_overhead_ms,
        ..Default::default()
    };
    let mut per_stage = Vec::with_capacity(plan.stages.len());
    for (k, st) in plan.stages.iter().enumerate() {
        let d = &devs[st.dev];
        let c = cost::decode_step(
            &d.rates,
            shape,
            profile,
            Part {
                layers: f64::from(st.on_device),
                shard: 1.0,
                output: st.last,
            },
            ctx,
            b,
        );
        let (host_s, _) = cost::host_decode_step(d.host_bw, shape, f64::from(st.on_host), ctx, b);
        // Host layers also pay per-layer launch costs; a CPU<->GPU handover once per step.
        let host_overhead = if st.on_host > 0 {
            f64::from(st.on_host) * d.rates.layer_overhead_s
                + if d.rates.unified {
                    0.0
                } else {
                    profile.stage_hop_us * 1e-6
                }
        } else {
            0.0
        };
        let hop = if k + 1 < plan.stages.len() {
            let (bw, lat) = d.next_link;
            profile.stage_hop_us * 1e-6
                + lat
                + f64::from(b) * shape.hidden * HOP_BYTES_PER_HIDDEN / bw
        } else {
            0.0
        };
        bd.weights_ms += c.weights_s * 1e3;
        bd.kv_ms += c.kv_s * 1e3;
        bd.compute_ms += c.compute_excess_s * 1e3;
        bd.overhead_ms += (c.overhead_s + host_overhead) * 1e3;
        bd.offload_ms += host_s * 1e3;
        bd.link_ms += hop * 1e3;
        per_stage.push((
            c.weight_bytes + c.kv_bytes,
            c.flops,
            c.total_s() + host_s + host_overhead,
        ));
    }
    bd.total_ms = bd.sum_parts();
    (bd, per_stage)
}

fn decode_bound(bd: &TokenBreakdown) -> Bound {
    let cands = [
        (bd.weights_ms + bd.kv_ms, Bound::MemoryBandwidth),
        (bd.compute_ms, Bound::Compute),
        (bd.offload_ms, Bound::OffloadLink),
        (bd.link_ms, Bound::Network),
        (bd.overhead_ms, Bound::Overhead),
    ];
    argmax(&cands)
}

fn argmax(c: &[(f64, Bound)]) -> Bound {
    let mut best = c[0];
    for &x in &c[1..] {
        if x.0 > best.0 {
            best = x;
        }
    }
    best.1
}

fn prefill_all(
    devs: &[Dev],
    shape: &ModelShape,
    profile: &RuntimeProfile,
    plan: &Plan,
    tokens: u64,
    ubatch: u64,
) -> (PrefillBreakdown, Vec<(f64, f64, f64)>) {
    let mut bd = PrefillBreakdown {
        overhead_ms: profile.prefill_overhead_ms,
        ..Default::default()
    };
    let mut per_stage = Vec::new();
    let ubatches = tokens.div_ceil(ubatch).max(1) as f64;
    for (k, st) in plan.stages.iter().enumerate() {
        let d = &devs[st.dev];
        // The device computes all its layers; host-resident ones have their weights streamed
        // over the host link once per micro-batch (llama.cpp offloads large batches to the GPU).
        let c = cost::prefill(
            &d.rates,
            shape,
            Part {
                layers: f64::from(st.layers),
                shard: 1.0,
                output: st.last,
            },
            0,
            tokens,
            ubatch,
        );
        let offload_s = if st.on_host > 0 && !d.rates.unified {
            div(
                f64::from(st.on_host) * shape.layer_bytes() * ubatches,
                d.rates.host_link_bw,
            )
        } else {
            0.0
        };
        let hop = if k + 1 < plan.stages.len() {
            let (bw, lat) = d.next_link;
            ubatches * (profile.stage_hop_us * 1e-6 + lat)
                + tokens as f64 * shape.hidden * HOP_BYTES_PER_HIDDEN / bw
        } else {
            0.0
        };
        bd.compute_ms += c.compute_s * 1e3;
        bd.memory_ms += c.memory_excess_s * 1e3;
        bd.offload_ms += offload_s * 1e3;
        bd.link_ms += hop * 1e3;
        per_stage.push((c.bytes, c.flops, c.total_s() + offload_s));
    }
    bd.total_ms = bd.compute_ms + bd.memory_ms + bd.offload_ms + bd.link_ms + bd.overhead_ms;
    (bd, per_stage)
}

fn prefill_bound(bd: &PrefillBreakdown) -> Bound {
    argmax(&[
        (bd.compute_ms, Bound::Compute),
        (bd.memory_ms, Bound::MemoryBandwidth),
        (bd.offload_ms, Bound::OffloadLink),
        (bd.link_ms, Bound::Network),
        (bd.overhead_ms, Bound::Overhead),
    ])
}

/// The physics for an already-sanitized scenario.
pub(crate) fn core(s: &Scenario, findings: &mut Vec<Finding>) -> Core {
    let profile = profile_for(&s.runtime);
    let shape = ModelShape::new(&s.model, &s.quant, s.kv.as_ref());
    let devs = devices(s, profile);
    let w = s.workload;
    let batch = w.batch.max(1);
    let ubatch = w
        .ubatch
        .map(u64::from)
        .unwrap_or(profile.prefill_chunk_tokens)
        .clamp(1, 1 << 20);
    let alloc_ctx = w.allocated_ctx_tokens().max(1);

    if devs.is_empty() {
        return Core {
            est: empty_estimate(&shape, w.prompt_tokens, batch),
            need_bytes: shape.weights_bytes(),
            usable_bytes: 0.0,
            offload_capable: false,
        };
    }

    // Multi-device strategies other than a plain pipeline (and AUTO) live in `parallel`.
    if let Some(c) = crate::parallel::dispatch(s, &devs, &shape, profile, findings) {
        return c;
    }

    let mut plan = plan(s, &devs, &shape, findings);

    // Memory and offload: each stage keeps what fits and spills the rest to host memory.
    let kv_layer = shape.kv_bytes(1.0, alloc_ctx) * f64::from(batch);
    let layer_total = shape.layer_bytes() + kv_layer;
    let mut memory = Vec::new();
    let mut host_bytes_discrete = 0.0;
    let mut host_unified_over = false;
    let mut need_bytes = 0.0;
    let mut usable_total = 0.0;
    for st in plan.stages.iter_mut() {
        let d = &devs[st.dev];
        let fixed = fixed_bytes(&shape, profile, st, ubatch);
        let usable = d.rates.usable_bytes;
        let room = ((usable - fixed) / layer_total).floor().max(0.0);
        let on_dev = (f64::from(st.layers).min(room)) as u32;
        st.on_device = on_dev;
        st.on_host = st.layers - on_dev;
        let host_b = f64::from(st.on_host) * layer_total;
        if d.rates.unified {
            if host_b > d.unified_spare_bytes {
                host_unified_over = true;
            }
        } else {
            host_bytes_discrete += host_b;
        }
        let want = fixed + f64::from(st.layers) * layer_total;
        need_bytes += want;
        usable_total += usable;
        let weights = f64::from(on_dev) * shape.layer_bytes() + fixed
            - activation_bytes(&shape, ubatch)
            - profile.mem_overhead_gb * MEM_GB_BYTES;
        let kv = f64::from(on_dev) * kv_layer;
        let total = fixed + f64::from(on_dev) * layer_total;
        memory.push(DeviceMemory {
            device: d.r,
            device_id: d.id.clone(),
            mem_gb: d.rates.mem_bytes / MEM_GB_BYTES,
            usable_gb: usable / MEM_GB_BYTES,
            usable_fraction: d.rates.usable_fraction,
            weights_gb: weights / MEM_GB_BYTES,
            kv_gb: kv / MEM_GB_BYTES,
            activations_gb: activation_bytes(&shape, ubatch) / MEM_GB_BYTES,
            overhead_gb: profile.mem_overhead_gb,
            total_gb: total / MEM_GB_BYTES,
            free_gb: ((usable - total) / MEM_GB_BYTES).max(0.0),
            overflow_gb: ((want - usable) / MEM_GB_BYTES).max(0.0),
            layers: on_dev,
        });
    }
    // Devices that got no layers still appear in the memory table.
    let mut staged = vec![false; devs.len()];
    for st in &plan.stages {
        staged[st.dev] = true;
    }
    for (d, _) in devs.iter().zip(&staged).filter(|(_, s)| !**s) {
        memory.push(crate::parallel::idle_memory(d));
    }
    memory.sort_by_key(|m| (m.device.group, m.device.index));

    let layers_on_host: u32 = plan.stages.iter().map(|s| s.on_host).sum();
    let host_overflow_discrete = host_bytes_discrete > s.host.mem_gb * MEM_GB_BYTES;
    let fits = layers_on_host == 0 && memory.iter().all(|m| m.overflow_gb <= 0.0);
    let offload = if layers_on_host > 0 {
        Some(Offload {
            layers_total: shape.layers,
            layers_on_devices: shape.layers - layers_on_host,
            layers_on_host,
            host_gb: f64::from(layers_on_host) * layer_total / MEM_GB_BYTES,
            host_mem_gb: s.host.mem_gb,
            host_overflow: host_overflow_discrete || host_unified_over,
        })
    } else {
        None
    };

    // Decode at the end of the prompt, mean over generation, and batched.
    let ctx = w.prompt_tokens;
    let (dec, dec_stages) = decode_step(&devs, &shape, profile, &plan, ctx, 1);
    let gen_ctx = w.prompt_tokens.saturating_add(w.gen_tokens / 2);
    let (dec_avg, _) = decode_step(&devs, &shape, profile, &plan, gen_ctx, 1);
    let (dec_b, _) = decode_step(&devs, &shape, profile, &plan, ctx, batch);
    let mut compute_from = None;
    let mut bsz: u32 = 1;
    while bsz <= validate::MAX_BATCH {
        let (bd, _) = decode_step(&devs, &shape, profile, &plan, ctx, bsz);
        if bd.compute_ms > 0.0 {
            compute_from = Some(bsz);
            break;
        }
        bsz = bsz.saturating_mul(2);
    }

    let prompt = w.prompt_tokens.max(1);
    let (pre, pre_stages) = prefill_all(&devs, &shape, profile, &plan, prompt, ubatch);
    let prefill_ms_real = if w.prompt_tokens == 0 {
        0.0
    } else {
        pre.total_ms
    };

    let decode_tok_s = 1e3 / dec.total_ms.max(1e-9);
    let gen_avg = 1e3 / dec_avg.total_ms.max(1e-9);
    let ttft_ms = prefill_ms_real + dec.total_ms;
    let total_s = (prefill_ms_real + w.gen_tokens as f64 * dec_avg.total_ms) / 1e3;

    // Utilisation per device.
    let mut util: Vec<DeviceUtilisation> = devs
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
    for (k, st) in plan.stages.iter().enumerate() {
        let d = &devs[st.dev];
        let (db, df, _) = dec_stages[k];
        let (pb, pf, _) = pre_stages[k];
        let u = &mut util[st.dev];
        u.decode_bandwidth = unit(div(db, dec_s) / d.rates.bw_peak.max(1.0));
        u.decode_compute = unit(div(df, dec_s) / d.rates.matrix_peak.max(1.0));
        u.prefill_bandwidth = unit(div(pb, pre_s) / d.rates.bw_peak.max(1.0));
        u.prefill_compute = unit(div(pf, pre_s) / d.rates.matrix_peak.max(1.0));
    }

    let stages_out: Vec<Stage> = {
        let mut first = 1u32;
        plan.stages
            .iter()
            .enumerate()
            .map(|(k, st)| {
                let d = &devs[st.dev];
                let out = Stage {
                    device: d.r,
                    device_id: d.id.clone(),
                    first_layer: first,
                    last_layer: first + st.layers - 1,
                    decode_ms: dec_stages[k].2 * 1e3,
                    prefill_ms: pre_stages[k].2 * 1e3,
                };
                first += st.layers;
                out
            })
            .collect()
    };
    let summary = match plan.kind {
        StrategyKind::Single => {
            let d = &devs[plan.stages[0].dev];
            match &offload {
                Some(o) => format!(
                    "whole model on one {} with {} of {} layers in host memory",
                    d.id, o.layers_on_host, o.layers_total
                ),
                None => format!("whole model on one {}", d.id),
            }
        }
        _ => {
            let parts: Vec<String> = stages_out
                .iter()
                .map(|st| {
                    format!(
                        "L{}-{} on {}#{}",
                        st.first_layer, st.last_layer, st.device_id, st.device.index
                    )
                })
                .collect();
            format!(
                "pipeline (layers split to balance stage time within each device's memory; one stream passes every stage): {}",
                parts.join(", ")
            )
        }
    };

    let est = Estimate {
        fits,
        strategy: StrategyReport {
            kind: plan.kind,
            summary,
            stages: stages_out,
        },
        memory,
        offload,
        model: crate::parallel::model_figures(&shape, ctx),
        prefill_tok_s: prompt as f64 / (pre.total_ms / 1e3).max(1e-12),
        prefill_bound: prefill_bound(&pre),
        prefill: pre,
        decode_tok_s,
        decode_bound: decode_bound(&dec),
        decode: dec,
        gen_avg_decode_tok_s: gen_avg,
        ttft_ms,
        total_s,
        batch: BatchEstimate {
            batch,
            per_stream_decode_tok_s: 1e3 / dec_b.total_ms.max(1e-9),
            aggregate_decode_tok_s: f64::from(batch) * 1e3 / dec_b.total_ms.max(1e-9),
            bound: decode_bound(&dec_b),
            compute_bound_from_batch: compute_from,
        },
        utilisation: util,
        power: Default::default(),
        findings: Vec::new(),
        auto: None,
        phase_split: None,
    };
    Core {
        est,
        need_bytes,
        usable_bytes: usable_total,
        offload_capable: offload_capable(&s.runtime.family),
    }
}

fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn empty_estimate(shape: &ModelShape, prompt: u64, batch: u32) -> Estimate {
    Estimate {
        fits: false,
        strategy: StrategyReport {
            kind: StrategyKind::Single,
            summary: "no devices".to_string(),
            stages: Vec::new(),
        },
        memory: Vec::new(),
        offload: None,
        model: ModelFigures {
            weights_gb: shape.weights_bytes() / GB,
            active_weights_gb: 0.0,
            kv_mb_per_token: shape.kv_bytes_per_token() / 1e6,
            kv_read_gb: 0.0,
            gflops_per_token: 0.0,
            decode_ctx_tokens: prompt,
        },
        prefill_tok_s: 0.0,
        prefill_bound: Bound::Compute,
        prefill: PrefillBreakdown::default(),
        decode_tok_s: 0.0,
        decode_bound: Bound::MemoryBandwidth,
        decode: TokenBreakdown::default(),
        gen_avg_decode_tok_s: 0.0,
        ttft_ms: 0.0,
        total_s: 0.0,
        batch: BatchEstimate {
            batch,
            per_stream_decode_tok_s: 0.0,
            aggregate_decode_tok_s: 0.0,
            bound: Bound::MemoryBandwidth,
            compute_bound_from_batch: None,
        },
        utilisation: Vec::new(),
        power: Default::default(),
        findings: Vec::new(),
        auto: None,
        phase_split: None,
    }
}

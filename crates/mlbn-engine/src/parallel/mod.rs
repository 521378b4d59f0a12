//! Many devices: link filling, the strategies beyond a plain pipeline (tensor, expert, data,
//! sequence, context, TP×PP / TP×DP hybrids), the EXO-style phase split, and AUTO.
//!
//! Every strategy is physics over the same per-device pieces ([`crate::cost`]): each device
//! reads its share of weights and KV at its own bandwidth, tensor groups wait for their
//! slowest member, collectives pay the slowest link on their path
//! ([`collectives`]), pipeline stages add one activation hop per boundary. Nothing here scales
//! a device's rate by a strategy multiplier.
//!
//! The engine calls [`dispatch`] from its core for multi-device scenarios; a plain pipeline
//! stays in the engine (with [`pipeline::balanced_split`] choosing the layer split).

pub mod auto;
pub mod collectives;
pub(crate) mod layout;
pub mod phase_split;
pub mod pipeline;

pub use auto::{AutoCandidate, AutoReport};
pub use phase_split::{PhaseSingle, PhaseSplitReport};

use crate::engine::{Core, Dev, activation_bytes};
use crate::estimate::*;
use crate::runtime::RuntimeProfile;
use crate::scenario::{LinkSpec, Scenario, StrategyRequest};
use crate::shape::ModelShape;
use collectives::LinkCost;
use mlbn_catalog::Catalog;

const GB: f64 = 1e9;

/// Decode share of collectives above which `slow_link_for_tensor` is reported.
pub const SLOW_LINK_SHARE: f64 = 0.3;

/// Fill links the text did not name, the way the front end does (marked inferred): inside
/// each group of two or more devices, and between groups (the slowest pairwise link between
/// consecutive groups, since collectives pay the slowest link on the path).
pub fn fill_links(s: &mut Scenario, findings: &mut Vec<Finding>) {
    let cat = Catalog::builtin();
    for (i, g) in s.groups.iter_mut().enumerate() {
        if g.link.is_none() && g.count >= 2 {
            if let Some(l) = cat.infer_group_link(&g.device, g.count) {
                findings.push(Finding::new(
                    Severity::Info,
                    FindingCode::LinkInferred,
                    Subject::Link { group: Some(i) },
                    format!(
                        "no link given for {}x {}: assuming {} ({:.0} GB/s, {:.0} us) — {}",
                        g.count,
                        g.device.name,
                        l.link.name,
                        l.link.bw_gbps,
                        l.link.latency_us,
                        l.reason
                    ),
                ));
                g.link = Some(LinkSpec::new(l.link, true));
            }
        }
    }
    if s.inter_group_link.is_none() && s.groups.len() >= 2 {
        let mut worst: Option<mlbn_catalog::InferredLink> = None;
        for w in s.groups.windows(2) {
            let l = cat.infer_link(&w[0].device, &w[1].device, None);
            if worst
                .as_ref()
                .is_none_or(|x| l.link.bw_gbps < x.link.bw_gbps)
            {
                worst = Some(l);
            }
        }
        if let Some(l) = worst {
            findings.push(Finding::new(
                Severity::Info,
                FindingCode::LinkInferred,
                Subject::Link { group: None },
                format!(
                    "no link given between the device groups: assuming {} ({:.2} GB/s, {:.0} us) — {}",
                    l.link.name, l.link.bw_gbps, l.link.latency_us, l.reason
                ),
            ));
            s.inter_group_link = Some(LinkSpec::new(l.link, true));
        }
    }
}

/// Shared inputs of every strategy evaluation.
pub(crate) struct Cx<'a> {
    pub s: &'a Scenario,
    pub devs: &'a [Dev],
    pub shape: &'a ModelShape,
    pub profile: &'static RuntimeProfile,
    /// Software cost of one collective, seconds.
    pub launch_s: f64,
    /// Serving runtime with one-shot all-reduce kernels.
    pub one_shot: bool,
    /// The runtime pays [`layout::MOE_LAYER_US`] per MoE layer.
    pub moe_chain: bool,
    /// KV bytes of one layer at the allocated context for the whole batch.
    pub kv_layer_alloc: f64,
    /// Activations + runtime memory per device, bytes.
    pub fixed_base: f64,
    /// Prefill micro-batch (chunk) size, tokens.
    pub ubatch: u64,
    group_links: Vec<(LinkCost, String)>,
    inter: (LinkCost, String),
}

impl<'a> Cx<'a> {
    pub fn new(
        s: &'a Scenario,
        devs: &'a [Dev],
        shape: &'a ModelShape,
        profile: &'static RuntimeProfile,
    ) -> Cx<'a> {
        let to_cost = |l: &LinkSpec| {
            (
                LinkCost {
                    bw: (l.link.bw_gbps * GB).max(1.0),
                    latency_s: l.link.latency_us.max(0.0) * 1e-6,
                },
                l.link.id.clone(),
            )
        };
        let group_links = s
            .groups
            .iter()
            .map(|g| {
                g.link.as_ref().map(to_cost).unwrap_or((
                    LinkCost {
                        bw: crate::device::DEFAULT_HOST_LINK_GBPS * GB,
                        latency_s: 1e-6,
                    },
                    "pcie4-x16".to_string(),
                ))
            })
            .collect();
        let inter = s.inter_group_link.as_ref().map(to_cost).unwrap_or((
            LinkCost {
                bw: 1.25 * GB,
                latency_s: 50e-6,
            },
            "10gbe".to_string(),
        ));
        let batch = f64::from(s.workload.batch.max(1));
        let ubatch = ubatch_of(s, profile);
        Cx {
            s,
            devs,
            shape,
            profile,
            launch_s: collectives::launch_s(&s.runtime.family, profile),
            one_shot: collectives::one_shot_all_reduce(&s.runtime.family),
            moe_chain: collectives::one_shot_all_reduce(&s.runtime.family)
                || ["exo", "mlx"]
                    .iter()
                    .any(|f| s.runtime.family.to_ascii_lowercase().contains(f)),
            kv_layer_alloc: shape.kv_bytes(1.0, s.workload.allocated_ctx_tokens().max(1)) * batch,
            fixed_base: activation_bytes(shape, ubatch) + profile.mem_overhead_gb * GB,
            ubatch,
            group_links,
            inter,
        }
    }

    /// The slowest link among a set of devices (what their collectives pay). Allocation-free:
    /// it runs for every stage of every candidate.
    pub fn link_among(&self, members: &[usize]) -> LinkCost {
        let Some(&first) = members.first() else {
            return LinkCost {
                bw: 1e15,
                latency_s: 0.0,
            };
        };
        let g0 = self.devs[first].r.group;
        let multi_group = members.iter().any(|&i| self.devs[i].r.group != g0);
        let mut best: Option<LinkCost> = if multi_group {
            Some(self.inter.0)
        } else {
            None
        };
        for (g, (l, _)) in self.group_links.iter().enumerate() {
            let mut count = 0;
            for &i in members {
                if self.devs[i].r.group == g {
                    count += 1;
                    if count >= 2 {
                        break;
                    }
                }
            }
            if count >= 2 {
                best = Some(match best {
                    Some(b) => LinkCost {
                        bw: b.bw.min(l.bw),
                        latency_s: b.latency_s.max(l.latency_s),
                    },
                    None => *l,
                });
            }
        }
        best.unwrap_or(LinkCost {
            bw: 1e15,
            latency_s: 0.0,
        })
    }

    pub fn link_between(&self, a: usize, b: usize) -> LinkCost {
        self.link_among(&[a, b])
    }

    pub fn link_name_among(&self, members: &[usize]) -> String {
        let g0 = self.devs[members[0]].r.group;
        if members.iter().all(|&i| self.devs[i].r.group == g0) {
            self.group_links[g0].1.clone()
        } else {
            self.inter.1.clone()
        }
    }

    /// Device classes: groups of identical devices (same catalog id), as first-device index
    /// and count, in the order written. AUTO enumerates over these, never over assignments.
    pub fn classes(&self) -> Vec<(String, Vec<usize>)> {
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, d) in self.devs.iter().enumerate() {
            match out.iter_mut().find(|c| c.0 == d.id) {
                Some(c) => c.1.push(i),
                None => out.push((d.id.clone(), vec![i])),
            }
        }
        out
    }
}

/// Prefill chunk size the engine uses for this scenario (workload override, else runtime).
pub(crate) fn ubatch_of(s: &Scenario, profile: &RuntimeProfile) -> u64 {
    s.workload
        .ubatch
        .map(u64::from)
        .unwrap_or(profile.prefill_chunk_tokens)
        .clamp(1, 1 << 20)
}

/// The strategy hook: `None` for one device or a plain pipeline (the engine handles those).
pub(crate) fn dispatch(
    s: &Scenario,
    devs: &[Dev],
    shape: &ModelShape,
    profile: &'static RuntimeProfile,
    findings: &mut Vec<Finding>,
) -> Option<Core> {
    let n = devs.len() as u32;
    if n <= 1 {
        return None;
    }
    let cx = Cx::new(s, devs, shape, profile);
    let lay = match s.strategy {
        // Runtimes that offload (llama.cpp) pipeline in the engine; serving runtimes here.
        StrategyRequest::Pipeline if !cx.one_shot => return None,
        StrategyRequest::Pipeline => auto::tensor_layout(1, n, 1, false),
        StrategyRequest::Auto => return Some(auto::run(&cx, findings)),
        StrategyRequest::PhaseSplit => {
            return match phase_split::run(&cx) {
                Ok(c) => Some(c),
                Err(why) => {
                    findings.push(Finding::new(
                        Severity::Warning,
                        FindingCode::StrategyNotSupported,
                        Subject::Strategy,
                        format!(
                            "phase split is not possible here ({why}); estimated as a pipeline"
                        ),
                    ));
                    None
                }
            };
        }
        StrategyRequest::Tensor => auto::tensor_layout(n, 1, 1, false),
        StrategyRequest::Sequence => {
            if s.workload.prompt_tokens <= auto::SEQUENCE_MIN_PROMPT {
                findings.push(Finding::new(
                    Severity::Info,
                    FindingCode::StrategyNotSupported,
                    Subject::Strategy,
                    format!(
                        "sequence parallel only pays off for prompts over {} tokens; this one has {}",
                        auto::SEQUENCE_MIN_PROMPT,
                        s.workload.prompt_tokens
                    ),
                ));
            }
            auto::tensor_layout(n, 1, 1, true)
        }
        StrategyRequest::Context => auto::context_layout(n),
        StrategyRequest::Data => auto::tensor_layout(1, 1, n, false),
        StrategyRequest::Expert => {
            if shape.experts > 1.0 {
                auto::expert_layout(n)
            } else {
                findings.push(Finding::new(
                    Severity::Warning,
                    FindingCode::StrategyNotSupported,
                    Subject::Strategy,
                    format!(
                        "{} is dense (no experts): estimated as tensor parallel instead",
                        s.model.name
                    ),
                ));
                auto::tensor_layout(n, 1, 1, false)
            }
        }
        StrategyRequest::Hybrid { tp, pp } => {
            let (tp, pp) = (tp.max(1), pp.max(1));
            let used = tp.saturating_mul(pp);
            if used > n || n % used != 0 {
                findings.push(Finding::new(
                    Severity::Warning,
                    FindingCode::InvalidValue,
                    Subject::Strategy,
                    format!("tp={tp} pp={pp} needs a multiple of {used} devices, the scenario has {n}; estimated as a pipeline"),
                ));
                return None;
            }
            auto::tensor_layout(tp, pp, n / used, false)
        }
    };
    if let Some(f) = auto::tp_divisor_finding(&cx, &lay) {
        findings.push(f);
    }
    let (core, _) = layout::evaluate(&cx, &lay);
    auto::slow_link_finding(&cx, &lay, &core, findings);
    Some(core)
}

/// The model's per-token figures at decode context `ctx`; `kv_read_gb` is what one decode step
/// reads (KV-shared layers re-read their source's cache, recurrent state is read and written).
pub(crate) fn model_figures(shape: &ModelShape, ctx: u64) -> ModelFigures {
    ModelFigures {
        weights_gb: shape.weights_bytes() / GB,
        active_weights_gb: (shape.layer_read_bytes(1) * f64::from(shape.layers)
            + shape.output_read_bytes())
            / GB,
        kv_mb_per_token: shape.kv_bytes_per_token() / 1e6,
        kv_read_gb: shape.kv_read_bytes(f64::from(shape.layers), ctx) / GB,
        gflops_per_token: (f64::from(shape.layers) * shape.layer_flops(ctx as f64)
            + shape.output_flops())
            / 1e9,
        decode_ctx_tokens: ctx,
    }
}

/// The memory-table row of a device that holds nothing (in GiB, like every device row).
pub(crate) fn idle_memory(d: &Dev) -> DeviceMemory {
    DeviceMemory {
        device: d.r,
        device_id: d.id.clone(),
        mem_gb: d.rates.mem_bytes / crate::device::MEM_GB_BYTES,
        usable_gb: d.rates.usable_bytes / crate::device::MEM_GB_BYTES,
        usable_fraction: d.rates.usable_fraction,
        weights_gb: 0.0,
        kv_gb: 0.0,
        activations_gb: 0.0,
        overhead_gb: 0.0,
        total_gb: 0.0,
        free_gb: d.rates.usable_bytes / crate::device::MEM_GB_BYTES,
        overflow_gb: 0.0,
        layers: 0,
    }
}

pub(crate) fn empty_core(cx: &Cx) -> Core {
    let mut findings = Vec::new();
    let mut s = cx.s.clone();
    s.strategy = StrategyRequest::Pipeline;
    let mut c = crate::engine::core(&s, &mut findings);
    c.est.fits = false;
    c
}

pub(crate) fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

pub(crate) fn decode_bound(bd: &TokenBreakdown) -> Bound {
    argmax(&[
        (bd.weights_ms + bd.kv_ms, Bound::MemoryBandwidth),
        (bd.compute_ms, Bound::Compute),
        (bd.offload_ms, Bound::OffloadLink),
        (bd.link_ms, Bound::Network),
        (bd.overhead_ms, Bound::Overhead),
    ])
}

pub(crate) fn prefill_bound(bd: &PrefillBreakdown) -> Bound {
    argmax(&[
        (bd.compute_ms, Bound::Compute),
        (bd.memory_ms, Bound::MemoryBandwidth),
        (bd.offload_ms, Bound::OffloadLink),
        (bd.link_ms, Bound::Network),
        (bd.overhead_ms, Bound::Overhead),
    ])
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

/// Smallest share of usable memory left free over the devices that hold something.
pub(crate) fn headroom_fraction(e: &Estimate) -> f64 {
    e.memory
        .iter()
        .filter(|m| m.total_gb > 0.0)
        .map(|m| {
            if m.usable_gb > 0.0 {
                (m.usable_gb - m.total_gb - m.overflow_gb) / m.usable_gb
            } else {
                -1.0
            }
        })
        .fold(f64::INFINITY, f64::min)
        .clamp(-1.0, 1.0)
}

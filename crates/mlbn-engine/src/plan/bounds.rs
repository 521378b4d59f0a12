//! Cheap bounds that let the search skip a configuration before calling [`crate::estimate()`].
//!
//! Each bound is a *necessary* condition for a configuration to meet a goal, derived from the
//! same physics the engine uses (the same device rates, runtime profile and collective costs),
//! so pruning never drops a configuration the engine would accept. `tests/plan_bounds.rs`
//! checks this over the whole search space, owned-plus-purchase mixes included.
//!
//! - **Memory**: a configuration that fits holds every transformer layer and its KV cache at
//!   the allocated context on its devices (partial offload is what "does not fit" means; tensor
//!   shards and context slices only split them, replicas and phase split hold more), so the
//!   layers' stored bytes plus their KV must not exceed the sum of the devices' usable memory.
//!   Embeddings, activations and runtime overhead only add to the need, so leaving them out
//!   keeps the bound sound (and holds for runtimes that keep the embedding table on the host).
//! - **Decode step**: one decode step reads every active weight byte of every layer, the output
//!   head and the KV cache at the prompt's context once, from some device's memory, at no more
//!   than the runtime's achievable bandwidth on that device (`DeviceRates::bw_eff`, what the
//!   engine divides by), and always pays the runtime's per-token cost plus a per-layer cost
//!   for every layer. Layers run one stage after another, so without sharding a step takes at
//!   least `bytes / fastest bw_eff`. Sharding every layer over `t ≥ 2` devices (tensor, expert,
//!   sequence) divides the reads by at most `t ≤ n`, but costs at least one collective per
//!   layer (two for a dense model: tensor parallel all-reduces after attention and after the
//!   MLP), each at least the runtime's launch cost; context parallel keeps whole weights on
//!   each device. The step is at least the smallest of the three, and per-stream decode at
//!   most its inverse. Links, compute, MoE routing and batching only slow it down.
//! - **Time to first token**: prefill multiplies every prompt token through every layer's
//!   active weights (`2 × active params` FLOPs per token per layer, before attention and
//!   before the engine's MoE penalty) at no more than a device's achievable matrix rate
//!   (`DeviceRates::matrix_eff`); unsharded stages take turns, and sharding over `t` devices
//!   costs a collective per layer. Prefill also pays the runtime's fixed prefill cost, and the
//!   first token needs one decode step after it: TTFT ≥ prefill floor + decode step floor.
//! - **Power**: every device of the configuration draws at least its idle power in every phase
//!   (the power model counts devices the strategy leaves unused at idle), so the system's
//!   draw — peak and average — is at least the sum of idle draws (as the power model clamps
//!   them).

use crate::device::DeviceRates;
use crate::parallel::collectives;
use crate::runtime::{RuntimeProfile, profile_for};
use crate::scenario::{DeviceGroup, LinkSpec, Scenario};
use crate::shape::ModelShape;
use mlbn_catalog::{Device, Quant, Runtime};

/// The bounds of one configuration (devices, quant and runtime fixed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Stored bytes of all transformer layers at the quant, plus their KV cache at the
    /// allocated context.
    pub layer_bytes: f64,
    /// Usable memory of all devices, bytes.
    pub usable_bytes: f64,
    /// Upper bound on per-stream decode, tok/s.
    pub decode_tok_s_max: f64,
    /// Lower bound on time to first token, ms.
    pub ttft_ms_min: f64,
    /// Lower bound on system power in any phase and on average, W (the sum of idle draws).
    pub power_w_min: f64,
}

impl Bounds {
    /// False when the weights cannot fit: the engine cannot report `fits`.
    pub fn may_fit(&self) -> bool {
        self.layer_bytes <= self.usable_bytes
    }
}

/// Bounds for `s` as it stands (groups, quant, runtime, kv, workload).
pub fn bounds(s: &Scenario) -> Bounds {
    let shape = ModelShape::new(&s.model, &s.quant, s.kv.as_ref());
    bounds_with(s, &s.groups, &s.quant, &s.runtime, &shape)
}

/// Bounds for `base`'s model and workload on `groups` with `quant` and `runtime`, where
/// `shape` is the model's shape at that quant (the search computes it once per quant and
/// does not build a scenario per candidate).
pub fn bounds_with(
    base: &Scenario,
    groups: &[DeviceGroup],
    quant: &Quant,
    runtime: &Runtime,
    shape: &ModelShape,
) -> Bounds {
    let latency_s = collective_latency_s(
        groups.iter().map(|g| (g.count, g.link.as_ref())),
        base.inter_group_link.as_ref(),
    );
    bounds_of(
        base,
        groups
            .iter()
            .map(|g| (&g.device, g.count, g.host_link.as_ref().map(|l| l.bw_gbps))),
        quant,
        &RuntimeCosts::new(runtime),
        shape,
        latency_s,
    )
}

/// The smallest one-way latency a collective among these devices can see, seconds: the
/// links inside groups of several devices and, with several groups, the link between them
/// (collectives pay the slowest link on their path, so they see at least this). 0 when a
/// link is left for the engine to infer.
pub(crate) fn collective_latency_s<'l>(
    groups: impl Iterator<Item = (u32, Option<&'l LinkSpec>)>,
    inter: Option<&LinkSpec>,
) -> f64 {
    let mut min = f64::INFINITY;
    let mut n_groups = 0;
    for (count, link) in groups {
        n_groups += 1;
        if count >= 2 {
            min = min.min(link.map_or(0.0, |l| l.link.latency_us * 1e-6));
        }
    }
    if n_groups >= 2 {
        min = min.min(inter.map_or(0.0, |l| l.link.latency_us * 1e-6));
    }
    if min.is_finite() && min > 0.0 {
        min
    } else {
        0.0
    }
}

/// What the bounds need of a runtime, looked up once per runtime.
pub(crate) struct RuntimeCosts {
    pub profile: &'static RuntimeProfile,
    /// Software cost of one collective, seconds.
    pub launch_s: f64,
}

impl RuntimeCosts {
    pub fn new(runtime: &Runtime) -> Self {
        let profile = profile_for(runtime);
        RuntimeCosts {
            profile,
            launch_s: collectives::launch_s(&runtime.family, profile).max(0.0),
        }
    }
}

/// [`bounds_with`] over (device, count, host link GB/s) triples, with the smallest latency a
/// collective can see ([`collective_latency_s`]).
pub(crate) fn bounds_of<'d>(
    base: &Scenario,
    groups: impl Iterator<Item = (&'d Device, u32, Option<f64>)>,
    quant: &Quant,
    rt: &RuntimeCosts,
    shape: &ModelShape,
    latency_s: f64,
) -> Bounds {
    let profile = rt.profile;
    let mut usable = 0.0;
    let mut bw_max: f64 = 0.0;
    let mut overhead_s = profile.layer_overhead_us.max(0.0) * 1e-6;
    let mut matrix_max: f64 = 0.0;
    let mut idle = 0.0;
    let mut devices = 0.0;
    for (device, count, host_link_gbps) in groups {
        if count == 0 {
            continue;
        }
        let n = f64::from(count);
        let rates = DeviceRates::new(
            device,
            quant,
            profile,
            base.gpu_mem_fraction,
            host_link_gbps,
            base.runtime_build,
        );
        devices += n;
        usable += n * rates.usable_bytes.max(0.0);
        bw_max = bw_max.max(rates.bw_eff.max(0.0));
        matrix_max = matrix_max.max(rates.matrix_eff.max(0.0));
        if rates.layer_overhead_s.is_finite() {
            overhead_s = overhead_s.min(rates.layer_overhead_s.max(0.0));
        }
        idle += n * idle_floor_w(device);
    }
    let layers = f64::from(shape.layers);
    let w = base.workload;
    let batch = f64::from(w.batch.max(1));
    let alloc_ctx = w.allocated_ctx_tokens().max(1);
    let kv_alloc = shape.kv_bytes(layers, alloc_ctx) * batch;
    // A collective costs at least its launch and one link latency; an all-reduce two
    // latencies (ring or one-shot). Sharding every layer costs per layer at least one
    // all-reduce for an MoE model (expert parallel), two for a dense one (tensor parallel;
    // sequence parallel's four all-gathers cost more); context parallel one all-gather.
    let all_reduce_s = rt.launch_s + 2.0 * latency_s;
    let gather_s = rt.launch_s + latency_s;
    let moe = base.model.moe.is_some() || shape.experts > 1.0;
    let shard_layer_s = if moe {
        all_reduce_s
    } else {
        2.0 * all_reduce_s
    };

    // Decode step floor.
    let ctx = w.prompt_tokens;
    let weights = layers * shape.layer_read_bytes(1) + shape.output_read_bytes();
    let kv_read = shape
        .kv_read_bytes(layers, ctx)
        .min(shape.kv_bytes(layers, ctx));
    let fixed_s = profile.token_overhead_ms.max(0.0) * 1e-3 + layers * overhead_s;
    let read_s = |bytes: f64, ways: f64| {
        if bw_max > 0.0 {
            bytes / (ways * bw_max)
        } else {
            0.0
        }
    };
    let mut step_s = read_s(weights + kv_read, 1.0);
    if devices >= 2.0 {
        let sharded = read_s(weights + kv_read, devices) + layers * shard_layer_s;
        let context = read_s(weights, 1.0) + layers * gather_s;
        step_s = step_s.min(sharded).min(context);
    }
    let step_s = step_s + fixed_s;
    let decode_tok_s_max = if step_s > 0.0 && step_s.is_finite() {
        1.0 / step_s
    } else {
        f64::INFINITY
    };

    // Prefill floor (none without a prompt: the engine then reports no prefill time).
    let prefill_s = if w.prompt_tokens == 0 {
        0.0
    } else {
        let flops = w.prompt_tokens as f64 * 2.0 * shape.layer_active_params * layers;
        let compute = |ways: f64| {
            if matrix_max > 0.0 && flops.is_finite() {
                flops / (ways * matrix_max)
            } else {
                0.0
            }
        };
        let mut s = compute(1.0);
        if devices >= 2.0 {
            s = s.min(compute(devices) + layers * gather_s);
        }
        s + profile.prefill_overhead_ms.max(0.0) * 1e-3
    };
    let ttft_ms_min = (prefill_s + step_s) * 1e3;
    Bounds {
        ttft_ms_min: if ttft_ms_min.is_finite() {
            ttft_ms_min
        } else {
            0.0
        },
        layer_bytes: layers * shape.layer_bytes() + kv_alloc,
        usable_bytes: usable,
        decode_tok_s_max,
        power_w_min: idle,
    }
}

/// The idle draw the power model uses for a device (0 when the record is unusable, so the
/// bound stays a lower bound whatever the power model assumes instead).
fn idle_floor_w(d: &mlbn_catalog::Device) -> f64 {
    if d.tdp_w.is_finite() && d.tdp_w > 0.0 && d.idle_w.is_finite() && d.idle_w >= 0.0 {
        d.idle_w.min(d.tdp_w)
    } else {
        0.0
    }
}

//! Cheap bounds that let the search skip a configuration before calling [`crate::estimate()`].
//!
//! Each bound is a *necessary* condition for a configuration to meet a goal, derived from the
//! same physics the engine uses, so pruning never drops a configuration the engine would
//! accept. `tests/plan_bounds.rs` checks this over the whole search space.
//!
//! - **Memory**: a configuration that fits holds every transformer layer on its devices
//!   (partial offload is what "does not fit" means), so the layers' stored bytes at the quant
//!   must not exceed the sum of the devices' usable memory. Embeddings, KV cache, activations
//!   and runtime overhead only add to the need, so leaving them out keeps the bound sound (and
//!   holds for runtimes that keep the embedding table on the host).
//! - **Bandwidth roofline**: one decode step reads every active weight byte of every layer and
//!   the output head once, from some device's memory, at no more than the runtime's achievable
//!   bandwidth on that device (`DeviceRates::bw_eff`, what the engine divides by). With `n`
//!   devices working at once the fastest this can happen is `bytes / Σ bw_eff` (a pipeline is
//!   slower still: its stages take turns). Every layer also runs on some device each step, and
//!   the devices that run a layer pay the runtime's fixed per-layer cost, in turn in a pipeline,
//!   side by side in a tensor group: so a step also takes at least `layers × min per-layer cost`
//!   on top. Per-stream decode ≤ `1 / (bytes / Σ bw_eff + layers × min overhead)`. KV reads,
//!   compute, links and MoE routing only slow it down, and a batch only reads more.
//! - **Compute floor for TTFT**: prefill multiplies every prompt token through every layer's
//!   active weights (`2 × active params` FLOPs per token per layer, before attention and
//!   before the engine's MoE penalty); however the work is split, it runs at no more than the
//!   sum of the devices' achievable matrix rates (`DeviceRates::matrix_eff`). So TTFT ≥ that
//!   work / Σ matrix_eff.
//! - **Power**: every device of the configuration draws at least its idle power in every phase
//!   (the power model counts devices the strategy leaves unused at idle), so the system's
//!   draw is at least the sum of idle draws (as the power model clamps them).

use crate::device::DeviceRates;
use crate::runtime::profile_for;
use crate::scenario::Scenario;
use crate::shape::ModelShape;

/// The bounds of one configuration (devices, quant and runtime fixed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Stored bytes of all transformer layers at the quant.
    pub layer_bytes: f64,
    /// Usable memory of all devices, bytes.
    pub usable_bytes: f64,
    /// Upper bound on per-stream decode, tok/s.
    pub decode_tok_s_max: f64,
    /// Lower bound on time to first token, ms.
    pub ttft_ms_min: f64,
    /// Lower bound on system power in any phase, W (the sum of idle draws).
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
    let profile = profile_for(&s.runtime);
    let mut usable = 0.0;
    let mut bw = 0.0;
    let mut overhead_s = f64::INFINITY;
    let mut matrix = 0.0;
    let mut idle = 0.0;
    for g in &s.groups {
        let n = f64::from(g.count);
        let rates = DeviceRates::new(
            &g.device,
            &s.quant,
            profile,
            s.gpu_mem_fraction,
            g.host_link.as_ref().map(|l| l.bw_gbps),
            s.runtime_build,
        );
        usable += n * rates.usable_bytes.max(0.0);
        bw += n * rates.bw_eff.max(0.0);
        matrix += n * rates.matrix_eff.max(0.0);
        if g.count > 0 && rates.layer_overhead_s.is_finite() {
            overhead_s = overhead_s.min(rates.layer_overhead_s.max(0.0));
        }
        idle += n * idle_floor_w(&g.device);
    }
    let read = f64::from(shape.layers) * shape.layer_read_bytes(1) + shape.output_read_bytes();
    let overhead_s = if overhead_s.is_finite() {
        overhead_s
    } else {
        0.0
    };
    let step_s = f64::from(shape.layers) * overhead_s + if bw > 0.0 { read / bw } else { 0.0 };
    let decode_tok_s_max = if step_s > 0.0 && step_s.is_finite() {
        1.0 / step_s
    } else {
        f64::INFINITY
    };
    let prefill_flops =
        s.workload.prompt_tokens as f64 * 2.0 * shape.layer_active_params * f64::from(shape.layers);
    let ttft_ms_min = if matrix > 0.0 && matrix.is_finite() && prefill_flops.is_finite() {
        prefill_flops / matrix * 1e3
    } else {
        0.0
    };
    Bounds {
        ttft_ms_min,
        layer_bytes: f64::from(shape.layers) * shape.layer_bytes(),
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

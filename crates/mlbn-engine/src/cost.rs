//! Reusable per-device cost pieces: what one device spends running a part of the model for
//! one decode step or one prefill. Strategies (single, pipeline, and later tensor/expert/phase
//! split) compose these: a pipeline sums stage costs, a tensor shard is `shard = 1/N` of every
//! layer plus collectives, offload adds a host part.

use crate::device::{DeviceRates, HOST_BW_EFF};
use crate::runtime::{FLOAT_GEMV_OPS_PER_WEIGHT, RuntimeProfile};
use crate::shape::ModelShape;

/// Which part of the model a device runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// Number of transformer layers (may be fractional for averaged splits).
    pub layers: f64,
    /// Share of each layer's weights and heads this device holds (1 = whole layers,
    /// 1/N for an N-way tensor shard).
    pub shard: f64,
    /// Whether this device runs the output head (last pipeline stage).
    pub output: bool,
}

impl Part {
    pub fn whole(shape: &ModelShape) -> Part {
        Part {
            layers: f64::from(shape.layers),
            shard: 1.0,
            output: true,
        }
    }
}

/// Cost of one decode step (one token for each of `batch` streams) on one device.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StepCost {
    pub weight_bytes: f64,
    pub kv_bytes: f64,
    pub flops: f64,
    /// Seconds reading weights.
    pub weights_s: f64,
    /// Seconds reading KV.
    pub kv_s: f64,
    /// Compute seconds not hidden under memory traffic.
    pub compute_excess_s: f64,
    /// Raw compute seconds.
    pub compute_s: f64,
    /// Per-layer launch overhead of this part.
    pub overhead_s: f64,
}

impl StepCost {
    pub fn total_s(&self) -> f64 {
        self.weights_s + self.kv_s + self.compute_excess_s + self.overhead_s
    }
}

/// One decode step of `part` on a device at context `ctx` with `batch` streams.
pub fn decode_step(
    rates: &DeviceRates,
    shape: &ModelShape,
    profile: &RuntimeProfile,
    part: Part,
    ctx: u64,
    batch: u32,
) -> StepCost {
    let b = f64::from(batch.max(1));
    let out_bytes = if part.output {
        shape.output_read_bytes()
    } else {
        0.0
    };
    let weight_bytes = (part.layers * shape.layer_read_bytes(batch) + out_bytes) * part.shard;
    let kv_bytes = shape.kv_read_bytes(part.layers, ctx) * b * part.shard;
    let out_flops = if part.output {
        shape.output_flops()
    } else {
        0.0
    };
    let flops = b * (part.layers * shape.layer_flops(ctx as f64) + out_flops) * part.shard;
    let weights_s = div(weight_bytes, rates.bw_eff);
    let kv_s = div(kv_bytes, rates.bw_eff);
    // Matrix work at the GEMM rate, and the SIMT work of unpacking every weight read.
    let ops_per_weight = if rates.quantized {
        profile.gemv_ops_per_weight
    } else {
        FLOAT_GEMV_OPS_PER_WEIGHT
    };
    // Weights read (a count): experts and the rest may be stored differently.
    let (dense_n, routed_n) = shape.layer_read_split(batch);
    let out_n = if part.output {
        shape.output_params
    } else {
        0.0
    };
    let expert_ops = if shape.expert_bytes_per_weight * 8.0 < 15.0 {
        profile.gemv_ops_per_weight
    } else {
        ops_per_weight
    };
    let vector_ops = (part.layers * (dense_n * ops_per_weight + routed_n * expert_ops)
        + out_n * ops_per_weight)
        * part.shard;
    let vector_s = div(vector_ops, rates.vector_peak);
    let compute_s = div(flops, rates.matrix_eff).max(vector_s);
    let compute_excess_s = (compute_s - weights_s - kv_s).max(0.0);
    StepCost {
        weight_bytes,
        kv_bytes,
        flops,
        weights_s,
        kv_s,
        compute_excess_s,
        compute_s,
        overhead_s: part.layers
            * (rates.layer_overhead_s
                + shape.moe_layer_share * profile.moe_layer_overhead_us * 1e-6),
    }
}

/// Seconds the CPU spends on `layers` host-resident layers in one decode step: their weights
/// and KV stream from host memory (bandwidth-bound at batch 1).
pub fn host_decode_step(
    host_bw_bytes_s: f64,
    shape: &ModelShape,
    layers: f64,
    ctx: u64,
    batch: u32,
) -> (f64, f64) {
    let b = f64::from(batch.max(1));
    let bytes = layers * shape.layer_read_bytes(batch) + shape.kv_read_bytes(layers, ctx) * b;
    (div(bytes, host_bw_bytes_s * HOST_BW_EFF), bytes)
}

/// Cost of prefilling `tokens` prompt tokens (after `past` cached ones) through `part`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PrefillCost {
    pub flops: f64,
    pub bytes: f64,
    pub compute_s: f64,
    /// Memory time not hidden under compute.
    pub memory_excess_s: f64,
}

impl PrefillCost {
    pub fn total_s(&self) -> f64 {
        self.compute_s + self.memory_excess_s
    }
}

/// Rows (tokens) at which a GEMM reaches half its full-tile efficiency: MoE experts each get
/// `ubatch x k / E` tokens (32 for a 128-expert, top-8 model at ubatch 512), so their GEMMs
/// run far below peak. Matrix kernels tile 64-128 rows at a time.
pub const MOE_GEMM_HALF_ROWS: f64 = 64.0;

/// Micro-batch size llama.cpp processes prompts in by default (`n_ubatch` = 512); other
/// runtimes' chunk sizes are in their profile. Weights are re-read once per micro-batch.
pub const PREFILL_UBATCH: u64 = 512;

pub fn prefill(
    rates: &DeviceRates,
    shape: &ModelShape,
    part: Part,
    past: u64,
    tokens: u64,
    ubatch: u64,
) -> PrefillCost {
    let ubatch = ubatch.max(1);
    let t = tokens as f64;
    // Only the last prompt token's logits are computed.
    let out_flops = if part.output && tokens > 0 {
        shape.output_flops()
    } else {
        0.0
    };
    let attn = shape.layer_prefill_attention_flops(past as f64, t);
    let layer_flops = t * 2.0 * shape.layer_active_params + attn;
    let flops = (part.layers * layer_flops + out_flops) * part.shard;
    // Routed experts each see only the tokens sent to them: small GEMMs fill the matrix
    // tiles poorly, so they take longer than their FLOPs suggest.
    let routed = shape.layer_routed_active_params;
    let routed_eff = if routed > 0.0 && shape.experts > 0.0 {
        let m = (tokens.min(ubatch) as f64) * shape.experts_per_token / shape.experts;
        (m / (m + MOE_GEMM_HALF_ROWS)).max(1e-3)
    } else {
        1.0
    };
    let slow_layer_flops =
        t * 2.0 * (shape.layer_active_params - routed + routed / routed_eff) + attn;
    let effective_flops = (part.layers * slow_layer_flops + out_flops) * part.shard;
    let ubatches = tokens.div_ceil(ubatch).max(1) as f64;
    // Each micro-batch touches (nearly) all experts once it has many tokens.
    let ub_tokens = tokens.clamp(1, ubatch) as u32;
    let weight_bytes = part.layers * shape.layer_read_bytes(ub_tokens) * ubatches;
    let kv_bytes = shape.kv_bytes(part.layers, past + tokens);
    let bytes = (weight_bytes + kv_bytes) * part.shard;
    let compute_s = div(effective_flops, rates.matrix_eff);
    let memory_s = div(bytes, rates.bw_eff);
    PrefillCost {
        flops,
        bytes,
        compute_s,
        memory_excess_s: (memory_s - compute_s).max(0.0),
    }
}

/// Division that yields 0 for an empty numerator and a large finite time for a zero rate
/// (validation reports zero rates; the estimate must stay finite).
pub fn div(num: f64, den: f64) -> f64 {
    if num <= 0.0 || !num.is_finite() {
        0.0
    } else if den > 0.0 && den.is_finite() {
        num / den
    } else {
        // One year: "effectively never", but finite.
        3.15e7
    }
}

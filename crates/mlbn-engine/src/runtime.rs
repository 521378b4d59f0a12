//! Runtime efficiency: the ONE table of calibrated constants.
//!
//! Each runtime family + backend gets a handful of named constants that say how close its
//! kernels get to the hardware's peaks. They are calibrated on `shared/benchmarks/*.csv` only
//! (never on a single row's answer) and are the same for every device the runtime runs on:
//! there are no per-device factors. Everything else in the engine is physics from catalog
//! numbers.
//!
//! How the main ones were read off the data (`mlbn eval` is the loop):
//! - llama.cpp CUDA decode: GDDR cards of current builds sit at ~90% of peak bandwidth plus
//!   ~1.2 ms of per-layer launch cost for a 32-layer model; 2024 builds show ~100 us per layer
//!   (no CUDA graphs) and saturate near 1.4 TB/s on A100/H100 (70B vs 8B slopes).
//! - llama.cpp CUDA prefill: one formula fits Pascal to Hopper: matrix time at 93% of the
//!   fp16-accumulate tensor rate in series with SIMT work of 0.24 fp32 ops per matrix FLOP
//!   (dequantization, activation quantization); this is why A100 (19.5 fp32 TFLOPS) trails
//!   H100 in MMQ prefill while matching it in cuBLAS F16.
//! - Metal: ~85% of bandwidth and ~75% of the GPU's fp16 rate over 57 M1-M4 rows.
//! - MoE: per-layer router/dispatch cost (40-80 us) and small expert GEMMs (`cost`).
//! - llama.cpp ROCm/Vulkan prefill reaches ~30% of the WMMA/coopmat peak over the bulk of the
//!   AMD rows (Strix Halo, R9700 server runs); RDNA4 llama-bench rows sit higher (~45%).
//!   GCN cards without matrix units (MI50/60) run quantized GEMMs as packed int8 dot products
//!   at twice their packed-fp16 rate (`device`), which brings them in line.

use mlbn_catalog::Runtime;
use serde::Serialize;

/// A runtime build date (year, month), for effects that changed between versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BuildDate {
    pub year: u16,
    pub month: u8,
}

impl BuildDate {
    pub const fn new(year: u16, month: u8) -> Self {
        BuildDate { year, month }
    }
}

/// How builds older than `before` behave differently.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LegacyBuild {
    pub before: BuildDate,
    /// Achieved decode bandwidth ceiling of those builds, GB/s.
    pub decode_bw_cap_gbps: f64,
    /// Per-layer decode cost of those builds, microseconds (replaces the profile's).
    pub layer_overhead_us: f64,
    /// Those builds dequantize block-quantized weights to 16 bit and run the float GEMM
    /// path (the float path's SIMT share instead of the quantized one), after a separate
    /// dequantization pass that costs `quant_dequant_factor` of the rate.
    pub quant_uses_float_gemm: bool,
    pub quant_dequant_factor: f64,
    /// Multiplier on the prefill rate of those builds (all weight types).
    pub prefill_factor: f64,
}

/// Named efficiency constants of one runtime family + backend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RuntimeProfile {
    /// `family/backend` this row applies to (`*` = any backend).
    pub key: &'static str,
    /// Share of peak memory bandwidth the batch-1 decode kernels (GEMV) achieve.
    pub decode_bw_eff: f64,
    /// SIMT (fp32-unit) operations per weight in a decode GEMV of block-quantized weights
    /// (unpack, scale, convert, multiply-add). On devices with much bandwidth and few fp32
    /// lanes (A100: 2 TB/s, 19.5 TFLOPS) this, not memory, bounds decode. 16-bit weights
    /// need [`FLOAT_GEMV_OPS_PER_WEIGHT`].
    pub gemv_ops_per_weight: f64,
    /// Fixed cost of one decode step, ms (sampling, graph launch, host sync).
    pub token_overhead_ms: f64,
    /// Per-layer cost of one decode step, microseconds (kernel launches and their tails).
    pub layer_overhead_us: f64,
    /// Extra per-layer cost of a MoE layer, microseconds (router, top-k, gather/scatter
    /// kernels and one small GEMV per selected expert).
    pub moe_layer_overhead_us: f64,
    /// Share of peak matrix throughput the prefill GEMMs achieve.
    pub prefill_matrix_eff: f64,
    /// SIMT (fp32-unit) operations per matrix FLOP in prefill of block-quantized weights
    /// (dequantization, activation quantization, norms, softmax), run in series with the
    /// matrix units: rate = 1 / (1/(matrix*eff) + ops/fp32).
    pub prefill_vector_ops_per_flop: f64,
    /// The same for 16-bit weights (no dequantization).
    pub prefill_vector_ops_per_flop_float: f64,
    /// Extra prefill factor for block-quantized weights, multiplies the achieved rate.
    pub quant_prefill_factor: f64,
    /// Fixed cost of one prefill, ms.
    pub prefill_overhead_ms: f64,
    /// Tokens processed per prefill step (llama.cpp `n_ubatch`, MLX `prefill_step_size`,
    /// vLLM `max_num_batched_tokens`); a workload's `ubatch` overrides it.
    pub prefill_chunk_tokens: u64,
    /// GEMMs accumulate in fp16 (cuBLAS `COMPUTE_16F`, as llama.cpp CUDA does), which on
    /// NVIDIA consumer cards runs at twice the fp32-accumulate rate the catalog lists.
    pub fp16_accumulate: bool,
    /// Memory the runtime itself takes per device (context, allocator, graphs), GB.
    pub mem_overhead_gb: f64,
    /// The input embedding table stays in host memory (llama.cpp gathers one row per token
    /// on the CPU), so it does not count against device memory.
    pub embeddings_on_host: bool,
    /// Cost of handing the activations from one pipeline stage to the next, microseconds
    /// (synchronisation and a device-to-device copy through the driver), on top of the
    /// link's own latency and transfer time.
    pub stage_hop_us: f64,
    /// Older builds that behave differently (see [`LegacyBuild`]).
    pub legacy: Option<LegacyBuild>,
    /// Further prefill factors for even older builds: `(before, factor)`; every entry whose
    /// date is after the build multiplies the prefill rate.
    pub older_prefill: &'static [(BuildDate, f64)],
}

/// SIMT operations per 16-bit weight in a decode GEMV (convert + multiply-add).
pub const FLOAT_GEMV_OPS_PER_WEIGHT: f64 = 2.0;

/// Defaults every row starts from; rows override what calibration showed differs.
const GENERIC: RuntimeProfile = RuntimeProfile {
    key: "*/*",
    decode_bw_eff: 0.75,
    gemv_ops_per_weight: 12.0,
    token_overhead_ms: 1.0,
    layer_overhead_us: 30.0,
    moe_layer_overhead_us: 50.0,
    prefill_matrix_eff: 0.5,
    prefill_vector_ops_per_flop: 0.0,
    prefill_vector_ops_per_flop_float: 0.0,
    quant_prefill_factor: 0.8,
    prefill_overhead_ms: 10.0,
    prefill_chunk_tokens: 512,
    fp16_accumulate: false,
    mem_overhead_gb: 0.5,
    embeddings_on_host: false,
    stage_hop_us: 300.0,
    legacy: None,
    older_prefill: &[],
};

/// The calibrated table. First match of `family/backend`, then `family/*`, then `*/*`.
pub const RUNTIME_PROFILES: &[RuntimeProfile] = &[
    RuntimeProfile {
        key: "llama.cpp/cuda",
        embeddings_on_host: true,
        decode_bw_eff: 0.9,
        gemv_ops_per_weight: 10.0,
        token_overhead_ms: 0.2,
        layer_overhead_us: 38.0,
        moe_layer_overhead_us: 40.0,
        prefill_matrix_eff: 0.93,
        prefill_vector_ops_per_flop: 0.24,
        prefill_vector_ops_per_flop_float: 0.12,
        quant_prefill_factor: 1.0,
        prefill_overhead_ms: 5.0,
        fp16_accumulate: true,
        // Builds before the int8 tensor-core MMQ kernels and CUDA graphs (mid 2024): quantized
        // prefill dequantized to fp16 for cuBLAS; every decode kernel was launched from the
        // host (~100 us per layer), and batch-1 GEMV kernels did not keep enough loads in
        // flight to pass ~1.4 TB/s on HBM parts.
        legacy: Some(LegacyBuild {
            before: BuildDate::new(2024, 6),
            decode_bw_cap_gbps: 1400.0,
            layer_overhead_us: 100.0,
            quant_uses_float_gemm: true,
            quant_dequant_factor: 0.75,
            prefill_factor: 0.8,
        }),
        // Builds from before 2024 processed prompts at ~0.6-0.7x the May-2024 rate on the same
        // GPUs (six GPUs, F16 and Q4, measured both ways in the benchmark data).
        older_prefill: &[(BuildDate::new(2024, 2), 0.7)],
        ..GENERIC
    },
    RuntimeProfile {
        key: "llama.cpp/metal",
        embeddings_on_host: true,
        decode_bw_eff: 0.85,
        token_overhead_ms: 1.0,
        layer_overhead_us: 90.0,
        moe_layer_overhead_us: 60.0,
        prefill_matrix_eff: 0.75,
        quant_prefill_factor: 0.88,
        prefill_overhead_ms: 5.0,
        mem_overhead_gb: 0.3,
        ..GENERIC
    },
    RuntimeProfile {
        key: "llama.cpp/rocm",
        embeddings_on_host: true,
        decode_bw_eff: 0.65,
        token_overhead_ms: 0.5,
        layer_overhead_us: 30.0,
        moe_layer_overhead_us: 80.0,
        prefill_matrix_eff: 0.3,
        quant_prefill_factor: 0.75,
        prefill_overhead_ms: 5.0,
        ..GENERIC
    },
    RuntimeProfile {
        key: "llama.cpp/vulkan",
        embeddings_on_host: true,
        // NVIDIA's cooperative-matrix-2 path accumulates in fp16 like cuBLAS.
        fp16_accumulate: true,
        decode_bw_eff: 0.88,
        token_overhead_ms: 0.5,
        layer_overhead_us: 20.0,
        moe_layer_overhead_us: 80.0,
        prefill_matrix_eff: 0.3,
        quant_prefill_factor: 0.75,
        prefill_overhead_ms: 5.0,
        ..GENERIC
    },
    RuntimeProfile {
        // Intel GPUs through SYCL: the batch-1 kernels reach ~60% of peak bandwidth.
        key: "llama.cpp/sycl",
        embeddings_on_host: true,
        decode_bw_eff: 0.6,
        token_overhead_ms: 0.5,
        prefill_matrix_eff: 0.3,
        quant_prefill_factor: 0.75,
        prefill_overhead_ms: 5.0,
        ..GENERIC
    },
    RuntimeProfile {
        key: "llama.cpp/*",
        embeddings_on_host: true,
        ..GENERIC
    },
    RuntimeProfile {
        key: "mlx/*",
        prefill_chunk_tokens: 2048,
        decode_bw_eff: 0.85,
        layer_overhead_us: 40.0,
        moe_layer_overhead_us: 40.0,
        prefill_matrix_eff: 0.75,
        quant_prefill_factor: 0.9,
        prefill_overhead_ms: 5.0,
        mem_overhead_gb: 0.3,
        ..GENERIC
    },
    RuntimeProfile {
        key: "exo/*",
        prefill_chunk_tokens: 2048,
        decode_bw_eff: 0.8,
        token_overhead_ms: 2.0,
        layer_overhead_us: 40.0,
        prefill_matrix_eff: 0.7,
        quant_prefill_factor: 0.9,
        prefill_overhead_ms: 20.0,
        ..GENERIC
    },
    RuntimeProfile {
        key: "vllm/*",
        prefill_chunk_tokens: 8192,
        decode_bw_eff: 0.8,
        token_overhead_ms: 2.0,
        layer_overhead_us: 10.0,
        moe_layer_overhead_us: 20.0,
        prefill_matrix_eff: 0.6,
        quant_prefill_factor: 0.85,
        prefill_overhead_ms: 20.0,
        mem_overhead_gb: 2.0,
        stage_hop_us: 100.0,
        ..GENERIC
    },
    RuntimeProfile {
        key: "sglang/*",
        prefill_chunk_tokens: 8192,
        decode_bw_eff: 0.8,
        token_overhead_ms: 2.0,
        layer_overhead_us: 10.0,
        moe_layer_overhead_us: 20.0,
        prefill_matrix_eff: 0.6,
        quant_prefill_factor: 0.85,
        prefill_overhead_ms: 20.0,
        mem_overhead_gb: 2.0,
        stage_hop_us: 100.0,
        ..GENERIC
    },
    RuntimeProfile {
        key: "trt-llm/*",
        prefill_chunk_tokens: 8192,
        decode_bw_eff: 0.85,
        token_overhead_ms: 1.0,
        layer_overhead_us: 5.0,
        moe_layer_overhead_us: 10.0,
        prefill_matrix_eff: 0.7,
        quant_prefill_factor: 0.9,
        mem_overhead_gb: 2.0,
        stage_hop_us: 100.0,
        ..GENERIC
    },
    RuntimeProfile {
        key: "ollama/*",
        embeddings_on_host: true,
        decode_bw_eff: 0.8,
        token_overhead_ms: 1.5,
        prefill_matrix_eff: 0.6,
        quant_prefill_factor: 0.75,
        ..GENERIC
    },
    GENERIC,
];

/// The profile for a runtime record (by family and backend, case-insensitive).
pub fn profile_for(runtime: &Runtime) -> &'static RuntimeProfile {
    profile_for_names(&runtime.family, &runtime.backend)
}

/// Look a profile up by family and backend names.
pub fn profile_for_names(family: &str, backend: &str) -> &'static RuntimeProfile {
    let family = family.to_ascii_lowercase();
    let backend = backend.to_ascii_lowercase();
    let exact = format!("{family}/{backend}");
    let fam = format!("{family}/*");
    RUNTIME_PROFILES
        .iter()
        .find(|p| p.key == exact)
        .or_else(|| RUNTIME_PROFILES.iter().find(|p| p.key == fam))
        .unwrap_or(&RUNTIME_PROFILES[RUNTIME_PROFILES.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_falls_back_from_backend_to_family_to_generic() {
        assert_eq!(profile_for_names("llama.cpp", "CUDA").key, "llama.cpp/cuda");
        assert_eq!(profile_for_names("llama.cpp", "sycl").key, "llama.cpp/sycl");
        assert_eq!(profile_for_names("llama.cpp", "cpu").key, "llama.cpp/*");
        assert_eq!(profile_for_names("unknown", "x").key, "*/*");
    }

    #[test]
    fn constants_are_physical() {
        for p in RUNTIME_PROFILES {
            assert!(p.decode_bw_eff > 0.0 && p.decode_bw_eff <= 1.0, "{}", p.key);
            assert!(p.prefill_matrix_eff > 0.0 && p.prefill_matrix_eff <= 1.0);
            assert!(p.quant_prefill_factor > 0.0 && p.quant_prefill_factor <= 1.0);
            assert!(p.prefill_vector_ops_per_flop >= 0.0);
            assert!(p.prefill_vector_ops_per_flop_float >= 0.0);
            assert!(p.gemv_ops_per_weight >= FLOAT_GEMV_OPS_PER_WEIGHT);
            assert!(p.token_overhead_ms >= 0.0 && p.layer_overhead_us >= 0.0);
            assert!(p.moe_layer_overhead_us >= 0.0 && p.stage_hop_us >= 0.0);
            assert!(p.older_prefill.iter().all(|(_, f)| *f > 0.0 && *f <= 1.0));
            if let Some(l) = p.legacy {
                assert!(l.decode_bw_cap_gbps > 0.0 && l.prefill_factor > 0.0);
                assert!(l.layer_overhead_us >= 0.0);
            }
        }
        assert_eq!(RUNTIME_PROFILES.last().map(|p| p.key), Some("*/*"));
    }
}

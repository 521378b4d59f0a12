//! Runtime efficiency: the ONE table of calibrated constants.
//!
//! Each runtime family + backend gets a handful of named constants that say how close its
//! kernels get to the hardware's peaks. They are calibrated on `shared/benchmarks/*.csv` only
//! (never on a single row's answer) and are the same for every device the runtime runs on:
//! there are no per-device factors. Everything else in the engine is physics from catalog
//! numbers.

use mlbn_catalog::Runtime;
use serde::Serialize;

/// Named efficiency constants of one runtime family + backend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RuntimeProfile {
    /// `family/backend` this row applies to (`*` = any backend).
    pub key: &'static str,
    /// Share of peak memory bandwidth the batch-1 decode kernels (GEMV) achieve.
    pub decode_bw_eff: f64,
    /// Share of peak matrix throughput the prefill GEMMs achieve (16-bit weights).
    pub prefill_compute_eff: f64,
    /// Throughput ceiling of the runtime's prefill kernels, TFLOPS, combined harmonically
    /// with the device rate: `1 / (1/(peak*eff) + 1/ceiling)`. Kernels that do not use the
    /// newest tensor-core instructions (no wgmma/TMA) saturate well below big-GPU peaks.
    pub prefill_ceiling_tflops: f64,
    /// Extra prefill factor for block-quantized weights (dequantization inside the GEMM),
    /// multiplies the achieved rate; 1.0 for 16-bit weights.
    pub quant_prefill_factor: f64,
    /// Fixed cost of one decode step, ms (sampling, graph launch, host sync).
    pub token_overhead_ms: f64,
    /// Per-layer cost of one decode step, microseconds (kernel launches and their tails).
    pub layer_overhead_us: f64,
    /// Fixed cost of one prefill, ms.
    pub prefill_overhead_ms: f64,
    /// GEMMs accumulate in fp16 (cuBLAS `COMPUTE_16F`, as llama.cpp CUDA does), which on
    /// NVIDIA consumer cards runs at twice the fp32-accumulate rate the catalog lists.
    pub fp16_accumulate: bool,
    /// Memory the runtime itself takes per device (context, allocator, graphs), GB.
    pub mem_overhead_gb: f64,
    /// Cost of handing the activations from one pipeline stage to the next, microseconds
    /// (synchronisation and a device-to-device copy through the driver), on top of the
    /// link's own latency and transfer time.
    pub stage_hop_us: f64,
}

/// The calibrated table. First match of `family/backend`, then `family/*`, then `*/*`.
pub const RUNTIME_PROFILES: &[RuntimeProfile] = &[
    RuntimeProfile {
        key: "llama.cpp/cuda",
        decode_bw_eff: 0.85,
        prefill_compute_eff: 0.80,
        prefill_ceiling_tflops: 240.0,
        quant_prefill_factor: 0.75,
        token_overhead_ms: 0.5,
        layer_overhead_us: 30.0,
        prefill_overhead_ms: 5.0,
        fp16_accumulate: true,
        mem_overhead_gb: 0.5,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "llama.cpp/metal",
        decode_bw_eff: 0.85,
        prefill_compute_eff: 0.75,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.88,
        token_overhead_ms: 1.0,
        layer_overhead_us: 90.0,
        prefill_overhead_ms: 5.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.3,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "llama.cpp/rocm",
        decode_bw_eff: 0.75,
        prefill_compute_eff: 0.50,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.75,
        token_overhead_ms: 1.0,
        layer_overhead_us: 40.0,
        prefill_overhead_ms: 5.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.5,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "llama.cpp/vulkan",
        decode_bw_eff: 0.80,
        prefill_compute_eff: 0.50,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.75,
        token_overhead_ms: 1.0,
        layer_overhead_us: 40.0,
        prefill_overhead_ms: 5.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.5,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "llama.cpp/*",
        decode_bw_eff: 0.75,
        prefill_compute_eff: 0.40,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.75,
        token_overhead_ms: 1.0,
        layer_overhead_us: 40.0,
        prefill_overhead_ms: 5.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.5,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "mlx/*",
        decode_bw_eff: 0.85,
        prefill_compute_eff: 0.75,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.90,
        token_overhead_ms: 1.0,
        layer_overhead_us: 40.0,
        prefill_overhead_ms: 5.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.3,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "exo/*",
        decode_bw_eff: 0.80,
        prefill_compute_eff: 0.70,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.90,
        token_overhead_ms: 2.0,
        layer_overhead_us: 40.0,
        prefill_overhead_ms: 20.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.5,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "vllm/*",
        decode_bw_eff: 0.80,
        prefill_compute_eff: 0.60,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.85,
        token_overhead_ms: 2.0,
        layer_overhead_us: 10.0,
        prefill_overhead_ms: 20.0,
        fp16_accumulate: false,
        mem_overhead_gb: 2.0,
        stage_hop_us: 100.0,
    },
    RuntimeProfile {
        key: "sglang/*",
        decode_bw_eff: 0.80,
        prefill_compute_eff: 0.60,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.85,
        token_overhead_ms: 2.0,
        layer_overhead_us: 10.0,
        prefill_overhead_ms: 20.0,
        fp16_accumulate: false,
        mem_overhead_gb: 2.0,
        stage_hop_us: 100.0,
    },
    RuntimeProfile {
        key: "trt-llm/*",
        decode_bw_eff: 0.85,
        prefill_compute_eff: 0.70,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.90,
        token_overhead_ms: 1.0,
        layer_overhead_us: 5.0,
        prefill_overhead_ms: 10.0,
        fp16_accumulate: false,
        mem_overhead_gb: 2.0,
        stage_hop_us: 100.0,
    },
    RuntimeProfile {
        key: "ollama/*",
        decode_bw_eff: 0.80,
        prefill_compute_eff: 0.60,
        prefill_ceiling_tflops: 240.0,
        quant_prefill_factor: 0.75,
        token_overhead_ms: 1.5,
        layer_overhead_us: 30.0,
        prefill_overhead_ms: 10.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.5,
        stage_hop_us: 300.0,
    },
    RuntimeProfile {
        key: "*/*",
        decode_bw_eff: 0.75,
        prefill_compute_eff: 0.50,
        prefill_ceiling_tflops: 1.0e6,
        quant_prefill_factor: 0.80,
        token_overhead_ms: 1.5,
        layer_overhead_us: 30.0,
        prefill_overhead_ms: 10.0,
        fp16_accumulate: false,
        mem_overhead_gb: 0.5,
        stage_hop_us: 300.0,
    },
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
        assert_eq!(profile_for_names("llama.cpp", "sycl").key, "llama.cpp/*");
        assert_eq!(profile_for_names("unknown", "x").key, "*/*");
    }

    #[test]
    fn constants_are_physical() {
        for p in RUNTIME_PROFILES {
            assert!(p.decode_bw_eff > 0.0 && p.decode_bw_eff <= 1.0, "{}", p.key);
            assert!(p.prefill_compute_eff > 0.0 && p.prefill_compute_eff <= 1.0);
            assert!(p.quant_prefill_factor > 0.0 && p.quant_prefill_factor <= 1.0);
            assert!(p.prefill_ceiling_tflops > 0.0);
            assert!(p.token_overhead_ms >= 0.0 && p.layer_overhead_us >= 0.0);
        }
        assert_eq!(RUNTIME_PROFILES.last().map(|p| p.key), Some("*/*"));
    }
}

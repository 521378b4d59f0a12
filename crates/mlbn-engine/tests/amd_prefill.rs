//! AMD prefill paths by architecture under llama.cpp ROCm: GPUs without matrix units (GCN:
//! MI50/MI60) run block-quantized GEMMs as packed int8 dot products (twice their packed-fp16
//! rate); GPUs with matrix units (RDNA3/4 WMMA, CDNA MFMA) keep their matrix rate.

mod common;
use common::*;
use mlbn_engine::*;

fn prefill(device: &str, quant: &str) -> f64 {
    let mut s = scenario(&[(device, 1, None)], "llama-2-7b", quant, "llama.cpp-rocm");
    s.workload = Workload::new(512, 128, 1);
    estimate(&s).prefill_tok_s
}

#[test]
fn gcn_quantized_prefill_runs_on_int8_dot_products() {
    // Same weights' FLOPs; on MI50 the Q4_0 path (int8 dot products, 53 TOPS) outruns F16
    // packed math (26.5 TFLOPS) even after the quantized-path factor.
    let q = prefill("mi50", "q4_0");
    let f = prefill("mi50", "f16");
    assert!(q > 1.3 * f, "{q} vs {f}");
    // With matrix units the quantized path is the slower one (dequantization work).
    let q = prefill("radeon-ai-pro-r9700", "q4_0");
    let f = prefill("radeon-ai-pro-r9700", "f16");
    assert!(q < f, "{q} vs {f}");
}

#[test]
fn other_backends_keep_the_packed_fp16_rate() {
    let mut s = scenario(
        &[("mi50", 1, None)],
        "llama-2-7b",
        "q4_0",
        "llama.cpp-vulkan",
    );
    s.workload = Workload::new(512, 128, 1);
    let vk = estimate(&s).prefill_tok_s;
    assert!(vk < prefill("mi50", "q4_0"), "{vk}");
}

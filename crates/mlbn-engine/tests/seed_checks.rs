//! The seed's accuracy checks (issue 4), made honest: impossible configurations must be
//! reported as such, and the speeds must land in the measured ranges.

mod common;

use mlbn_catalog::Catalog;
use mlbn_engine::{Bound, BuildDate, FindingCode, FixKind, Scenario, Severity, Workload, estimate};

/// One group of catalog ids at llama-bench's pp512/tg128, with every quant as a fix candidate.
fn scenario(device: &str, count: u32, model: &str, quant: &str, runtime: &str) -> Scenario {
    let mut s = common::scenario(&[(device, count, None)], model, quant, runtime);
    s.workload = Workload::new(512, 128, 1);
    s.alt_quants = Catalog::builtin().quants.clone();
    s
}

#[test]
fn llama3_8b_q4_on_rtx4090() {
    // The measured 120-130 tok/s come from 2024 llama.cpp builds (launch-bound decode).
    let mut s = scenario("rtx-4090", 1, "llama-3-8b", "q4_k_m", "llama.cpp-cuda");
    s.runtime_build = Some(BuildDate::new(2024, 5));
    let e = estimate(&s);
    assert!(e.fits);
    assert!(
        (100.0..=140.0).contains(&e.decode_tok_s),
        "decode {}",
        e.decode_tok_s
    );
    assert_eq!(e.decode_bound, Bound::MemoryBandwidth);
    // Prefill is thousands of tok/s (llama-bench pp512 ~5-7k), not the seed's 100-150.
    assert!(
        (3000.0..=12000.0).contains(&e.prefill_tok_s),
        "prefill {}",
        e.prefill_tok_s
    );
    assert_eq!(e.prefill_bound, Bound::Compute);
    // A current build (CUDA graphs, int8 tensor-core kernels) is faster on both counts.
    s.runtime_build = None;
    let now = estimate(&s);
    assert!(now.decode_tok_s > e.decode_tok_s && now.prefill_tok_s > e.prefill_tok_s);
    assert!(now.decode_tok_s < 200.0, "{}", now.decode_tok_s);
}

#[test]
fn llama3_70b_q4_overflows_one_rtx4090_and_offloads() {
    let s = scenario("rtx-4090", 1, "llama-3-70b", "q4_k_m", "llama.cpp-cuda");
    let e = estimate(&s);
    assert!(!e.fits);
    let f = common::finding(&e, FindingCode::DoesNotFit);
    assert_eq!(f.severity, Severity::Warning, "offload runs: {}", f.message);
    assert!(e.has_finding(FindingCode::HostOverflow));
    let o = e.offload.as_ref().expect("offload");
    assert!(o.layers_on_host > 0 && o.layers_on_devices > 0, "{o:?}");
    assert_eq!(o.layers_on_host + o.layers_on_devices, 80);
    // Host DDR5 bounds the speed: a few tokens per second.
    assert!(
        (1.0..=8.0).contains(&e.decode_tok_s),
        "decode {}",
        e.decode_tok_s
    );
    assert_eq!(e.decode_bound, Bound::OffloadLink);
    // The fixes: a smaller quant that fits, or a second card.
    assert!(
        f.fixes
            .iter()
            .any(|x| matches!(x.kind, FixKind::UseQuant { .. }))
    );
    assert!(
        f.fixes
            .iter()
            .any(|x| matches!(x.kind, FixKind::SetDeviceCount { count: 2, .. }))
    );
}

#[test]
fn llama3_70b_q4_on_two_rtx4090_layer_split() {
    let s = scenario("rtx-4090", 2, "llama-3-70b", "q4_k_m", "llama.cpp-cuda");
    let e = estimate(&s);
    assert!(e.fits);
    assert_eq!(e.strategy.stages.len(), 2);
    assert!(
        (15.0..=25.0).contains(&e.decode_tok_s),
        "decode {}",
        e.decode_tok_s
    );
    assert!(e.decode.link_ms > 0.0);
}

#[test]
fn llama3_70b_q4_on_m3_ultra() {
    for (quant, runtime) in [("q4_k_m", "llama.cpp-metal"), ("mlx-4bit-g64", "mlx")] {
        let s = scenario("mac-m3-ultra-512gb-80c", 1, "llama-3-70b", quant, runtime);
        let e = estimate(&s);
        assert!(e.fits);
        assert!(
            (12.0..=18.0).contains(&e.decode_tok_s),
            "{runtime}: decode {}",
            e.decode_tok_s
        );
        // The report says which part of unified memory the GPU may use.
        assert!(e.has_finding(FindingCode::UnifiedMemoryLimit));
        assert!((e.memory[0].usable_gb - 384.0).abs() < 1.0);
    }
}

#[test]
fn llama3_70b_fp16_does_not_fit_one_h100() {
    for runtime in ["vllm-cuda", "tensorrt-llm"] {
        let s = scenario("h100-sxm5-80gb", 1, "llama-3-70b", "f16", runtime);
        let e = estimate(&s);
        assert!(!e.fits);
        let f = common::finding(&e, FindingCode::DoesNotFit);
        assert_eq!(f.severity, Severity::Error, "{}", f.message);
        assert!(e.model.weights_gb > 140.0, "{}", e.model.weights_gb);
    }
}

#[test]
fn deepseek_r1_8bit_does_not_fit_8x_h100_by_memory() {
    let s = scenario("h100-sxm5-80gb", 8, "deepseek-r1", "fp8-e4m3", "vllm-cuda");
    let e = estimate(&s);
    assert!(!e.fits);
    // 671 GB of weights: all experts resident, against 640 GB of HBM.
    assert!(
        (e.model.weights_gb - 671.0).abs() < 10.0,
        "{}",
        e.model.weights_gb
    );
    let f = common::finding(&e, FindingCode::DoesNotFit);
    assert_eq!(f.severity, Severity::Error);
    // Decode reads only the ~37B active parameters.
    assert!(
        e.model.active_weights_gb < 45.0,
        "{}",
        e.model.active_weights_gb
    );
}

#[test]
fn apple_gpu_memory_limit_is_reported_and_can_be_raised() {
    // Llama 3 70B Q6_K (~54 GiB) on a 64 GB M3 Max: the GPU may use 75% (48 GiB) by default.
    let mut s = scenario(
        "mac-m3-max-64gb-40c",
        1,
        "llama-3-70b",
        "q6_k",
        "llama.cpp-metal",
    );
    let e = estimate(&s);
    assert!(!e.fits);
    let f = common::finding(&e, FindingCode::UnifiedMemoryLimit);
    assert_eq!(f.severity, Severity::Warning);
    let fraction = f
        .fixes
        .iter()
        .find_map(|x| match x.kind {
            FixKind::SetGpuMemFraction { fraction } => Some(fraction),
            _ => None,
        })
        .expect("raise-the-limit fix");
    assert!(fraction > 0.75 && fraction < 0.95, "{fraction}");
    s.gpu_mem_fraction = Some(fraction);
    let raised = estimate(&s);
    assert!(raised.fits, "{:?}", raised.memory);
    assert!(raised.decode_tok_s > e.decode_tok_s);
}

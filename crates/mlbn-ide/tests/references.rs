//! Measured references: the right bundled run is found for a scenario, with its source; a
//! scenario with no close run gets none; references never change the estimate.

use mlbn_catalog::{Catalog, Device};
use mlbn_engine::{DeviceGroup, Scenario, Workload, estimate};
use mlbn_ide::references::{MatchQuality, find_reference, find_references, measured_runs};

fn rtx3070() -> Device {
    Catalog::builtin()
        .device("RTX 3070")
        .found()
        .expect("rtx 3070 in the catalog")
        .clone()
}

fn scenario(device: Device, count: u32, model: &str, quant: &str) -> Scenario {
    let c = Catalog::builtin();
    let m = c.model(model).found().expect("model").clone();
    let q = c.quant(quant).found().expect("quant").clone();
    let r = c
        .runtime("llama.cpp-cuda")
        .found()
        .expect("runtime")
        .clone();
    let mut s = Scenario::new(vec![DeviceGroup::new(device, count)], m, q, r);
    s.workload = Workload::new(512, 512, 1);
    s
}

#[test]
fn rtx3070_llama3_8b_q4_k_m_finds_its_measured_run_with_source() {
    let s = scenario(rtx3070(), 1, "llama-3-8b", "q4_k_m");
    let e = estimate(&s);
    let r = find_reference(&s, &e).expect("a measured run matches");
    assert_eq!(r.run_id, "xd3-001");
    assert_eq!(r.label, "Llama 3 8B Q4_K_M on RTX 3070 8GB, llama.cpp CUDA");
    assert_eq!(r.measured_decode_tok_s, Some(72.79));
    assert_eq!(r.measured_prefill_tok_s, Some(2402.51));
    assert_eq!((r.prompt_tokens, r.gen_tokens), (Some(512), Some(512)));
    assert!(
        r.source_url
            .starts_with("https://github.com/XiongjieDai/GPU-Benchmarks-on-LLM-Inference"),
        "{}",
        r.source_url
    );
    let ratio = r.decode_ratio_to_estimate.expect("ratio");
    assert!((ratio * e.decode_tok_s - 72.79).abs() < 1e-9);
    let pratio = r.prefill_ratio_to_estimate.expect("prefill ratio");
    assert!((pratio * e.prefill_tok_s - 2402.51).abs() < 1e-6);
    let line = r.summary();
    assert!(
        line.starts_with(
            "Reference: Llama 3 8B Q4_K_M on RTX 3070 8GB, llama.cpp CUDA: 72.8 tok/s decode ("
        ),
        "{line}"
    );
    assert!(
        line.contains("2403 tok/s prefill (") && line.ends_with(&r.source_url),
        "{line}"
    );
    // Same device, model, quant, runtime and backend; only the prompt length may differ.
    assert_eq!(r.quality, MatchQuality::Exact, "{:?}", r.match_notes);
    assert!(r.match_notes.is_empty(), "{:?}", r.match_notes);
}

#[test]
fn sibling_model_and_nearby_quant_match_with_notes() {
    let s = scenario(rtx3070(), 1, "llama-3.1-8b", "q4_k_s");
    let e = estimate(&s);
    let r = find_reference(&s, &e).expect("Llama 3 8B is a sibling of Llama 3.1 8B");
    assert_eq!(r.run_id, "xd3-001");
    assert_eq!(r.quality, MatchQuality::Close);
    assert!(
        r.match_notes.iter().any(|n| n.contains("sibling")),
        "{:?}",
        r.match_notes
    );
    assert!(
        r.match_notes.iter().any(|n| n.contains("Q4_K_M")),
        "{:?}",
        r.match_notes
    );
}

#[test]
fn no_close_run_returns_none() {
    let c = Catalog::builtin();
    let rtx4090 = c.device("rtx4090").found().expect("4090").clone();
    // No bundled run was measured on an RTX 4090.
    let s = scenario(rtx4090, 1, "llama-3-8b", "q4_k_m");
    assert_eq!(find_reference(&s, &estimate(&s)), None);
    // 8-bit weights are another quant class than the 3070 row's Q4_K_M.
    let s = scenario(rtx3070(), 1, "llama-3-8b", "q8_0");
    assert_eq!(find_reference(&s, &estimate(&s)), None);
    // Another model size.
    let s = scenario(rtx3070(), 1, "llama-3.2-3b", "q4_k_m");
    assert_eq!(find_reference(&s, &estimate(&s)), None);
    // Two cards are not a reference for one.
    let s = scenario(rtx3070(), 2, "llama-3-8b", "q4_k_m");
    assert_eq!(find_reference(&s, &estimate(&s)), None);
}

#[test]
fn references_never_change_the_estimate() {
    let s = scenario(rtx3070(), 1, "llama-3-8b", "q4_k_m");
    let before = estimate(&s);
    let refs = find_references(&s, &before, 5);
    assert!(!refs.is_empty());
    let after = estimate(&s);
    assert_eq!(before, after);
    // Ranked closest first.
    assert!(refs.windows(2).all(|w| w[0].penalty <= w[1].penalty));
}

#[test]
fn bundled_rows_are_the_benchmark_files() {
    let runs = measured_runs();
    assert!(
        runs.iter()
            .any(|r| r.id == "xd3-001" && r.hardware == "RTX 3070 8GB")
    );
    // The localmaxxing rows carry commands with commas and doubled quotes inside one field.
    let lmx = runs.iter().find(|r| r.id == "lmx-001").expect("lmx-001");
    assert!(
        lmx.notes.contains("{\"preserve_thinking\": true}"),
        "{}",
        lmx.notes
    );
    assert_eq!(lmx.device_count, 3);
    assert_eq!(lmx.decode_tok_s, Some(59.692));
}

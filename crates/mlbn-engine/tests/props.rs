//! Property tests over random resolved scenarios drawn from the catalog, plus unit checks of
//! the KV-cache and memory arithmetic.

use mlbn_catalog::Catalog;
use mlbn_engine::shape::ModelShape;
use mlbn_engine::{DeviceGroup, Estimate, Scenario, Workload, estimate};
use proptest::prelude::*;

fn all_finite(e: &Estimate) -> bool {
    // Serialize and walk every number: serde_json writes NaN/inf as null, so a finite
    // estimate has no nulls in numeric positions and every number is finite.
    let v = serde_json::to_value(e).expect("serializes");
    fn walk(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
            serde_json::Value::Array(a) => a.iter().all(walk),
            serde_json::Value::Object(o) => o.iter().all(|(k, v)| {
                // Optional fields may be null; numbers never are.
                if v.is_null() {
                    matches!(
                        k.as_str(),
                        "offload"
                            | "compute_bound_from_batch"
                            | "auto"
                            | "phase_split"
                            | "rank"
                            | "disqualified"
                            | "group"
                            | "tokens_per_usd"
                            | "usd_per_mtok_with_hardware"
                            | "hardware"
                    )
                } else {
                    walk(v)
                }
            }),
            _ => true,
        }
    }
    walk(&v)
}

/// Indices into the catalog tables (wrapped) and the workload.
type Draw = (usize, u32, usize, usize, usize, u64, u64, u32);

fn build((dev, count, model, quant, runtime, prompt, gen_tokens, batch): Draw) -> Scenario {
    let cat = Catalog::builtin();
    let d = cat.devices[dev % cat.devices.len()].clone();
    let m = cat.models[model % cat.models.len()].clone();
    let q = cat.quants[quant % cat.quants.len()].clone();
    let r = cat.runtimes[runtime % cat.runtimes.len()].clone();
    let mut s = Scenario::new(vec![DeviceGroup::new(d, count)], m, q, r);
    s.workload = Workload::new(prompt, gen_tokens, batch);
    // The monotonic physics below holds per strategy; AUTO may switch strategies between two
    // scenarios (its own properties are in parallel_props.rs).
    s.strategy = mlbn_engine::StrategyRequest::Pipeline;
    s
}

fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    (
        0usize..10_000,
        1u32..9,
        0usize..10_000,
        0usize..10_000,
        0usize..10_000,
        0u64..200_000,
        0u64..8_192,
        1u32..256,
    )
        .prop_map(build)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_number_is_finite_and_parts_sum(s in scenario_strategy()) {
        let e = estimate(&s);
        prop_assert!(all_finite(&e));
        let d = &e.decode;
        let parts = d.weights_ms + d.kv_ms + d.compute_ms + d.overhead_ms + d.link_ms + d.offload_ms;
        prop_assert!((parts - d.total_ms).abs() <= 1e-9 * d.total_ms.max(1.0));
        let p = &e.prefill;
        let parts = p.compute_ms + p.memory_ms + p.offload_ms + p.link_ms + p.overhead_ms;
        prop_assert!((parts - p.total_ms).abs() <= 1e-9 * p.total_ms.max(1.0));
        prop_assert!(e.decode_tok_s >= 0.0 && e.prefill_tok_s >= 0.0);
        prop_assert!(e.batch.aggregate_decode_tok_s + 1e-9 >= e.batch.per_stream_decode_tok_s);
    }

    #[test]
    fn decode_never_beats_the_bandwidth_roofline(s in scenario_strategy()) {
        let e = estimate(&s);
        // One stream reads every active weight once per token, however the layers are split.
        let bw = s.groups[0].device.bw_gbps * 1e9;
        let bytes = e.model.active_weights_gb * 1e9;
        prop_assume!(bw > 0.0 && bytes > 0.0);
        prop_assert!(e.decode_tok_s <= bw / bytes * (1.0 + 1e-9),
            "{} tok/s > roofline {}", e.decode_tok_s, bw / bytes);
    }

    #[test]
    fn more_bandwidth_is_never_slower(s in scenario_strategy(), factor in 1.0f64..8.0) {
        let slow = estimate(&s);
        let mut fast_s = s.clone();
        fast_s.groups[0].device.bw_gbps *= factor;
        let fast = estimate(&fast_s);
        prop_assert!(fast.decode_tok_s >= slow.decode_tok_s * (1.0 - 1e-9),
            "{} < {}", fast.decode_tok_s, slow.decode_tok_s);
        prop_assert!(fast.prefill_tok_s >= slow.prefill_tok_s * (1.0 - 1e-9));
    }

    #[test]
    fn a_bigger_quant_never_needs_less_memory(
        s in scenario_strategy(), other in 0usize..10_000
    ) {
        let cat = Catalog::builtin();
        let q2 = cat.quants[other % cat.quants.len()].clone();
        // "Bigger" stores both the routed experts and the other tensors at least as wide for
        // this model (MXFP4_MOE keeps Q8_0 attention but 4.25-bit experts: not bigger than
        // Q6_K; a GGUF of gpt-oss keeps its native MXFP4 experts whatever the type).
        let widths = |q: &mlbn_catalog::Quant| {
            let sh = ModelShape::new(&s.model, q, None);
            (sh.bytes_per_weight, sh.expert_bytes_per_weight)
        };
        let (w2, w1) = (widths(&q2), widths(&s.quant));
        prop_assume!((w2.0 >= w1.0 && w2.1 >= w1.1) || (w2.0 <= w1.0 && w2.1 <= w1.1));
        let (small, big) = if w2.0 >= w1.0 && w2.1 >= w1.1 {
            (s.clone(), { let mut b = s.clone(); b.quant = q2; b })
        } else {
            ({ let mut a = s.clone(); a.quant = q2; a }, s.clone())
        };
        let need = |e: &Estimate| -> f64 {
            e.memory.iter().map(|m| m.total_gb).sum::<f64>()
                + e.offload.as_ref().map(|o| o.host_gb).unwrap_or(0.0)
        };
        let (es, eb) = (estimate(&small), estimate(&big));
        prop_assert!(eb.model.weights_gb >= es.model.weights_gb);
        prop_assert!(need(&eb) >= need(&es) * (1.0 - 1e-9), "{} < {}", need(&eb), need(&es));
    }

    #[test]
    fn garbage_numbers_give_findings_not_panics(
        s in scenario_strategy(),
        mem in prop_oneof![Just(0.0), Just(-1.0), Just(f64::NAN), Just(f64::INFINITY), 0.0f64..1e4],
        bw in prop_oneof![Just(0.0), Just(-5.0), Just(f64::NAN), 0.0f64..1e5],
        bpw in prop_oneof![Just(0.0), Just(-4.0), Just(f64::NAN), Just(1e9), 0.0f64..40.0],
        tokens in prop_oneof![Just(0u64), Just(1_000_000_000_000u64), Just(u64::MAX), 0u64..1_000_000],
        price in prop_oneof![Just(-1.0), Just(f64::NAN), 0.0f64..1.0],
        layers in prop_oneof![Just(0u32), 0u32..200],
    ) {
        let mut s = s;
        s.groups[0].device.mem_gb = mem;
        s.groups[0].device.bw_gbps = bw;
        s.quant.bits_per_weight = bpw;
        s.workload.prompt_tokens = tokens;
        s.workload.gen_tokens = tokens;
        s.power.usd_per_kwh = price;
        s.model.layers = layers;
        let e = estimate(&s);
        prop_assert!(all_finite(&e));
        let good = |x: f64| x.is_finite() && x > 0.0;
        let valid = good(mem)
            && good(bw)
            && good(bpw)
            && bpw <= 64.0
            && tokens <= 100_000_000
            && price.is_finite()
            && price >= 0.0
            && layers > 0;
        let bad_input = !valid;
        if bad_input {
            prop_assert!(e.has_finding(mlbn_engine::FindingCode::InvalidValue));
        }
    }
}

#[test]
fn kv_cache_sizes_follow_attention_kind() {
    let cat = Catalog::builtin();
    let q = cat.quant_by_id("f16").unwrap();
    // GQA: 2 (K,V) x 8 KV heads x 128 x 2 bytes x 32 layers = 131072 bytes per token.
    let m = cat.model_by_id("llama-3-8b").unwrap();
    let s = ModelShape::new(m, q, None);
    assert_eq!(s.kv_bytes_per_token(), 131_072.0);
    // MHA (Llama 2 7B): 32 KV heads, four times as much.
    let m = cat.model_by_id("llama-2-7b").unwrap();
    assert_eq!(ModelShape::new(m, q, None).kv_bytes_per_token(), 524_288.0);
    // MLA (DeepSeek R1): the compressed latent (512 + 64 RoPE) x 2 bytes x 61 layers.
    let m = cat.model_by_id("deepseek-r1").unwrap();
    assert_eq!(
        ModelShape::new(m, q, None).kv_bytes_per_token(),
        576.0 * 2.0 * 61.0
    );
    // A q8_0 KV cache (8.5 bits per element) is 8.5/16 of f16.
    let m = cat.model_by_id("llama-3-8b").unwrap();
    let kv8 = cat.kv_type("q8_0").found().unwrap();
    let s8 = ModelShape::new(m, q, Some(kv8));
    assert!((s8.kv_bytes_per_token() - 131_072.0 * 8.5 / 16.0).abs() < 1.0);
}

#[test]
fn sliding_window_layers_cap_their_cache() {
    let cat = Catalog::builtin();
    let q = cat.quant_by_id("f16").unwrap();
    let m = cat.model_by_id("gemma-3-4b").unwrap();
    let s = ModelShape::new(m, q, None);
    let layers = f64::from(s.layers);
    // At 32k context the sliding layers (window 1024) hold 1024 tokens each.
    let full = s.kv_bytes_per_token_layer * 32_768.0;
    let capped = s.kv_bytes(layers, 32_768);
    let expect = s.kv_bytes_per_token_layer
        * (f64::from(s.layers - s.sliding_layers) * 32_768.0
            + f64::from(s.sliding_layers) * 1024.0);
    assert!((capped - expect).abs() < 1.0, "{capped} vs {expect}");
    assert!(capped < full * layers / 4.0);
    // Below the window nothing is capped.
    assert!((s.kv_bytes(layers, 512) - s.kv_bytes_per_token_layer * 512.0 * layers).abs() < 1.0);
}

#[test]
fn weight_memory_uses_real_bits_per_weight_and_moe_totals() {
    let cat = Catalog::builtin();
    let m = cat.model_by_id("llama-3-8b").unwrap();
    let q = cat.quant_by_id("q4_k_m").unwrap();
    let s = ModelShape::new(m, q, None);
    let expect = 8.03e9 * q.bits_per_weight / 8.0;
    assert!((s.weights_bytes() - expect).abs() / expect < 1e-9);
    // MoE: memory holds every expert, a token reads only the active ones.
    let m = cat.model_by_id("qwen3-30b-a3b").unwrap();
    let s = ModelShape::new(m, q, None);
    let read = s.layer_read_bytes(1) * f64::from(s.layers) + s.output_read_bytes();
    assert!(
        s.weights_bytes() > 8.0 * read,
        "{} vs {}",
        s.weights_bytes(),
        read
    );
    assert!((read / (q.bits_per_weight / 8.0) / 1e9 - 3.0).abs() < 0.5);
    // A batch touches more distinct experts than one token, but never more than all.
    assert!(s.layer_read_bytes(64) > s.layer_read_bytes(1));
    assert!(s.layer_read_bytes(100_000) <= s.layer_bytes() * (1.0 + 1e-12));
}

#[test]
fn decode_slows_with_context_and_batch_aggregate_rises() {
    let cat = Catalog::builtin();
    let mut s = Scenario::new(
        vec![DeviceGroup::new(
            cat.device_by_id("rtx-4090").unwrap().clone(),
            1,
        )],
        cat.model_by_id("llama-3-8b").unwrap().clone(),
        cat.quant_by_id("q4_k_m").unwrap().clone(),
        cat.runtime_by_id("llama.cpp-cuda").unwrap().clone(),
    );
    s.workload = Workload::new(256, 128, 1);
    let short = estimate(&s);
    s.workload = Workload::new(8000, 128, 1);
    let long = estimate(&s);
    assert!(long.decode_tok_s < short.decode_tok_s);
    assert!(long.decode.kv_ms > short.decode.kv_ms);
    let mut prev = 0.0;
    for b in [1, 4, 16, 64] {
        s.workload = Workload::new(256, 128, b);
        let e = estimate(&s);
        assert!(e.batch.aggregate_decode_tok_s > prev, "batch {b}");
        assert!(e.batch.per_stream_decode_tok_s <= short.decode_tok_s * (1.0 + 1e-9));
        prev = e.batch.aggregate_decode_tok_s;
    }
    assert!(short.batch.compute_bound_from_batch.is_some());
}

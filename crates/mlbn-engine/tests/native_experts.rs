//! Models whose routed experts ship in a native low-bit format (gpt-oss: MXFP4). GGUF files
//! named after a wider type keep those experts and store only the other tensors at the named
//! width, so memory and bytes per token follow the experts' format, not the label.

mod common;
use common::*;
use mlbn_engine::shape::ModelShape;
use mlbn_engine::*;

fn weights_gb(model_id: &str, quant_id: &str) -> f64 {
    ModelShape::new(&model(model_id), &quant(quant_id), None).weights_bytes() / 1e9
}

#[test]
fn gpt_oss_f16_gguf_is_mostly_mxfp4() {
    // unsloth gpt-oss-120b "F16" GGUF: 60.9 GiB (65.4 GB); 20b: 13.8 GB; ggml-org MXFP4
    // (experts MXFP4, the rest Q8_0): 63.4 GB and 12.1 GB.
    let f16_120 = weights_gb("gpt-oss-120b", "f16");
    assert!((62.0..69.0).contains(&f16_120), "{f16_120}");
    let f16_20 = weights_gb("gpt-oss-20b", "f16");
    assert!((13.0..14.6).contains(&f16_20), "{f16_20}");
    let mx_120 = weights_gb("gpt-oss-120b", "mxfp4-gguf");
    assert!((60.0..66.0).contains(&mx_120), "{mx_120}");
    let mx_20 = weights_gb("gpt-oss-20b", "mxfp4-gguf");
    assert!((11.5..12.7).contains(&mx_20), "{mx_20}");
    // Q8_0 and F16 differ only in the non-expert tensors.
    let q8_120 = weights_gb("gpt-oss-120b", "q8_0");
    assert!(
        q8_120 < f16_120 && q8_120 > 0.9 * f16_120,
        "{q8_120} vs {f16_120}"
    );
    // Published llama-quantize mixes keep the MXFP4 experts even below 4.25 bits.
    let q2_120 = weights_gb("gpt-oss-120b", "q2_k");
    assert!(q2_120 > 0.85 * q8_120, "{q2_120}");
    // A non-GGUF format smaller than MXFP4 re-quantizes the experts.
    let mlx3 = weights_gb("gpt-oss-120b", "mlx-3bit-g64");
    assert!(mlx3 < 0.85 * mx_120, "{mlx3}");
}

#[test]
fn native_format_name_means_the_upstream_checkpoint() {
    // "MXFP4" for gpt-oss is the release itself: MXFP4 experts, the rest in BF16.
    let s = ModelShape::new(&model("gpt-oss-20b"), &quant("mxfp4"), None);
    assert_eq!(s.bytes_per_weight, 2.0);
    assert!((s.expert_bytes_per_weight - 4.25 / 8.0).abs() < 1e-12);
}

#[test]
fn models_without_a_native_format_are_unchanged() {
    // Dense: every tensor at the quant's width.
    let s = ModelShape::new(&model("llama-3.1-8b"), &quant("f16"), None);
    assert_eq!(s.bytes_per_weight, s.expert_bytes_per_weight);
    assert_eq!(s.layer_routed_params, 0.0);
    // A MoE in MXFP4_MOE: experts MXFP4, the rest Q8_0.
    let q = ModelShape::new(&model("qwen3-30b-a3b"), &quant("mxfp4_moe"), None);
    assert!((q.expert_bytes_per_weight - 4.25 / 8.0).abs() < 1e-12);
    assert!((q.bytes_per_weight - 8.5 / 8.0).abs() < 1e-12);
    let avg_bits = q.weights_bytes() * 8.0 / (model("qwen3-30b-a3b").params_b * 1e9);
    assert!((4.3..5.0).contains(&avg_bits), "{avg_bits}");
}

#[test]
fn gpt_oss_120b_f16_fits_three_32gb_cards_and_decodes_at_mxfp4_speed() {
    let mut s = scenario(
        &[("radeon-ai-pro-r9700", 3, None)],
        "gpt-oss-120b",
        "f16",
        "llama.cpp-rocm",
    );
    s.strategy = StrategyRequest::Pipeline;
    let e = estimate(&s);
    assert!(e.fits, "{:?}", e.memory);
    // Bytes per token: ~5.1B active params, most of them MXFP4 experts, not 16-bit.
    assert!(
        e.model.active_weights_gb < 6.0,
        "{}",
        e.model.active_weights_gb
    );
    let f16 = e.decode_tok_s;
    s.quant = quant("mxfp4-gguf");
    let mx = estimate(&s).decode_tok_s;
    // The two files differ in the attention/head width only.
    assert!(f16 < mx && f16 > 0.6 * mx, "{f16} vs {mx}");
}

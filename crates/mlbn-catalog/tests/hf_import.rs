//! Hugging Face config.json import: real configs' values (trimmed to the fields that shape the
//! model) must reproduce the catalog entries, errors must be clear, and no JSON may panic.

use mlbn_catalog::{
    AttentionKind, Catalog, HfImportError, Modality, Model, model_from_hf_config,
    quant_hint_from_hf_config,
};
use proptest::prelude::*;

const LLAMA3_8B: &str = r#"{
  "_name_or_path": "meta-llama/Meta-Llama-3-8B",
  "architectures": ["LlamaForCausalLM"], "model_type": "llama",
  "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 8192,
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "tie_word_embeddings": false,
  "torch_dtype": "bfloat16", "vocab_size": 128256
}"#;

const LLAMA2_7B_NO_KV_HEADS: &str = r#"{
  "model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008,
  "max_position_embeddings": 4096, "num_attention_heads": 32, "num_hidden_layers": 32,
  "vocab_size": 32000, "tie_word_embeddings": false
}"#;

const MISTRAL_7B_V01: &str = r#"{
  "model_type": "mistral", "hidden_size": 4096, "intermediate_size": 14336,
  "max_position_embeddings": 32768, "num_attention_heads": 32, "num_hidden_layers": 32,
  "num_key_value_heads": 8, "sliding_window": 4096, "tie_word_embeddings": false,
  "vocab_size": 32000
}"#;

const MIXTRAL_8X7B: &str = r#"{
  "model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336,
  "max_position_embeddings": 32768, "num_attention_heads": 32, "num_experts_per_tok": 2,
  "num_hidden_layers": 32, "num_key_value_heads": 8, "num_local_experts": 8,
  "sliding_window": null, "tie_word_embeddings": false, "vocab_size": 32000
}"#;

const QWEN25_7B: &str = r#"{
  "model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944,
  "max_position_embeddings": 32768, "max_window_layers": 28, "num_attention_heads": 28,
  "num_hidden_layers": 28, "num_key_value_heads": 4, "sliding_window": 131072,
  "tie_word_embeddings": false, "use_sliding_window": false, "vocab_size": 152064
}"#;

const QWEN3_30B_A3B: &str = r#"{
  "architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe",
  "decoder_sparse_step": 1, "head_dim": 128, "hidden_size": 2048, "intermediate_size": 6144,
  "max_position_embeddings": 40960, "max_window_layers": 48, "mlp_only_layers": [],
  "moe_intermediate_size": 768, "norm_topk_prob": true, "num_attention_heads": 32,
  "num_experts": 128, "num_experts_per_tok": 8, "num_hidden_layers": 48,
  "num_key_value_heads": 4, "sliding_window": null, "tie_word_embeddings": false,
  "use_sliding_window": false, "vocab_size": 151936
}"#;

const GEMMA3_4B: &str = r#"{
  "architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
  "text_config": {
    "model_type": "gemma3_text", "head_dim": 256, "hidden_size": 2560,
    "intermediate_size": 10240, "max_position_embeddings": 131072,
    "num_attention_heads": 8, "num_hidden_layers": 34, "num_key_value_heads": 4,
    "sliding_window": 1024, "sliding_window_pattern": 6, "vocab_size": 262208
  },
  "vision_config": { "model_type": "siglip_vision_model", "hidden_size": 1152 }
}"#;

const DEEPSEEK_V3: &str = r#"{
  "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3",
  "first_k_dense_replace": 3, "hidden_size": 7168, "intermediate_size": 18432,
  "kv_lora_rank": 512, "max_position_embeddings": 163840, "moe_intermediate_size": 2048,
  "n_group": 8, "n_routed_experts": 256, "n_shared_experts": 1, "num_attention_heads": 128,
  "num_experts_per_tok": 8, "num_hidden_layers": 61, "num_key_value_heads": 128,
  "num_nextn_predict_layers": 1, "q_lora_rank": 1536, "qk_nope_head_dim": 128,
  "qk_rope_head_dim": 64, "tie_word_embeddings": false, "v_head_dim": 128,
  "vocab_size": 129280
}"#;

const DEEPSEEK_V2_LITE: &str = r#"{
  "model_type": "deepseek_v2", "first_k_dense_replace": 1, "hidden_size": 2048,
  "intermediate_size": 10944, "kv_lora_rank": 512, "max_position_embeddings": 163840,
  "moe_intermediate_size": 1408, "n_routed_experts": 64, "n_shared_experts": 2,
  "num_attention_heads": 16, "num_experts_per_tok": 6, "num_hidden_layers": 27,
  "num_key_value_heads": 16, "q_lora_rank": null, "qk_nope_head_dim": 128,
  "qk_rope_head_dim": 64, "tie_word_embeddings": false, "v_head_dim": 128, "vocab_size": 102400
}"#;

const GPT_OSS_20B: &str = r#"{
  "architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss", "experts_per_token": 4,
  "head_dim": 64, "hidden_size": 2880, "intermediate_size": 2880,
  "layer_types": ["sliding_attention", "full_attention", "sliding_attention", "full_attention",
    "sliding_attention", "full_attention", "sliding_attention", "full_attention",
    "sliding_attention", "full_attention", "sliding_attention", "full_attention",
    "sliding_attention", "full_attention", "sliding_attention", "full_attention",
    "sliding_attention", "full_attention", "sliding_attention", "full_attention",
    "sliding_attention", "full_attention", "sliding_attention", "full_attention"],
  "max_position_embeddings": 131072, "num_attention_heads": 64, "num_experts_per_tok": 4,
  "num_hidden_layers": 24, "num_key_value_heads": 8, "num_local_experts": 32,
  "sliding_window": 128, "tie_word_embeddings": false, "vocab_size": 201088,
  "quantization_config": {"modules_to_not_convert": ["model.layers.*.self_attn",
    "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"], "quant_method": "mxfp4"}
}"#;

const PHI3_MINI: &str = r#"{
  "architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "hidden_size": 3072,
  "intermediate_size": 8192, "max_position_embeddings": 4096, "num_attention_heads": 32,
  "num_hidden_layers": 32, "num_key_value_heads": 32, "tie_word_embeddings": false,
  "vocab_size": 32064
}"#;

const QWEN36_35B_A3B: &str = r#"{
  "architectures": ["Qwen3_5MoeForConditionalGeneration"], "model_type": "qwen3_5_moe",
  "text_config": {
    "model_type": "qwen3_5_moe_text", "attn_output_gate": true, "full_attention_interval": 4,
    "head_dim": 256, "hidden_size": 2048,
    "layer_types": ["linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention",
      "linear_attention", "linear_attention", "linear_attention", "full_attention"],
    "linear_conv_kernel_dim": 4, "linear_key_head_dim": 128, "linear_num_key_heads": 16,
    "linear_num_value_heads": 32, "linear_value_head_dim": 128,
    "max_position_embeddings": 262144, "moe_intermediate_size": 512, "mtp_num_hidden_layers": 1,
    "num_attention_heads": 16, "num_experts": 256, "num_experts_per_tok": 8,
    "num_hidden_layers": 40, "num_key_value_heads": 2, "shared_expert_intermediate_size": 512,
    "tie_word_embeddings": false, "vocab_size": 248320
  },
  "tie_word_embeddings": false,
  "vision_config": { "model_type": "qwen3_5_moe", "depth": 27 }
}"#;

const LLAMA4_SCOUT: &str = r#"{
  "architectures": ["Llama4ForConditionalGeneration"], "model_type": "llama4",
  "text_config": {
    "model_type": "llama4_text", "attention_chunk_size": 8192, "head_dim": 128,
    "hidden_size": 5120, "interleave_moe_layer_step": 1, "intermediate_size": 8192,
    "intermediate_size_mlp": 16384, "max_position_embeddings": 10485760,
    "num_attention_heads": 40, "num_experts_per_tok": 1, "num_hidden_layers": 48,
    "num_key_value_heads": 8, "num_local_experts": 16, "vocab_size": 202048
  },
  "vision_config": { "model_type": "llama4_vision_model" }
}"#;

const GEMMA4_31B: &str = r#"{
  "architectures": ["Gemma4ForConditionalGeneration"], "model_type": "gemma4",
  "text_config": {
    "model_type": "gemma4_text", "attention_k_eq_v": true, "enable_moe_block": false,
    "global_head_dim": 512, "head_dim": 256, "hidden_size": 5376,
    "hidden_size_per_layer_input": 0, "intermediate_size": 21504,
    "layer_types": [
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
      "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "full_attention"],
    "max_position_embeddings": 262144, "num_attention_heads": 32,
    "num_global_key_value_heads": 4, "num_hidden_layers": 60, "num_key_value_heads": 16,
    "num_kv_shared_layers": 0, "sliding_window": 1024, "tie_word_embeddings": true,
    "vocab_size": 262144
  },
  "vision_config": { "model_type": "gemma4_vision" }
}"#;

const GLM47_FLASH: &str = r#"{
  "architectures": ["Glm4MoeLiteForCausalLM"], "model_type": "glm4_moe_lite",
  "first_k_dense_replace": 1, "hidden_size": 2048, "intermediate_size": 10240,
  "kv_lora_rank": 512, "max_position_embeddings": 202752, "moe_intermediate_size": 1536,
  "n_routed_experts": 64, "n_shared_experts": 1, "num_attention_heads": 20,
  "num_experts_per_tok": 4, "num_hidden_layers": 47, "num_key_value_heads": 20,
  "num_nextn_predict_layers": 1, "q_lora_rank": 768, "qk_nope_head_dim": 192,
  "qk_rope_head_dim": 64, "tie_word_embeddings": false, "v_head_dim": 256, "vocab_size": 154880
}"#;

/// Hunyuan repeats per-layer MoE settings as lists.
const HUNYUAN_STYLE: &str = r#"{
  "architectures": ["HunYuanMoEV1ForCausalLM"], "model_type": "hunyuan_v1_moe",
  "attention_head_dim": 128, "hidden_size": 4096, "intermediate_size": 3072,
  "max_position_embeddings": 32768, "moe_intermediate_size": [3072, 3072, 3072, 3072],
  "moe_topk": [8, 8, 8, 8], "num_attention_heads": 32, "num_experts": 64,
  "num_hidden_layers": 4, "num_key_value_heads": 8, "num_shared_expert": [1, 1, 1, 1],
  "tie_word_embeddings": true, "use_mixed_mlp_moe": 1, "vocab_size": 128167
}"#;

fn import(json: &str) -> Model {
    model_from_hf_config(json, "test").unwrap_or_else(|e| panic!("import failed: {e}"))
}

/// The imported model must match the catalog record on every architecture field.
fn assert_matches_catalog(json: &str, id: &str) {
    let got = import(json);
    let want = Catalog::builtin().model_by_id(id).unwrap();
    assert_eq!(
        (
            got.layers,
            got.hidden,
            got.heads,
            got.kv_heads,
            got.head_dim,
            got.vocab,
            got.max_ctx
        ),
        (
            want.layers,
            want.hidden,
            want.heads,
            want.kv_heads,
            want.head_dim,
            want.vocab,
            want.max_ctx
        ),
        "{id}: shape"
    );
    assert_eq!(got.attention, want.attention, "{id}: attention kind");
    assert_eq!(got.tied_embeddings, want.tied_embeddings, "{id}: tied");
    assert_eq!(
        got.moe.as_ref().map(|m| (
            m.experts,
            m.experts_per_token,
            m.shared_experts,
            m.dense_layers,
            m.expert_ffn
        )),
        want.moe.as_ref().map(|m| (
            m.experts,
            m.experts_per_token,
            m.shared_experts,
            m.dense_layers,
            m.expert_ffn
        )),
        "{id}: moe"
    );
    assert_eq!(
        got.mla
            .as_ref()
            .map(|m| (m.kv_lora_rank, m.qk_rope_head_dim, m.q_lora_rank)),
        want.mla
            .as_ref()
            .map(|m| (m.kv_lora_rank, m.qk_rope_head_dim, m.q_lora_rank)),
        "{id}: mla"
    );
    assert_eq!(
        (got.sliding_window, got.sliding_layers),
        (want.sliding_window, want.sliding_layers),
        "{id}: sliding"
    );
    assert_eq!(got.linear_attn, want.linear_attn, "{id}: linear attention");
    let rel = (got.params_b - want.params_b).abs() / want.params_b;
    assert!(
        rel < 0.02,
        "{id}: imported {} vs catalog {}",
        got.params_b,
        want.params_b
    );
    assert!(got.active_params_b <= got.params_b);
    assert_eq!(
        got.kv_bytes_per_token(16.0),
        want.kv_bytes_per_token(16.0),
        "{id}: kv"
    );
}

#[test]
fn flat_layouts_reproduce_the_catalog() {
    assert_matches_catalog(LLAMA3_8B, "llama-3-8b");
    assert_matches_catalog(LLAMA2_7B_NO_KV_HEADS, "llama-2-7b");
    assert_matches_catalog(MISTRAL_7B_V01, "mistral-7b-v0.1");
    assert_matches_catalog(MIXTRAL_8X7B, "mixtral-8x7b");
    assert_matches_catalog(QWEN25_7B, "qwen2.5-7b");
    assert_matches_catalog(QWEN3_30B_A3B, "qwen3-30b-a3b");
    assert_matches_catalog(DEEPSEEK_V3, "deepseek-v3");
    assert_matches_catalog(DEEPSEEK_V2_LITE, "deepseek-v2-lite");
    assert_matches_catalog(GPT_OSS_20B, "gpt-oss-20b");
    assert_matches_catalog(PHI3_MINI, "phi-3-mini-4k");
    assert_matches_catalog(GLM47_FLASH, "glm-4.7-flash");
}

#[test]
fn mxfp4_quantization_config_marks_native_mxfp4_experts() {
    let got = import(GPT_OSS_20B);
    let want = Catalog::builtin().model_by_id("gpt-oss-20b").unwrap();
    let native = |m: &Model| m.moe.as_ref().and_then(|x| x.native_expert_format.clone());
    assert_eq!(native(&got), native(want));
    assert_eq!(native(&got).map(|n| n.bits_per_weight), Some(4.25));
    // Without the block the experts are stored like the rest.
    let plain = GPT_OSS_20B.replace("\"quant_method\": \"mxfp4\"", "\"quant_method\": \"none\"");
    assert_eq!(native(&import(&plain)), None);
}

#[test]
fn uniform_per_layer_lists_are_read_and_mixed_lists_rejected() {
    let h = import(HUNYUAN_STYLE);
    let moe = h.moe.as_ref().unwrap();
    assert_eq!(
        (
            moe.experts,
            moe.experts_per_token,
            moe.shared_experts,
            moe.expert_ffn
        ),
        (64, 8, 1, 3072)
    );
    assert_eq!(h.head_dim, 128);
    let mixed = HUNYUAN_STYLE.replace("[8, 8, 8, 8]", "[8, 8, 4, 8]");
    assert!(matches!(
        model_from_hf_config(&mixed, "x"),
        Err(HfImportError::Invalid { .. })
    ));
    let empty = HUNYUAN_STYLE.replace("[8, 8, 8, 8]", "[]");
    assert!(model_from_hf_config(&empty, "x").is_err());
}

#[test]
fn nested_text_config_layouts_reproduce_the_catalog() {
    assert_matches_catalog(GEMMA3_4B, "gemma-3-4b");
    assert_matches_catalog(QWEN36_35B_A3B, "qwen3.6-35b-a3b");
    assert_matches_catalog(LLAMA4_SCOUT, "llama-4-scout");
    assert_matches_catalog(GEMMA4_31B, "gemma-4-31b");
    let g = import(GEMMA4_31B);
    assert_eq!((g.global_kv_heads, g.global_head_dim), (Some(4), Some(512)));
}

#[test]
fn derived_fields_and_defaults() {
    let l = import(LLAMA2_7B_NO_KV_HEADS);
    // num_key_value_heads absent -> MHA; head_dim absent -> hidden / heads.
    assert_eq!(
        (l.kv_heads, l.head_dim, l.attention),
        (32, 128, AttentionKind::Mha)
    );
    let g = import(GEMMA3_4B);
    assert_eq!(g.modality, Modality::Vision);
    assert!(g.tied_embeddings, "Gemma ties embeddings by default");
    let q = import(QWEN25_7B);
    assert_eq!(
        q.sliding_window, None,
        "use_sliding_window=false disables the window"
    );
    let d = import(DEEPSEEK_V3);
    assert_eq!(d.head_dim, 192);
    assert!(
        (d.active_params_b - 37.0).abs() < 2.0,
        "active {}",
        d.active_params_b
    );
    assert_eq!(d.family, "deepseek");
    let m = import(MIXTRAL_8X7B);
    assert_eq!(m.sliding_window, None, "sliding_window: null");
    assert_eq!(
        m.hf_id, "test",
        "name hint used when _name_or_path is absent"
    );
    let l3 = import(LLAMA3_8B);
    assert_eq!(l3.hf_id, "meta-llama/Meta-Llama-3-8B");
    assert_eq!(l3.id, "meta-llama-meta-llama-3-8b");
    // Integral floats are accepted.
    let f = import(&LLAMA3_8B.replace("\"hidden_size\": 4096", "\"hidden_size\": 4096.0"));
    assert_eq!(f.hidden, 4096);
}

#[test]
fn name_hint_paths_name_the_model() {
    let json = LLAMA2_7B_NO_KV_HEADS;
    let m = model_from_hf_config(json, "./models/Llama-2-7b-hf/config.json").unwrap();
    assert_eq!(m.hf_id, "Llama-2-7b-hf");
    assert_eq!(m.id, "llama-2-7b-hf");
    let m = model_from_hf_config(json, "org/Some-Model").unwrap();
    assert_eq!(m.hf_id, "org/Some-Model");
    let m = model_from_hf_config(json, "").unwrap();
    assert_eq!(m.id, "imported-model");
}

#[test]
fn quant_hints_name_catalog_quants() {
    let cases = [
        (
            r#"{"quantization_config": {"quant_method": "fp8", "fmt": "e4m3"}}"#,
            Some("fp8-e4m3"),
        ),
        (
            r#"{"quantization_config": {"quant_method": "mxfp4"}}"#,
            Some("mxfp4"),
        ),
        (
            r#"{"quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 128}}"#,
            Some("awq-int4"),
        ),
        (
            r#"{"quantization_config": {"quant_method": "gptq", "bits": 4}}"#,
            Some("gptq-int4"),
        ),
        (
            r#"{"quantization_config": {"quant_method": "gptq", "bits": 8}}"#,
            None,
        ),
        (
            r#"{"quantization_config": {"quant_method": "auto-round", "bits": 4}}"#,
            Some("autoround-int4"),
        ),
        (
            r#"{"quantization_config": {"quant_method": "modelopt", "quant_algo": "NVFP4"}}"#,
            Some("nvfp4"),
        ),
        (
            r#"{"quantization_config": {"quant_method": "compressed-tensors", "config_groups": {"g": {"weights": {"num_bits": 8, "type": "int"}, "input_activations": {"num_bits": 8, "type": "int"}}}}}"#,
            Some("int8-w8a8"),
        ),
        (
            r#"{"quantization_config": {"quant_method": "compressed-tensors", "config_groups": {"g": {"weights": {"num_bits": 8, "type": "float"}}}}}"#,
            Some("fp8-e4m3"),
        ),
        (
            r#"{"quantization": {"group_size": 64, "bits": 4}}"#,
            Some("mlx-4bit-g64"),
        ),
        (
            r#"{"quantization": {"group_size": 32, "bits": 8}}"#,
            Some("mlx-8bit-g32"),
        ),
        (r#"{"torch_dtype": "bfloat16"}"#, Some("bf16")),
        (r#"{"text_config": {"dtype": "float16"}}"#, Some("f16")),
        (r#"{"torch_dtype": "int7"}"#, None),
        ("not json", None),
    ];
    let cat = Catalog::builtin();
    for (json, want) in cases {
        let got = quant_hint_from_hf_config(json);
        assert_eq!(got, want, "{json}");
        if let Some(id) = got {
            assert!(cat.quant_by_id(id).is_some(), "{id} is not a catalog quant");
        }
    }
    assert_eq!(quant_hint_from_hf_config(LLAMA3_8B), Some("bf16"));
    assert_eq!(quant_hint_from_hf_config(MIXTRAL_8X7B), None);
}

#[test]
fn errors_are_specific() {
    assert!(matches!(
        model_from_hf_config("{not json", "x"),
        Err(HfImportError::Json(_))
    ));
    assert_eq!(
        model_from_hf_config("[1,2]", "x"),
        Err(HfImportError::NotAnObject)
    );
    let no_hidden = LLAMA3_8B.replace("\"hidden_size\": 4096,", "");
    match model_from_hf_config(&no_hidden, "x") {
        Err(
            e @ HfImportError::Missing {
                field: "hidden_size",
                ..
            },
        ) => {
            assert!(e.to_string().contains("hidden_size"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let bad_kv = LLAMA3_8B.replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5");
    assert!(matches!(
        model_from_hf_config(&bad_kv, "x"),
        Err(HfImportError::Invalid { .. })
    ));
    let negative = LLAMA3_8B.replace("\"num_hidden_layers\": 32", "\"num_hidden_layers\": -3");
    assert!(matches!(
        model_from_hf_config(&negative, "x"),
        Err(HfImportError::Invalid { .. })
    ));
    let zero = LLAMA3_8B.replace("\"num_attention_heads\": 32", "\"num_attention_heads\": 0");
    assert!(matches!(
        model_from_hf_config(&zero, "x"),
        Err(HfImportError::Invalid { .. })
    ));
    let string = LLAMA3_8B.replace("\"vocab_size\": 128256", "\"vocab_size\": \"big\"");
    let e = model_from_hf_config(&string, "x").unwrap_err();
    assert!(
        e.to_string().contains("vocab_size") && e.to_string().contains("string"),
        "{e}"
    );
    let huge = LLAMA3_8B.replace("\"vocab_size\": 128256", "\"vocab_size\": 1e300");
    assert!(model_from_hf_config(&huge, "x").is_err());
    let too_many = MIXTRAL_8X7B.replace("\"num_experts_per_tok\": 2", "\"num_experts_per_tok\": 9");
    assert!(model_from_hf_config(&too_many, "x").is_err());
    let no_k = MIXTRAL_8X7B.replace("\"num_experts_per_tok\": 2,", "");
    assert!(matches!(
        model_from_hf_config(&no_k, "x"),
        Err(HfImportError::Missing { .. })
    ));
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u32>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("hidden_size".to_string()),
                    Just("num_hidden_layers".to_string()),
                    Just("num_attention_heads".to_string()),
                    Just("num_key_value_heads".to_string()),
                    Just("head_dim".to_string()),
                    Just("vocab_size".to_string()),
                    Just("max_position_embeddings".to_string()),
                    Just("intermediate_size".to_string()),
                    Just("num_experts".to_string()),
                    Just("num_experts_per_tok".to_string()),
                    Just("kv_lora_rank".to_string()),
                    Just("text_config".to_string()),
                    Just("layer_types".to_string()),
                    Just("sliding_window".to_string()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..10
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn check_ok(m: &Model) {
    assert!(m.layers > 0 && m.hidden > 0 && m.heads > 0 && m.kv_heads > 0);
    assert_eq!(m.heads % m.kv_heads, 0);
    assert!(m.params_b.is_finite() && m.params_b >= 0.0);
    assert!(m.active_params_b <= m.params_b + 1e-9);
    if let Some(moe) = &m.moe {
        assert!(moe.experts_per_token <= moe.experts);
    }
    assert!(m.kv_bytes_at_context(1 << 20, 16.0).is_finite());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = quant_hint_from_hf_config(&v.to_string());
        if let Ok(m) = model_from_hf_config(&v.to_string(), "fuzz") {
            check_ok(&m);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = model_from_hf_config(&s, &s);
        let _ = quant_hint_from_hf_config(&s);
    }

    #[test]
    fn mutated_real_configs_never_panic(
        which in 0usize..6,
        key in prop_oneof![
            Just("hidden_size"), Just("num_hidden_layers"), Just("num_attention_heads"),
            Just("num_key_value_heads"), Just("head_dim"), Just("num_experts"),
            Just("num_experts_per_tok"), Just("n_routed_experts"), Just("first_k_dense_replace"),
            Just("kv_lora_rank"), Just("sliding_window"), Just("layer_types"),
            Just("text_config"), Just("interleave_moe_layer_step"), Just("linear_num_value_heads"),
            Just("num_kv_shared_layers"), Just("moe_intermediate_size"),
        ],
        value in arb_json(),
    ) {
        let base = [LLAMA3_8B, DEEPSEEK_V3, GEMMA3_4B, GPT_OSS_20B, QWEN36_35B_A3B, LLAMA4_SCOUT][which];
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v[key] = value.clone();
        if let Some(t) = v.get_mut("text_config").and_then(|t| t.as_object_mut()) {
            t.insert(key.to_string(), value);
        }
        if let Ok(m) = model_from_hf_config(&v.to_string(), "fuzz") {
            check_ok(&m);
        }
    }
}

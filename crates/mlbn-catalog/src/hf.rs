//! Import of a Hugging Face `config.json` (given as text) into a [`Model`].
//!
//! Handles the flat layouts (llama, mistral, mixtral, qwen2/qwen3/qwen3_moe/qwen3_next,
//! deepseek_v2/v3, gpt_oss, phi3, glm4_moe, minimax) and the multimodal ones that nest the
//! language model under `text_config` (gemma3, gemma4, llama4, mistral3, qwen3_5). Keys are
//! looked up in `text_config` first, then at the top level. Parameter counts are derived from the
//! dimensions with [`Model::param_count_from_arch`]. Any JSON gives `Ok` or an error, never a
//! panic.

use crate::schema::{
    AttentionKind, LinearAttnSpec, MlaSpec, Modality, Model, MoeSpec, NativeFormat,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// MXFP4 storage width: 32 E2M1 values (4 bits) share one E8M0 scale byte (OCP Microscaling
/// Formats v1.0), 4.25 bits per weight.
const MXFP4_BITS_PER_WEIGHT: f64 = 4.25;

/// Why a config could not be turned into a model.
#[derive(Debug, Clone, PartialEq)]
pub enum HfImportError {
    /// The text is not JSON.
    Json(String),
    /// The JSON is not an object.
    NotAnObject,
    /// A required field is absent; lists the keys that were tried.
    Missing {
        field: &'static str,
        keys: &'static [&'static str],
    },
    /// A field has an unusable value (wrong type, zero, negative, too large, inconsistent).
    Invalid { field: String, reason: String },
}

impl std::fmt::Display for HfImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HfImportError::Json(e) => write!(f, "config.json is not valid JSON: {e}"),
            HfImportError::NotAnObject => write!(f, "config.json must be a JSON object"),
            HfImportError::Missing { field, keys } => {
                write!(
                    f,
                    "config.json has no {field} (looked for {})",
                    keys.join(", ")
                )
            }
            HfImportError::Invalid { field, reason } => {
                write!(f, "config.json `{field}`: {reason}")
            }
        }
    }
}

impl std::error::Error for HfImportError {}

const HIDDEN: &[&str] = &["hidden_size", "n_embd", "d_model", "dim"];
const LAYERS: &[&str] = &["num_hidden_layers", "n_layer", "n_layers", "num_layers"];
const HEADS: &[&str] = &["num_attention_heads", "n_head", "n_heads"];
const KV_HEADS: &[&str] = &[
    "num_key_value_heads",
    "num_kv_heads",
    "n_head_kv",
    "multi_query_group_num",
];
const HEAD_DIM: &[&str] = &["head_dim", "attention_head_dim", "kv_channels"];
const FFN: &[&str] = &[
    "intermediate_size_mlp",
    "intermediate_size",
    "ffn_hidden_size",
    "ffn_dim",
    "n_inner",
];
const VOCAB: &[&str] = &["vocab_size", "padded_vocab_size", "n_vocab"];
const MAX_CTX: &[&str] = &[
    "max_position_embeddings",
    "n_positions",
    "max_sequence_length",
    "seq_length",
    "model_max_length",
];
const EXPERTS: &[&str] = &[
    "num_local_experts",
    "num_experts",
    "n_routed_experts",
    "moe_num_experts",
];
const EXPERTS_PER_TOKEN: &[&str] = &[
    "num_experts_per_tok",
    "num_experts_per_token",
    "experts_per_token",
    "moe_top_k",
    "moe_topk",
    "top_k_experts",
];
const EXPERT_FFN: &[&str] = &["moe_intermediate_size", "expert_intermediate_size"];
const SHARED: &[&str] = &[
    "n_shared_experts",
    "num_shared_experts",
    "num_shared_expert",
];

/// Config values looked up in `text_config` (when present) and then the top level.
struct Cfg<'a> {
    text: Option<&'a Map<String, Value>>,
    top: &'a Map<String, Value>,
}

impl<'a> Cfg<'a> {
    fn raw(&self, key: &str) -> Option<&'a Value> {
        self.text
            .and_then(|t| t.get(key))
            .filter(|v| !v.is_null())
            .or_else(|| self.top.get(key).filter(|v| !v.is_null()))
    }

    fn first(&self, keys: &[&str]) -> Option<(&'a Value, String)> {
        keys.iter()
            .find_map(|k| self.raw(k).map(|v| (v, (*k).to_string())))
    }

    /// A non-negative integer that fits in u32; floats are accepted when integral (4096.0).
    fn uint(&self, keys: &[&str]) -> Result<Option<u32>, HfImportError> {
        match self.first(keys) {
            None => Ok(None),
            Some((v, key)) => as_u32(v, &key).map(Some),
        }
    }

    fn req(
        &self,
        field: &'static str,
        keys: &'static [&'static str],
    ) -> Result<u32, HfImportError> {
        self.uint(keys)?
            .ok_or(HfImportError::Missing { field, keys })
    }

    fn boolean(&self, key: &str) -> Option<bool> {
        self.raw(key).and_then(Value::as_bool)
    }

    fn string(&self, key: &str) -> Option<&'a str> {
        self.raw(key).and_then(Value::as_str)
    }

    fn layer_types(&self) -> Option<&'a Vec<Value>> {
        self.raw("layer_types").and_then(Value::as_array)
    }

    fn count_layer_type(&self, pred: impl Fn(&str) -> bool) -> Option<u32> {
        self.layer_types().map(|types| {
            let n = types
                .iter()
                .filter(|t| t.as_str().is_some_and(&pred))
                .count();
            u32::try_from(n).unwrap_or(u32::MAX)
        })
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> HfImportError {
    HfImportError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

fn as_u32(v: &Value, key: &str) -> Result<u32, HfImportError> {
    // Some configs (Hunyuan) repeat a per-layer value in a list; a uniform list is that value.
    if let Some(items) = v.as_array() {
        let first = items
            .first()
            .ok_or_else(|| invalid(key, "expected a number, found an empty array"))?;
        if first.is_array() || items.iter().any(|x| x != first) {
            return Err(invalid(
                key,
                "per-layer values differ; only uniform lists are supported",
            ));
        }
        return as_u32(first, key);
    }
    if let Some(u) = v.as_u64() {
        return u32::try_from(u).map_err(|_| invalid(key, format!("{u} is too large")));
    }
    if let Some(x) = v.as_f64() {
        if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX) {
            return Ok(x as u32);
        }
        return Err(invalid(
            key,
            format!("{x} is not a non-negative whole number"),
        ));
    }
    Err(invalid(
        key,
        format!("expected a number, found {}", type_name(v)),
    ))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn positive(field: &str, v: u32) -> Result<u32, HfImportError> {
    if v == 0 {
        Err(invalid(field, "must be greater than 0"))
    } else {
        Ok(v)
    }
}

fn family_of(model_type: &str) -> String {
    let t = model_type.to_ascii_lowercase();
    let fam = [
        ("llava", "llava"),
        ("llama", "llama"),
        ("mixtral", "mistral"),
        ("mistral", "mistral"),
        ("qwen", "qwen"),
        ("gemma", "gemma"),
        ("deepseek", "deepseek"),
        ("kimi", "kimi"),
        ("gpt_oss", "gpt-oss"),
        ("phi", "phi"),
        ("glm", "glm"),
        ("minimax", "minimax"),
        ("hunyuan", "hunyuan"),
        ("dots", "dots"),
        ("nemotron", "nemotron"),
    ]
    .iter()
    .find(|(k, _)| t.starts_with(k))
    .map(|(_, f)| (*f).to_string());
    fam.unwrap_or_else(|| if t.is_empty() { "unknown".into() } else { t })
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "imported-model".into()
    } else {
        trimmed.to_string()
    }
}

/// A model name from what the user wrote: `./models/Qwen3-8B/config.json` names `Qwen3-8B`.
fn name_from_hint(hint: &str) -> String {
    let trimmed = hint.trim().trim_end_matches(['/', '\\']);
    let parts: Vec<&str> = trimmed
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    match parts.as_slice() {
        [.., dir, file] if file.ends_with(".json") => (*dir).to_string(),
        _ => trimmed.to_string(),
    }
}

/// The catalog quant id a `config.json` declares for its stored weights, if it says: a
/// `quantization_config` (fp8, mxfp4, awq, gptq, auto-round, modelopt, compressed-tensors,
/// quark), MLX's `quantization` block, or else the checkpoint dtype (bf16/f16/f32).
pub fn quant_hint_from_hf_config(json: &str) -> Option<&'static str> {
    let value: Value = serde_json::from_str(json).ok()?;
    let top = value.as_object()?;
    if let Some(q) = top.get("quantization").and_then(Value::as_object) {
        let bits = q.get("bits").and_then(Value::as_u64);
        let group = q.get("group_size").and_then(Value::as_u64).unwrap_or(64);
        return match (bits, group) {
            (Some(3), 32) => Some("mlx-3bit-g32"),
            (Some(3), _) => Some("mlx-3bit-g64"),
            (Some(4), 32) => Some("mlx-4bit-g32"),
            (Some(4), _) => Some("mlx-4bit-g64"),
            (Some(5), 32) => Some("mlx-5bit-g32"),
            (Some(5), _) => Some("mlx-5bit-g64"),
            (Some(6), 32) => Some("mlx-6bit-g32"),
            (Some(6), _) => Some("mlx-6bit-g64"),
            (Some(8), 32) => Some("mlx-8bit-g32"),
            (Some(8), _) => Some("mlx-8bit-g64"),
            _ => None,
        };
    }
    if let Some(q) = top.get("quantization_config").and_then(Value::as_object) {
        let method = q
            .get("quant_method")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let text = Value::Object(q.clone()).to_string().to_ascii_lowercase();
        let bits = q.get("bits").and_then(Value::as_u64);
        return match method.as_str() {
            "fp8" | "fbgemm_fp8" => Some("fp8-e4m3"),
            "mxfp4" => Some("mxfp4"),
            "awq" => (bits.unwrap_or(4) == 4).then_some("awq-int4"),
            "gptq" => (bits.unwrap_or(4) == 4).then_some("gptq-int4"),
            "auto-round" | "intel/auto-round" | "autoround" => {
                (bits.unwrap_or(4) == 4).then_some("autoround-int4")
            }
            "modelopt" if text.contains("nvfp4") => Some("nvfp4"),
            "modelopt" if text.contains("fp8") => Some("fp8-e4m3"),
            "compressed-tensors" | "quark" => {
                if text.contains("nvfp4") || text.contains("\"fp4\"") {
                    Some("nvfp4")
                } else if text.contains("\"num_bits\":8") && text.contains("\"type\":\"float\"") {
                    Some("fp8-e4m3")
                } else if text.contains("\"num_bits\":8") || text.contains("int8") {
                    Some("int8-w8a8")
                } else if text.contains("\"num_bits\":4") || text.contains("int4") {
                    Some("gptq-int4")
                } else {
                    None
                }
            }
            _ => None,
        };
    }
    let cfg_dtype = |o: &Map<String, Value>| {
        o.get("torch_dtype")
            .or_else(|| o.get("dtype"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let dtype = cfg_dtype(top).or_else(|| {
        top.get("text_config")
            .and_then(Value::as_object)
            .and_then(cfg_dtype)
    })?;
    match dtype.as_str() {
        "bfloat16" => Some("bf16"),
        "float16" => Some("f16"),
        "float32" => Some("f32"),
        _ => None,
    }
}

/// Build a [`Model`] from the text of a Hugging Face `config.json`. `name_hint` (a path or repo
/// id the user wrote) names the model when the config carries no `_name_or_path`.
pub fn model_from_hf_config(json: &str, name_hint: &str) -> Result<Model, HfImportError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| HfImportError::Json(e.to_string()))?;
    let top = value.as_object().ok_or(HfImportError::NotAnObject)?;
    let text = top
        .get("text_config")
        .or_else(|| top.get("language_config"))
        .or_else(|| top.get("llm_config"))
        .and_then(Value::as_object);
    let cfg = Cfg { text, top };
    let model_type = cfg.string("model_type").unwrap_or("").to_string();
    let mt = model_type.to_ascii_lowercase();

    let hidden = positive("hidden_size", cfg.req("hidden_size", HIDDEN)?)?;
    let layers = positive("num_hidden_layers", cfg.req("num_hidden_layers", LAYERS)?)?;
    let heads = positive(
        "num_attention_heads",
        cfg.req("num_attention_heads", HEADS)?,
    )?;
    let vocab = positive("vocab_size", cfg.req("vocab_size", VOCAB)?)?;
    let max_ctx = positive(
        "max_position_embeddings",
        cfg.req("max_position_embeddings", MAX_CTX)?,
    )?;
    let mut kv_heads = positive("num_key_value_heads", cfg.uint(KV_HEADS)?.unwrap_or(heads))?;

    // MLA (DeepSeek V2/V3, Kimi K2, GLM-4.7-Flash): the cache is one latent per token.
    let mla = match cfg.uint(&["kv_lora_rank"])? {
        Some(rank) if rank > 0 => Some(MlaSpec {
            kv_lora_rank: rank,
            qk_rope_head_dim: cfg.uint(&["qk_rope_head_dim"])?.unwrap_or(64),
            q_lora_rank: cfg.uint(&["q_lora_rank"])?.filter(|r| *r > 0),
            qk_nope_head_dim: Some(cfg.uint(&["qk_nope_head_dim"])?.unwrap_or(128)),
            v_head_dim: Some(cfg.uint(&["v_head_dim"])?.unwrap_or(128)),
        }),
        _ => None,
    };
    let head_dim = match &mla {
        Some(m) => m
            .qk_nope_head_dim
            .unwrap_or(128)
            .saturating_add(m.qk_rope_head_dim),
        None => match cfg.uint(HEAD_DIM)? {
            Some(d) if d > 0 => d,
            _ => {
                if hidden % heads != 0 {
                    return Err(invalid(
                        "head_dim",
                        format!(
                            "absent and hidden_size {hidden} is not a multiple of {heads} heads"
                        ),
                    ));
                }
                hidden / heads
            }
        },
    };
    if mla.is_some() {
        kv_heads = heads;
    }
    if heads % kv_heads != 0 {
        return Err(invalid(
            "num_key_value_heads",
            format!("{kv_heads} KV heads do not divide {heads} attention heads"),
        ));
    }

    // Mixture of experts.
    let experts = cfg.uint(EXPERTS)?.unwrap_or(0);
    let moe = if experts > 1 {
        let k = positive(
            "num_experts_per_tok",
            cfg.uint(EXPERTS_PER_TOKEN)?.ok_or(HfImportError::Missing {
                field: "num_experts_per_tok",
                keys: EXPERTS_PER_TOKEN,
            })?,
        )?;
        if k > experts {
            return Err(invalid(
                "num_experts_per_tok",
                format!("{k} chosen experts exceed {experts} experts"),
            ));
        }
        // Mixtral, gpt-oss and Llama 4 give the expert width as `intermediate_size`.
        let expert_ffn = match cfg.uint(EXPERT_FFN)? {
            Some(w) => w,
            None => cfg
                .uint(&["intermediate_size"])?
                .ok_or(HfImportError::Missing {
                    field: "moe_intermediate_size",
                    keys: EXPERT_FFN,
                })?,
        };
        let shared_width = cfg
            .uint(&["shared_expert_intermediate_size"])?
            .filter(|w| *w > 0);
        let mut shared = cfg.uint(SHARED)?.unwrap_or(0);
        let mut shared_expert_ffn = None;
        if shared == 0 && shared_width.is_some() {
            shared = 1;
        }
        if let Some(w) = shared_width {
            // Qwen2-MoE states the total shared width; per shared expert it is w / shared.
            let per = w / shared.max(1);
            if per != expert_ffn {
                shared_expert_ffn = Some(per);
            }
        }
        if mt.starts_with("hunyuan") && shared > 0 {
            // Hunyuan's shared MLP has width intermediate_size x num_shared_expert.
            shared_expert_ffn = cfg
                .uint(&["intermediate_size"])?
                .filter(|w| *w != expert_ffn);
        }
        if mt.starts_with("llama4") {
            shared = shared.max(1);
        }
        if mt.starts_with("gemma4") {
            // Gemma 4 MoE runs a dense MLP beside the experts in every layer.
            shared = 1;
            shared_expert_ffn = cfg.uint(&["intermediate_size"])?;
        }
        let mut dense_layers = cfg.uint(&["first_k_dense_replace"])?.unwrap_or(0);
        if let Some(list) = cfg.raw("mlp_only_layers").and_then(Value::as_array) {
            dense_layers = dense_layers.max(u32::try_from(list.len()).unwrap_or(u32::MAX));
        }
        if let Some(step) = cfg.uint(&["interleave_moe_layer_step"])?
            && step > 1
        {
            dense_layers = layers - layers / step;
        }
        if dense_layers > layers {
            return Err(invalid(
                "first_k_dense_replace",
                format!("{dense_layers} dense layers exceed {layers} layers"),
            ));
        }
        // An MXFP4 `quantization_config` (gpt-oss) quantizes the experts only: attention,
        // router, embeddings and head are listed in `modules_to_not_convert`.
        let native_expert_format = cfg
            .raw("quantization_config")
            .and_then(|q| q.get("quant_method"))
            .and_then(Value::as_str)
            .filter(|m| m.eq_ignore_ascii_case("mxfp4"))
            .map(|_| NativeFormat {
                name: "MXFP4".to_string(),
                bits_per_weight: MXFP4_BITS_PER_WEIGHT,
            });
        Some(MoeSpec {
            experts,
            experts_per_token: k,
            shared_experts: shared,
            dense_layers,
            expert_ffn,
            shared_expert_ffn,
            native_expert_format,
        })
    } else {
        None
    };

    let ffn = match cfg.uint(FFN)? {
        Some(w) if w > 0 => w,
        _ => match &moe {
            Some(m) => m.expert_ffn,
            None => {
                return Err(HfImportError::Missing {
                    field: "intermediate_size",
                    keys: FFN,
                });
            }
        },
    };

    // Linear (recurrent) attention layers: Qwen3-Next / Qwen3.5 Gated DeltaNet.
    let linear_layers = match cfg.count_layer_type(|t| t == "linear_attention") {
        Some(n) => n,
        None => match (
            cfg.uint(&["full_attention_interval"])?,
            cfg.raw("linear_num_value_heads"),
        ) {
            (Some(interval), Some(_)) if interval > 0 => layers - layers / interval,
            _ => 0,
        },
    }
    .min(layers);
    let linear_attn = if linear_layers > 0 {
        Some(LinearAttnSpec {
            layers: linear_layers,
            key_heads: cfg.uint(&["linear_num_key_heads"])?.unwrap_or(16),
            value_heads: cfg.uint(&["linear_num_value_heads"])?.unwrap_or(32),
            key_head_dim: cfg.uint(&["linear_key_head_dim"])?.unwrap_or(128),
            value_head_dim: cfg.uint(&["linear_value_head_dim"])?.unwrap_or(128),
            conv_kernel: cfg.uint(&["linear_conv_kernel_dim"])?.unwrap_or(4),
        })
    } else {
        None
    };

    // Sliding-window / chunked local attention.
    let use_sliding = cfg.boolean("use_sliding_window").unwrap_or(true);
    let window = if use_sliding {
        cfg.uint(&["sliding_window", "attention_chunk_size"])?
            .filter(|w| *w > 0)
    } else {
        None
    };
    let sliding_layers = window.map(|_| {
        if let Some(n) =
            cfg.count_layer_type(|t| t == "sliding_attention" || t == "chunked_attention")
        {
            n
        } else if mt.starts_with("gemma2") {
            layers.div_ceil(2)
        } else if let Some(p) = cfg
            .raw("sliding_window_pattern")
            .and_then(Value::as_u64)
            .filter(|p| *p > 1)
        {
            let p = u32::try_from(p).unwrap_or(u32::MAX);
            layers - layers / p
        } else if mt.starts_with("gemma3") {
            layers - layers / 6
        } else if mt.starts_with("llama4") {
            layers - layers / 4
        } else {
            layers
        }
    });
    let (sliding_window, sliding_layers) = match sliding_layers {
        Some(0) | None => (None, None),
        Some(n) => (window, Some(n.min(layers))),
    };

    // Gemma 4: global layers may use their own KV head count and a wider head.
    let global_kv_heads = cfg
        .uint(&["num_global_key_value_heads"])?
        .filter(|n| *n > 0 && *n != kv_heads && heads % *n == 0);
    let global_head_dim = cfg
        .uint(&["global_head_dim"])?
        .filter(|d| *d > 0 && *d != head_dim && mla.is_none());
    let kv_shared_layers = cfg
        .uint(&["num_kv_shared_layers"])?
        .filter(|n| *n > 0)
        .map(|n| n.min(layers));
    let attn_output_gate = cfg
        .boolean("attn_output_gate")
        .unwrap_or(mt == "qwen3_next");
    let tied_embeddings = cfg
        .boolean("tie_word_embeddings")
        .unwrap_or(mt.starts_with("gemma"));
    let modality = if top.contains_key("audio_config") {
        Modality::Omni
    } else if top.contains_key("vision_config") {
        Modality::Vision
    } else {
        Modality::Text
    };
    let attention = if mla.is_some() {
        AttentionKind::Mla
    } else if kv_heads == heads {
        AttentionKind::Mha
    } else if kv_heads == 1 {
        AttentionKind::Mqa
    } else {
        AttentionKind::Gqa
    };

    let hf_id = top
        .get("_name_or_path")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| name_from_hint(name_hint));
    let display = if hf_id.is_empty() {
        "imported model".to_string()
    } else {
        hf_id.clone()
    };

    let mut model = Model {
        id: slug(&display),
        name: display.clone(),
        hf_id,
        aliases: Vec::new(),
        family: family_of(&model_type),
        groups: Vec::new(),
        params_b: 0.0,
        active_params_b: 0.0,
        layers,
        hidden,
        heads,
        kv_heads,
        head_dim,
        ffn,
        vocab,
        max_ctx,
        attention,
        moe,
        mla,
        sliding_window,
        sliding_layers,
        tied_embeddings,
        modality,
        encoder_params_b: None,
        year: 0,
        source: format!("config.json ({})", if name_hint.trim().is_empty() { "imported" } else { name_hint.trim() }),
        sources: BTreeMap::new(),
        notes: Some("imported from a Hugging Face config.json; parameter counts computed from its dimensions".into()),
        linear_attn,
        attn_output_gate,
        global_kv_heads,
        global_head_dim,
        kv_shared_layers,
        extra_params_b: None,
    };
    model.params_b = model.param_count_from_arch() / 1e9;
    model.active_params_b = if model.moe.is_some() {
        model.active_param_count_from_arch() / 1e9
    } else {
        model.params_b
    };
    if model.moe.is_some() {
        model.groups.push("MoE".into());
    }
    if model.modality != Modality::Text {
        model.groups.push("Vision".into());
    }
    Ok(model)
}

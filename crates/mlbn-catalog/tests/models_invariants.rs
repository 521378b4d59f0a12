//! Invariants every model record keeps, and the architecture arithmetic checked against the
//! stated parameter counts.

use mlbn_catalog::{AttentionKind, Catalog, Model, normalize};
use std::collections::HashMap;

fn models() -> &'static [Model] {
    &Catalog::builtin().models
}

#[test]
fn at_least_one_hundred_models_with_sources() {
    let ms = models();
    assert!(ms.len() >= 100, "only {} models", ms.len());
    for m in ms {
        assert!(!m.source.trim().is_empty(), "{}: empty source", m.id);
        assert!(m.sources.values().all(|s| !s.trim().is_empty()), "{}", m.id);
        assert!(!m.hf_id.trim().is_empty(), "{}: empty hf_id", m.id);
        assert!(!m.family.trim().is_empty(), "{}: empty family", m.id);
        assert!(!m.groups.is_empty(), "{}: no browse group", m.id);
        assert!(m.year >= 2023, "{}: year {}", m.id, m.year);
    }
}

#[test]
fn shapes_are_consistent() {
    for m in models() {
        let id = &m.id;
        assert!(m.layers > 0 && m.hidden > 0 && m.heads > 0, "{id}");
        assert!(
            m.head_dim > 0 && m.ffn > 0 && m.vocab > 0 && m.max_ctx > 0,
            "{id}"
        );
        assert!(
            m.kv_heads > 0 && m.heads % m.kv_heads == 0,
            "{id}: kv heads"
        );
        assert!(m.params_b > 0.0, "{id}");
        assert!(
            m.active_params_b > 0.0 && m.active_params_b <= m.params_b,
            "{id}: active > total"
        );
        match m.attention {
            AttentionKind::Mla => assert!(m.mla.is_some(), "{id}: MLA without latent sizes"),
            AttentionKind::Mha => assert_eq!(m.kv_heads, m.heads, "{id}"),
            AttentionKind::Mqa => assert_eq!(m.kv_heads, 1, "{id}"),
            AttentionKind::Gqa => assert!(m.kv_heads > 1 && m.kv_heads < m.heads, "{id}"),
        }
        if m.mla.is_some() {
            assert_eq!(m.attention, AttentionKind::Mla, "{id}");
        }
        if let Some(moe) = &m.moe {
            assert!(moe.experts > 1, "{id}");
            assert!(
                moe.experts_per_token >= 1 && moe.experts_per_token <= moe.experts,
                "{id}"
            );
            assert!(moe.dense_layers < m.layers, "{id}");
            assert!(moe.expert_ffn > 0, "{id}");
            assert!(
                m.active_params_b < m.params_b,
                "{id}: MoE with active == total"
            );
        } else if m.extra_params_b.is_some() {
            // Per-layer embedding tables are stored but not read per token.
            assert!(m.active_params_b < m.params_b, "{id}");
        } else {
            assert_eq!(
                m.active_params_b, m.params_b,
                "{id}: dense model with active != total"
            );
        }
        match (m.sliding_window, m.sliding_layers) {
            (Some(w), Some(n)) => assert!(w > 0 && n > 0 && n <= m.layers, "{id}"),
            (None, None) => {}
            other => panic!("{id}: sliding window and layer count must come together: {other:?}"),
        }
        if let Some(l) = &m.linear_attn {
            assert!(l.layers > 0 && l.layers < m.layers, "{id}: linear layers");
        }
        if let Some(n) = m.kv_shared_layers {
            assert!(n < m.layers, "{id}");
        }
        assert!(
            m.encoder_params_b.is_none_or(|e| e > 0.0 && e < m.params_b),
            "{id}"
        );
    }
}

#[test]
fn ids_and_aliases_are_unique_and_resolve_to_their_entry() {
    let cat = Catalog::builtin();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for m in models() {
        let mut keys: Vec<String> = [m.id.as_str(), m.name.as_str(), m.hf_id.as_str()]
            .into_iter()
            .chain(m.aliases.iter().map(String::as_str))
            .map(normalize)
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            if let Some(other) = seen.insert(k.clone(), &m.id) {
                panic!("name `{k}` is used by both {other} and {}", m.id);
            }
        }
        for name in std::iter::once(&m.hf_id)
            .chain(&m.aliases)
            .chain([&m.id, &m.name])
        {
            let got = cat.model(name).found().map(|x| x.id.as_str());
            assert_eq!(
                got,
                Some(m.id.as_str()),
                "`{name}` should resolve to {}",
                m.id
            );
        }
    }
}

#[test]
fn seed_and_issue_names_resolve() {
    let cat = Catalog::builtin();
    for (name, id) in [
        ("llama3-70b", "llama-3-70b"),
        ("meta-llama/Meta-Llama-3-70B-Instruct", "llama-3-70b"),
        ("llama3.1-8b", "llama-3.1-8b"),
        ("meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"),
        ("qwen3-30b-a3b", "qwen3-30b-a3b"),
        ("r1", "deepseek-r1"),
        ("deepseek-r1", "deepseek-r1"),
        ("gpt-oss-20b", "gpt-oss-20b"),
        ("kimi-k2", "kimi-k2"),
        ("unsloth/GLM-4.7-Flash-GGUF", "glm-4.7-flash"),
        ("nvidia/DeepSeek-R1-FP4", "deepseek-r1"),
        ("Lasimeri/MiniMax-M2.7-int4-AutoRound", "minimax-m2.7"),
        (
            "nameistoken/Qwen3.6-35B-A3B-Quark-W8A8-INT8",
            "qwen3.6-35b-a3b",
        ),
        ("unsloth/gemma-4-26B-A4B-it-GGUF", "gemma-4-26b-a4b"),
        ("llava-1.5-7b", "llava-1.5-7b"),
    ] {
        assert_eq!(
            cat.model(name).found().map(|m| m.id.as_str()),
            Some(id),
            "{name}"
        );
    }
    // The seed's Kimi K2 figure: 1T total, 32B active.
    let k2 = cat.model_by_id("kimi-k2").unwrap();
    assert!((1000.0..1100.0).contains(&k2.params_b) && k2.active_params_b == 32.0);
}

#[test]
fn coverage_of_the_issue_families() {
    let cat = Catalog::builtin();
    for id in [
        "llama-2-7b",
        "llama-3-8b",
        "llama-3.1-405b",
        "llama-3.2-1b",
        "llama-3.3-70b",
        "llama-4-scout",
        "llama-4-maverick",
        "qwen2.5-72b",
        "qwen3-32b",
        "qwen3-235b-a22b",
        "qwen3-30b-a3b",
        "qwen3-coder-30b-a3b",
        "deepseek-v2",
        "deepseek-v3",
        "deepseek-v3.1",
        "deepseek-r1",
        "deepseek-r1-distill-llama-70b",
        "kimi-k2",
        "mistral-7b",
        "mistral-small-24b",
        "mistral-large-2",
        "mixtral-8x7b",
        "mixtral-8x22b",
        "gemma-2-27b",
        "gemma-3-27b",
        "phi-3-mini-4k",
        "phi-3.5-moe",
        "phi-4",
        "gpt-oss-20b",
        "gpt-oss-120b",
        "glm-4.5",
        "glm-4.5-air",
        "glm-4.6",
        "llava-1.5-7b",
        "llava-1.5-13b",
    ] {
        assert!(cat.model_by_id(id).is_some(), "missing {id}");
    }
    for group in [
        "Llama",
        "Qwen",
        "DeepSeek",
        "Mistral",
        "Gemma",
        "Phi",
        "Vision",
        "MoE",
        "Coding",
        "Reasoning",
    ] {
        assert!(
            models()
                .iter()
                .filter(|m| m.groups.iter().any(|g| g == group))
                .count()
                >= 2,
            "group {group} nearly empty"
        );
    }
}

/// Models whose stated total is not reproduced by the uniform dimensions, with the reason.
const PARAM_OUTLIERS: &[(&str, &str)] = &[
    (
        "nemotron-super-49b-v1.5",
        "NAS-pruned: per-block FFN widths and skipped attention not modelled",
    ),
    (
        "llama-3.2-11b-vision",
        "stated total includes the vision encoder and cross-attention layers",
    ),
];

#[test]
fn computed_params_match_stated_within_five_percent() {
    let mut off = Vec::new();
    for m in models() {
        let computed = m.param_count_from_arch() / 1e9;
        let dev = (computed - m.params_b) / m.params_b;
        let outlier = PARAM_OUTLIERS.iter().any(|(id, _)| *id == m.id);
        if dev.abs() > 0.05 && !outlier {
            off.push(format!(
                "{}: stated {} computed {computed:.2} ({:+.1}%)",
                m.id,
                m.params_b,
                dev * 100.0
            ));
        }
        if outlier {
            assert!(
                dev.abs() > 0.05,
                "{} no longer an outlier; drop it from the list",
                m.id
            );
        }
    }
    assert!(off.is_empty(), "{}", off.join("\n"));
}

#[test]
fn computed_active_params_are_plausible_for_moe() {
    for m in models().iter().filter(|m| m.moe.is_some()) {
        let active = m.active_param_count_from_arch() / 1e9;
        let ratio = active / m.active_params_b;
        // Cards differ on whether embeddings count as active, and DeepSeek V4's compressed
        // attention is modelled as plain MQA, so allow a wide band.
        assert!(
            (0.7..1.65).contains(&ratio),
            "{}: active stated {} computed {active:.2}",
            m.id,
            m.active_params_b
        );
        let split = m.active_split();
        assert!(
            split.routed_experts > 0.0 && split.attention > 0.0,
            "{}",
            m.id
        );
        assert!(split.non_expert() < split.total(), "{}", m.id);
    }
}

#[test]
fn weight_bytes_follow_params_and_active_split() {
    let cat = Catalog::builtin();
    let l = cat.model_by_id("llama-3-8b").unwrap();
    assert!((l.weight_bytes(16.0) - 8.03e9 * 2.0).abs() < 1.0);
    // A dense token reads everything but the input embedding table.
    let per_token = l.active_weight_bytes_per_token(16.0);
    let embed = 128_256.0 * 4096.0 * 2.0;
    assert!((per_token - (l.weight_bytes(16.0) - embed)).abs() / per_token < 0.01);
    // An MoE token reads a small share of the weights.
    let q = cat.model_by_id("qwen3-30b-a3b").unwrap();
    let share = q.active_weight_bytes_per_token(4.5) / q.weight_bytes(4.5);
    assert!((0.08..0.12).contains(&share), "share {share}");
    // The NAS-pruned Nemotron is scaled to its stated size.
    let n = cat.model_by_id("nemotron-super-49b-v1.5").unwrap();
    assert!(n.active_weight_bytes_per_token(8.0) <= n.weight_bytes(8.0));
}

#[test]
fn attention_flops_grow_with_context_only_where_attention_does() {
    let cat = Catalog::builtin();
    let get = |id: &str| cat.model_by_id(id).unwrap();
    // Llama 3 8B: 4 x 32 heads x 128 per context token per layer, 32 layers.
    let l = get("llama-3-8b");
    assert_eq!(
        l.attention_flops_per_token(1000),
        4.0 * 32.0 * 128.0 * 32.0 * 1000.0
    );
    assert_eq!(l.attention_flops_per_token(0), 0.0);
    // gpt-oss: the sliding half stops growing past 128 tokens.
    let o = get("gpt-oss-20b");
    let grow = o.attention_flops_per_token(20_000) - o.attention_flops_per_token(10_000);
    assert_eq!(grow, 12.0 * 4.0 * 64.0 * 64.0 * 10_000.0);
    // Qwen3.6: linear-attention layers add a context-independent term.
    let q = get("qwen3.6-35b-a3b");
    assert!(q.attention_flops_per_token(0) > 0.0);
    let grow = q.attention_flops_per_token(2000) - q.attention_flops_per_token(1000);
    assert_eq!(grow, 10.0 * 4.0 * 16.0 * 256.0 * 1000.0);
    // MLA uses its q/k (192) and v (128) widths.
    let d = get("deepseek-v3");
    assert_eq!(
        d.attention_flops_per_token(1),
        61.0 * (2.0 * 128.0 * 192.0 + 2.0 * 128.0 * 128.0)
    );
}

#[test]
fn kv_cache_sizes_follow_the_architecture() {
    let cat = Catalog::builtin();
    let get = |id: &str| cat.model_by_id(id).unwrap();
    // GQA: 2 (K,V) x 8 KV heads x 128 x 32 layers x 2 bytes = 128 KiB per token.
    assert_eq!(get("llama-3-8b").kv_bytes_per_token(16.0), 131_072.0);
    // Llama 2 7B is MHA: 32 KV heads -> 512 KiB per token.
    assert_eq!(get("llama-2-7b").kv_bytes_per_token(16.0), 524_288.0);
    // MLA: (512 latent + 64 rope) x 61 layers x 2 bytes.
    assert_eq!(
        get("deepseek-v3").kv_bytes_per_token(16.0),
        576.0 * 61.0 * 2.0
    );
    // q8_0 KV is 8.5 bits per element.
    assert_eq!(
        get("llama-3-8b").kv_bytes_per_token(8.5),
        131_072.0 * 8.5 / 16.0
    );
    // Hybrid linear attention: only the 10 full-attention layers of 40 keep KV.
    let q36 = get("qwen3.6-35b-a3b");
    assert_eq!(q36.kv_bytes_per_token(16.0), 10.0 * 2.0 * 2.0 * 256.0 * 2.0);
    assert!(q36.linear_state_bytes(32.0) > 0.0);
    assert_eq!(get("llama-3-8b").linear_state_bytes(16.0), 0.0);
    // Sliding window: Gemma 3 4B at 32k context keeps 29 layers at 1024 tokens, 5 at 32k.
    let g = get("gemma-3-4b");
    let per_layer_token = 2.0 * 4.0 * 256.0 * 2.0;
    assert_eq!(
        g.kv_bytes_at_context(32_768, 16.0),
        per_layer_token * (5.0 * 32_768.0 + 29.0 * 1024.0)
    );
    // Below the window every layer grows with the context.
    assert_eq!(
        g.kv_bytes_at_context(512, 16.0),
        g.kv_bytes_per_token(16.0) * 512.0
    );
    // A dense model's cache is linear in context.
    let l = get("llama-3.1-70b");
    assert_eq!(
        l.kv_bytes_at_context(8192, 16.0),
        8192.0 * l.kv_bytes_per_token(16.0)
    );
    // gpt-oss: half the layers are capped at the 128-token window.
    let o = get("gpt-oss-120b");
    assert!(o.kv_bytes_at_context(100_000, 16.0) < 0.51 * 100_000.0 * o.kv_bytes_per_token(16.0));
    // Gemma 4 E2B: 20 of 35 layers reuse earlier KV; of the 15 that own one, 12 are sliding
    // (1 KV head of 256) and 3 global (1 KV head of 512).
    let e = get("gemma-4-e2b");
    assert_eq!(
        e.kv_bytes_per_token(16.0),
        (12.0 * 2.0 * 256.0 + 3.0 * 2.0 * 512.0) * 2.0
    );
    // Gemma 4 31B at 128k: 10 global layers (4 KV heads of 512) grow, 50 sliding stop at 1024.
    let g31 = get("gemma-4-31b");
    let expected =
        (10.0 * 131_072.0 * 2.0 * 4.0 * 512.0 + 50.0 * 1024.0 * 2.0 * 16.0 * 256.0) * 2.0;
    assert_eq!(g31.kv_bytes_at_context(131_072, 16.0), expected);
}

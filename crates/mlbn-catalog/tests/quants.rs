//! Quantization and KV-cache tables: real bits per weight, documented shorthands, sources.

use mlbn_catalog::{Catalog, Precision, normalize};
use std::collections::HashMap;

fn q(name: &str) -> &'static mlbn_catalog::Quant {
    Catalog::builtin()
        .quant(name)
        .found()
        .unwrap_or_else(|| panic!("quant `{name}` does not resolve"))
}

#[test]
fn every_quant_is_sourced_and_sane() {
    let cat = Catalog::builtin();
    assert!(cat.quants.len() >= 40);
    for x in &cat.quants {
        assert!(!x.source.trim().is_empty(), "{}", x.id);
        assert!(
            (1.0..=32.0).contains(&x.bits_per_weight),
            "{}: {}",
            x.id,
            x.bits_per_weight
        );
        assert!(!x.format.is_empty(), "{}", x.id);
        // Formats that quantize activations compute in a low precision natively.
        if !x.weight_only {
            assert!(x.compute != Precision::Fp32 || x.id == "f32", "{}", x.id);
        }
        // The fallback never needs a narrower native type than the format's own compute.
        assert!(
            matches!(
                x.fallback_compute,
                Precision::Fp16 | Precision::Bf16 | Precision::Fp32
            ),
            "{}: fallback must be a float type",
            x.id
        );
    }
}

#[test]
fn names_are_unique_and_resolve_to_their_entry() {
    let cat = Catalog::builtin();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for x in &cat.quants {
        let mut keys: Vec<String> = [x.id.as_str(), x.name.as_str()]
            .into_iter()
            .chain(x.aliases.iter().map(String::as_str))
            .map(normalize)
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            if let Some(other) = seen.insert(k.clone(), &x.id) {
                panic!("quant name `{k}` is used by both {other} and {}", x.id);
            }
        }
        for name in x.aliases.iter().chain([&x.id, &x.name]) {
            assert_eq!(
                cat.quant(name).found().map(|f| f.id.as_str()),
                Some(x.id.as_str()),
                "{name}"
            );
        }
    }
}

#[test]
fn shorthands_map_to_the_documented_defaults() {
    for (short, id) in [
        ("q4", "q4_k_m"),
        ("Q4_K_M", "q4_k_m"),
        ("q8", "q8_0"),
        ("fp16", "f16"),
        ("F16", "f16"),
        ("bf16", "bf16"),
        ("int4", "awq-int4"),
        ("int8", "int8-w8a8"),
        ("fp8", "fp8-e4m3"),
        ("fp4", "nvfp4"),
        ("q5", "q5_k_m"),
        ("q6", "q6_k"),
        ("q3", "q3_k_m"),
        ("mlx 4bit", "mlx-4bit-g64"),
        ("MLX q4 g32", "mlx-4bit-g32"),
    ] {
        assert_eq!(q(short).id, id, "{short}");
    }
    let header = mlbn_catalog::DATA_FILES
        .iter()
        .find(|(n, _)| *n == "quants.toml")
        .unwrap()
        .1;
    for line in [
        "q4 -> Q4_K_M",
        "q8 -> Q8_0",
        "fp16 -> F16",
        "int4 -> AWQ INT4",
    ] {
        assert!(
            header.contains(line),
            "shorthand table in quants.toml lacks `{line}`"
        );
    }
}

#[test]
fn bits_per_weight_follow_the_block_layouts() {
    // ggml blocks: Q8_0 = 34 bytes / 32, Q4_0 = 18 / 32, Q4_1 = 20 / 32, MXFP4 = 17 / 32.
    assert!((q("q8_0").bits_per_weight - 8.5).abs() < 0.01);
    assert!((q("q4_0").bits_per_weight - 4.5).abs() < 0.05);
    assert_eq!(q("q4_1").bits_per_weight, 5.0);
    assert_eq!(q("mxfp4").bits_per_weight, 4.25);
    assert_eq!(q("nvfp4").bits_per_weight, 4.5);
    // K-quant mixes sit above their base type.
    assert!(q("q6_k").bits_per_weight >= 6.5625);
    assert!(q("q5_k_m").bits_per_weight > 5.5 && q("q5_k_s").bits_per_weight >= 5.5);
    assert!(q("q4_k_m").bits_per_weight > q("q4_k_s").bits_per_weight);
    assert!(q("q4_k_s").bits_per_weight >= 4.5);
    assert!(q("q3_k_l").bits_per_weight > q("q3_k_m").bits_per_weight);
    assert!(q("q3_k_m").bits_per_weight > q("q3_k_s").bits_per_weight);
    assert!(q("iq4_xs").bits_per_weight < q("iq4_nl").bits_per_weight);
    // MLX: bits + 32 / group (fp16 scale and bias).
    for bits in [3u32, 4, 5, 6, 8] {
        for g in [32u32, 64] {
            let x = q(&format!("mlx-{bits}bit-g{g}"));
            assert_eq!(
                x.bits_per_weight,
                f64::from(bits) + 32.0 / f64::from(g),
                "{}",
                x.id
            );
            assert!(x.weight_only);
        }
    }
    // Native low-precision formats compute in their own type when the device allows.
    assert_eq!(q("fp8").compute, Precision::Fp8);
    assert_eq!(q("nvfp4").compute, Precision::Fp4);
    assert_eq!(q("int8").compute, Precision::Int8);
    assert!(!q("fp8").weight_only && q("int4").weight_only);
}

#[test]
fn kv_cache_types() {
    let cat = Catalog::builtin();
    for (name, bits) in [
        ("f16", 16.0),
        ("fp16", 16.0),
        ("bf16", 16.0),
        ("q8_0", 8.5),
        ("q4_0", 4.5),
        ("q4_1", 5.0),
        ("fp8", 8.0),
    ] {
        let kv = cat
            .kv_type(name)
            .found()
            .unwrap_or_else(|| panic!("kv `{name}`"));
        assert_eq!(kv.bits_per_element, bits, "{name}");
        assert!(!kv.source.is_empty());
    }
}

//! `analyze` end to end over the real parser, catalog and engine: resolution, defaults,
//! diagnostics with spans and fixes, and the mapping of engine findings onto the text.

use mlbn_ide::{Analysis, AnalyzeOptions, StrategyKind, analyze};
use mlbn_syntax::{Severity, Span};

fn run(text: &str) -> Analysis {
    analyze(text, &AnalyzeOptions::builtin())
}

fn codes(a: &Analysis) -> Vec<&str> {
    a.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn span_of(text: &str, needle: &str) -> Span {
    let i = text.find(needle).expect("needle in text");
    Span::new(i, i + needle.len())
}

fn apply(text: &str, edits: &[mlbn_syntax::TextEdit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.new_text);
    }
    out
}

#[test]
fn card_example_resolves_as_written() {
    let a = run("2x rtx4090 nvlink; llama3-70b q4; auto");
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert_eq!(r.devices.len(), 1);
    assert_eq!(r.devices[0].device.id, "rtx-4090");
    assert_eq!(r.devices[0].count, 2);
    assert!(r.devices[0].link.is_some(), "nvlink is the group's link");
    assert_eq!(r.model.id, "llama-3-70b");
    assert_eq!(r.quant.id, "q4_k_m");
    assert_eq!(r.strategy.kind(), StrategyKind::Auto);
    // Written values are not marked as defaults; left-out ones are.
    for f in ["hardware", "model", "quant", "strategy"] {
        assert!(!r.is_defaulted(f), "{f}");
    }
    for f in ["runtime", "prompt", "gen", "batch"] {
        assert!(r.is_defaulted(f), "{f}");
    }
    assert_eq!(r.workload.prompt_tokens, 2048);
    assert_eq!(r.workload.gen_tokens, 256);
    assert!(a.scenarios[0].estimate.is_some());
}

#[test]
fn a_model_alone_gets_default_hardware_quant_and_runtime() {
    let a = run("llama3-8b");
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert_eq!(r.devices[0].device.id, "rtx-4090");
    assert!(r.is_defaulted("hardware"));
    assert_eq!(r.quant.id, "q4_k_m");
    assert_eq!(r.runtime.family, "llama.cpp");
    assert_eq!(r.runtime.backend, "cuda");
}

#[test]
fn a_strategy_alone_defaults_everything_else() {
    let a = run("auto");
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert_eq!(r.model.id, "llama-3.2-3b");
    assert!(r.is_defaulted("model") && r.is_defaulted("hardware"));
}

#[test]
fn datacenter_gpus_default_to_16_bit_and_vllm() {
    let a = run("h100-sxm; llama3-8b");
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert!(
        ["bf16", "f16"].contains(&r.quant.id.as_str()),
        "{}",
        r.quant.id
    );
    assert_eq!(r.runtime.family, "vllm");
}

#[test]
fn unknown_device_gets_did_you_mean_and_fixes() {
    let text = "2x rtx4900 nvlink; llama3-70b q4";
    let a = run(text);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown_device")
        .expect("unknown_device");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.span, span_of(text, "rtx4900"));
    assert!(
        d.help.as_deref().unwrap().contains("rtx-4090"),
        "{:?}",
        d.help
    );
    assert!(!d.fixes.is_empty() && d.fixes.len() <= 3);
    let fixed = apply(text, &d.fixes[0].edits);
    assert!(!run(&fixed).has_errors(), "{fixed}");
    assert!(a.scenarios[0].resolved.is_err());
}

#[test]
fn unknown_model_and_quant_point_at_their_words() {
    let text = "rtx4090; lama3-70b q4";
    let a = run(text);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code.starts_with("unknown"))
        .unwrap();
    assert_eq!(d.span, span_of(text, "lama3-70b"));
    let text = "rtx4090; llama3-70b q4_k_x";
    let a = run(text);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown_quant")
        .unwrap();
    assert_eq!(d.span, span_of(text, "q4_k_x"));
    assert!(!d.fixes.is_empty());
}

#[test]
fn syntax_errors_do_not_cascade_into_semantic_ones() {
    let text = "2x rtx4090 nvlink; llama3-70b q4 prompt=; auto\nrtx4900";
    let a = run(text);
    let syntax: Vec<_> = mlbn_syntax::parse(text).diagnostics;
    assert!(!syntax.is_empty(), "the fixture must have a syntax error");
    // Syntax diagnostics come first, in order.
    for (d, s) in a.diagnostics.iter().zip(&syntax) {
        assert_eq!(d, s);
    }
    assert!(a.scenarios[0].resolved.is_err());
    assert!(a.scenarios[0].estimate.is_none());
}

#[test]
fn custom_devices_are_usable_and_checked() {
    let text =
        "device lab-box { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }\n2x lab-box\nllama3-8b q8_0";
    let a = run(text);
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert!(r.devices[0].custom);
    assert_eq!(r.devices[0].device.mem_gb, 48.0);
    assert_eq!(r.devices[0].device.bw_gbps, 960.0);

    let a = run("device lab-box { mem 48; bw 960GB/s; fp16 165TF }\nlab-box");
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "missing_unit")
        .unwrap();
    assert_eq!(d.fixes[0].edits[0].new_text, "GB");

    let a = run("device lab-box { mem 48GB }\nlab-box");
    assert!(codes(&a).contains(&"missing_field"), "{:?}", codes(&a));
}

#[test]
fn workload_values_are_range_checked() {
    let a = run("rtx4090; llama3-8b q4 batch=0");
    assert!(codes(&a).contains(&"out_of_range"), "{:?}", codes(&a));
    let a = run("rtx4090; llama3-8b q4 prompt=8k gen=512 batch=4");
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert_eq!(r.workload.prompt_tokens, 8192);
    assert_eq!(r.workload.gen_tokens, 512);
    assert_eq!(r.workload.batch, 4);
    let a = run("rtx4090; llama3-8b q4; power $0.30/kWh 24h/day");
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert_eq!(r.power.usd_per_kwh, 0.30);
    assert_eq!(r.power.hours_per_day, 24.0);
}

#[test]
fn model_files_come_from_the_options() {
    let text = "rtx4090\nmodel \"./config.json\" q8_0";
    let a = run(text);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "file_not_provided")
        .unwrap();
    assert_eq!(d.span, span_of(text, "\"./config.json\""));
    let opts = AnalyzeOptions::builtin().with_file("./config.json", Err("no such file".into()));
    let a = analyze(text, &opts);
    assert!(codes(&a).contains(&"file_unreadable"));
    let opts = AnalyzeOptions::builtin().with_file("./config.json", Ok("{ not json".into()));
    let a = analyze(text, &opts);
    assert!(codes(&a).contains(&"invalid_config"), "{:?}", codes(&a));
}

#[test]
fn does_not_fit_lands_on_the_model_line_with_an_applicable_fix() {
    let text = "rtx4090\nllama3-70b fp16";
    let a = run(text);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "does_not_fit")
        .unwrap_or_else(|| panic!("{:#?}", a.diagnostics));
    let line2 = text.find('\n').unwrap();
    assert!(d.span.start > line2, "the finding points at the model line");
    // Every fix is a set of edits inside the text.
    for f in &d.fixes {
        for e in &f.edits {
            assert!(e.span.end <= text.len());
        }
    }
}

#[test]
fn several_scenarios_each_resolve() {
    let a = run(
        "rtx3090; qwen2.5-32b q4_k_m\n---\nrtx3090; qwen2.5-32b q5_k_m\n---\nrtx3090; qwen2.5-32b q3_k_m",
    );
    assert_eq!(a.scenarios.len(), 3);
    let quants: Vec<_> = a
        .scenarios
        .iter()
        .map(|s| s.resolved.as_ref().unwrap().quant.id.clone())
        .collect();
    assert_eq!(quants, ["q4_k_m", "q5_k_m", "q3_k_m"]);
}

#[test]
fn huge_counts_are_errors_not_allocations() {
    let a = run("999999999999x rtx4090; llama3-8b");
    assert!(a.has_errors());
    let a = run(
        "1000x rtx4090 + 1000x rtx3090 + 1000x rtx3060 + 1000x rtx4080 + 1000x rtx4070; llama3-8b",
    );
    assert!(a.has_errors(), "{:?}", codes(&a));
}

#[test]
fn junk_never_panics() {
    for text in [
        "",
        ";;;",
        "---\n---",
        "device { }",
        "2x",
        "over over over",
        "model",
        "runtime",
        "kv=",
        "é東🚀",
        "tp=0 pp=99999999",
        "power $-1/kWh 99h/day",
        "\u{0}\u{1}\u{2}",
    ] {
        let a = run(text);
        let _ = mlbn_ide::inlay_hints(&a);
        for o in 0..=text.len() {
            let _ = mlbn_ide::hover(&a, o);
            let _ = mlbn_ide::completions(text, o);
        }
    }
}

#[test]
fn a_config_json_becomes_the_model() {
    let config = include_str!("../../../examples/Qwen2.5-0.5B-Instruct/config.json");
    let text = "rtx3060\nmodel \"./Qwen2.5-0.5B-Instruct/config.json\" q8_0";
    let opts = AnalyzeOptions::builtin().with_file(
        "./Qwen2.5-0.5B-Instruct/config.json",
        Ok(config.to_string()),
    );
    let a = analyze(text, &opts);
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let r = a.scenarios[0].resolved.as_ref().unwrap();
    assert_eq!(r.model.layers, 24);
    assert_eq!(r.model.kv_heads, 2);
    assert_eq!(
        r.model_file.as_deref(),
        Some("./Qwen2.5-0.5B-Instruct/config.json")
    );
    assert_eq!(r.quant.id, "q8_0");
}

#[test]
fn a_link_the_device_lacks_is_a_warning_with_a_fix() {
    let text = "2x rtx4090 nvlink; llama3-70b q4";
    let a = run(text);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "link_not_on_device")
        .expect("warning");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.span, span_of(text, "nvlink"));
    let fixed = apply(text, &d.fixes[0].edits);
    assert!(
        !codes(&run(&fixed)).contains(&"link_not_on_device"),
        "{fixed}"
    );
    // The RTX 3090 has an NVLink bridge: no warning.
    assert!(!codes(&run("2x rtx3090 nvlink; llama3-70b q4")).contains(&"link_not_on_device"));
}

#[test]
fn shorthand_quants_follow_the_runtime_and_explicit_formats_pick_it() {
    let quant_runtime = |text: &str| {
        let a = run(text);
        let r = a.scenarios[0].resolved.as_ref().unwrap().clone();
        (r.quant.id, r.runtime.family)
    };
    // A Mac runs MLX by default, so `q4` is MLX 4-bit.
    assert_eq!(
        quant_runtime("m4-max-128gb; llama3-8b q4"),
        ("mlx-4bit-g64".into(), "mlx".into())
    );
    // An explicit GGUF file is run by llama.cpp, even on a Mac.
    assert_eq!(
        quant_runtime("m4-max-128gb; llama3-8b q4_k_m"),
        ("q4_k_m".into(), "llama.cpp".into())
    );
    // A datacenter GPU serves with vLLM: `q4` is AWQ INT4.
    assert_eq!(
        quant_runtime("h100-sxm; llama3-70b q4"),
        ("awq-int4".into(), "vllm".into())
    );
    // Consumer GPUs keep GGUF.
    assert_eq!(
        quant_runtime("rtx4090; llama3-8b q4"),
        ("q4_k_m".into(), "llama.cpp".into())
    );
    // GGUF forced onto MLX is a warning with a fix.
    let a = run("m4-max-128gb; llama3-8b q4_k_m; runtime mlx");
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "quant_runtime_mismatch")
        .unwrap();
    assert_eq!(d.fixes[0].edits[0].new_text, "mlx-4bit-g64");
}

#[test]
fn hardware_price_and_years_reach_the_power_model() {
    let est = |text: &str| {
        let a = mlbn_ide::analyze(text, &mlbn_ide::AnalyzeOptions::builtin());
        assert!(!a.has_errors(), "{:#?}", a.diagnostics);
        a.scenarios[0].estimate.clone().expect("estimated")
    };
    let e = est("rtx4090; llama3-8b q4\nprice $1599\nyears 2");
    let h = e.power.hardware.expect("amortised");
    assert_eq!(
        (h.price_usd, h.amortisation_years, h.from_catalog),
        (1599.0, 2.0, false)
    );
    assert!(e.power.decode.usd_per_mtok_with_hardware.unwrap() > e.power.decode.usd_per_mtok);
    // `years` alone amortises the catalog's price of the devices.
    let h = est("rtx4090; llama3-8b q4\nyears 3")
        .power
        .hardware
        .expect("amortised");
    assert!(h.from_catalog && h.price_usd > 0.0 && h.amortisation_years == 3.0);
    // Neither: no hardware share.
    assert!(est("rtx4090; llama3-8b q4").power.hardware.is_none());
}

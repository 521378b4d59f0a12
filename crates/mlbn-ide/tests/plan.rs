//! Goal statements in the language and planning through the ide.

use mlbn_ide::plan::{PlanResult, goal_spec, has_goal, plan};
use mlbn_ide::{AnalyzeOptions, analyze};

fn codes(text: &str) -> Vec<String> {
    analyze(text, &AnalyzeOptions::builtin())
        .diagnostics
        .iter()
        .map(|d| d.code.clone())
        .collect()
}

#[test]
fn a_goal_parses_without_diagnostics() {
    let text = "llama3-70b\ntarget decode=30tok/s ttft<2s ctx=32k\nbudget $6000\npower<1200W\nprefer quiet\nhave 1x rtx4090";
    let a = analyze(text, &AnalyzeOptions::builtin());
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    assert!(
        !a.diagnostics.iter().any(|d| d.code == "not_supported_yet"),
        "{:?}",
        a.diagnostics
    );
    let mut diags = Vec::new();
    let spec = goal_spec(
        &a.parsed.file.scenarios[0],
        AnalyzeOptions::builtin().catalog,
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(spec.goal.decode_tok_s, Some(30.0));
    assert_eq!(spec.goal.ttft_ms, Some(2000.0));
    assert_eq!(spec.ctx_tokens, Some(32768));
    assert_eq!(spec.goal.budget_usd, Some(6000.0));
    assert_eq!(spec.goal.power_w, Some(1200.0));
    assert_eq!(spec.goal.prefer, mlbn_engine::plan::Prefer::Quiet);
    assert_eq!(spec.have.len(), 1);
    assert_eq!(spec.have[0].0.id, "rtx-4090");
    assert!(has_goal(&a, AnalyzeOptions::builtin().catalog));
}

#[test]
fn bad_goals_are_diagnosed() {
    let c = codes("llama3-70b; target decod=30tok/s");
    assert!(c.contains(&"unknown_target_key".to_string()), "{c:?}");
    let c = codes("llama3-70b; target decode<30tok/s");
    assert!(c.contains(&"wrong_comparison".to_string()), "{c:?}");
    let c = codes("llama3-70b; target ttft<2GB");
    assert!(c.contains(&"wrong_unit".to_string()), "{c:?}");
    let c = codes("llama3-70b; prefer loud");
    assert!(c.contains(&"unknown_value".to_string()), "{c:?}");
    let c = codes("llama3-70b; budget 6000W");
    assert!(c.contains(&"wrong_unit".to_string()), "{c:?}");
    let c = codes("llama3-70b; have 1x rtx4900");
    assert!(c.contains(&"unknown_device".to_string()), "{c:?}");
    // The unknown key gets a fix to the close one.
    let a = analyze(
        "llama3-70b; target decod=30tok/s",
        &AnalyzeOptions::builtin(),
    );
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown_target_key")
        .unwrap();
    assert_eq!(d.fixes[0].edits[0].new_text, "decode");
}

#[test]
fn plans_meet_the_written_goal() {
    let opts = AnalyzeOptions::builtin();
    let a = analyze(
        "llama3-8b; target decode=100tok/s ttft<1s; budget $3000",
        &opts,
    );
    let plans = plan(&a, &opts, 3);
    let Ok(PlanResult::Plans { report, .. }) = &plans[0].result else {
        panic!("{:?}", plans[0].result);
    };
    assert!(!report.plans.is_empty());
    assert!(report.plans.len() <= 3);
    for p in &report.plans {
        assert!(p.decode_tok_s >= 100.0 && p.ttft_ms <= 1000.0);
        assert!(p.purchase_usd.is_some_and(|c| c <= 3000.0));
    }
}

#[test]
fn a_scenario_without_a_goal_gets_advice() {
    let opts = AnalyzeOptions::builtin();
    let a = analyze("rtx4090; llama3-70b q4_k_m", &opts);
    assert!(!has_goal(&a, opts.catalog));
    let plans = plan(&a, &opts, 5);
    let Ok(PlanResult::Advice { advice, fits, .. }) = &plans[0].result else {
        panic!("{:?}", plans[0].result);
    };
    assert!(!fits);
    assert!(
        advice.iter().any(|x| x.title.contains("second")),
        "{advice:?}"
    );
}

fn plans_of(text: &str, top: usize) -> Box<mlbn_engine::plan::PlanReport> {
    let opts = AnalyzeOptions::builtin();
    let a = analyze(text, &opts);
    assert!(!a.has_errors(), "{text}: {:?}", a.diagnostics);
    let mut plans = plan(&a, &opts, top);
    match plans.remove(0).result {
        Ok(PlanResult::Plans { report, .. }) => report,
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn the_target_context_is_the_scenario_context() {
    let opts = AnalyzeOptions::builtin();
    // `analyze` evaluates the scenario at the target's context: its KV cache grows with it.
    let kv_gb = |text: &str| -> f64 {
        let a = analyze(text, &opts);
        assert!(!a.has_errors(), "{text}: {:?}", a.diagnostics);
        let est = a.scenarios[0].estimate.clone().expect("estimate");
        est.memory.iter().map(|m| m.kv_gb).sum()
    };
    let short = kv_gb("rtx4090; llama3-8b q4_k_m; target decode=30tok/s");
    let long = kv_gb("rtx4090; llama3-8b q4_k_m; target decode=30tok/s ctx=32k");
    assert!(long > short * 4.0, "KV {short} GB → {long} GB");
    // The same context as writing it as a workload option.
    assert_eq!(long, kv_gb("rtx4090; llama3-8b q4_k_m ctx=32k"));

    // Plans: a longer context never makes the cheapest plan cheaper, and the same hardware
    // with the same quant fills more of its memory.
    let mut last_price = 0.0;
    let mut last: Vec<(String, f64)> = Vec::new();
    let mut compared = 0;
    for ctx in ["4k", "32k", "128k"] {
        let r = plans_of(&format!("llama3-70b; target decode=10tok/s ctx={ctx}"), 20);
        let cheapest = r.plans.iter().find_map(|p| p.purchase_usd).expect(ctx);
        assert!(
            cheapest >= last_price,
            "ctx={ctx}: ${cheapest} < ${last_price}"
        );
        last_price = cheapest;
        for p in &r.plans {
            let key = format!("{} {}", p.hardware, p.quant_id);
            if let Some((_, before)) = last.iter().find(|(h, _)| *h == key) {
                assert!(p.max_memory_use > *before, "ctx={ctx}: {}", p.hardware);
                compared += 1;
            }
        }
        last = r
            .plans
            .iter()
            .map(|p| (format!("{} {}", p.hardware, p.quant_id), p.max_memory_use))
            .collect();
    }
    assert!(compared > 0);
    // 128k of KV for a 70B (40 GB at f16) cannot be as cheap as 4k.
    let r4 = plans_of("llama3-70b; target decode=10tok/s ctx=4k", 1);
    let r128 = plans_of("llama3-70b; target decode=10tok/s ctx=128k", 1);
    assert!(r128.plans[0].purchase_usd > r4.plans[0].purchase_usd);
}

#[test]
fn mixed_vendors_get_a_runtime_and_quants_that_run_on_every_device() {
    use mlbn_catalog::DeviceKind;
    let cat = AnalyzeOptions::builtin().catalog;
    // A 4090 owned, a Mac owned: every plan runs both.
    let r = plans_of(
        "llama3-70b; target decode=2tok/s; have 1x rtx4090; have 1x mac-m4-max-128gb",
        10,
    );
    assert!(!r.plans.is_empty());
    for p in &r.plans {
        let rt = cat.runtime_by_id(&p.runtime_id).expect("runtime");
        for g in &p.groups {
            let d = cat.device_by_id(&g.device_id).unwrap();
            let key = if d.kind == DeviceKind::AppleSoc {
                "apple".to_string()
            } else {
                d.vendor.to_ascii_lowercase()
            };
            assert!(
                rt.runs_on.contains(&key),
                "{}: {} does not run on {}",
                p.hardware,
                rt.id,
                d.name
            );
        }
        let q = cat.quant_by_id(&p.quant_id).unwrap();
        assert_ne!(
            q.format, "mlx",
            "{}: MLX weights on an NVIDIA card",
            p.hardware
        );
    }
    // A 4090 owned plus one purchase: the plans that add a Mac are mixed too.
    let r = plans_of(
        "llama3-70b; target decode=2tok/s; have 1x rtx4090; prefer fast",
        50,
    );
    let mixed: Vec<_> = r
        .plans
        .iter()
        .filter(|p| p.groups.iter().any(|g| g.device_id.starts_with("mac-")))
        .collect();
    for p in &mixed {
        let q = cat.quant_by_id(&p.quant_id).unwrap();
        assert_ne!(q.format, "mlx", "{}", p.hardware);
    }
    // A Mac-only plan keeps MLX.
    let r = plans_of(
        "llama3-8b; target decode=20tok/s; have 1x mac-m4-max-128gb",
        5,
    );
    let own = r
        .plans
        .iter()
        .find(|p| p.purchase.is_none())
        .expect("the owned Mac alone runs 8B");
    assert_eq!(own.runtime_id, "mlx", "{own:?}");
}

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

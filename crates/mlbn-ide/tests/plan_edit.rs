//! Plans in the editor: the hint on the `target` line and the "apply plan" fixes. A fix is
//! right when the text it produces, analysed again, is the plan: the engine gives the plan's
//! figures for it and they meet the written goal.

use mlbn_ide::plan::{PlanResult, ScenarioPlan, goal_spec};
use mlbn_ide::plan_edit::{
    ACTIONS_PER_GOAL, MAX_PLANNED_SCENARIOS, apply_edits, plan_fixes, plan_goals, plan_hints,
};
use mlbn_ide::{Analysis, AnalyzeOptions, analyze, engine_scenario};
use mlbn_syntax::Span;

fn planned(text: &str) -> (Analysis, Vec<ScenarioPlan>) {
    let opts = AnalyzeOptions::builtin();
    let a = analyze(text, &opts);
    assert!(!a.has_errors(), "{text}: {:?}", a.diagnostics);
    let plans = plan_goals(&a, &opts, 5, &mut || true);
    (a, plans)
}

fn plans_of(sp: &ScenarioPlan) -> &[mlbn_engine::plan::Plan] {
    match &sp.result {
        Ok(PlanResult::Plans { report, .. }) => &report.plans,
        other => panic!("{other:?}"),
    }
}

/// The offset of the end of the first line containing `needle`.
fn line_end(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect(needle);
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// Applies every fix offered on the target line and checks the result describes the plan and
/// meets the goal per the engine. Returns the texts.
fn apply_all(text: &str, scenario: usize) -> Vec<String> {
    let opts = AnalyzeOptions::builtin();
    let cat = opts.catalog;
    let (a, plans) = planned(text);
    let sp = plans.iter().find(|p| p.index == scenario).expect("planned");
    let ranked = plans_of(sp);
    assert!(!ranked.is_empty(), "no plan for {text}");
    let target = line_end(text, "target");
    let fixes = plan_fixes(cat, &a, &plans, Span::at(target));
    assert_eq!(fixes.len(), ranked.len().min(ACTIONS_PER_GOAL), "{fixes:?}");
    let mut out = Vec::new();
    for (fix, p) in fixes.iter().zip(ranked) {
        assert!(fix.title.starts_with("apply plan"), "{}", fix.title);
        let new = apply_edits(text, &fix.edits);
        let b = analyze(&new, &opts);
        assert!(!b.has_errors(), "{new}\n{:?}", b.diagnostics);
        assert_eq!(b.scenarios.len(), a.scenarios.len(), "{new}");
        let r = b.scenarios[scenario].resolved.as_ref().unwrap();
        // The text names the plan's devices, quant and runtime.
        let groups: Vec<(String, u32)> = r
            .devices
            .iter()
            .map(|g| (g.device.id.clone(), g.count))
            .collect();
        let want: Vec<(String, u32)> = p
            .groups
            .iter()
            .map(|g| (g.device_id.clone(), g.count))
            .collect();
        assert_eq!(groups, want, "{new}");
        assert_eq!(r.quant.id, p.quant_id, "{new}");
        assert_eq!(r.runtime.id, p.runtime_id, "{new}");
        // The engine, on the scenario as written (with the target's context), meets the goal.
        let mut diags = Vec::new();
        let spec = goal_spec(&b.parsed.file.scenarios[scenario], cat, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let mut s = engine_scenario(cat, r);
        if let Some(ctx) = spec.ctx_tokens {
            s.workload.ctx_tokens = Some(ctx);
        }
        let e = mlbn_engine::estimate(&s);
        assert!(
            spec.goal.met_by(&e, p.purchase_usd),
            "{new}\n{} tok/s, TTFT {} ms, fits {}",
            e.decode_tok_s,
            e.ttft_ms,
            e.fits
        );
        let rel = (e.decode_tok_s - p.decode_tok_s).abs() / p.decode_tok_s;
        assert!(
            rel < 1e-6,
            "{new}: {} vs {}",
            e.decode_tok_s,
            p.decode_tok_s
        );
        out.push(new);
    }
    out
}

#[test]
fn a_plan_applied_to_a_scenario_without_hardware_meets_the_target() {
    let text = "llama3-70b q4_k_m\ntarget decode=20tok/s ttft<3s ctx=8k";
    let texts = apply_all(text, 0);
    // The hardware goes in as a statement of its own before the model.
    for t in &texts {
        assert!(t.ends_with("\ntarget decode=20tok/s ttft<3s ctx=8k"), "{t}");
        assert!(!t.starts_with("llama3-70b"), "{t}");
    }
}

#[test]
fn a_plan_replaces_hardware_runtime_and_strategy_on_one_line() {
    let text = "rtx3060; llama3-70b q4_k_m; runtime llama.cpp; pipeline; target decode=15tok/s";
    for t in apply_all(text, 0) {
        assert!(!t.contains("rtx3060"), "{t}");
        assert!(!t.contains("pipeline"), "{t}");
        assert!(!t.contains('\n'), "one line stays one line: {t}");
        assert!(t.contains("; auto;"), "{t}");
    }
}

#[test]
fn owned_devices_stay_in_the_plan() {
    let text = "llama3-70b\nhave 1x rtx4090\ntarget decode=10tok/s";
    for t in apply_all(text, 0) {
        let hw = t.lines().next().unwrap();
        assert!(hw.contains("rtx-4090"), "{t}");
        assert!(t.contains("have 1x rtx4090"), "{t}");
    }
}

#[test]
fn only_the_scenario_with_the_target_changes() {
    let first = "rtx4090; llama3-8b q4_k_m\n";
    let text = format!("{first}---\nllama3-8b\ntarget decode=150tok/s");
    let (a, plans) = planned(&text);
    assert_eq!(plans.len(), 1, "the scenario without a goal is not planned");
    assert_eq!(plans[0].index, 1);
    for t in apply_all(&text, 1) {
        assert!(t.starts_with(&format!("{first}---\n")), "{t}");
    }
    // No fix away from the target line.
    let cat = AnalyzeOptions::builtin().catalog;
    assert!(plan_fixes(cat, &a, &plans, Span::at(3)).is_empty());
}

#[test]
fn the_hint_sits_at_the_end_of_the_target_line() {
    let text = "llama3-8b fp16\ntarget decode=60tok/s ttft<1s\nbudget $2500";
    let (_, plans) = planned(text);
    let hints = plan_hints(&plans);
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(hints[0].offset, line_end(text, "target"));
    let best = &plans_of(&plans[0])[0];
    let label = &hints[0].label;
    assert!(label.starts_with("best: "), "{label}");
    assert!(label.contains(&best.quant_id), "{label}");
    assert!(label.contains("tok/s") && label.contains('$'), "{label}");
    // Short enough for a narrow editor.
    assert!(label.chars().count() <= 80, "{label}");
    assert!(best.purchase_usd.is_some_and(|p| p <= 2500.0));
}

#[test]
fn an_unreachable_target_says_so_and_offers_nothing() {
    let text = "llama3-70b\ntarget decode=100000tok/s";
    let (a, plans) = planned(text);
    let hints = plan_hints(&plans);
    assert_eq!(hints.len(), 1);
    assert!(hints[0].label.contains("no configuration"), "{hints:?}");
    let cat = AnalyzeOptions::builtin().catalog;
    assert!(plan_fixes(cat, &a, &plans, Span::at(text.len())).is_empty());
}

#[test]
fn planning_stops_when_asked_and_is_bounded() {
    let one = "llama3-8b\ntarget decode=50tok/s\n";
    let text = [one; MAX_PLANNED_SCENARIOS + 2].join("---\n");
    let opts = AnalyzeOptions::builtin();
    let a = analyze(&text, &opts);
    assert!(plan_goals(&a, &opts, 1, &mut || false).is_empty());
    let mut asked = 0;
    let plans = plan_goals(&a, &opts, 1, &mut || {
        asked += 1;
        asked <= 2
    });
    assert_eq!(plans.len(), 2);
    assert_eq!(
        plan_goals(&a, &opts, 1, &mut || true).len(),
        MAX_PLANNED_SCENARIOS
    );
}

#[test]
fn apply_edits_keeps_insertion_order() {
    let edits = [
        mlbn_syntax::TextEdit {
            span: Span::at(1),
            new_text: "a".into(),
        },
        mlbn_syntax::TextEdit {
            span: Span::at(1),
            new_text: "b".into(),
        },
        mlbn_syntax::TextEdit {
            span: Span::new(2, 3),
            new_text: "Z".into(),
        },
    ];
    assert_eq!(apply_edits("xyz", &edits), "xabyZ");
}

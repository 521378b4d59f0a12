//! `/bottleneck-plan`: snapshots of the plan, advice, hint and error embeds (digits masked:
//! the engine is recalibrated often; the layout is what is pinned), Discord's limits over
//! arbitrary plan data, the payloads against Discord's OpenAPI spec, and the registered
//! command list.

mod common;

use common::openapi;
use common::views::{mask_digits, within_limits};
use mlbn_bot::handler::{CMD_PLAN, Request, bottleneck};
use mlbn_bot::plan_report::{PLANS_SHOWN, Subject, plan_message};
use mlbn_bot::view::{MessageView, colour};
use mlbn_catalog::Catalog;
use mlbn_engine::plan::{Goal, Plan, PlanGroup, PlanReport, Purchase, SearchStats};
use mlbn_ide::plan::{GoalSpec, PlanResult, ScenarioPlan};
use mlbn_syntax::Span;
use proptest::prelude::*;
use serde_json::Value;

fn run(config: &str) -> MessageView {
    bottleneck(Catalog::builtin(), Request::plan(config))
}

/// The message as the webhook edit carries it, checked against the spec (and
/// as an immediate callback message).
fn valid_payload(m: &MessageView) -> Value {
    let v = m.to_json();
    let spec = openapi::load_spec();
    let errs = openapi::validate(&spec, openapi::webhook_edit_schema(&spec), &v);
    assert!(errs.is_empty(), "{v}\n{errs:#?}");
    let body = mlbn_bot::view::callback::message(m);
    let errs = openapi::validate(&spec, openapi::callback_schema(&spec), &body);
    assert!(errs.is_empty(), "{body}\n{errs:#?}");
    v
}

#[test]
fn plans_embed() {
    let m = run("llama3-70b q4_k_m; target decode=20tok/s ttft<3s; budget $8000");
    within_limits(&m);
    assert!(m.files.is_empty(), "plans carry no picture");
    let v = valid_payload(&m);
    let e = &m.embeds[0];
    assert_eq!(e.colour, colour::FITS);
    assert!(e.title.contains("Llama 3"), "{}", e.title);
    assert!(e.description.contains("decode ≥ 20"), "{}", e.description);
    assert!(!e.fields.is_empty() && e.fields.len() <= PLANS_SHOWN);
    for f in &e.fields {
        assert!(
            f.value.contains("decode **") && f.value.contains("TTFT"),
            "{}",
            f.value
        );
        assert!(
            f.value.contains("/Mtok") && f.value.contains(" W peak"),
            "{}",
            f.value
        );
        // A budget admits only priced plans: each shows its price with source and date.
        assert!(
            f.value.contains("💵 buy") && f.value.contains('('),
            "{}",
            f.value
        );
    }
    insta::assert_json_snapshot!("plans", mask_digits(&v));
}

#[test]
fn no_price_known_is_said() {
    // Without a budget, unpriced devices may be plans; the text says so instead of a price.
    let m = run("llama3-8b; target decode=5tok/s; prefer fast");
    within_limits(&m);
    let e = &m.embeds[0];
    assert!(!e.fields.is_empty());
    for f in &e.fields {
        assert!(
            f.value.contains("no price known") || f.value.contains(" at **$"),
            "{}",
            f.value
        );
    }
}

#[test]
fn advice_embed_for_hardware_without_a_goal() {
    let m = run("rtx4090; llama3-70b q4_k_m");
    within_limits(&m);
    let v = valid_payload(&m);
    let e = &m.embeds[0];
    assert_eq!(e.colour, colour::INFO);
    assert!(e.title.starts_with("Upgrade advice"), "{}", e.title);
    assert!(e.description.contains("does not fit"), "{}", e.description);
    assert!(
        e.fields.iter().any(|f| f.name.contains("second")),
        "{:?}",
        e.fields
    );
    assert!(e.fields.iter().all(|f| f.value.contains(" → **")));
    insta::assert_json_snapshot!("advice", mask_digits(&v));
}

#[test]
fn a_model_alone_is_told_how_to_write_a_goal() {
    let m = run("llama3-70b");
    within_limits(&m);
    valid_payload(&m);
    let e = &m.embeds[0];
    assert_eq!(e.colour, colour::WARN);
    assert!(
        e.description.contains("target decode="),
        "{}",
        e.description
    );
}

#[test]
fn errors_show_a_caret_and_name_the_plan_command() {
    // A misspelt goal key: a goal error, not a resolve error.
    let m = run("llama3-70b; target decod=30tok/s");
    within_limits(&m);
    assert!(m.ephemeral);
    let v = valid_payload(&m);
    let e = &m.embeds[0];
    assert_eq!(e.colour, colour::FAIL);
    assert!(e.description.contains('^') && e.description.contains("decod"));
    assert!(e.footer.contains(&format!("/{CMD_PLAN}")), "{}", e.footer);
    insta::assert_json_snapshot!("plan_error", v);
    // An unknown device in `have` and in the hardware.
    for bad in [
        "llama3-70b; have 1x rtx4900; target decode=10tok/s",
        "2x rtx4900; llama3-70b",
    ] {
        let m = run(bad);
        within_limits(&m);
        let d = &m.embeds[0].description;
        assert!(d.contains('^') && d.contains("rtx4900"), "{bad}: {d}");
    }
}

#[test]
fn several_scenarios_get_an_embed_each() {
    let m = run(
        "llama3-8b; target decode=80tok/s\n---\nrtx3090; llama3-8b q4_k_m\n---\nllama3-8b; target ttft<500ms",
    );
    within_limits(&m);
    valid_payload(&m);
    assert_eq!(m.embeds.len(), 3);
    assert!(m.embeds[1].title.starts_with("Upgrade advice"));
}

#[test]
fn registered_commands_include_plan_and_validate() {
    let cmds = mlbn_bot::commands::definitions();
    let plan = cmds
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == CMD_PLAN)
        .expect("bottleneck-plan registered");
    assert_eq!(plan["options"][0]["name"], "config");
    assert_eq!(plan["options"][0]["required"], true);
    let spec = openapi::load_spec();
    let schema = openapi::request_schema(
        &spec,
        "/applications/{application_id}/commands",
        "put",
        "application/json",
    );
    let errs = openapi::validate(&spec, schema, &cmds);
    assert!(errs.is_empty(), "{errs:#?}");
}

// ---- limits over arbitrary plan data -------------------------------------------------------

fn plan_with(name: &str, source: &str, priced: bool) -> Plan {
    Plan {
        hardware: format!("8x {name} over {name}"),
        groups: vec![PlanGroup {
            device_id: name.into(),
            device_name: name.into(),
            count: 8,
            owned: 0,
            link_id: Some(name.into()),
            link_name: Some(name.into()),
        }],
        quant_id: name.into(),
        quant_name: name.into(),
        bits_per_weight: 4.5,
        runtime_id: name.into(),
        runtime_name: name.into(),
        strategy: mlbn_engine::StrategyKind::Tensor,
        strategy_summary: name.into(),
        decode_tok_s: 123_456.7,
        prefill_tok_s: 9_876_543.0,
        ttft_ms: 1e9,
        fits: true,
        max_memory_use: 0.99,
        avg_power_w: 12_345.0,
        peak_power_w: 23_456.0,
        usd_per_mtok: 1234.5,
        usd_per_mtok_with_hardware: Some(98_765.4),
        purchase: Some(Purchase {
            device_id: name.into(),
            device_name: name.into(),
            count: 8,
            unit_price_usd: priced.then_some(1e9),
            price_source: Some(source.into()),
            price_date: Some(source.into()),
        }),
        purchase_usd: priced.then_some(8e9),
    }
}

fn scenario_plan(plans: Vec<Plan>) -> ScenarioPlan {
    ScenarioPlan {
        index: 0,
        span: Span::new(0, 1),
        result: Ok(PlanResult::Plans {
            spec: GoalSpec {
                goal: Goal {
                    decode_tok_s: Some(1e9),
                    ttft_ms: Some(1.0),
                    budget_usd: Some(1e11),
                    ..Default::default()
                },
                ctx_tokens: Some(1 << 20),
                present: true,
                ..Default::default()
            },
            report: Box::new(PlanReport {
                goal: Goal::default(),
                plans,
                stats: SearchStats {
                    hardware: 1 << 40,
                    estimates: 1 << 40,
                    met: 1 << 40,
                    ..Default::default()
                },
            }),
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_plan_data_fits_discords_limits(
        name in "[a-zA-Z0-9 _*`@|<>é🚀-]{0,600}",
        source in "[a-z ._/:@*]{0,1500}",
        n_plans in 0usize..40,
        n_scenarios in 1usize..14,
        priced in any::<bool>(),
    ) {
        let items: Vec<(Subject, ScenarioPlan)> = (0..n_scenarios)
            .map(|i| {
                let subject = Subject {
                    model: name.repeat(1 + i % 3),
                    hardware: (i % 2 == 0).then(|| name.clone()),
                };
                let plans = (0..n_plans).map(|_| plan_with(&name, &source, priced)).collect();
                (subject, scenario_plan(plans))
            })
            .collect();
        let m = plan_message(&items, n_scenarios);
        within_limits(&m);
        // Mentions stay inert whatever the names hold.
        let v = m.to_json();
        prop_assert_eq!(&v["allowed_mentions"]["parse"], &serde_json::json!([]));
        prop_assert!(!v.to_string().contains("@everyone"));
    }
}

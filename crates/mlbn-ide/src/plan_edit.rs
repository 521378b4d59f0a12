//! Reverse planning in the editor: the best plan as an inlay hint at the end of a `target`
//! statement, and "apply this plan" fixes that rewrite the scenario's hardware, quant, runtime
//! and strategy so the text describes the plan.
//!
//! Planning is the expensive part (a catalog search per goal, tens to hundreds of ms), so it
//! is separate from [`crate::analyze`]: a front end calls [`plan_goals`] when it can afford to
//! (the LSP on a background task, once per text) and then builds hints and fixes from the
//! result with [`plan_hints`] and [`plan_fixes`], which are cheap.

use crate::plan::{GoalSpec, PlanResult, ScenarioPlan, goal_spec, plan};
use crate::resolve::{ResolvedDevice, ResolvedScenario, StrategyKind, default_runtime};
use crate::units::{ms, num, short_rate, thousands, tok_s, tokens};
use crate::{Analysis, AnalyzeOptions, InlayHint};
use mlbn_catalog::Catalog;
use mlbn_engine::plan::{Plan, Prefer};
use mlbn_syntax::ast::StatementKind;
use mlbn_syntax::{Fix, Span, TextEdit};

/// Plans a front end offers to apply per goal.
pub const ACTIONS_PER_GOAL: usize = 3;

/// Scenarios with a goal planned per text; later ones are left unplanned (each search costs
/// up to a few hundred ms, and an editor plans again on every change).
pub const MAX_PLANNED_SCENARIOS: usize = 8;

/// Plan the scenarios of `a` that have a goal (at most [`MAX_PLANNED_SCENARIOS`]), `top` plans
/// each. Scenarios without a goal are skipped (no upgrade advice: that is `plan::plan`'s).
/// `keep_going` is asked before each search; returning false stops early (the text changed),
/// keeping what was planned so far. Each result's `index` is the scenario's index in `a`.
pub fn plan_goals(
    a: &Analysis,
    opts: &AnalyzeOptions,
    top: usize,
    keep_going: &mut dyn FnMut() -> bool,
) -> Vec<ScenarioPlan> {
    let mut out = Vec::new();
    for (index, (sa, ast)) in a.scenarios.iter().zip(&a.parsed.file.scenarios).enumerate() {
        if out.len() >= MAX_PLANNED_SCENARIOS {
            break;
        }
        if sa.resolved.is_err() || !goal_spec(ast, opts.catalog, &mut Vec::new()).present {
            continue;
        }
        if !keep_going() {
            break;
        }
        out.extend(plan_one(a, index, opts, top));
    }
    out
}

/// Scenario `index` of `a` alone, as an analysis of its own (`plan::plan` plans every
/// scenario it is given; front ends that bound their work plan one at a time).
pub fn scenario_analysis(a: &Analysis, index: usize) -> Option<Analysis> {
    Some(Analysis {
        text: String::new(),
        parsed: mlbn_syntax::Parsed {
            file: mlbn_syntax::ast::SourceFile {
                scenarios: vec![a.parsed.file.scenarios.get(index)?.clone()],
                comments: Vec::new(),
            },
            diagnostics: Vec::new(),
        },
        scenarios: vec![a.scenarios.get(index)?.clone()],
        diagnostics: Vec::new(),
    })
}

/// [`plan`] for scenario `index` alone (plans for a goal, upgrade advice without one), with
/// `index` kept as the scenario's index in `a`.
pub fn plan_one(
    a: &Analysis,
    index: usize,
    opts: &AnalyzeOptions,
    top: usize,
) -> Option<ScenarioPlan> {
    let one = scenario_analysis(a, index)?;
    let mut sp = plan(&one, opts, top).into_iter().next()?;
    sp.index = index;
    Some(sp)
}

/// `decode ≥ 30 tok/s · TTFT ≤ 2.00 s · ctx 32k · budget $6,000 · prefer cheap · have 1x
/// NVIDIA GeForce RTX 4090`: a goal as written, for headings.
pub fn goal_summary(spec: &GoalSpec) -> String {
    let g = &spec.goal;
    let mut parts = Vec::new();
    if let Some(v) = g.decode_tok_s {
        parts.push(format!("decode ≥ {}", tok_s(v)));
    }
    if let Some(v) = g.prefill_tok_s {
        parts.push(format!("prefill ≥ {}", tok_s(v)));
    }
    if let Some(v) = g.ttft_ms {
        parts.push(format!("TTFT ≤ {}", ms(v)));
    }
    if let Some(v) = spec.ctx_tokens {
        parts.push(format!("ctx {}", tokens(v)));
    }
    if let Some(v) = g.power_w {
        parts.push(format!("power ≤ {} W", num(v)));
    }
    if let Some(v) = g.budget_usd {
        parts.push(format!("budget ${}", thousands(v.round() as u64)));
    }
    parts.push(
        match g.prefer {
            Prefer::Cheap => "prefer cheap",
            Prefer::Fast => "prefer fast",
            Prefer::Quiet => "prefer quiet",
        }
        .to_string(),
    );
    if !spec.have.is_empty() {
        let owned: Vec<String> = spec
            .have
            .iter()
            .map(|(d, n)| format!("{n}x {}", d.name))
            .collect();
        parts.push(format!("have {}", owned.join(" + ")));
    }
    parts.join(" · ")
}

/// `2x rtx-3090 nvlink-3090 + 1x rtx-4090`: the plan's hardware as the language writes it.
pub fn hardware_text(p: &Plan) -> String {
    p.groups
        .iter()
        .map(|g| {
            let mut s = if g.count > 1 {
                format!("{}x {}", g.count, g.device_id)
            } else {
                g.device_id.clone()
            };
            if let Some(l) = &g.link_id {
                s.push(' ');
                s.push_str(l);
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// `$1,598`, `no price known`, `owned`: what the plan costs to buy.
pub fn purchase_text(p: &Plan) -> String {
    match (&p.purchase, p.purchase_usd) {
        (None, _) => "owned".into(),
        (Some(_), Some(usd)) => format!("${}", thousands(usd.round() as u64)),
        (Some(_), None) => "no price known".into(),
    }
}

/// The short label of a plan for an inlay hint:
/// `best: 2x rtx-3090 · q4_k_m · 34.2 tok/s · $1,598`.
pub fn plan_label(p: &Plan) -> String {
    let devices: Vec<String> = p
        .groups
        .iter()
        .map(|g| {
            if g.count > 1 {
                format!("{}x {}", g.count, g.device_id)
            } else {
                g.device_id.clone()
            }
        })
        .collect();
    format!(
        "best: {} · {} · {} tok/s · {}",
        devices.join(" + "),
        p.quant_id,
        short_rate(p.decode_tok_s),
        purchase_text(p)
    )
}

/// Where a scenario's plan hint goes: the end of its `target` statement.
fn target_span(sp: &ScenarioPlan) -> Option<(Span, &[Plan])> {
    match &sp.result {
        Ok(PlanResult::Plans { spec, report }) => Some((spec.target_span?, &report.plans)),
        _ => None,
    }
}

/// One hint per planned `target`: the best plan, or that none in the search space meets it.
pub fn plan_hints(plans: &[ScenarioPlan]) -> Vec<InlayHint> {
    plans
        .iter()
        .filter_map(target_span)
        .map(|(span, plans)| InlayHint {
            offset: span.end,
            label: match plans.first() {
                Some(p) => plan_label(p),
                None => "no configuration in the catalog meets this target".into(),
            },
        })
        .collect()
}

/// "Apply plan N" fixes for the targets whose statement overlaps `span` (an empty span at
/// the cursor included): up to [`ACTIONS_PER_GOAL`] per target, best first.
pub fn plan_fixes(cat: &Catalog, a: &Analysis, plans: &[ScenarioPlan], span: Span) -> Vec<Fix> {
    let mut out = Vec::new();
    for sp in plans {
        let Some((target, ranked)) = target_span(sp) else {
            continue;
        };
        if !(target.start <= span.end && span.start <= target.end) {
            continue;
        }
        for (rank, p) in ranked.iter().take(ACTIONS_PER_GOAL).enumerate() {
            if let Some(edits) = plan_edits(cat, a, sp.index, p) {
                out.push(Fix {
                    title: format!(
                        "apply plan {}: {}, {}",
                        rank + 1,
                        hardware_text(p),
                        p.quant_id
                    ),
                    effect: format!(
                        "{} tok/s decode · TTFT {} · {}",
                        short_rate(p.decode_tok_s),
                        short_time(p.ttft_ms),
                        purchase_text(p)
                    ),
                    edits,
                });
            }
        }
    }
    out
}

fn short_time(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// The edits that make scenario `index` of `a` describe `p`: its hardware statement replaced
/// (or added before the first statement), the quant written on the model, the runtime written
/// when the scenario names one or the plan's is not the default for its hardware, and an
/// explicit strategy turned back to `auto` (the search ranks what AUTO picks). Edits are
/// sorted by position and never overlap; `None` when the scenario did not resolve or a plan
/// device is not in the catalog.
pub fn plan_edits(cat: &Catalog, a: &Analysis, index: usize, p: &Plan) -> Option<Vec<TextEdit>> {
    let r = a.scenarios.get(index)?.resolved.as_ref().ok()?;
    let ast = a.parsed.file.scenarios.get(index)?;
    let mut edits = Vec::new();
    let hw = hardware_text(p);
    match r.spans.hardware {
        Some(span) => edits.push(replace(span, hw)),
        None => {
            let first = ast
                .statements
                .iter()
                .find(|st| !matches!(st.kind, StatementKind::DeviceDef(_)))?;
            let sep = if one_line(&a.text, ast.span) {
                "; "
            } else {
                "\n"
            };
            edits.push(replace(Span::at(first.span.start), format!("{hw}{sep}")));
        }
    }
    // The quant is always written: the default for the new runtime may differ.
    match (r.spans.quant, r.spans.model_name) {
        (Some(span), _) => edits.push(replace(span, p.quant_id.clone())),
        (None, Some(name)) => edits.push(replace(Span::at(name.end), format!(" {}", p.quant_id))),
        (None, None) => append(
            a,
            r,
            ast.span,
            format!("{} {}", r.model.id, p.quant_id),
            &mut edits,
        )?,
    }
    let devices = plan_devices(cat, p)?;
    let quant_format = cat.quant_by_id(&p.quant_id).map(|q| q.format.clone());
    let default = default_runtime(cat, &devices, quant_format.as_deref());
    match r.spans.runtime {
        Some(span) => edits.push(replace(span, p.runtime_id.clone())),
        None if default.is_none_or(|d| d.id != p.runtime_id) => append(
            a,
            r,
            ast.span,
            format!("runtime {}", p.runtime_id),
            &mut edits,
        )?,
        None => {}
    }
    if let Some(span) = r.spans.strategy
        && r.strategy.kind() != StrategyKind::Auto
    {
        edits.push(replace(span, "auto".into()));
    }
    // Insertions at one offset keep their order (quant before a statement appended after
    // the model); the spans never overlap otherwise.
    edits.sort_by_key(|e| e.span.start);
    Some(edits)
}

fn plan_devices(cat: &Catalog, p: &Plan) -> Option<Vec<ResolvedDevice>> {
    p.groups
        .iter()
        .map(|g| {
            Some(ResolvedDevice {
                device: cat.devices.iter().find(|d| d.id == g.device_id)?.clone(),
                count: g.count,
                link: g
                    .link_id
                    .as_deref()
                    .and_then(|l| cat.link_by_id(l))
                    .cloned(),
                custom: false,
                spans: Default::default(),
            })
        })
        .collect()
}

fn replace(span: Span, new_text: String) -> TextEdit {
    TextEdit { span, new_text }
}

/// True when the scenario's statements share one line (`rtx4090; llama3-8b`).
fn one_line(text: &str, scenario: Span) -> bool {
    text.get(scenario.start..scenario.end)
        .is_some_and(|s| !s.trim().contains('\n'))
}

/// A new statement after the scenario's last one, separated the way the scenario is.
fn append(
    a: &Analysis,
    r: &ResolvedScenario,
    scenario: Span,
    statement: String,
    edits: &mut Vec<TextEdit>,
) -> Option<()> {
    let at = r.spans.last_statement?.end;
    let sep = if one_line(&a.text, scenario) {
        "; "
    } else {
        "\n"
    };
    edits.push(replace(Span::at(at), format!("{sep}{statement}")));
    Some(())
}

/// `text` with `edits` applied (sorted by position, non-overlapping, as [`plan_edits`]
/// returns them): what an editor shows after applying a fix.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        let start = e.span.start.clamp(at, text.len());
        let end = e.span.end.clamp(start, text.len());
        out.push_str(text.get(at..start).unwrap_or(""));
        out.push_str(&e.new_text);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

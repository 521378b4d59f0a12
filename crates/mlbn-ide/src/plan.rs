//! Reverse planning in the language: goal statements (`target decode=30tok/s ttft<2s ctx=32k`,
//! `budget $6000`, `power<1200W`, `prefer quiet|cheap|fast`, `have 1x rtx4090`) checked
//! against the catalog with diagnostics, and [`plan`], which runs the engine's search
//! ([`mlbn_engine::plan`]) for a scenario with a goal, or its upgrade advice for one without.
//!
//! The physics and the search live in the engine; this module maps text to a [`Goal`] and
//! chooses, per hardware configuration, the runtime the scenario would default to and the
//! weight formats that runtime loads.

use crate::findings::{engine_scenario, quants_for_family};
use crate::resolve::{
    MAX_TOKENS, ResolvedDevice, concrete_runtime_on, default_runtime, runs_on_every, runs_on_key,
};
use crate::{Analysis, AnalyzeOptions};
use mlbn_catalog::{Catalog, Device, DeviceKind, Quant, Resolution, Runtime};
use mlbn_engine::DeviceGroup;
use mlbn_engine::plan::{Advice, Choices, Goal, PlanReport, PlanRequest, Prefer, advise, search};
use mlbn_syntax::ast::{Arg, CompareOp, Hardware, KeyValue, StatementKind, Unit, Value};
use mlbn_syntax::{Diagnostic, Fix, Span, TextEdit};

/// Keys a `target` understands.
pub const TARGET_KEYS: &[&str] = &["decode", "prefill", "ttft", "ctx", "power", "budget"];

/// Largest number of plans a front end may ask for.
pub const MAX_TOP: usize = 50;

/// Options written outside a `target` that are goals (`power<1200W` on its own line).
pub fn is_goal_option(kv: &KeyValue) -> bool {
    matches!(
        kv.key.text.to_ascii_lowercase().as_str(),
        "decode" | "prefill" | "ttft" | "power" | "budget"
    )
}

/// A scenario's goal as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoalSpec {
    pub goal: Goal,
    /// `ctx=32k` in a target: the context the KV cache must hold.
    pub ctx_tokens: Option<u64>,
    /// Devices already owned (`have 1x rtx4090`).
    pub have: Vec<(Device, u32)>,
    /// The `target` statement (an editor shows the best plan there).
    pub target_span: Option<Span>,
    /// True when the scenario has any goal statement (target, budget, power limit, prefer,
    /// have): then it is planned; otherwise it gets upgrade advice.
    pub present: bool,
}

/// Read the goal statements of one scenario; problems go to `diags`.
pub fn goal_spec(
    scenario: &mlbn_syntax::ast::Scenario,
    cat: &Catalog,
    diags: &mut Vec<Diagnostic>,
) -> GoalSpec {
    let mut g = GoalSpec::default();
    for st in &scenario.statements {
        match &st.kind {
            StatementKind::Directive(dir) => match dir.keyword.text.as_str() {
                "target" => {
                    g.present = true;
                    g.target_span = Some(st.span);
                    if dir.args.is_empty() {
                        diags.push(Diagnostic::error(
                            "missing_value",
                            "`target` needs at least one goal, e.g. `target decode=30tok/s ttft<2s`",
                            dir.keyword.span,
                        ));
                    }
                    for a in &dir.args {
                        match a {
                            Arg::KeyValue(kv) => goal_kv(kv, &mut g, diags),
                            other => diags.push(
                                Diagnostic::error(
                                    "expected_goal",
                                    "a target is written as comparisons: `decode=30tok/s`, `ttft<2s`",
                                    other.span(),
                                )
                                .with_help(format!("keys: {}", TARGET_KEYS.join(", "))),
                            ),
                        }
                    }
                }
                "budget" => {
                    g.present = true;
                    match dir.args.as_slice() {
                        [Arg::Quantity(q)] if q.unit == Unit::Dollar => {
                            if let Some(v) = positive(q.value, q.span, diags) {
                                g.goal.budget_usd = Some(v);
                            }
                        }
                        _ => diags.push(Diagnostic::error(
                            "wrong_unit",
                            "`budget` takes one amount in dollars, e.g. `budget $6000`",
                            st.span,
                        )),
                    }
                }
                "prefer" => {
                    g.present = true;
                    prefer(dir, st.span, &mut g, diags);
                }
                _ => {}
            },
            StatementKind::Options(opts) => {
                for kv in opts.iter().filter(|kv| is_goal_option(kv)) {
                    g.present = true;
                    goal_kv(kv, &mut g, diags);
                }
            }
            StatementKind::Have(hw) => {
                g.present = true;
                have(hw, cat, &mut g, diags);
            }
            _ => {}
        }
    }
    g
}

/// Diagnostics of every scenario's goal statements (called by `analyze`), skipping statements
/// that overlap a syntax error.
pub(crate) fn goal_diagnostics(
    file: &mlbn_syntax::ast::SourceFile,
    cat: &Catalog,
    error_spans: &[Span],
    diags: &mut Vec<Diagnostic>,
) {
    for scenario in &file.scenarios {
        let mut clean = scenario.clone();
        clean.statements.retain(|st| {
            !error_spans
                .iter()
                .any(|e| e.start < st.span.end.max(st.span.start + 1) && st.span.start < e.end)
        });
        goal_spec(&clean, cat, diags);
    }
}

fn positive(v: f64, span: Span, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    if v.is_finite() && v > 0.0 && v < 1e12 {
        Some(v)
    } else {
        diags.push(Diagnostic::error(
            "out_of_range",
            "a goal must be a positive number",
            span,
        ));
        None
    }
}

fn goal_kv(kv: &KeyValue, g: &mut GoalSpec, diags: &mut Vec<Diagnostic>) {
    let key = kv.key.text.to_ascii_lowercase();
    let Value::Quantity(q) = &kv.value else {
        if TARGET_KEYS.contains(&key.as_str()) {
            diags.push(Diagnostic::error(
                "expected_number",
                format!("`{key}` takes a number with a unit"),
                kv.value.span(),
            ));
        } else {
            unknown_key(kv, diags);
        }
        return;
    };
    // Minimums take `=`, `>=`, `>`; maximums take `=`, `<=`, `<`.
    let at_least = matches!(kv.op, CompareOp::Eq | CompareOp::Ge | CompareOp::Gt);
    let at_most = matches!(kv.op, CompareOp::Eq | CompareOp::Le | CompareOp::Lt);
    let wrong_op = |what: &str, diags: &mut Vec<Diagnostic>| {
        diags.push(Diagnostic::error(
            "wrong_comparison",
            format!("`{key}` is {what}"),
            kv.span,
        ));
    };
    let wrong_unit = |units: &str, diags: &mut Vec<Diagnostic>| {
        diags.push(Diagnostic::error(
            "wrong_unit",
            format!("`{key}` takes {units}"),
            q.span,
        ));
    };
    match key.as_str() {
        "decode" | "prefill" => {
            if !matches!(q.unit, Unit::TokPerS | Unit::None) {
                return wrong_unit("tokens per second (`30tok/s`)", diags);
            }
            if !at_least {
                return wrong_op("a minimum: write `=`, `>=` or `>`", diags);
            }
            if let Some(v) = positive(q.value, q.span, diags) {
                if key == "decode" {
                    g.goal.decode_tok_s = Some(v);
                } else {
                    g.goal.prefill_tok_s = Some(v);
                }
            }
        }
        "ttft" => {
            let ms = match q.unit {
                Unit::Seconds => q.value * 1e3,
                Unit::Millis => q.value,
                _ => return wrong_unit("a time (`2s`, `500ms`)", diags),
            };
            if !at_most {
                return wrong_op("a maximum: write `=`, `<=` or `<`", diags);
            }
            if let Some(v) = positive(ms, q.span, diags) {
                g.goal.ttft_ms = Some(v);
            }
        }
        "power" => {
            let w = match q.unit {
                Unit::Watt => q.value,
                Unit::Kilowatt => q.value * 1e3,
                _ => return wrong_unit("watts (`1200W`, `1.2kW`)", diags),
            };
            if !at_most {
                return wrong_op("a maximum: write `=`, `<=` or `<`", diags);
            }
            if let Some(v) = positive(w, q.span, diags) {
                g.goal.power_w = Some(v);
            }
        }
        "budget" => {
            if q.unit != Unit::Dollar {
                return wrong_unit("dollars (`$6000`)", diags);
            }
            if !at_most {
                return wrong_op("a maximum: write `=`, `<=` or `<`", diags);
            }
            if let Some(v) = positive(q.value, q.span, diags) {
                g.goal.budget_usd = Some(v);
            }
        }
        "ctx" => {
            if q.unit != Unit::None {
                return wrong_unit("a token count (`32k`)", diags);
            }
            if kv.op != CompareOp::Eq {
                return wrong_op("a context size: write `ctx=32k`", diags);
            }
            if q.value.is_finite() && q.value >= 1.0 && q.value <= MAX_TOKENS {
                g.ctx_tokens = Some(q.value as u64);
            } else {
                diags.push(Diagnostic::error(
                    "out_of_range",
                    format!("ctx must be between 1 and {MAX_TOKENS} tokens"),
                    q.span,
                ));
            }
        }
        _ => unknown_key(kv, diags),
    }
}

fn unknown_key(kv: &KeyValue, diags: &mut Vec<Diagnostic>) {
    let key = kv.key.text.to_ascii_lowercase();
    let mut d = Diagnostic::error(
        "unknown_target_key",
        format!("`{}` is not a goal mlbn knows", kv.key.text),
        kv.key.span,
    )
    .with_help(format!("goals: {}", TARGET_KEYS.join(", ")));
    let mut close: Vec<&&str> = TARGET_KEYS
        .iter()
        .filter(|k| strsim::jaro_winkler(&key, k) > 0.75)
        .collect();
    close.sort_by(|a, b| strsim::jaro_winkler(&key, b).total_cmp(&strsim::jaro_winkler(&key, a)));
    for k in close.into_iter().take(3) {
        d = d.with_fix(Fix {
            title: format!("replace with `{k}`"),
            effect: String::new(),
            edits: vec![TextEdit {
                span: kv.key.span,
                new_text: (*k).to_string(),
            }],
        });
    }
    diags.push(d);
}

fn prefer(
    dir: &mlbn_syntax::ast::Directive,
    span: Span,
    g: &mut GoalSpec,
    diags: &mut Vec<Diagnostic>,
) {
    let word = match dir.args.as_slice() {
        [Arg::Word(w)] => w,
        _ => {
            diags.push(Diagnostic::error(
                "missing_value",
                "`prefer` takes one of: quiet, cheap, fast",
                span,
            ));
            return;
        }
    };
    g.goal.prefer = match word.text.to_ascii_lowercase().as_str() {
        "cheap" | "cheapest" | "cost" => Prefer::Cheap,
        "fast" | "fastest" | "speed" => Prefer::Fast,
        "quiet" | "quietest" | "power" | "efficient" => Prefer::Quiet,
        _ => {
            diags.push(
                Diagnostic::error(
                    "unknown_value",
                    format!("`{}` is not a preference", word.text),
                    word.span,
                )
                .with_help("one of: quiet, cheap, fast"),
            );
            return;
        }
    };
}

fn have(hw: &Hardware, cat: &Catalog, g: &mut GoalSpec, diags: &mut Vec<Diagnostic>) {
    for group in &hw.groups {
        let count = group.count.map(|c| c.value).unwrap_or(1);
        let span = match (group.words.first(), group.words.last()) {
            (Some(a), Some(b)) => a.span.cover(b.span),
            _ => group.span,
        };
        let name = group
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        match cat.device(&name) {
            Resolution::Found(d) => match g.have.iter_mut().find(|(x, _)| x.id == d.id) {
                Some((_, n)) => *n = n.saturating_add(count),
                None => g.have.push((d.clone(), count)),
            },
            Resolution::Ambiguous(many) => {
                let ids: Vec<String> = many.iter().take(5).map(|d| format!("`{}`", d.id)).collect();
                diags.push(
                    Diagnostic::error(
                        "ambiguous_device",
                        format!("`{name}` could mean several devices"),
                        span,
                    )
                    .with_help(format!("one of: {}", ids.join(", "))),
                );
            }
            Resolution::NotFound { suggestions } => {
                let mut d =
                    Diagnostic::error("unknown_device", format!("unknown device `{name}`"), span);
                if !suggestions.is_empty() {
                    d = d.with_help(format!("did you mean {}?", suggestions.join(", ")));
                }
                diags.push(d);
            }
        }
    }
    if let Some((over, _)) = &hw.over {
        diags.push(Diagnostic::new(
            mlbn_syntax::Severity::Info,
            "have_link_ignored",
            "links of owned devices are chosen by the plan; this `over` is ignored",
            *over,
        ));
    }
}

/// The front end's choices, as `analyze` would default them: the usual runtime for the
/// hardware and the formats that runtime loads.
struct IdeChoices<'a> {
    cat: &'a Catalog,
}

fn resolved(groups: &[DeviceGroup]) -> Vec<ResolvedDevice> {
    groups
        .iter()
        .map(|g| ResolvedDevice {
            device: g.device.clone(),
            count: g.count,
            link: None,
            custom: false,
            spans: Default::default(),
        })
        .collect()
}

/// The `runs_on` key of a device (as the catalog's runtimes list them).
/// Can `r` run on every device of `groups`? (A CPU backend only for CPUs.)
fn runs_on_all(r: &Runtime, groups: &[DeviceGroup]) -> bool {
    runs_on_every(r, groups.iter().map(|g| &g.device))
}

/// Does `runtime` load `q` on every device of `groups`? MLX formats load only on Apple
/// silicon (MLX is Metal-only); GGUF is llama.cpp's format (exo takes it only on Macs);
/// the rest follow the runtime family's list.
fn loads_on_all(q: &Quant, runtime: &Runtime, groups: &[DeviceGroup]) -> bool {
    let all_apple = groups.iter().all(|g| g.device.kind == DeviceKind::AppleSoc);
    match q.format.as_str() {
        "mlx" => all_apple,
        "gguf" => matches!(runtime.family.as_str(), "llama.cpp" | "ollama") || all_apple,
        _ => true,
    }
}

impl Choices for IdeChoices<'_> {
    fn runtime(&self, groups: &[DeviceGroup]) -> Option<Runtime> {
        self.runtimes(groups).into_iter().next()
    }

    fn quants(&self, runtime: &Runtime) -> Vec<Quant> {
        quants_for_family(self.cat, &runtime.family)
    }

    /// The runtime `analyze` would default to when it runs on every device; for a mix of
    /// vendors (or when the default cannot run them all) also llama.cpp, whose RPC backend
    /// joins machines of different vendors, as the concrete backend of the first device or
    /// the family entry.
    fn runtimes(&self, groups: &[DeviceGroup]) -> Vec<Runtime> {
        let mut out: Vec<Runtime> = Vec::new();
        let mut push = |r: &Runtime| {
            if runs_on_all(r, groups) && !out.iter().any(|o| o.id == r.id) {
                out.push(r.clone());
            }
        };
        let default = default_runtime(self.cat, &resolved(groups), None);
        if let Some(r) = &default {
            push(r);
        }
        let mut keys: Vec<String> = groups.iter().map(|g| runs_on_key(&g.device)).collect();
        keys.sort();
        keys.dedup();
        let default_ok = default.as_ref().is_some_and(|r| runs_on_all(r, groups));
        if keys.len() > 1 || !default_ok {
            if let Some(first) = groups.first()
                && let Some(r) = self.cat.runtime_backend_for("llama.cpp", &first.device)
            {
                push(r);
            }
            // The family entry, made concrete for these devices (a backend all of them run).
            let devices: Vec<&Device> = groups.iter().map(|g| &g.device).collect();
            for r in self
                .cat
                .runtimes
                .iter()
                .filter(|r| r.family == "llama.cpp" && r.backend == "auto")
            {
                push(&concrete_runtime_on(self.cat, r, &devices));
            }
        }
        out
    }

    fn quants_on(&self, runtime: &Runtime, groups: &[DeviceGroup]) -> Vec<Quant> {
        let mut q = quants_for_family(self.cat, &runtime.family);
        q.retain(|q| loads_on_all(q, runtime, groups));
        q
    }

    fn alternative_runtimes(&self, groups: &[DeviceGroup]) -> Vec<Runtime> {
        let Some(first) = groups.first() else {
            return Vec::new();
        };
        let mut out: Vec<Runtime> = Vec::new();
        for family in ["llama.cpp", "mlx", "vllm", "sglang", "trt-llm"] {
            if let Some(r) = self.cat.runtime_backend_for(family, &first.device)
                && runs_on_all(r, groups)
                && !out.iter().any(|o| o.id == r.id)
            {
                out.push(r.clone());
            }
        }
        out
    }
}

/// What planning gives for one scenario.
#[derive(Debug, Clone)]
pub enum PlanResult {
    /// The scenario has a goal: the ranked plans.
    Plans {
        spec: GoalSpec,
        report: Box<PlanReport>,
    },
    /// No goal: single changes to the scenario as written, cheapest first.
    Advice {
        /// The scenario's current decode rate and fit.
        decode_tok_s: f64,
        fits: bool,
        hardware: String,
        advice: Vec<Advice>,
    },
}

#[derive(Debug, Clone)]
pub struct ScenarioPlan {
    /// Index of the scenario in the file.
    pub index: usize,
    pub span: Span,
    /// `Err` when the scenario could not be resolved (the diagnostics say why).
    pub result: Result<PlanResult, String>,
}

/// True when some scenario of the analysis has a goal (then `analyze` shows plans too).
pub fn has_goal(analysis: &Analysis, cat: &Catalog) -> bool {
    analysis
        .parsed
        .file
        .scenarios
        .iter()
        .any(|s| goal_spec(s, cat, &mut Vec::new()).present)
}

/// Plan every scenario of an analysis: a scenario with a goal gets up to `top` ranked plans
/// (searched over the whole catalog, or over the owned devices plus one purchase); one
/// without gets upgrade advice.
pub fn plan(analysis: &Analysis, opts: &AnalyzeOptions, top: usize) -> Vec<ScenarioPlan> {
    let cat = opts.catalog;
    let choices = IdeChoices { cat };
    analysis
        .scenarios
        .iter()
        .zip(&analysis.parsed.file.scenarios)
        .enumerate()
        .map(|(index, (sa, ast))| {
            let result = match &sa.resolved {
                Err(e) => Err(e.clone()),
                Ok(r) => {
                    let mut goal_diags = Vec::new();
                    let spec = goal_spec(ast, cat, &mut goal_diags);
                    if goal_diags
                        .iter()
                        .any(|d| d.severity == mlbn_syntax::Severity::Error)
                    {
                        Err("the goal has errors".to_string())
                    } else {
                        // The target's `ctx=` is already the resolved scenario's context
                        // (`analyze` evaluates the same one).
                        let base = engine_scenario(cat, r);
                        if spec.present {
                            let mut req = PlanRequest::new(&base, spec.goal, cat, &choices);
                            req.have = spec.have.clone();
                            req.top = top.clamp(1, MAX_TOP);
                            let report = search(&req);
                            Ok(PlanResult::Plans {
                                spec,
                                report: Box::new(report),
                            })
                        } else {
                            let before = sa
                                .estimate
                                .clone()
                                .unwrap_or_else(|| mlbn_engine::estimate(&base));
                            Ok(PlanResult::Advice {
                                decode_tok_s: before.decode_tok_s,
                                fits: before.fits,
                                hardware: r.hardware_label(),
                                advice: advise(&base, cat, &choices),
                            })
                        }
                    }
                }
            };
            ScenarioPlan {
                index,
                span: sa.span,
                result,
            }
        })
        .collect()
}

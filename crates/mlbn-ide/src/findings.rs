//! The bridge to the engine: a [`ResolvedScenario`] becomes an engine [`Scenario`], and the
//! engine's findings (which name a subject, not a span) become [`Diagnostic`]s on the words
//! they are about, their suggested fixes [`TextEdit`]s. This is the one place fixes become
//! edits; the LSP's code actions and the bot's hints reuse them.

use crate::resolve::{ResolvedScenario, StrategyKind};
use crate::units::tokens;
use mlbn_catalog::Catalog;
use mlbn_engine::{
    DeviceGroup, Estimate, Finding, FixKind, HostMemory, LinkSpec, PowerPrices, Scenario,
    StrategyRequest, Subject, SuggestedFix, Workload, WorkloadKey,
};
use mlbn_syntax::{Diagnostic, Fix, Severity, Span, TextEdit};

/// Quants the engine may propose instead of the chosen one: the common formats of the
/// scenario's runtime family (GGUF for llama.cpp, MLX for MLX, FP8/INT4 for servers), so a fix
/// never switches to a format the runtime cannot load.
fn alt_quants(cat: &Catalog, r: &ResolvedScenario) -> Vec<mlbn_catalog::Quant> {
    let mut out = quants_for_family(cat, &r.runtime.family);
    out.retain(|q| q.id != r.quant.id);
    out
}

/// The common weight formats a runtime family loads (reverse planning tries these).
pub(crate) fn quants_for_family(cat: &Catalog, family: &str) -> Vec<mlbn_catalog::Quant> {
    const GGUF: &[&str] = &[
        "f16", "bf16", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "iq4_xs", "q3_k_m", "q2_k",
    ];
    const MLX: &[&str] = &[
        "f16",
        "bf16",
        "mlx-8bit-g64",
        "mlx-6bit-g64",
        "mlx-5bit-g64",
        "mlx-4bit-g64",
        "mlx-3bit-g64",
    ];
    const SERVER: &[&str] = &[
        "bf16",
        "f16",
        "fp8-e4m3",
        "int8-w8a8",
        "awq-int4",
        "gptq-int4",
        "nvfp4",
    ];
    let ids: Vec<&str> = match family {
        "mlx" => MLX.to_vec(),
        "vllm" | "sglang" | "trt-llm" => SERVER.to_vec(),
        "exo" => MLX.iter().chain(GGUF).copied().collect(),
        _ => GGUF.to_vec(),
    };
    let mut out: Vec<mlbn_catalog::Quant> = Vec::new();
    for id in ids {
        if let Some(q) = cat.quant_by_id(id)
            && !out.iter().any(|o| o.id == q.id)
        {
            out.push(q.clone());
        }
    }
    out
}

/// The engine's input for a resolved scenario.
pub fn engine_scenario(cat: &Catalog, r: &ResolvedScenario) -> Scenario {
    let groups = r
        .devices
        .iter()
        .map(|g| {
            let mut eg = DeviceGroup::new(g.device.clone(), g.count);
            eg.link = g.link.clone().map(|l| LinkSpec::new(l, false));
            eg
        })
        .collect();
    let mut s = Scenario::new(groups, r.model.clone(), r.quant.clone(), r.runtime.clone());
    s.inter_group_link = r.over.clone().map(|l| LinkSpec::new(l, false));
    s.kv = Some(r.kv.clone());
    let mut w = Workload::new(
        r.workload.prompt_tokens,
        r.workload.gen_tokens,
        r.workload.batch,
    );
    w.ctx_tokens = r.workload.ctx_tokens;
    s.workload = w;
    s.strategy = match r.strategy.kind() {
        StrategyKind::Auto => StrategyRequest::Auto,
        StrategyKind::Pipeline => StrategyRequest::Pipeline,
        StrategyKind::Tensor => StrategyRequest::Tensor,
        StrategyKind::Data => StrategyRequest::Data,
        StrategyKind::Expert => StrategyRequest::Expert,
        StrategyKind::Sequence => StrategyRequest::Sequence,
        StrategyKind::Context => StrategyRequest::Context,
        StrategyKind::PhaseSplit => StrategyRequest::PhaseSplit,
        StrategyKind::Hybrid => StrategyRequest::Hybrid {
            tp: r.strategy.tp.unwrap_or(1),
            pp: r.strategy.pp.unwrap_or(1),
        },
    };
    if let Some(h) = &r.host {
        let d = HostMemory::default();
        s.host = HostMemory::new(h.mem_gb.unwrap_or(d.mem_gb), h.bw_gbps.unwrap_or(d.bw_gbps));
    }
    s.power = PowerPrices::new(r.power.usd_per_kwh, r.power.hours_per_day);
    s.power.hardware_price_usd = r.price_usd;
    s.power.amortisation_years = r.years;
    // `years` without a `price`: amortise the catalog's device prices over those years.
    s.power.catalog_hardware_price = r.price_usd.is_none() && r.years.is_some();
    s.alt_quants = alt_quants(cat, r);
    s
}

/// Run the engine and map its findings onto the text.
pub fn estimate(cat: &Catalog, r: &ResolvedScenario) -> (Estimate, Vec<Diagnostic>) {
    let e = mlbn_engine::estimate(&engine_scenario(cat, r));
    let diags = e.findings.iter().map(|f| diagnostic(r, f)).collect();
    (e, diags)
}

pub(crate) fn strategy_name(k: mlbn_engine::StrategyKind) -> &'static str {
    use mlbn_engine::StrategyKind as K;
    match k {
        K::Single => "single device",
        K::Pipeline => "pipeline",
        K::Tensor => "tensor",
        K::Data => "data",
        K::Expert => "expert",
        K::Hybrid => "hybrid",
        K::PhaseSplit => "phase-split",
        _ => "other",
    }
}

/// Where a value that was defaulted would be reported: the model statement, else the last
/// statement, else the start of the scenario.
fn fallback_span(r: &ResolvedScenario) -> Span {
    r.spans
        .model_name
        .or(r.spans.last_statement)
        .unwrap_or(Span::at(r.spans.scenario.start))
}

/// The span of the words a finding's subject names.
pub fn subject_span(r: &ResolvedScenario, subject: &Subject) -> Span {
    let fb = fallback_span(r);
    let group_name = |g: usize| {
        r.devices
            .get(g)
            .map(|d| d.spans.name)
            .filter(|s| !s.is_empty())
            .or(r.spans.hardware)
    };
    match subject {
        Subject::Hardware { group } => group_name(*group).unwrap_or(fb),
        Subject::Link { group: Some(g) } => r
            .devices
            .get(*g)
            .and_then(|d| d.spans.link)
            .or_else(|| group_name(*g))
            .unwrap_or(fb),
        Subject::Link { group: None } => r.spans.over_link.or(r.spans.hardware).unwrap_or(fb),
        Subject::Model => r.spans.model_name.unwrap_or(fb),
        Subject::Quant => r.spans.quant.or(r.spans.model_name).unwrap_or(fb),
        Subject::KvType => r.spans.kv.or(r.spans.model_name).unwrap_or(fb),
        Subject::Runtime => r.spans.runtime.unwrap_or(fb),
        Subject::Strategy => r.spans.strategy.unwrap_or(fb),
        Subject::Workload { key } => match key {
            WorkloadKey::Prompt => r.spans.prompt,
            WorkloadKey::Gen => r.spans.gen_tokens,
            WorkloadKey::Ctx => r.spans.ctx.or(r.spans.prompt),
            WorkloadKey::Batch => r.spans.batch,
        }
        .unwrap_or(fb),
        Subject::HostMemory => r.spans.host.unwrap_or(fb),
        Subject::Power => r.spans.power.unwrap_or(fb),
        _ => fb,
    }
}

fn severity(s: mlbn_engine::Severity) -> Severity {
    match s {
        mlbn_engine::Severity::Error => Severity::Error,
        mlbn_engine::Severity::Warning => Severity::Warning,
        mlbn_engine::Severity::Info => Severity::Info,
    }
}

fn diagnostic(r: &ResolvedScenario, f: &Finding) -> Diagnostic {
    // "Does not fit" belongs on the model line whatever the engine names as its subject
    // (the editor shows it where the weights are chosen; the fixes still edit their own words).
    let span = match (f.code, r.spans.model_name) {
        (mlbn_engine::FindingCode::DoesNotFit, Some(name)) => {
            r.spans.quant.map_or(name, |q| name.cover(q))
        }
        _ => subject_span(r, &f.subject),
    };
    let mut d = Diagnostic::new(
        severity(f.severity),
        f.code.as_str(),
        f.message.clone(),
        span,
    );
    for fix in &f.fixes {
        match fix_edits(r, fix) {
            Some(edits) => d.fixes.push(Fix {
                title: fix.title.clone(),
                effect: fix.effect.clone(),
                edits,
            }),
            // Not expressible in the language (yet): keep it as guidance.
            None => {
                let line = if fix.effect.is_empty() {
                    fix.title.clone()
                } else {
                    format!("{} ({})", fix.title, fix.effect)
                };
                d.help = Some(match d.help.take() {
                    Some(h) => format!("{h}; {line}"),
                    None => line,
                });
            }
        }
    }
    d
}

fn replace(span: Span, text: impl Into<String>) -> Vec<TextEdit> {
    vec![TextEdit {
        span,
        new_text: text.into(),
    }]
}

/// Append a new statement after the scenario's last statement.
fn append(r: &ResolvedScenario, statement: String) -> Option<Vec<TextEdit>> {
    let at = r.spans.last_statement?.end;
    Some(replace(Span::at(at), format!("\n{statement}")))
}

fn strategy_text(s: &StrategyRequest) -> Option<String> {
    Some(match s {
        StrategyRequest::Auto => "auto".into(),
        StrategyRequest::Pipeline => "pipeline".into(),
        StrategyRequest::Tensor => "tensor".into(),
        StrategyRequest::Data => "data".into(),
        StrategyRequest::Expert => "expert".into(),
        StrategyRequest::Sequence => "sequence".into(),
        StrategyRequest::Context => "context".into(),
        StrategyRequest::PhaseSplit => "phase-split".into(),
        StrategyRequest::Hybrid { tp, pp } => format!("tp={tp} pp={pp}"),
        _ => return None,
    })
}

/// A workload option `key=value`: replace the one written, else add it after the model
/// statement, else as its own statement.
fn set_option(
    r: &ResolvedScenario,
    written: Option<Span>,
    key: &str,
    value: String,
) -> Option<Vec<TextEdit>> {
    let text = format!("{key}={value}");
    if let Some(span) = written {
        return Some(replace(span, text));
    }
    if let Some(model) = r.spans.model {
        return Some(replace(Span::at(model.end), format!(" {text}")));
    }
    append(r, text)
}

/// The edits that apply a suggested fix, or `None` when the language cannot express it.
pub fn fix_edits(r: &ResolvedScenario, fix: &SuggestedFix) -> Option<Vec<TextEdit>> {
    match &fix.kind {
        FixKind::UseQuant { quant_id } => {
            if let Some(span) = r.spans.quant {
                Some(replace(span, quant_id.clone()))
            } else if let Some(name) = r.spans.model_name {
                Some(replace(Span::at(name.end), format!(" {quant_id}")))
            } else {
                append(r, format!("{} {quant_id}", r.model.id))
            }
        }
        FixKind::UseKvType { kv_id } => match r.spans.kv {
            Some(span) => Some(replace(span, kv_id.clone())),
            None => set_option(r, None, "kv", kv_id.clone()),
        },
        FixKind::SetDeviceCount { group, count } => {
            let g = r.devices.get(*group)?;
            if let Some(span) = g.spans.count {
                Some(replace(span, format!("{count}x")))
            } else if !g.spans.name.is_empty() {
                Some(replace(Span::at(g.spans.name.start), format!("{count}x ")))
            } else {
                append(r, format!("{count}x {}", g.device.id))
            }
        }
        FixKind::SetContext { tokens: t } => set_option(r, r.spans.ctx, "ctx", tokens(*t)),
        FixKind::SetBatch { batch } => set_option(r, r.spans.batch, "batch", batch.to_string()),
        FixKind::SetStrategy { strategy } => {
            let text = strategy_text(strategy)?;
            match r.spans.strategy {
                Some(span) => Some(replace(span, text)),
                None => append(r, text),
            }
        }
        _ => None,
    }
}

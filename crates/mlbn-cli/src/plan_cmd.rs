//! `mlbn plan <file|text> [--json] [--top N]`: reverse planning. A scenario with a goal
//! (`target decode=30tok/s ttft<2s`) gets a ranked list of configurations; one without gets
//! upgrade advice. `analyze` appends the same text when a scenario has a goal.

use mlbn_engine::plan::{Advice, Plan, PlanReport};
use mlbn_ide::plan::{PlanResult, ScenarioPlan};
use mlbn_ide::units::{ms, num, thousands, tok_s};
use serde_json::{Value, json};
use std::fmt::Write;

fn usd(v: f64) -> String {
    if v >= 100.0 {
        format!("${}", thousands(v.round() as u64))
    } else {
        format!("${v:.2}")
    }
}

fn purchase_line(p: &Plan) -> String {
    match &p.purchase {
        None => "buy nothing: uses only the devices you have".to_string(),
        Some(b) => match b.unit_price_usd {
            Some(unit) => {
                let mut s = if b.count > 1 {
                    format!(
                        "buy {}x {} at {} = {}",
                        b.count,
                        b.device_name,
                        usd(unit),
                        usd(unit * f64::from(b.count))
                    )
                } else {
                    format!("buy {} at {}", b.device_name, usd(unit))
                };
                let src: Vec<&str> = [b.price_source.as_deref(), b.price_date.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if !src.is_empty() {
                    s.push_str(&format!(" ({})", src.join(", ")));
                }
                s
            }
            None => format!(
                "buy {}x {}: no price in the catalog",
                b.count, b.device_name
            ),
        },
    }
}

fn plan_block(out: &mut String, i: usize, p: &Plan) {
    let _ = writeln!(
        out,
        "{}. {} — {} on {}, {}",
        i + 1,
        p.hardware,
        p.quant_name,
        p.runtime_name,
        format!("{:?}", p.strategy).to_ascii_lowercase()
    );
    let _ = writeln!(
        out,
        "   decode {} · prefill {} · TTFT {} · {} ({:.0}% of memory on the fullest device)",
        tok_s(p.decode_tok_s),
        tok_s(p.prefill_tok_s),
        ms(p.ttft_ms),
        if p.fits { "fits" } else { "does not fit" },
        p.max_memory_use * 100.0
    );
    let hw = match p.usd_per_mtok_with_hardware {
        Some(v) => format!(
            ", {}/Mtok with the purchase over {} years",
            usd(v),
            num(mlbn_engine::power::DEFAULT_AMORTISATION_YEARS)
        ),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "   power {} W peak, {} W average · {}/Mtok electricity{hw}",
        num(p.peak_power_w),
        num(p.avg_power_w),
        usd(p.usd_per_mtok)
    );
    let _ = writeln!(out, "   {}", purchase_line(p));
}

fn stats_line(r: &PlanReport) -> String {
    let s = &r.stats;
    format!(
        "searched {} configurations ({} configuration×quant pairs): {} full estimates; pruned {} by memory, {} by the decode bound, {} by the TTFT floor, {} by budget, {} by power, {} that could not make the top; {} of the estimated meet the goal{}",
        s.hardware,
        s.candidates,
        s.estimates,
        s.pruned_memory,
        s.pruned_roofline,
        s.pruned_compute,
        s.pruned_budget,
        s.pruned_power,
        s.pruned_rank,
        s.met,
        if s.met_unpriced > 0 {
            format!(" ({} of them without a catalog price)", s.met_unpriced)
        } else {
            String::new()
        }
    )
}

fn advice_line(a: &Advice) -> String {
    let fit = match (a.fits_before, a.fits_after) {
        (false, true) => ", now fits",
        (false, false) => ", still does not fit",
        _ => "",
    };
    let cost = match a.cost_usd {
        Some(0.0) => format!("free ({})", a.cost_note),
        Some(c) => format!("{} ({})", usd(c), a.cost_note),
        None => format!("cost unknown ({})", a.cost_note),
    };
    format!(
        "{}: {} → {}{fit} (x{:.2}) · {cost}",
        a.title,
        tok_s(a.decode_before_tok_s),
        tok_s(a.decode_after_tok_s),
        a.gain().min(999.0)
    )
}

/// The text for a list of scenario plans.
pub fn render(plans: &[ScenarioPlan], model_names: &[String]) -> String {
    let mut out = String::new();
    for sp in plans {
        if plans.len() > 1 {
            let _ = writeln!(out, "── scenario {} ──", sp.index + 1);
        }
        let model = model_names.get(sp.index).cloned().unwrap_or_default();
        match &sp.result {
            Err(e) => {
                let _ = writeln!(out, "cannot plan: {e}");
            }
            Ok(PlanResult::Plans { spec, report }) => {
                let _ = writeln!(
                    out,
                    "Plan for {model}: {}",
                    mlbn_ide::plan_edit::goal_summary(spec)
                );
                let _ = writeln!(out, "{}", stats_line(report));
                if report.plans.is_empty() {
                    let _ = writeln!(
                        out,
                        "No configuration in the search space meets the goal. Relax a limit, or add `have` devices."
                    );
                }
                for (i, p) in report.plans.iter().enumerate() {
                    out.push('\n');
                    plan_block(&mut out, i, p);
                }
            }
            Ok(PlanResult::Advice {
                decode_tok_s,
                fits,
                hardware,
                advice,
            }) => {
                let _ = writeln!(
                    out,
                    "Upgrade advice for {model} on {hardware}: now {}{}",
                    tok_s(*decode_tok_s),
                    if *fits { "" } else { " (does not fit)" }
                );
                if advice.is_empty() {
                    let _ = writeln!(
                        out,
                        "No single change (a second card, a faster link, more host memory, a smaller quant, another runtime) improves decode."
                    );
                }
                for a in advice {
                    let _ = writeln!(out, "- {}", advice_line(a));
                }
            }
        }
        out.push('\n');
    }
    out
}

/// The JSON value for a list of scenario plans.
pub fn to_json(plans: &[ScenarioPlan]) -> Value {
    let items: Vec<Value> = plans
        .iter()
        .map(|sp| match &sp.result {
            Err(e) => json!({ "scenario": sp.index, "error": e }),
            Ok(PlanResult::Plans { spec, report }) => json!({
                "scenario": sp.index,
                "kind": "plans",
                "goal": report.goal,
                "ctx_tokens": spec.ctx_tokens,
                "have": spec.have.iter().map(|(d, n)| json!({"device_id": d.id, "count": n})).collect::<Vec<_>>(),
                "stats": report.stats,
                "plans": report.plans,
            }),
            Ok(PlanResult::Advice {
                decode_tok_s,
                fits,
                hardware,
                advice,
            }) => json!({
                "scenario": sp.index,
                "kind": "advice",
                "hardware": hardware,
                "decode_tok_s": decode_tok_s,
                "fits": fits,
                "advice": advice,
            }),
        })
        .collect();
    json!({ "scenarios": items })
}

/// Model display names per scenario (for headings).
pub fn model_names(a: &mlbn_ide::Analysis) -> Vec<String> {
    a.scenarios
        .iter()
        .map(|s| match &s.resolved {
            Ok(r) => r.model.name.clone(),
            Err(_) => String::new(),
        })
        .collect()
}

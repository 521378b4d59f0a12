//! `/bottleneck-plan`: reverse planning as Discord embeds. A scenario with a goal gets its
//! ranked plans (configuration, decode / prefill / TTFT, fit, power, $/Mtok, purchase cost
//! with the price's source and date); one with hardware and no goal gets upgrade advice; one
//! with neither is told how to write a goal. Pure: plans in, [`MessageView`] out, clamped by
//! the view to Discord's limits whatever the input.

use crate::report::money;
use crate::view::{EmbedView, FieldView, MessageView, colour, escape_markdown as esc};
use mlbn_engine::plan::{Advice, Plan, PlanReport};
use mlbn_ide::plan::{GoalSpec, PlanResult, ScenarioPlan};
use mlbn_ide::plan_edit::goal_summary;
use mlbn_ide::units::{ms, num, thousands, tok_s};
use mlbn_ide::{Analysis, AnalyzeOptions};

/// Plans shown per goal.
pub const PLANS_SHOWN: usize = 5;
/// Advice lines shown per scenario.
pub const ADVICE_SHOWN: usize = 6;
/// Scenarios planned per command (each search costs up to a few hundred ms); the rest are
/// named in a note.
pub const MAX_PLANNED: usize = 4;

const FOOTER: &str =
    "mlbn plan — estimates from a model, not measurements · prices from the catalog";

/// What one embed is about: the model and the hardware as written (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// `Llama 3 70B`.
    pub model: String,
    /// `2x NVIDIA GeForce RTX 4090`, when the scenario names hardware.
    pub hardware: Option<String>,
}

/// Plan the first [`MAX_PLANNED`] resolved scenarios of `a`: each with its subject.
pub fn plan_analysis(
    cat: &mlbn_catalog::Catalog,
    a: &Analysis,
) -> (Vec<(Subject, ScenarioPlan)>, usize) {
    let opts = AnalyzeOptions::new(cat);
    let resolved: Vec<usize> = (0..a.scenarios.len())
        .filter(|&i| a.scenarios[i].resolved.is_ok())
        .collect();
    let skipped = resolved.len().saturating_sub(MAX_PLANNED);
    let out = resolved
        .into_iter()
        .take(MAX_PLANNED)
        .filter_map(|i| {
            let r = a.scenarios[i].resolved.as_ref().ok()?;
            let subject = Subject {
                model: r.model.name.clone(),
                hardware: r.spans.hardware.map(|_| r.hardware_label()),
            };
            let sp = mlbn_ide::plan_edit::plan_one(a, i, &opts, PLANS_SHOWN)?;
            Some((subject, sp))
        })
        .collect();
    (out, skipped)
}

/// The reply: one embed per planned scenario, clamped to Discord's limits.
pub fn plan_message(items: &[(Subject, ScenarioPlan)], skipped: usize) -> MessageView {
    let mut m = MessageView::default();
    for (subject, sp) in items {
        m.embeds.push(match &sp.result {
            Ok(PlanResult::Plans { spec, report }) => plans_embed(subject, spec, report),
            Ok(PlanResult::Advice {
                decode_tok_s,
                fits,
                hardware,
                advice,
            }) if subject.hardware.is_some() => {
                advice_embed(subject, hardware, *decode_tok_s, *fits, advice)
            }
            Ok(PlanResult::Advice { .. }) => no_goal_embed(subject),
            Err(e) => EmbedView {
                title: format!("Cannot plan {}", esc(&subject.model)),
                description: esc(e),
                colour: colour::FAIL,
                ..Default::default()
            },
        });
    }
    if m.embeds.is_empty() {
        m.embeds.push(EmbedView {
            title: "Nothing to plan".into(),
            description: "The config has no scenario the engine could run.".into(),
            colour: colour::WARN,
            ..Default::default()
        });
    }
    if skipped > 0
        && let Some(last) = m.embeds.last_mut()
    {
        last.footer = format!(
            "{skipped} more scenario(s) not planned: at most {MAX_PLANNED} per command · {}",
            last.footer
        );
    }
    m.clamp();
    m
}

fn plans_embed(subject: &Subject, spec: &GoalSpec, report: &PlanReport) -> EmbedView {
    let s = &report.stats;
    let mut description = format!("**Goal:** {}", esc(&goal_summary(spec)));
    description.push_str(&format!(
        "\nSearched {} configurations: {} estimated in full (the rest ruled out by bounds), {} of them meet the goal.",
        thousands(s.hardware as u64),
        thousands(s.estimates as u64),
        thousands(s.met as u64)
    ));
    if report.plans.is_empty() {
        description.push_str(
            "\n\nNo configuration in the search space meets the goal. Relax a limit, or add \
             the devices you own with `have 2x rtx4090`.",
        );
    } else {
        description.push_str("\nBest first; each uses the best-quality quant that meets the goal.");
    }
    let fields = report
        .plans
        .iter()
        .take(PLANS_SHOWN)
        .enumerate()
        .map(|(i, p)| {
            FieldView::new(
                format!("{}. {}", i + 1, esc(&p.hardware)),
                plan_text(p),
                false,
            )
        })
        .collect();
    EmbedView {
        title: format!("Plans for {}", esc(&subject.model)),
        description,
        colour: if report.plans.is_empty() {
            colour::WARN
        } else {
            colour::FITS
        },
        fields,
        footer: FOOTER.into(),
        image: None,
    }
}

/// One plan as a field value: quant and runtime, the rates, fit and power, the running cost
/// and what to buy.
fn plan_text(p: &Plan) -> String {
    let strategy = format!("{:?}", p.strategy).to_ascii_lowercase();
    let fit = if p.fits {
        format!(
            "✅ fits ({:.0}% of the fullest device)",
            p.max_memory_use * 100.0
        )
    } else {
        "❌ does not fit".to_string()
    };
    let mut cost = format!("${}/Mtok electricity", money(p.usd_per_mtok));
    if let Some(v) = p.usd_per_mtok_with_hardware {
        cost.push_str(&format!(
            " · ${}/Mtok with the purchase over {} years",
            money(v),
            num(mlbn_engine::power::DEFAULT_AMORTISATION_YEARS)
        ));
    }
    format!(
        "**{}** on {} · {}\ndecode **{}** · prefill {} · TTFT {}\n{fit} · ⚡ {} W peak, {} W average\n{cost}\n{}",
        esc(&p.quant_name),
        esc(&p.runtime_name),
        strategy,
        tok_s(p.decode_tok_s),
        tok_s(p.prefill_tok_s),
        ms(p.ttft_ms),
        num(p.peak_power_w),
        num(p.avg_power_w),
        purchase_text(p)
    )
}

/// `💵 2x RTX 3090 at $1,499 = $2,998 (NVIDIA launch MSRP, 2020-09-24)`, or why no price.
fn purchase_text(p: &Plan) -> String {
    let Some(b) = &p.purchase else {
        return "💵 nothing to buy: only the devices you have".into();
    };
    let what = if b.count > 1 {
        format!("{}x {}", b.count, esc(&b.device_name))
    } else {
        esc(&b.device_name)
    };
    let Some(unit) = b.unit_price_usd else {
        return format!("💵 buy {what}: no price known");
    };
    let mut s = if b.count > 1 {
        format!(
            "💵 buy {what} at {} = **{}**",
            usd(unit),
            usd(unit * f64::from(b.count))
        )
    } else {
        format!("💵 buy {what} at **{}**", usd(unit))
    };
    let src: Vec<String> = [b.price_source.as_deref(), b.price_date.as_deref()]
        .into_iter()
        .flatten()
        .map(esc)
        .collect();
    if !src.is_empty() {
        s.push_str(&format!(" ({})", src.join(", ")));
    }
    s
}

fn usd(v: f64) -> String {
    if v.is_finite() && v >= 100.0 {
        format!("${}", thousands(v.round() as u64))
    } else {
        format!("${}", money(v))
    }
}

fn advice_embed(
    subject: &Subject,
    hardware: &str,
    decode_tok_s: f64,
    fits: bool,
    advice: &[Advice],
) -> EmbedView {
    let mut description = format!(
        "Now **{}** decode{}. Cheapest change first.\nAdd a goal (`target decode=30tok/s`) to \
         search the whole catalog instead.",
        tok_s(decode_tok_s),
        if fits { "" } else { ", and it does not fit" }
    );
    if advice.is_empty() {
        description.push_str(
            "\n\nNo single change (a second card, a faster link, more host memory, a smaller \
             quant, another runtime) improves decode.",
        );
    }
    let fields = advice
        .iter()
        .take(ADVICE_SHOWN)
        .map(|a| FieldView::new(esc(&a.title), advice_text(a), false))
        .collect();
    EmbedView {
        title: format!(
            "Upgrade advice: {} on {}",
            esc(&subject.model),
            esc(hardware)
        ),
        description,
        colour: colour::INFO,
        fields,
        footer: FOOTER.into(),
        image: None,
    }
}

fn advice_text(a: &Advice) -> String {
    let fit = match (a.fits_before, a.fits_after) {
        (false, true) => ", now fits ✅",
        (false, false) => ", still does not fit",
        _ => "",
    };
    let cost = match a.cost_usd {
        Some(0.0) => format!("free ({})", esc(&a.cost_note)),
        Some(c) => format!("{} ({})", usd(c), esc(&a.cost_note)),
        None => format!("cost unknown ({})", esc(&a.cost_note)),
    };
    format!(
        "decode {} → **{}** (×{}){fit} · TTFT {} → {}\n💵 {cost}",
        tok_s(a.decode_before_tok_s),
        tok_s(a.decode_after_tok_s),
        num(a.gain().min(999.0)),
        ms(a.ttft_before_ms),
        ms(a.ttft_after_ms)
    )
}

fn no_goal_embed(subject: &Subject) -> EmbedView {
    EmbedView {
        title: format!("What should {} reach?", esc(&subject.model)),
        description: "Add a goal and mlbn searches the catalog for hardware, quant and runtime \
            that meet it, cheapest first, e.g.\n```\nllama3-70b; target decode=30tok/s ttft<2s \
            ctx=32k; budget $6000\n```\nOr name your hardware (`2x rtx4090; llama3-70b q4`) \
            for upgrade advice; `have 1x rtx4090` plans around what you own."
            .into(),
        colour: colour::WARN,
        fields: Vec::new(),
        footer: FOOTER.into(),
        image: None,
    }
}

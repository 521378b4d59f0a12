//! Analyses as Discord messages: the result embed, the compare embed, the error embed, help
//! and catalog answers. Pure: text in, [`MessageView`] out (the picture is added by
//! [`crate::picture`]).

use crate::view::{
    EmbedView, FieldView, MessageView, code_block, colour, escape_markdown as esc, limits,
};
use mlbn_engine::{Bound, Estimate};
use mlbn_ide::units::{gb, ms, num, secs, tok_s, tokens};
use mlbn_ide::{Analysis, ResolvedScenario, ScenarioAnalysis};
use mlbn_syntax::{Diagnostic, Severity};

/// How much the result embed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Headline, memory fit, strategy and the most severe findings.
    #[default]
    Brief,
    /// Everything: every finding with its fixes, runners-up, per-device memory.
    Full,
}

/// The input limit, in characters.
pub const MAX_INPUT_CHARS: usize = 4000;

/// Findings shown in brief mode.
const BRIEF_FINDINGS: usize = 3;

fn bound_label(b: Bound) -> &'static str {
    match b {
        Bound::Compute => "compute",
        Bound::MemoryBandwidth => "memory bandwidth",
        Bound::OffloadLink => "host offload",
        Bound::Network => "the link between devices",
        Bound::Overhead => "runtime overhead",
        _ => "other",
    }
}

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🔴",
        Severity::Warning => "🟡",
        Severity::Info => "🔵",
        Severity::Hint => "💡",
    }
}

/// `Llama 3 70B Q4_K_M on 2x RTX 4090`.
pub fn scenario_title(r: &ResolvedScenario) -> String {
    format!(
        "{} {} on {}",
        r.model.name,
        r.quant.name,
        r.hardware_label()
    )
}

/// Diagnostics that fall inside a scenario.
pub fn diagnostics_of<'a>(a: &'a Analysis, s: &ScenarioAnalysis) -> Vec<&'a Diagnostic> {
    a.diagnostics
        .iter()
        .filter(|d| d.span.start >= s.span.start && d.span.start <= s.span.end)
        .collect()
}

/// Green when it fits cleanly, amber with warnings, red when it does not fit or has errors.
pub fn outcome_colour(e: &Estimate, diags: &[&Diagnostic]) -> u32 {
    if !e.fits || diags.iter().any(|d| d.severity == Severity::Error) {
        colour::FAIL
    } else if diags.iter().any(|d| d.severity == Severity::Warning) {
        colour::WARN
    } else {
        colour::FITS
    }
}

/// `decode 18.2 tok/s · prefill 1,234 tok/s · TTFT 1.50 s`.
pub fn headline(e: &Estimate) -> String {
    format!(
        "decode {} · prefill {} · TTFT {}",
        tok_s(e.decode_tok_s),
        tok_s(e.prefill_tok_s),
        ms(e.ttft_ms)
    )
}

fn memory_lines(r: &ResolvedScenario, e: &Estimate) -> String {
    let mut lines = Vec::new();
    for (gi, g) in r.devices.iter().enumerate() {
        let mems: Vec<_> = e.memory.iter().filter(|m| m.device.group == gi).collect();
        if mems.is_empty() {
            continue;
        }
        let lo = mems
            .iter()
            .map(|m| m.total_gb)
            .fold(f64::INFINITY, f64::min);
        let hi = mems.iter().map(|m| m.total_gb).fold(0.0, f64::max);
        let usable = mems[0].usable_gb;
        let over = mems.iter().map(|m| m.overflow_gb).fold(0.0, f64::max);
        let used = if (hi - lo) < 0.05 {
            gb(hi)
        } else {
            format!("{}–{}", gb(lo), gb(hi))
        };
        let each = if mems.len() > 1 { " each" } else { "" };
        let mark = if over > 0.0 {
            format!("❌ over by {}", gb(over))
        } else {
            "✅".to_string()
        };
        let count = if mems.len() > 1 {
            format!("{}x ", mems.len())
        } else {
            String::new()
        };
        lines.push(format!(
            "{count}{}: {used} of {} usable{each} {mark}",
            esc(&g.device.name),
            gb(usable)
        ));
    }
    if let Some(o) = &e.offload {
        lines.push(format!(
            "offload: {} of {} layers in host memory ({}){}",
            o.layers_on_host,
            o.layers_total,
            gb(o.host_gb),
            if o.host_overflow {
                " — host memory is too small"
            } else {
                ""
            }
        ));
    }
    lines.join("\n")
}

fn strategy_text(r: &ResolvedScenario, e: &Estimate, detail: Detail) -> String {
    let asked = r.strategy.label();
    let mut out = match &e.auto {
        Some(a) => format!("**auto → {}**: {}", esc(&a.winner), esc(&a.reason)),
        None => format!("**{}**: {}", esc(&asked), esc(&e.strategy.summary)),
    };
    if let Some(a) = &e.auto {
        let take = if detail == Detail::Full { 6 } else { 3 };
        let runners: Vec<String> = a
            .candidates
            .iter()
            .filter(|c| c.label != a.winner)
            .take(take)
            .map(|c| match &c.disqualified {
                Some(why) => format!("• ~~{}~~ — {}", esc(&c.label), esc(why)),
                None => format!(
                    "• {}: {} decode, {} prefill",
                    esc(&c.label),
                    tok_s(c.decode_tok_s),
                    tok_s(c.prefill_tok_s)
                ),
            })
            .collect();
        if !runners.is_empty() {
            out.push_str("\nrunners-up:\n");
            out.push_str(&runners.join("\n"));
        }
    }
    out
}

fn finding_text(d: &Diagnostic, detail: Detail) -> String {
    let mut s = format!("{} {}", severity_mark(d.severity), esc(&d.message));
    let fixes: Vec<_> = if detail == Detail::Full {
        d.fixes.iter().collect()
    } else {
        d.fixes.iter().take(1).collect()
    };
    for f in fixes {
        if f.effect.is_empty() {
            s.push_str(&format!("\n  → fix: {}", esc(&f.title)));
        } else {
            s.push_str(&format!(
                "\n  → fix: {} ({})",
                esc(&f.title),
                esc(&f.effect)
            ));
        }
    }
    if d.fixes.is_empty()
        && let Some(h) = &d.help
    {
        s.push_str(&format!("\n  → {}", esc(h)));
    }
    s
}

/// Lines packed into field values of at most 1024 characters each.
fn pack(lines: &[String], max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for l in lines {
        let l = crate::view::truncate(l, max);
        if !cur.is_empty() && crate::view::units(&cur) + 1 + crate::view::units(&l) > max {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(&l);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Power draw, energy cost per day and per million tokens.
fn power_text(e: &Estimate) -> String {
    let p = &e.power;
    let mut s = format!(
        "{} W average ({} W prefill, {} W decode)\n${}/day at ${}/kWh, {} h/day\n${}/Mtok decode (electricity)",
        num(p.avg_w),
        num(p.prefill_w),
        num(p.decode_w),
        money(p.usd_per_day),
        num(p.usd_per_kwh),
        num(p.hours_per_day),
        money(p.decode.usd_per_mtok)
    );
    if let Some(hw) = p.decode.usd_per_mtok_with_hardware {
        s.push_str(&format!(", ${} with hardware", money(hw)));
    }
    s
}

/// `$` amounts without the sign: `1234`, `12.50`, `0.412`.
pub(crate) fn money(v: f64) -> String {
    if !v.is_finite() {
        "n/a".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The nearest measured benchmark run, if one is close enough.
fn reference_text(
    cat: &mlbn_catalog::Catalog,
    r: &ResolvedScenario,
    e: &Estimate,
) -> Option<String> {
    let s = mlbn_ide::engine_scenario(cat, r);
    let re = mlbn_ide::references::find_reference(&s, e)?;
    Some(format!(
        "{}\n<{}>",
        esc(&re.summary()),
        re.source_url.replace('>', "%3E")
    ))
}

/// The result embed for one resolved scenario.
pub fn scenario_embed(
    cat: &mlbn_catalog::Catalog,
    a: &Analysis,
    s: &ScenarioAnalysis,
    r: &ResolvedScenario,
    e: &Estimate,
    detail: Detail,
) -> EmbedView {
    let diags = diagnostics_of(a, s);
    let mut description = format!("**{}**", headline(e));
    description.push_str(&format!(
        "\ndecode bound by {} · prefill bound by {}",
        bound_label(e.decode_bound),
        bound_label(e.prefill_bound)
    ));
    description.push_str(&format!(
        "\n{} · prompt {} · gen {} · batch {} · total {}",
        esc(&r.runtime.name),
        tokens(r.workload.prompt_tokens),
        tokens(r.workload.gen_tokens),
        r.workload.batch,
        secs(e.total_s)
    ));
    if e.batch.batch > 1 {
        description.push_str(&format!(
            "\nbatch {}: {} per stream, {} aggregate",
            e.batch.batch,
            tok_s(e.batch.per_stream_decode_tok_s),
            tok_s(e.batch.aggregate_decode_tok_s)
        ));
    }
    let source = a.text[s.span.start.min(a.text.len())..s.span.end.min(a.text.len())].trim();
    if detail == Detail::Full && !source.is_empty() {
        description.push('\n');
        description.push_str(&code_block("", source, 1500));
    }

    let mut fields = Vec::new();
    let fit = if e.fits { "fits" } else { "does not fit" };
    fields.push(FieldView::new(
        format!("Memory — {fit}"),
        memory_lines(r, e),
        false,
    ));
    fields.push(FieldView::new(
        "Strategy",
        strategy_text(r, e, detail),
        false,
    ));
    fields.push(FieldView::new("Power & cost", power_text(e), false));
    if let Some(re) = reference_text(cat, r, e) {
        fields.push(FieldView::new("Nearest measured run", re, false));
    }

    let mut sorted: Vec<&Diagnostic> = diags.clone();
    sorted.sort_by_key(|d| std::cmp::Reverse(severity_rank(d.severity)));
    let shown: Vec<&&Diagnostic> = match detail {
        Detail::Full => sorted.iter().collect(),
        Detail::Brief => sorted.iter().take(BRIEF_FINDINGS).collect(),
    };
    let lines: Vec<String> = shown.iter().map(|d| finding_text(d, detail)).collect();
    let more = sorted.len() - shown.len();
    let packed = pack(&lines, limits::FIELD_VALUE);
    let n = packed.len();
    for (i, v) in packed.into_iter().enumerate() {
        let name = if i == 0 {
            format!("Findings ({})", sorted.len())
        } else {
            "Findings (cont.)".to_string()
        };
        let v = if i + 1 == n && more > 0 {
            format!("{v}\n… {more} more: use `detail:full`")
        } else {
            v
        };
        fields.push(FieldView::new(name, v, false));
    }
    if sorted.is_empty() {
        fields.push(FieldView::new("Findings", "none — looks good ✅", false));
    }

    EmbedView {
        title: esc(&scenario_title(r)),
        description,
        colour: outcome_colour(e, &diags),
        fields,
        footer: "mlbn estimate — a model, not a measurement".into(),
        image: None,
    }
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 3,
        Severity::Warning => 2,
        Severity::Info => 1,
        Severity::Hint => 0,
    }
}

/// The resolved scenarios with estimates, in order.
pub fn resolved(a: &Analysis) -> Vec<(&ScenarioAnalysis, &ResolvedScenario, &Estimate)> {
    a.scenarios
        .iter()
        .filter_map(|s| match (&s.resolved, &s.estimate) {
            (Ok(r), Some(e)) => Some((s, r, e)),
            _ => None,
        })
        .collect()
}

/// The error embed: each of `errors` (of the text of `a`) as a snippet with a caret under the
/// problem, the message and the did-you-mean, in a code block; ephemeral; no picture.
/// `command` is the slash command to run again.
pub fn error_message(
    a: &Analysis,
    errors: &[Diagnostic],
    label: &str,
    command: &str,
) -> MessageView {
    let n = errors.len();
    let snippet = mlbn_render::render_diagnostics(
        label,
        &a.text,
        errors,
        &mlbn_render::SnippetOptions { color: false },
    );
    let mut description = code_block("", &snippet, limits::DESCRIPTION);
    description.push('\n');
    let fixes: Vec<String> = errors
        .iter()
        .filter_map(|d| d.help.as_ref())
        .take(5)
        .map(|h| format!("💡 {}", esc(h)))
        .collect();
    let footer = if fixes.is_empty() {
        format!("Fix the config and run /{command} again. /bottleneck-help shows examples.")
    } else {
        format!("Fix the config and run /{command} again.")
    };
    let fields = if fixes.is_empty() {
        Vec::new()
    } else {
        vec![FieldView::new("Did you mean", fixes.join("\n"), false)]
    };
    MessageView::embed(EmbedView {
        title: format!(
            "{} in your config",
            if n == 1 {
                "1 error".to_string()
            } else {
                format!("{n} errors")
            }
        ),
        description,
        colour: colour::FAIL,
        fields,
        footer,
        image: None,
    })
    .ephemeral()
}

/// A polite ephemeral notice (cooldown, input too long, timeout).
pub fn notice(title: &str, text: &str, colour: u32) -> MessageView {
    MessageView::embed(EmbedView {
        title: title.into(),
        description: text.into(),
        colour,
        ..Default::default()
    })
    .ephemeral()
}

/// The answer to input over [`MAX_INPUT_CHARS`].
pub fn too_long(chars: usize) -> MessageView {
    notice(
        "That config is too long",
        &format!(
            "It has {chars} characters; the limit is {MAX_INPUT_CHARS}. Drop comments or \
             compare fewer scenarios at once."
        ),
        colour::WARN,
    )
}

/// Side by side: the headline figures of two scenarios and which wins by how much.
pub fn compare_embed(
    a: (&ResolvedScenario, &Estimate, u32),
    b: (&ResolvedScenario, &Estimate, u32),
) -> EmbedView {
    let (ra, ea, ca) = a;
    let (rb, eb, cb) = b;
    let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::INFINITY };
    // Higher is better for rates, lower for TTFT.
    let verdict = |what: &str, x: f64, y: f64, higher_better: bool| -> String {
        let (win, r) = if (x >= y) == higher_better {
            (
                "A",
                if higher_better {
                    ratio(x, y)
                } else {
                    ratio(y, x)
                },
            )
        } else {
            (
                "B",
                if higher_better {
                    ratio(y, x)
                } else {
                    ratio(x, y)
                },
            )
        };
        if !r.is_finite() {
            format!("{what}: only {win} runs")
        } else if (r - 1.0).abs() < 0.02 {
            format!("{what}: a tie")
        } else {
            format!("{what}: **{win}** by {}x", num(r))
        }
    };
    let fit = |e: &Estimate| {
        if e.fits {
            "fits ✅"
        } else {
            "does not fit ❌"
        }
    };
    let mut fields = Vec::new();
    for (label, va, vb) in [
        ("Decode", tok_s(ea.decode_tok_s), tok_s(eb.decode_tok_s)),
        ("Prefill", tok_s(ea.prefill_tok_s), tok_s(eb.prefill_tok_s)),
        ("TTFT", ms(ea.ttft_ms), ms(eb.ttft_ms)),
        ("Memory", fit(ea).to_string(), fit(eb).to_string()),
        (
            "$/Mtok",
            format!("${}", money(ea.power.decode.usd_per_mtok)),
            format!("${}", money(eb.power.decode.usd_per_mtok)),
        ),
        (
            "Strategy",
            esc(&strategy_label(ea)),
            esc(&strategy_label(eb)),
        ),
    ] {
        fields.push(FieldView::new(format!("{label} · A"), va, true));
        fields.push(FieldView::new(format!("{label} · B"), vb, true));
        fields.push(FieldView::new("\u{200B}", "\u{200B}", true));
    }
    let mut lines = vec![
        verdict("decode", ea.decode_tok_s, eb.decode_tok_s, true),
        verdict("prefill", ea.prefill_tok_s, eb.prefill_tok_s, true),
        verdict("TTFT", ea.ttft_ms, eb.ttft_ms, false),
    ];
    if ea.fits != eb.fits {
        lines.push(format!(
            "only **{}** fits in memory",
            if ea.fits { "A" } else { "B" }
        ));
    }
    let colour = if ca == colour::FAIL && cb == colour::FAIL {
        colour::FAIL
    } else if ca == colour::FITS || cb == colour::FITS {
        colour::FITS
    } else {
        colour::WARN
    };
    EmbedView {
        title: format!(
            "{} vs {}",
            esc(&scenario_title(ra)),
            esc(&scenario_title(rb))
        ),
        description: format!(
            "**A** {}\n**B** {}\n\n{}",
            esc(&scenario_title(ra)),
            esc(&scenario_title(rb)),
            lines.join("\n")
        ),
        colour,
        fields,
        footer: "mlbn estimate — a model, not a measurement".into(),
        image: None,
    }
}

fn strategy_label(e: &Estimate) -> String {
    match &e.auto {
        Some(a) => format!("auto → {}", a.winner),
        None => e.strategy.summary.clone(),
    }
}

/// `/bottleneck-help`: the language in five examples.
pub fn help_message() -> MessageView {
    const EXAMPLES: [(&str, &str); 5] = [
        ("One GPU", "rtx4090; llama3-8b q4"),
        (
            "Two GPUs, let AUTO pick the split",
            "2x rtx4090 nvlink; llama3-70b q4; auto",
        ),
        (
            "A workload and a power price",
            "m3-ultra-512; llama3-70b q4_k_m prompt=8k gen=512\npower $0.15/kWh 8h/day",
        ),
        (
            "Mixed devices, phase split",
            "dgx-spark + mac-m3-ultra-512 over 10gbe\nllama3-8b fp16 prompt=8k\nphase-split",
        ),
        (
            "A device the catalog lacks",
            "device lab-box { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }\n4x lab-box pcie4\nllama3-70b q4; tp=2 pp=2",
        ),
    ];
    let fields = EXAMPLES
        .iter()
        .map(|(name, code)| FieldView::new(*name, code_block("", code, 1000), false))
        .collect();
    MessageView::embed(EmbedView {
        title: "mlbn: will this LLM run on this hardware?".into(),
        description: "Write devices, a model and a strategy, separated by `;` or new lines. \
            Names are forgiving (`4090`, `RTX 4090`), units are as people write them \
            (`24GB`, `8k`, `$0.15/kWh`). Put `---` between two scenarios, or use \
            `compare:`, to compare them. Right-click a message → Apps → **Analyze with mlbn** \
            to analyse a ```mlbn block."
            .into(),
        colour: colour::INFO,
        fields,
        footer: "/bottleneck-catalog query:<name> searches devices, models and quants".into(),
        image: None,
    })
    .ephemeral()
}

/// `/bottleneck-catalog query:`: matching devices, models, quants, runtimes and links.
pub fn catalog_message(cat: &mlbn_catalog::Catalog, query: &str) -> MessageView {
    let q = mlbn_catalog::normalize(query);
    // The rows of one table whose id, name or an alias contains the query.
    fn rows<T>(
        q: &str,
        items: &[T],
        names: impl Fn(&T) -> Vec<&str>,
        row: impl Fn(&T) -> String,
    ) -> Vec<String> {
        items
            .iter()
            .filter(|x| {
                q.is_empty()
                    || names(x)
                        .iter()
                        .any(|n| mlbn_catalog::normalize(n).contains(q))
            })
            .map(row)
            .collect()
    }
    fn with_aliases<'a>(id: &'a str, name: &'a str, aliases: &'a [String]) -> Vec<&'a str> {
        let mut v = vec![id, name];
        v.extend(aliases.iter().map(String::as_str));
        v
    }
    const PER_TABLE: usize = 10;
    let mut fields = Vec::new();
    let mut table = |title: &str, rows: Vec<String>| {
        if rows.is_empty() {
            return;
        }
        let n = rows.len();
        let mut shown: Vec<String> = rows.into_iter().take(PER_TABLE).collect();
        if n > PER_TABLE {
            shown.push(format!("… {} more", n - PER_TABLE));
        }
        fields.push(FieldView::new(
            format!("{title} ({n})"),
            shown.join("\n"),
            false,
        ));
    };
    table(
        "Devices",
        rows(
            &q,
            &cat.devices,
            |d| with_aliases(&d.id, &d.name, &d.aliases),
            |d| {
                format!(
                    "`{}` {} — {}, {} GB/s",
                    d.id,
                    esc(&d.name),
                    gb(d.mem_gb),
                    num(d.bw_gbps)
                )
            },
        ),
    );
    table(
        "Models",
        rows(
            &q,
            &cat.models,
            |m| {
                let mut v = with_aliases(&m.id, &m.name, &m.aliases);
                v.push(&m.hf_id);
                v
            },
            |m| format!("`{}` {} — {}B params", m.id, esc(&m.name), num(m.params_b)),
        ),
    );
    table(
        "Quants",
        rows(
            &q,
            &cat.quants,
            |x| with_aliases(&x.id, &x.name, &x.aliases),
            |x| {
                format!(
                    "`{}` {} — {} bits/weight",
                    x.id,
                    esc(&x.name),
                    num(x.bits_per_weight)
                )
            },
        ),
    );
    table(
        "Runtimes",
        rows(
            &q,
            &cat.runtimes,
            |x| with_aliases(&x.id, &x.name, &x.aliases),
            |x| format!("`{}` {}", x.id, esc(&x.name)),
        ),
    );
    table(
        "Links",
        rows(
            &q,
            &cat.links,
            |x| with_aliases(&x.id, &x.name, &x.aliases),
            |x| format!("`{}` {} — {} GB/s", x.id, esc(&x.name), num(x.bw_gbps)),
        ),
    );
    let found = !fields.is_empty();
    MessageView::embed(EmbedView {
        title: if query.trim().is_empty() {
            "Catalog".into()
        } else {
            format!("Catalog: “{}”", esc(query.trim()))
        },
        description: if found {
            "Use these names in `/bottleneck config:`.".into()
        } else {
            format!("Nothing matches “{}”.", esc(query.trim()))
        },
        colour: if found { colour::INFO } else { colour::WARN },
        fields,
        footer: String::new(),
        image: None,
    })
    .ephemeral()
}

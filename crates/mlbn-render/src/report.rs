//! Text and Markdown reports of an [`Analysis`].
//!
//! Both show, per scenario: the scenario as resolved (defaulted values marked), memory per
//! device and fit, prefill / decode / TTFT / total, what binds and the per-token breakdown, and
//! the findings with their fixes. Figures carry their units; nothing is invented where the
//! engine gave no figure.

use mlbn_engine::{Bound, Estimate};
use mlbn_ide::units::{gb, ms, num, pct, secs, tok_s, tokens};
use mlbn_ide::{Analysis, ResolvedScenario, ScenarioAnalysis};
use mlbn_syntax::{Diagnostic, Severity};

#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Emit ANSI colour codes (text report only).
    pub color: bool,
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn head(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn sev(&self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info | Severity::Hint => "1;36",
        };
        self.wrap(code, s)
    }
    fn good(&self, s: &str) -> String {
        self.wrap("1;32", s)
    }
    fn bad(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
}

fn bound_label(b: Bound) -> &'static str {
    match b {
        Bound::Compute => "compute",
        Bound::MemoryBandwidth => "memory bandwidth",
        Bound::OffloadLink => "offload (host memory / link)",
        Bound::Network => "network between devices",
        Bound::Overhead => "runtime overhead",
        _ => "other",
    }
}

/// Rows of `label  value  note`, with the label column aligned.
fn rows(out: &mut String, rows: &[(String, String)]) {
    let w = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (l, v) in rows {
        let pad = w - l.chars().count();
        out.push_str(&format!("  {l}{}  {v}\n", " ".repeat(pad)));
    }
}

/// A table with right-aligned numeric columns (all but the first).
fn table(out: &mut String, header: &[&str], body: &[Vec<String>]) {
    let cols = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in body {
        for (i, c) in r.iter().enumerate().take(cols) {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::from(" ");
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(w[i] - c.chars().count());
            if i == 0 {
                s.push_str(&format!(" {c}{pad}"));
            } else {
                s.push_str(&format!("  {pad}{c}"));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(header.iter().map(|h| h.to_string()).collect()));
    for r in body {
        out.push_str(&line(r.clone()));
    }
}

/// What the scenario resolved to: one `(label, value)` row per field, defaults marked.
pub fn scenario_rows(r: &ResolvedScenario) -> Vec<(String, String)> {
    let mark = |field: &str| {
        if r.is_defaulted(field) {
            "  (default)".to_string()
        } else {
            String::new()
        }
    };
    let mut out = Vec::new();
    for (i, g) in r.devices.iter().enumerate() {
        let d = &g.device;
        let label = if i == 0 { "hardware" } else { "" };
        let link = g
            .link
            .as_ref()
            .map(|l| format!(", link {}", l.id))
            .unwrap_or_default();
        let custom = if g.custom {
            ", defined in the file"
        } else {
            ""
        };
        out.push((
            label.to_string(),
            format!(
                "{}x {} ({} GB, {} GB/s, {} TFLOPS fp16{link}{custom}){}",
                g.count,
                d.name,
                num(d.mem_gb),
                num(d.bw_gbps),
                num(d.fp16_tflops),
                if i == 0 {
                    mark("hardware")
                } else {
                    String::new()
                }
            ),
        ));
    }
    if let Some(l) = &r.over {
        out.push((
            "link".into(),
            format!(
                "{} ({} GB/s, {} µs)",
                l.name,
                num(l.bw_gbps),
                num(l.latency_us)
            ),
        ));
    }
    let m = &r.model;
    let active = if (m.active_params_b - m.params_b).abs() > 1e-9 {
        format!(", {}B active", num(m.active_params_b))
    } else {
        String::new()
    };
    let from = r
        .model_file
        .as_ref()
        .map(|f| format!(", from {f}"))
        .unwrap_or_default();
    out.push((
        "model".into(),
        format!(
            "{} ({}B params{active}, {} layers, {} context{from}){}",
            m.name,
            num(m.params_b),
            m.layers,
            tokens(u64::from(m.max_ctx)),
            mark("model")
        ),
    ));
    out.push((
        "quant".into(),
        format!(
            "{} ({} bits/weight){}",
            r.quant.name,
            num(r.quant.bits_per_weight),
            mark("quant")
        ),
    ));
    out.push(("kv cache".into(), format!("{}{}", r.kv.id, mark("kv"))));
    out.push((
        "runtime".into(),
        format!("{}{}", r.runtime.name, mark("runtime")),
    ));
    out.push((
        "strategy".into(),
        format!("{}{}", r.strategy.label(), mark("strategy")),
    ));
    let w = &r.workload;
    let wd: Vec<&str> = ["prompt", "gen", "batch"]
        .into_iter()
        .filter(|f| r.is_defaulted(f))
        .collect();
    let ctx = w
        .ctx_tokens
        .map(|c| format!(" · ctx {}", tokens(c)))
        .unwrap_or_default();
    out.push((
        "workload".into(),
        format!(
            "prompt {} · gen {} · batch {}{ctx}{}",
            tokens(w.prompt_tokens),
            tokens(w.gen_tokens),
            w.batch,
            if wd.is_empty() {
                String::new()
            } else {
                format!("  (default: {})", wd.join(", "))
            }
        ),
    ));
    if let Some(h) = &r.host {
        let mut parts = Vec::new();
        if let Some(k) = &h.kind {
            parts.push(k.to_uppercase());
        }
        if let Some(g) = h.mem_gb {
            parts.push(format!("{} GB", num(g)));
        }
        if let Some(b) = h.bw_gbps {
            parts.push(format!("{} GB/s", num(b)));
        }
        out.push(("host".into(), parts.join(" · ")));
    }
    out.push((
        "electricity".into(),
        format!(
            "${}/kWh · {} h/day{}",
            num(r.power.usd_per_kwh),
            num(r.power.hours_per_day),
            mark("power")
        ),
    ));
    if let Some(p) = r.price_usd {
        let years = r
            .years
            .map(|y| format!(" over {} years", num(y)))
            .unwrap_or_default();
        out.push(("hardware price".into(), format!("${}{years}", num(p))));
    }
    if let Some(o) = &r.optimize {
        out.push(("optimize".into(), o.clone()));
    }
    out
}

fn scenario_title(i: usize, n: usize, r: &ResolvedScenario) -> String {
    let q = &r.quant.name;
    let head = format!("{} {q} on {}", r.model.name, r.hardware_label());
    if n > 1 {
        format!("Scenario {}: {head}", i + 1)
    } else {
        head
    }
}

/// Title of a picture of the scenario: "Llama 3 70B Q4_K_M on 2x RTX 4090".
pub fn picture_title(r: &ResolvedScenario) -> String {
    scenario_title(0, 1, r)
}

/// Headline numbers under a picture's title: "tensor · 18.2 tok/s decode · TTFT 1.5 s · 780 W".
pub fn picture_headline(r: &ResolvedScenario, e: &Estimate) -> String {
    let strategy = match &e.auto {
        Some(a) => format!("auto → {}", a.winner),
        None => r.strategy.label(),
    };
    format!(
        "{strategy} · {} decode · TTFT {} · {}{}",
        tok_s(e.decode_tok_s),
        ms(e.ttft_ms),
        watts(e.power.decode_w),
        if e.fits { "" } else { " · does not fit" }
    )
}

fn findings_of<'a>(a: &'a Analysis, s: &ScenarioAnalysis) -> Vec<&'a Diagnostic> {
    a.diagnostics
        .iter()
        .filter(|d| d.span.start >= s.span.start && d.span.start <= s.span.end)
        .collect()
}

/// The readable report `mlbn analyze` prints.
pub fn text_report(a: &Analysis, opts: &ReportOptions) -> String {
    let p = Paint(opts.color);
    let mut out = String::new();
    let n = a.scenarios.len();
    for (i, s) in a.scenarios.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let r = match &s.resolved {
            Ok(r) => r,
            Err(why) => {
                out.push_str(&p.head(&format!("Scenario {}: not analysed", i + 1)));
                out.push_str(&format!(": {why}\n"));
                continue;
            }
        };
        out.push_str(&p.head(&scenario_title(i, n, r)));
        out.push('\n');
        rows(&mut out, &scenario_rows(r));
        match &s.estimate {
            Some(e) => estimate_text(&mut out, &p, r, e),
            None => out.push_str("\n  estimates are not available for this scenario\n"),
        }
        if let Some(rf) = &s.reference {
            out.push('\n');
            out.push_str(&format!("  {}\n", rf.summary()));
        }
        let findings = findings_of(a, s);
        if !findings.is_empty() {
            out.push('\n');
            out.push_str(&p.head("Findings"));
            out.push('\n');
            for f in findings {
                out.push_str(&format!(
                    "  {} {}\n",
                    p.sev(f.severity, &format!("{}[{}]", f.severity.as_str(), f.code)),
                    f.message
                ));
                if let Some(h) = &f.help {
                    out.push_str(&format!("      {}\n", p.dim(&format!("help: {h}"))));
                }
                for fix in &f.fixes {
                    let effect = if fix.effect.is_empty() {
                        String::new()
                    } else {
                        format!(" → {}", fix.effect)
                    };
                    out.push_str(&format!("      fix: {}{effect}\n", fix.title));
                }
            }
        }
    }
    out
}

/// A device's memory row after its name: weights, KV, buffers, total, usable, free or over,
/// layers (the text and Markdown tables share it).
fn memory_cells(m: &mlbn_engine::DeviceMemory) -> [String; 7] {
    let state = if m.overflow_gb > 0.0 {
        format!("over {}", gb(m.overflow_gb))
    } else {
        format!("free {}", gb(m.free_gb))
    };
    [
        gb(m.weights_gb),
        gb(m.kv_gb),
        gb(m.activations_gb + m.overhead_gb),
        gb(m.total_gb),
        gb(m.usable_gb),
        state,
        m.layers.to_string(),
    ]
}

fn estimate_text(out: &mut String, p: &Paint, r: &ResolvedScenario, e: &Estimate) {
    out.push('\n');
    out.push_str(&p.head("Memory"));
    let fit = if e.fits {
        p.good("fits")
    } else {
        p.bad("does not fit")
    };
    out.push_str(&format!(" — {fit}\n"));
    let body: Vec<Vec<String>> = e
        .memory
        .iter()
        .map(|m| {
            let mut row = vec![crate::device_label(r, m.device, &m.device_id)];
            row.extend(memory_cells(m));
            row
        })
        .collect();
    table(
        out,
        &[
            "device", "weights", "kv", "buffers", "total", "usable", "", "layers",
        ],
        &body,
    );
    if let Some(o) = &e.offload {
        out.push_str(&format!(
            "  offload: {} of {} layers on the devices, {} in host memory ({} of {} GB){}\n",
            o.layers_on_devices,
            o.layers_total,
            o.layers_on_host,
            gb(o.host_gb),
            num(o.host_mem_gb),
            if o.host_overflow {
                " — host memory is too small"
            } else {
                ""
            }
        ));
    }
    out.push('\n');
    out.push_str(&p.head("Speed"));
    out.push('\n');
    let w = &r.workload;
    let mut speed = vec![
        (
            "prefill".to_string(),
            format!(
                "{}  ({} bound, {} prompt)",
                tok_s(e.prefill_tok_s),
                bound_label(e.prefill_bound),
                tokens(w.prompt_tokens)
            ),
        ),
        (
            "decode".to_string(),
            format!(
                "{}  ({} bound, at {} context; {} average over the generation)",
                tok_s(e.decode_tok_s),
                bound_label(e.decode_bound),
                tokens(e.model.decode_ctx_tokens),
                tok_s(e.gen_avg_decode_tok_s)
            ),
        ),
        ("TTFT".to_string(), ms(e.ttft_ms)),
        (
            "total".to_string(),
            format!(
                "{}  (prompt {} + {} generated tokens, one stream)",
                secs(e.total_s),
                tokens(w.prompt_tokens),
                tokens(w.gen_tokens)
            ),
        ),
    ];
    if e.batch.batch > 1 {
        speed.push((
            "batch".to_string(),
            format!(
                "{} streams: {} each, {} aggregate ({} bound)",
                e.batch.batch,
                tok_s(e.batch.per_stream_decode_tok_s),
                tok_s(e.batch.aggregate_decode_tok_s),
                bound_label(e.batch.bound)
            ),
        ));
    }
    speed.push(("strategy".to_string(), e.strategy.summary.clone()));
    rows(out, &speed);
    out.push('\n');
    out.push_str(&p.head("Decode step"));
    out.push_str(&format!(" — {} per token\n", ms(e.decode.total_ms)));
    let t = e.decode.total_ms.max(1e-12);
    let parts = [
        ("weight reads", e.decode.weights_ms),
        ("KV reads", e.decode.kv_ms),
        ("compute (not hidden)", e.decode.compute_ms),
        ("link", e.decode.link_ms),
        ("host offload", e.decode.offload_ms),
        ("runtime overhead", e.decode.overhead_ms),
    ];
    let body: Vec<Vec<String>> = parts
        .iter()
        // The four parts every device has are always listed (so the table's shape does not
        // depend on calibration); link and offload only where they exist.
        .filter(|(l, v)| *v > 0.0 || !matches!(*l, "link" | "host offload"))
        .map(|(l, v)| vec![l.to_string(), ms(*v), pct(v / t)])
        .collect();
    table(out, &["part", "time", "share"], &body);
    if let Some(a) = &e.auto {
        out.push('\n');
        out.push_str(&p.head("AUTO"));
        out.push_str(&format!(" — {}\n", a.reason));
        table(out, &AUTO_HEADER, &auto_rows(a));
        let ruled_out = auto_out(a);
        if !ruled_out.is_empty() {
            out.push_str("  ruled out:\n");
            for (l, why) in ruled_out {
                out.push_str(&format!("    {l}: {why}\n"));
            }
        }
    }
    if let Some(ps) = &e.phase_split {
        out.push('\n');
        out.push_str(&p.head("Phase split"));
        out.push('\n');
        rows(out, &phase_rows(r, ps));
    }
    out.push('\n');
    out.push_str(&p.head("Power & cost"));
    out.push('\n');
    rows(out, &power_rows(r, e));
}

fn usd(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("${v:.0}")
    } else if v.abs() >= 0.1 {
        format!("${v:.2}")
    } else {
        format!("${v:.3}")
    }
}

fn watts(v: f64) -> String {
    format!("{v:.0} W")
}

/// The "Power & cost" rows: system draw, running cost, energy and cost per token.
pub fn power_rows(r: &ResolvedScenario, e: &Estimate) -> Vec<(String, String)> {
    let pw = &e.power;
    let mut out = vec![(
        "system".to_string(),
        format!(
            "{} prefill · {} decode · {} time-weighted average (idle {}, TDP {})",
            watts(pw.prefill_w),
            watts(pw.decode_w),
            watts(pw.avg_w),
            watts(pw.idle_w),
            watts(pw.tdp_w)
        ),
    )];
    if pw.devices.len() > 1 {
        for d in &pw.devices {
            let name = crate::device_label(r, d.device, &d.device_id);
            out.push((
                String::new(),
                format!(
                    "{name}: {} prefill · {} decode{}",
                    watts(d.prefill_w),
                    watts(d.decode_w),
                    if d.assumed_power {
                        " (power assumed)"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    out.push((
        "running cost".to_string(),
        format!(
            "{}/day · {}/month · {}/year  ({} kWh/day at ${}/kWh, {} h/day)",
            usd(pw.usd_per_day),
            usd(pw.usd_per_month),
            usd(pw.usd_per_year),
            num(pw.kwh_per_day),
            num(pw.usd_per_kwh),
            num(pw.hours_per_day)
        ),
    ));
    let econ = |t: &mlbn_engine::power::TokenEconomics| {
        let hw = t
            .usd_per_mtok_with_hardware
            .map(|h| format!(", {}/Mtok with hardware", usd(h)))
            .unwrap_or_default();
        format!(
            "{} J/token · {} tokens/kWh · {}/Mtok electricity{hw}",
            num(t.j_per_token),
            num(t.tokens_per_kwh),
            usd(t.usd_per_mtok)
        )
    };
    out.push(("decode".to_string(), econ(&pw.decode)));
    out.push(("workload".to_string(), econ(&pw.workload)));
    if let Some(h) = &pw.hardware {
        out.push((
            "hardware".to_string(),
            format!(
                "{}{} over {} years ({}/hour)",
                usd(h.price_usd),
                if h.from_catalog {
                    " (catalog prices)"
                } else {
                    ""
                },
                num(h.amortisation_years),
                usd(h.usd_per_hour)
            ),
        ));
    }
    out
}

/// AUTO's valid candidates by rank: `[label, decode, system decode, prefill, TTFT, rank]`.
fn auto_rows(a: &mlbn_engine::parallel::AutoReport) -> Vec<Vec<String>> {
    a.candidates
        .iter()
        .filter(|c| c.disqualified.is_none())
        .map(|c| {
            vec![
                c.label.clone(),
                tok_s(c.decode_tok_s),
                tok_s(c.system_decode_tok_s),
                tok_s(c.prefill_tok_s),
                ms(c.ttft_ms),
                match c.rank {
                    Some(1) => "winner".to_string(),
                    Some(n) => format!("#{n}"),
                    None => String::new(),
                },
            ]
        })
        .collect()
}

/// AUTO's ruled-out candidates: `(label, why)`.
fn auto_out(a: &mlbn_engine::parallel::AutoReport) -> Vec<(String, String)> {
    a.candidates
        .iter()
        .filter_map(|c| Some((c.label.clone(), c.disqualified.clone()?)))
        .collect()
}

const AUTO_HEADER: [&str; 6] = ["candidate", "decode", "system", "prefill", "TTFT", ""];

fn device_names(r: &ResolvedScenario, refs: &[mlbn_engine::estimate::DeviceRef]) -> String {
    let mut names: Vec<String> = Vec::new();
    for d in refs {
        if let Some(g) = r.devices.get(d.group) {
            let n = g.device.name.clone();
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names.join(" + ")
}

/// The phase-split rows: who does which phase, rates, TTFT and total against one device.
fn phase_rows(
    r: &ResolvedScenario,
    p: &mlbn_engine::parallel::PhaseSplitReport,
) -> Vec<(String, String)> {
    vec![
        (
            "prefill on".to_string(),
            format!(
                "{}  ({})",
                device_names(r, &p.prefill_devices),
                tok_s(p.prefill_tok_s)
            ),
        ),
        (
            "decode on".to_string(),
            format!(
                "{}  ({})",
                device_names(r, &p.decode_devices),
                tok_s(p.decode_tok_s)
            ),
        ),
        (
            "KV transfer".to_string(),
            format!(
                "{} over {} in {}{}",
                gb(p.kv_transfer_gb),
                p.link_id,
                ms(p.kv_transfer_ms),
                if p.kv_overlapped {
                    format!(", streamed under prefill ({} exposed)", ms(p.kv_exposed_ms))
                } else {
                    String::new()
                }
            ),
        ),
        (
            "TTFT / total".to_string(),
            format!(
                "{} / {}  ({:.2}x the best single device, {})",
                ms(p.ttft_ms),
                secs(p.total_s),
                p.speedup_vs_best_single,
                p.best_single_device_id
            ),
        ),
    ]
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The same report as Markdown (headings and tables), for issues, chats and docs.
pub fn markdown_report(a: &Analysis) -> String {
    let mut out = String::new();
    let n = a.scenarios.len();
    for (i, s) in a.scenarios.iter().enumerate() {
        let r = match &s.resolved {
            Ok(r) => r,
            Err(why) => {
                out.push_str(&format!(
                    "## Scenario {}: not analysed\n\n{}\n\n",
                    i + 1,
                    md_escape(why)
                ));
                continue;
            }
        };
        out.push_str(&format!("## {}\n\n", md_escape(&scenario_title(i, n, r))));
        out.push_str("| | |\n|---|---|\n");
        for (l, v) in scenario_rows(r) {
            out.push_str(&format!("| {} | {} |\n", md_escape(&l), md_escape(&v)));
        }
        out.push('\n');
        match &s.estimate {
            Some(e) => {
                out.push_str(&format!(
                    "**Memory**: {}\n\n| device | weights | kv | buffers | total | usable | free / over | layers |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
                    if e.fits { "fits" } else { "does not fit" }
                ));
                for m in &e.memory {
                    out.push_str(&format!(
                        "| {} | {} |\n",
                        md_escape(&m.device_id),
                        memory_cells(m).join(" | ")
                    ));
                }
                out.push_str(&format!(
                    "\n**Speed**: prefill {} ({} bound) · decode {} ({} bound) · TTFT {} · total {}\n\n",
                    tok_s(e.prefill_tok_s),
                    bound_label(e.prefill_bound),
                    tok_s(e.decode_tok_s),
                    bound_label(e.decode_bound),
                    ms(e.ttft_ms),
                    secs(e.total_s)
                ));
                out.push_str(&format!(
                    "**Strategy**: {}\n\n",
                    md_escape(&e.strategy.summary)
                ));
                if let Some(rf) = &s.reference {
                    out.push_str(&format!("{}\n\n", md_escape(&rf.summary())));
                }
                if let Some(a) = &e.auto {
                    out.push_str(&format!(
                        "**AUTO**: {}\n\n| {} |\n|---|--:|--:|--:|--:|---|\n",
                        md_escape(&a.reason),
                        AUTO_HEADER.join(" | ")
                    ));
                    for row in auto_rows(a) {
                        let cells: Vec<String> = row.iter().map(|c| md_escape(c)).collect();
                        out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    }
                    out.push('\n');
                    for (l, why) in auto_out(a) {
                        out.push_str(&format!(
                            "- ruled out: {} — {}\n",
                            md_escape(&l),
                            md_escape(&why)
                        ));
                    }
                    out.push('\n');
                }
                if let Some(ps) = &e.phase_split {
                    out.push_str("**Phase split**\n\n| | |\n|---|---|\n");
                    for (l, v) in phase_rows(r, ps) {
                        out.push_str(&format!("| {} | {} |\n", md_escape(&l), md_escape(&v)));
                    }
                    out.push('\n');
                }
                out.push_str("**Power & cost**\n\n| | |\n|---|---|\n");
                for (l, v) in power_rows(r, e) {
                    out.push_str(&format!("| {} | {} |\n", md_escape(&l), md_escape(&v)));
                }
                out.push('\n');
            }
            None => out.push_str("Estimates are not available for this scenario.\n\n"),
        }
        let findings = findings_of(a, s);
        if !findings.is_empty() {
            out.push_str("**Findings**\n\n");
            for f in findings {
                out.push_str(&format!(
                    "- **{}** `{}`: {}\n",
                    f.severity.as_str(),
                    f.code,
                    md_escape(&f.message)
                ));
                for fix in &f.fixes {
                    let effect = if fix.effect.is_empty() {
                        String::new()
                    } else {
                        format!(" → {}", md_escape(&fix.effect))
                    };
                    out.push_str(&format!("  - fix: {}{effect}\n", md_escape(&fix.title)));
                }
            }
            out.push('\n');
        }
    }
    out
}

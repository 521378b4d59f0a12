//! Reports over real analyses. Figures come from the engine, whose constants are calibrated
//! over time, so snapshots redact digits (and the padding that depends on them); the layout,
//! labels, units and default marks are what the snapshots pin. Alignment is checked directly.

use mlbn_ide::{AnalyzeOptions, analyze};
use mlbn_render::{ReportOptions, markdown_report, text_report};

/// Digits become `#`, runs of `#`, `.` and `,` collapse, and runs of spaces become one.
fn redact(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        let mut l = String::new();
        for c in line.chars() {
            let c = if c.is_ascii_digit() { '#' } else { c };
            let last = l.chars().last();
            let numeric = |x: char| x == '#' || x == '.' || x == ',';
            if (c == ' ' && last == Some(' ')) || (numeric(c) && last.is_some_and(numeric)) {
                if c == '#' && last != Some('#') {
                    l.pop();
                    l.push('#');
                }
                continue;
            }
            l.push(c);
        }
        // Time units follow the magnitude (ms, s, min), which calibration moves.
        for unit in ["min", "ms", "s", "h"] {
            let pat = format!("# {unit}");
            let mut from = 0;
            while let Some(i) = l[from..].find(&pat).map(|i| i + from) {
                let end = i + pat.len();
                if l[end..].chars().next().is_some_and(char::is_alphabetic) {
                    from = end;
                    continue;
                }
                l.replace_range(i..end, "# <time>");
                from = i + "# <time>".len();
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn report(text: &str) -> String {
    let a = analyze(text, &AnalyzeOptions::builtin());
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    text_report(&a, &ReportOptions { color: false })
}

/// What the snapshots pin is this crate's layout; the engine's sentences (strategy summary,
/// finding messages) and which findings it raises evolve with the engine, so they are cut.
fn engine_text_cut(s: &str) -> String {
    let mut out = Vec::new();
    let mut in_findings = false;
    let mut in_speed = false;
    // AUTO's reason, candidate rows and ruled-out reasons are the engine's; the section's
    // heading and table header are this crate's. `Some(markdown)` while inside it.
    let mut in_auto: Option<bool> = None;
    for line in s.lines() {
        if line.starts_with("AUTO — ") || line.starts_with("**AUTO**: ") {
            in_auto = Some(line.starts_with("**"));
            out.push(format!(
                "{} <engine reason>",
                &line[..line.find(' ').unwrap()]
            ));
            continue;
        }
        if let Some(md) = in_auto {
            let end = if md {
                line.starts_with("**")
            } else {
                line.is_empty()
            };
            if end {
                in_auto = None;
            } else {
                if line.starts_with("  candidate")
                    || line.starts_with("| candidate")
                    || line.starts_with("|---")
                {
                    out.push(line.to_string());
                }
                continue;
            }
        }
        if line == "Speed" {
            in_speed = true;
        } else if line.is_empty() {
            in_speed = false;
        }
        if line == "Findings" || line == "**Findings**" {
            in_findings = true;
            out.push(format!("{line} (engine text cut)"));
            continue;
        }
        if in_findings {
            if line.is_empty() || line.starts_with("##") {
                in_findings = false;
            } else {
                continue;
            }
        }
        // Which resource binds is the engine's call too.
        let mut line = line.to_string();
        for label in [
            "offload (host memory / link)",
            "memory bandwidth",
            "network between devices",
            "runtime overhead",
            "compute",
            "other",
        ] {
            line = line.replace(&format!("({label} bound"), "(<bound> bound");
            line = line.replace(&format!("· {label} bound"), "· <bound> bound");
        }
        let line = line.as_str();
        if let Some(i) = line.find("strategy  ").filter(|_| in_speed) {
            out.push(format!("{}strategy  <engine summary>", &line[..i]));
        } else if line.starts_with("**Strategy**:") {
            out.push("**Strategy**: <engine summary>".to_string());
        } else {
            out.push(line.to_string());
        }
    }
    out.join("\n") + "\n"
}

#[test]
fn single_gpu_report() {
    let out = report("rtx4090\nllama3-8b q4_k_m prompt=512 gen=128");
    insta::assert_snapshot!(redact(&engine_text_cut(&out)));
}

#[test]
fn card_example_report_marks_defaults() {
    let out = report("2x rtx4090 nvlink; llama3-70b q4; auto");
    assert!(out.contains("(default)"));
    assert!(out.contains("(default: prompt, gen, batch)"));
    assert!(!out.contains("estimates are not available"));
    insta::assert_snapshot!(redact(&engine_text_cut(&out)));
}

#[test]
fn overflow_report_has_findings_with_fixes() {
    let out = report("rtx4090\nllama3-70b q4_k_m");
    assert!(out.contains("Findings"), "{out}");
    assert!(
        out.contains("does_not_fit") || out.contains("host_overflow"),
        "{out}"
    );
    insta::assert_snapshot!(redact(&engine_text_cut(&out)));
}

#[test]
fn scenario_rows_are_aligned() {
    let out = report("2x rtx4090 nvlink; llama3-70b q4; auto");
    // The resolved-scenario block: every value starts in the same column.
    let cols: Vec<usize> = out
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let body = &l[2..];
            let label_end = body.find("  ").unwrap();
            label_end + body[label_end..].len() - body[label_end..].trim_start().len()
        })
        .collect();
    assert!(cols.len() >= 6, "{out}");
    assert!(cols.windows(2).all(|w| w[0] == w[1]), "{cols:?}\n{out}");
}

#[test]
fn several_scenarios_get_numbered_sections() {
    let out = report("rtx3090; qwen2.5-32b q4_k_m\n---\nrtx3090; qwen2.5-32b q5_k_m");
    assert!(
        out.contains("Scenario 1:") && out.contains("Scenario 2:"),
        "{out}"
    );
}

#[test]
fn markdown_report_snapshot() {
    let a = analyze(
        "2x rtx4090 nvlink; llama3-70b q4; auto",
        &AnalyzeOptions::builtin(),
    );
    let md = markdown_report(&a);
    assert!(md.starts_with("## "));
    assert!(md.contains("| device | weights |"));
    insta::assert_snapshot!(redact(&engine_text_cut(&md)));
}

#[test]
fn colour_codes_only_when_asked() {
    let a = analyze("rtx4090; llama3-8b", &AnalyzeOptions::builtin());
    assert!(text_report(&a, &ReportOptions { color: true }).contains("\x1b[1m"));
    assert!(!text_report(&a, &ReportOptions { color: false }).contains('\x1b'));
}

#[test]
fn power_and_cost_section() {
    let out = report(
        "2x rtx4090 nvlink; llama3-70b q4; auto\npower $0.30/kWh 24h/day\nprice $3200\nyears 2",
    );
    let section: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Power & cost")
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(section.len() >= 6, "{out}");
    let text = section.join("\n");
    // Two devices: one line each besides the system line.
    assert_eq!(
        text.matches("NVIDIA GeForce RTX 4090 #").count(),
        2,
        "{text}"
    );
    assert!(text.contains("/Mtok with hardware"), "{text}");
    assert!(text.contains("$3200 over 2 years"), "{text}");
    insta::assert_snapshot!(redact(&text));
}

#[test]
fn auto_section_lists_ranked_and_ruled_out_candidates() {
    let out = report("2x rtx4090 nvlink; llama3-70b q4; auto");
    let section: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("AUTO — "))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(section[0].contains("wins"), "{out}");
    assert!(section[1].trim_start().starts_with("candidate"), "{out}");
    assert!(section.iter().any(|l| l.ends_with("winner")), "{out}");
    assert!(section.contains(&"  ruled out:"), "{out}");
    assert!(
        section
            .iter()
            .any(|l| l.contains("expert ep=2: ") && l.contains("MoE")),
        "{out}"
    );
    let md = markdown_report(&analyze(
        "2x rtx4090 nvlink; llama3-70b q4; auto",
        &AnalyzeOptions::builtin(),
    ));
    assert!(md.contains("**AUTO**: "), "{md}");
    assert!(
        md.contains("| candidate | decode | system | prefill | TTFT |"),
        "{md}"
    );
    assert!(md.contains("- ruled out: "), "{md}");
}

#[test]
fn phase_split_section() {
    let out = report(
        "dgx-spark + mac-m3-ultra-512 over 10gbe\nllama3.1-8b fp16 prompt=8k gen=512\nruntime exo\nphase-split",
    );
    let section: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Phase split")
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(section.len() == 5, "{out}");
    insta::assert_snapshot!(redact(&section.join("\n")));
}

#[test]
fn reference_shown_beside_the_estimate() {
    let a = analyze("rtx3070; llama3-8b q4_k_m", &AnalyzeOptions::builtin());
    let r = a.scenarios[0]
        .reference
        .as_ref()
        .expect("a measured run matches");
    let out = text_report(&a, &ReportOptions { color: false });
    assert!(out.contains(&format!("  {}\n", r.summary())), "{out}");
    assert!(out.contains("Reference: "), "{out}");
    assert!(markdown_report(&a).contains("Reference: "));
}

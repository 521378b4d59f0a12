//! A compact, readable dump of a parse result, for snapshot tests and `--debug` output.

use std::fmt::Write as _;

use crate::Parsed;
use crate::ast::*;

fn word(w: &Word) -> String {
    if w.quoted {
        format!("{:?}", w.text)
    } else {
        w.text.clone()
    }
}

fn words(ws: &[Word]) -> String {
    ws.iter().map(word).collect::<Vec<_>>().join(" ")
}

fn quantity(q: &Quantity) -> String {
    if q.unit == Unit::None {
        format!("{}", q.value)
    } else {
        format!("{}[{:?}]", q.value, q.unit)
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Quantity(q) => quantity(q),
        Value::Word(w) => word(w),
    }
}

fn kv(kv: &KeyValue) -> String {
    let op = match kv.op {
        CompareOp::Eq => "=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
    };
    format!("{}{op}{}", word(&kv.key), value(&kv.value))
}

fn kvs(kvs: &[KeyValue]) -> String {
    kvs.iter().map(kv).collect::<Vec<_>>().join(" ")
}

fn hardware(out: &mut String, h: &Hardware) {
    for g in &h.groups {
        let count = g
            .count
            .map(|c| format!("{}x ", c.value))
            .unwrap_or_default();
        let _ = write!(out, "\n    group {count}[{}]", words(&g.words));
        if !g.options.is_empty() {
            let _ = write!(out, " options[{}]", kvs(&g.options));
        }
    }
    if let Some((_, ws)) = &h.over {
        let _ = write!(out, "\n    over [{}]", words(ws));
    }
}

/// Renders `parsed` as an indented outline: one line per statement with its span and kind,
/// then comments and diagnostics.
pub fn debug_tree(parsed: &Parsed) -> String {
    let mut out = String::new();
    for (i, sc) in parsed.file.scenarios.iter().enumerate() {
        let _ = writeln!(out, "scenario {i} @{}..{}", sc.span.start, sc.span.end);
        for st in &sc.statements {
            let _ = write!(out, "  @{}..{} ", st.span.start, st.span.end);
            match &st.kind {
                StatementKind::Hardware(h) => {
                    out.push_str("hardware");
                    hardware(&mut out, h);
                }
                StatementKind::Have(h) => {
                    out.push_str("have");
                    hardware(&mut out, h);
                }
                StatementKind::Model(m) => {
                    let kw = if m.keyword.is_some() {
                        " (keyword)"
                    } else {
                        ""
                    };
                    let _ = write!(out, "model{kw} [{}]", words(&m.words));
                    if !m.options.is_empty() {
                        let _ = write!(out, " options[{}]", kvs(&m.options));
                    }
                }
                StatementKind::Strategy(s) => {
                    let _ = write!(out, "strategy [{}]", words(&s.words));
                    if !s.options.is_empty() {
                        let _ = write!(out, " options[{}]", kvs(&s.options));
                    }
                }
                StatementKind::DeviceDef(d) => {
                    let _ = write!(out, "device {}", word(&d.name));
                    for f in &d.fields {
                        let _ = write!(out, "\n    {} = {}", word(&f.key), value(&f.value));
                    }
                }
                StatementKind::Directive(d) => {
                    let _ = write!(out, "directive {}", d.keyword.text);
                    for a in &d.args {
                        let s = match a {
                            Arg::Word(w) => word(w),
                            Arg::Quantity(q) => quantity(q),
                            Arg::KeyValue(k) => kv(k),
                        };
                        let _ = write!(out, " {s}");
                    }
                }
                StatementKind::Options(o) => {
                    let _ = write!(out, "options[{}]", kvs(o));
                }
                StatementKind::Phrase(p) => {
                    let _ = write!(out, "phrase [{}]", words(&p.words));
                    if !p.options.is_empty() {
                        let _ = write!(out, " options[{}]", kvs(&p.options));
                    }
                }
                StatementKind::Error => out.push_str("error"),
            }
            out.push('\n');
        }
    }
    for c in &parsed.file.comments {
        let _ = writeln!(
            out,
            "comment @{}..{} {:?}",
            c.span.start, c.span.end, c.text
        );
    }
    for d in &parsed.diagnostics {
        let _ = writeln!(
            out,
            "{}[{}] @{}..{}: {}",
            d.severity.as_str(),
            d.code,
            d.span.start,
            d.span.end,
            d.message
        );
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
        for f in &d.fixes {
            let edits: Vec<String> = f
                .edits
                .iter()
                .map(|e| format!("@{}..{} {:?}", e.span.start, e.span.end, e.new_text))
                .collect();
            let _ = writeln!(out, "  fix: {} ({})", f.title, edits.join(", "));
        }
    }
    out
}

//! The canonical formatter. See the crate docs for the style it produces.
//!
//! It prints each parsed statement from the tree, in source order, and copies statements that
//! did not parse verbatim; comments and the line structure come from the source text. Printing
//! items in source order (not grouped by kind) keeps classification stable on re-parse.

use crate::ast::*;
use crate::lexer;
use crate::parser::{ParseOutput, parse_text};
use crate::{MAX_INPUT_BYTES, Span};

/// Indentation of fields inside a multi-line `device NAME { … }` block.
const INDENT: &str = "    ";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Stmt,
    Sep,
    Comment,
}

struct Elem {
    span: Span,
    kind: Kind,
    text: String,
}

/// Formats `text` in the canonical style. Never fails: statements with errors are kept as
/// written, and input over [`MAX_INPUT_BYTES`] is returned unchanged.
pub fn format(text: &str) -> String {
    if text.len() > MAX_INPUT_BYTES {
        return text.to_string();
    }
    let out = parse_text(text);
    Printer { text, out: &out }.file()
}

fn has_newline(s: &str) -> bool {
    s.contains(['\n', '\r'])
}

/// Number of line breaks in `s`, counting `\r\n` once.
fn line_breaks(s: &str) -> usize {
    let b = s.as_bytes();
    (0..b.len())
        .filter(|&k| b[k] == b'\n' || (b[k] == b'\r' && b.get(k + 1) != Some(&b'\n')))
        .count()
}

struct Printer<'a> {
    text: &'a str,
    out: &'a ParseOutput,
}

impl Printer<'_> {
    fn file(&self) -> String {
        let file = &self.out.parsed.file;
        let statements: Vec<&Statement> =
            file.scenarios.iter().flat_map(|s| &s.statements).collect();
        let mut elems: Vec<Elem> = Vec::with_capacity(statements.len() + file.comments.len());
        for st in &statements {
            elems.push(Elem {
                span: st.span,
                kind: Kind::Stmt,
                text: self.statement(st),
            });
        }
        for sep in &self.out.seps {
            elems.push(Elem {
                span: *sep,
                kind: Kind::Sep,
                text: "---".into(),
            });
        }
        for c in &file.comments {
            // Comments inside a statement are printed by it (device blocks) or kept verbatim
            // with it (errors).
            let k = statements.partition_point(|s| s.span.start <= c.span.start);
            if k > 0 && statements[k - 1].span.end >= c.span.end {
                continue;
            }
            elems.push(Elem {
                span: c.span,
                kind: Kind::Comment,
                text: c.text.clone(),
            });
        }
        elems.sort_by_key(|e| e.span.start);
        let lines = self.layout(&elems, "", None);
        let mut s = String::with_capacity(self.text.len() + 16);
        for line in lines {
            for physical in line.split('\n') {
                s.push_str(physical.trim_end());
                s.push('\n');
            }
        }
        s
    }

    /// Places elements on lines: elements that shared a source line stay on one line (statements
    /// joined by `; `, a comment after them), runs of blank lines become one, `---` stands alone.
    fn layout(&self, elems: &[Elem], indent: &str, start: Option<usize>) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut buf = String::new();
        let mut last: Option<(usize, Kind)> = start.map(|s| (s, Kind::Sep));
        for e in elems {
            let gap = last.map(|(end, _)| &self.text[end..e.span.start]);
            let same_line = gap.is_some_and(|g| !has_newline(g));
            let blank_before = gap.is_some_and(|g| line_breaks(g) >= 2)
                && !(lines.is_empty() && buf.is_empty())
                && last.is_some_and(|(_, k)| k != Kind::Sep);
            let after_sep = last.is_some_and(|(_, k)| k == Kind::Sep);
            match e.kind {
                Kind::Stmt if same_line && !buf.is_empty() && !after_sep => {
                    buf.push_str("; ");
                    buf.push_str(&e.text);
                }
                Kind::Comment if same_line && !buf.is_empty() => {
                    buf.push_str("  #");
                    buf.push_str(&e.text);
                    lines.push(std::mem::take(&mut buf));
                }
                Kind::Stmt | Kind::Comment => {
                    if !buf.is_empty() {
                        lines.push(std::mem::take(&mut buf));
                    }
                    if blank_before {
                        lines.push(String::new());
                    }
                    buf.push_str(indent);
                    if e.kind == Kind::Comment {
                        buf.push('#');
                        buf.push_str(&e.text);
                        lines.push(std::mem::take(&mut buf));
                    } else {
                        buf.push_str(&e.text);
                    }
                }
                Kind::Sep => {
                    if !buf.is_empty() {
                        lines.push(std::mem::take(&mut buf));
                    }
                    // Kept in the buffer so a comment on the `---` line stays there.
                    buf.push_str(&e.text);
                }
            }
            last = Some((e.span.end, e.kind));
        }
        if !buf.is_empty() {
            lines.push(buf);
        }
        lines
    }

    fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    fn statement(&self, st: &Statement) -> String {
        match &st.kind {
            StatementKind::Error => self.slice(st.span).to_string(),
            StatementKind::Hardware(h) => self.hardware(h),
            StatementKind::Have(h) => format!("have {}", self.hardware(h)),
            StatementKind::Model(m) => {
                let items = self.items(&m.words, &m.options);
                match m.keyword {
                    Some(_) => format!("model {items}"),
                    None => items,
                }
            }
            StatementKind::Strategy(s) => self.items(&s.words, &s.options),
            StatementKind::Phrase(p) => self.items(&p.words, &p.options),
            StatementKind::Options(kvs) => self.items(&[], kvs),
            StatementKind::Directive(d) => {
                let mut s = d.keyword.text.to_ascii_lowercase();
                for a in &d.args {
                    s.push(' ');
                    match a {
                        Arg::Word(w) => s.push_str(&word(w)),
                        Arg::Quantity(q) => s.push_str(&self.quantity(q)),
                        Arg::KeyValue(kv) => s.push_str(&self.kv(kv)),
                    }
                }
                s
            }
            StatementKind::DeviceDef(d) => self.device(d),
        }
    }

    /// Words and options in source order.
    fn items(&self, words: &[Word], options: &[KeyValue]) -> String {
        let mut all: Vec<(usize, String)> = words
            .iter()
            .map(|w| (w.span.start, word(w)))
            .chain(options.iter().map(|kv| (kv.span.start, self.kv(kv))))
            .collect();
        all.sort_by_key(|(start, _)| *start);
        let parts: Vec<String> = all.into_iter().map(|(_, s)| s).collect();
        parts.join(" ")
    }

    fn hardware(&self, h: &Hardware) -> String {
        let groups: Vec<String> = h
            .groups
            .iter()
            .map(|g| {
                let items = self.items(&g.words, &g.options);
                match g.count {
                    Some(c) => format!("{}x {items}", c.value),
                    None => items,
                }
            })
            .collect();
        let mut s = groups.join(" + ");
        if let Some((_, words)) = &h.over {
            s.push_str(" over");
            for w in words {
                s.push(' ');
                s.push_str(&word(w));
            }
        }
        s
    }

    fn quantity(&self, q: &Quantity) -> String {
        // A quantity written `48 GB` prints as `48GB`.
        self.slice(q.span).split_whitespace().collect()
    }

    fn value(&self, v: &Value) -> String {
        match v {
            Value::Quantity(q) => self.quantity(q),
            Value::Word(w) => word(w),
        }
    }

    fn kv(&self, kv: &KeyValue) -> String {
        let op = match kv.op {
            CompareOp::Eq => "=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        };
        format!("{}{op}{}", word(&kv.key), self.value(&kv.value))
    }

    fn device(&self, d: &DeviceDef) -> String {
        let head = format!("device {} {{", word(&d.name));
        let comments: Vec<&Comment> = self
            .out
            .parsed
            .file
            .comments
            .iter()
            .filter(|c| c.span.start >= d.body.start && c.span.end <= d.body.end)
            .collect();
        let multi_line = has_newline(self.slice(d.body)) || !comments.is_empty();
        let field = |f: &DeviceField| format!("{} {}", word(&f.key), self.value(&f.value));
        if !multi_line {
            if d.fields.is_empty() {
                return format!("{head}}}");
            }
            let fields: Vec<String> = d.fields.iter().map(field).collect();
            return format!("{head} {} }}", fields.join("; "));
        }
        let mut elems: Vec<Elem> = d
            .fields
            .iter()
            .map(|f| Elem {
                span: f.span,
                kind: Kind::Stmt,
                text: field(f),
            })
            .chain(comments.iter().map(|c| Elem {
                span: c.span,
                kind: Kind::Comment,
                text: c.text.clone(),
            }))
            .collect();
        elems.sort_by_key(|e| e.span.start);
        let mut s = head;
        for line in self.layout(&elems, INDENT, Some(d.body.start + 1)) {
            s.push('\n');
            s.push_str(&line);
        }
        s.push_str("\n}");
        s
    }
}

fn word(w: &Word) -> String {
    if w.quoted {
        lexer::quote(&w.text)
    } else {
        w.text.clone()
    }
}

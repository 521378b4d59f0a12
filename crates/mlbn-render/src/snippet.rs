//! Compiler-style diagnostic snippets:
//!
//! ```text
//! gpu.mlbn:1:4: error[unknown_device]: unknown device `rtx4900`
//!   |
//! 1 | 2x rtx4900 nvlink
//!   |    ^^^^^^^
//!   = help: did you mean `rtx-4090`?
//! ```
//!
//! Spans are byte ranges; columns are 1-based characters. Tabs are shown as four spaces and
//! wide characters (CJK, emoji) as two columns so the underline stays under the text.

use mlbn_syntax::{Diagnostic, Severity, Span};

/// Width a tab is shown as in snippets.
const TAB_WIDTH: usize = 4;

#[derive(Debug, Clone, Copy, Default)]
pub struct SnippetOptions {
    /// Emit ANSI colour codes.
    pub color: bool,
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "1;32",
        };
        self.wrap(code, s)
    }
    fn gutter(&self, s: &str) -> String {
        self.wrap("1;34", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
}

/// 1-based line and character column of a byte offset (clamped to the text, floored to a
/// character boundary).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// Display width of a character in a terminal (approximation without a width table).
fn char_width(c: char) -> usize {
    let u = c as u32;
    match c {
        '\t' => TAB_WIDTH,
        _ if c.is_control() => 0,
        // Combining marks take no column.
        _ if (0x0300..=0x036F).contains(&u) || (0xFE00..=0xFE0F).contains(&u) || u == 0x200D => 0,
        _ if (0x1100..=0x115F).contains(&u)
            || (0x2E80..=0xA4CF).contains(&u)
            || (0xAC00..=0xD7A3).contains(&u)
            || (0xF900..=0xFAFF).contains(&u)
            || (0xFE30..=0xFE4F).contains(&u)
            || (0xFF00..=0xFF60).contains(&u)
            || (0xFFE0..=0xFFE6).contains(&u)
            || (0x1F300..=0x1FAFF).contains(&u)
            || (0x20000..=0x3FFFD).contains(&u) =>
        {
            2
        }
        _ => 1,
    }
}

/// The source line shown in a snippet: tabs expanded, control characters dropped.
fn display_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push_str(&" ".repeat(TAB_WIDTH)),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// One diagnostic as a snippet. `file` names the source (`<inline>` for text given on the
/// command line).
pub fn render_diagnostic(
    file: &str,
    text: &str,
    diag: &Diagnostic,
    opts: &SnippetOptions,
) -> String {
    let p = Paint { on: opts.color };
    let start = floor_boundary(text, diag.span.start);
    let end = floor_boundary(text, diag.span.end.max(diag.span.start));
    let (line_no, col) = line_col(text, start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let sev = diag.severity.as_str();
    let mut out = format!(
        "{}: {}{}\n",
        p.bold(&format!("{file}:{line_no}:{col}")),
        p.severity(diag.severity, &format!("{sev}[{}]", diag.code)),
        p.bold(&format!(": {}", diag.message)),
    );
    let num = line_no.to_string();
    let pad = " ".repeat(num.len());
    out.push_str(&format!("{pad} {}\n", p.gutter("|")));
    out.push_str(&format!(
        "{} {} {}\n",
        p.gutter(&num),
        p.gutter("|"),
        display_line(line).trim_end()
    ));
    // Underline: from the span start to its end, or to the end of the line when the span runs
    // past it; an empty span (or one at the end of the line) gets a single caret.
    let lead = width(&text[line_start..start]);
    let under_end = end.min(line_end);
    let under = width(&text[start..under_end]).max(1);
    let mark = if diag.span.is_empty() || under_end == start {
        "^".to_string()
    } else {
        "^".repeat(under)
    };
    out.push_str(&format!(
        "{pad} {} {}{}\n",
        p.gutter("|"),
        " ".repeat(lead),
        p.severity(diag.severity, &mark)
    ));
    if let Some(help) = &diag.help {
        out.push_str(&format!(
            "{pad} {} {}\n",
            p.gutter("="),
            p.bold(&format!("help: {help}"))
        ));
    }
    // Fixes that only repeat the help ("replace with `x`" after "did you mean `x`?") are
    // left to editors; fixes with an effect say something new.
    for fix in diag
        .fixes
        .iter()
        .filter(|f| !f.effect.is_empty() || diag.help.is_none())
    {
        let effect = if fix.effect.is_empty() {
            String::new()
        } else {
            format!(" ({})", fix.effect)
        };
        out.push_str(&format!(
            "{pad} {} fix: {}{effect}\n",
            p.gutter("="),
            fix.title
        ));
    }
    out
}

/// Every diagnostic, each followed by a blank line, then a summary line
/// (`2 errors, 1 warning`) when there is anything to summarise.
pub fn render_diagnostics(
    file: &str,
    text: &str,
    diags: &[Diagnostic],
    opts: &SnippetOptions,
) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_diagnostic(file, text, d, opts));
        out.push('\n');
    }
    out
}

/// `2 errors, 1 warning` (empty when there are none).
pub fn summary(diags: &[Diagnostic]) -> String {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    let (e, w) = (count(Severity::Error), count(Severity::Warning));
    if e > 0 {
        parts.push(plural(e, "error"));
    }
    if w > 0 {
        parts.push(plural(w, "warning"));
    }
    parts.join(", ")
}

/// Byte span helper for tests and callers that build diagnostics by hand.
pub fn span_of(text: &str, needle: &str) -> Option<Span> {
    text.find(needle).map(|i| Span::new(i, i + needle.len()))
}

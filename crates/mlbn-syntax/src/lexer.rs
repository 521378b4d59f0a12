//! The raw lexer: text → flat tokens with byte spans, written with nom 8 combinators.
//!
//! Lexing is context-free (the same slice always gives the same tokens), which is what lets
//! the formatter print a broken statement verbatim and still get the same parse back.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_till, take_while, take_while1},
    character::complete::{char, digit1},
    combinator::{opt, recognize},
    sequence::pair,
};

use crate::Span;
use crate::ast::{CompareOp, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// A run of word characters.
    Word,
    /// `"…"`; `closed` is false when the line ended first.
    Quoted {
        closed: bool,
    },
    Op(CompareOp),
    /// A `+` that does not directly follow a word character: the device-group separator.
    Plus,
    LBrace,
    RBrace,
    Semi,
    Newline,
    /// A word made only of three or more dashes: `---`.
    ScenarioSep,
    Comment,
    /// One or more characters that may not appear outside quotes and comments.
    BadChar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawToken {
    pub kind: RawKind,
    pub span: Span,
}

/// Characters that end a word. Everything else that is not whitespace, a control character or
/// an invisible formatting character is a word character, so ids like
/// `meta-llama/Llama-3.1-8B-Instruct`, `Max+`, `q4_k_m` or `$0.15/kWh` are single words.
fn is_delimiter(c: char) -> bool {
    matches!(c, ';' | '#' | '"' | '{' | '}' | '=' | '<' | '>')
}

/// Characters that are never allowed outside quotes and comments: commas and backticks (pasted
/// from Markdown or lists), control characters and invisible formatting characters (which can
/// make text look different from what it is).
pub(crate) fn is_bad_char(c: char) -> bool {
    matches!(c, ',' | '`')
        || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}')
}

/// Whitespace within a line. U+FEFF (byte-order mark, "zero width no-break space") counts as
/// whitespace wherever it is: treating it specially only at the start of the file would make
/// lexing depend on position, and the formatter relies on lexing being context-free.
fn is_space(c: char) -> bool {
    c != '\n' && c != '\r' && (c.is_whitespace() || c == '\u{FEFF}')
}

pub(crate) fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && c != '\u{FEFF}' && !is_delimiter(c) && !is_bad_char(c)
}

fn spaces(i: &str) -> IResult<&str, &str> {
    take_while(is_space).parse(i)
}

fn newline(i: &str) -> IResult<&str, &str> {
    alt((tag("\r\n"), tag("\n"), tag("\r"))).parse(i)
}

fn comment(i: &str) -> IResult<&str, &str> {
    recognize(pair(char('#'), take_till(|c| c == '\n' || c == '\r'))).parse(i)
}

fn op(i: &str) -> IResult<&str, CompareOp> {
    alt((
        tag("<=").map(|_| CompareOp::Le),
        tag(">=").map(|_| CompareOp::Ge),
        tag("=").map(|_| CompareOp::Eq),
        tag("<").map(|_| CompareOp::Lt),
        tag(">").map(|_| CompareOp::Gt),
    ))
    .parse(i)
}

fn word(i: &str) -> IResult<&str, &str> {
    // A word cannot start with `+`: a `+` at the start of a token is the group separator.
    recognize(pair(
        take_while1(|c: char| is_word_char(c) && c != '+').map(|_| ()),
        take_while(is_word_char),
    ))
    .parse(i)
}

fn bad_chars(i: &str) -> IResult<&str, &str> {
    take_while1(is_bad_char).parse(i)
}

/// A quoted string up to the closing quote or the end of the line. `\"` and `\\` are escapes;
/// any other backslash is kept as written (Windows paths).
fn quoted(i: &str) -> (usize, bool) {
    let bytes = i.as_bytes();
    let mut k = 1;
    while k < bytes.len() {
        match bytes[k] {
            b'"' => return (k + 1, true),
            b'\\' if k + 1 < bytes.len() && matches!(bytes[k + 1], b'"' | b'\\') => k += 2,
            b'\n' | b'\r' => return (k, false),
            _ => k += 1,
        }
    }
    (bytes.len(), false)
}

/// The text of a quoted token without quotes, escapes resolved.
pub(crate) fn unquote(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner
        .strip_suffix('"')
        .filter(|_| raw.len() >= 2)
        .unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n == '"' || n == '\\' {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Quote `text` so that [`unquote`] gives it back.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Splits `text` into raw tokens. Linear time; whitespace is dropped.
pub(crate) fn lex(text: &str) -> Vec<RawToken> {
    let mut out = Vec::with_capacity(text.len() / 4 + 4);
    let mut rest = text;
    loop {
        if let Ok((r, _)) = spaces(rest) {
            rest = r;
        }
        let Some(c) = rest.chars().next() else { break };
        let start = text.len() - rest.len();
        // Dispatch on the first character so each token tries one sub-parser.
        let parsed = match c {
            '\n' | '\r' => newline(rest).map(|(r, _)| (r, RawKind::Newline)),
            '#' => comment(rest).map(|(r, _)| (r, RawKind::Comment)),
            '"' => {
                let (n, closed) = quoted(rest);
                Ok((&rest[n..], RawKind::Quoted { closed }))
            }
            '<' | '>' | '=' => op(rest).map(|(r, o)| (r, RawKind::Op(o))),
            ';' => Ok((&rest[1..], RawKind::Semi)),
            '{' => Ok((&rest[1..], RawKind::LBrace)),
            '}' => Ok((&rest[1..], RawKind::RBrace)),
            '+' => Ok((&rest[1..], RawKind::Plus)),
            _ if is_bad_char(c) => bad_chars(rest).map(|(r, _)| (r, RawKind::BadChar)),
            _ => word(rest).map(|(r, w)| {
                let sep = w.len() >= 3 && w.bytes().all(|b| b == b'-');
                (
                    r,
                    if sep {
                        RawKind::ScenarioSep
                    } else {
                        RawKind::Word
                    },
                )
            }),
        };
        // Every char is space, line break, delimiter, bad or a word start, so a sub-parser
        // always matches; the fallback only guarantees progress.
        let (len, kind) = match parsed {
            Ok((r, kind)) => (rest.len() - r.len(), kind),
            Err(_) => (c.len_utf8(), RawKind::BadChar),
        };
        out.push(RawToken {
            kind,
            span: Span::new(start, start + len),
        });
        rest = &rest[len..];
    }
    out
}

/// `12`, `0.15`: digits with an optional fraction.
fn number(i: &str) -> IResult<&str, &str> {
    recognize(pair(digit1, opt(pair(char('.'), digit1)))).parse(i)
}

/// Parses a whole word as a quantity: `24GB`, `1008GB/s`, `8k`, `$0.15/kWh`, `8h/day`, `2s`.
/// Returns `None` for anything else (it then stays a word).
pub(crate) fn parse_quantity(s: &str) -> Option<(f64, Unit)> {
    let (rest, dollar) = match s.strip_prefix('$') {
        Some(r) => (r, true),
        None => (s, false),
    };
    let (suffix, num) = number(rest).ok()?;
    let base: f64 = num.parse().ok()?;
    let lower = suffix.to_ascii_lowercase();
    let (scale, unit) = if dollar {
        match lower.as_str() {
            "" => (1.0, Unit::Dollar),
            "k" => (1000.0, Unit::Dollar),
            "/kwh" => (1.0, Unit::DollarPerKwh),
            _ => return None,
        }
    } else {
        match lower.as_str() {
            "" => (1.0, Unit::None),
            // Token counts use binary magnitudes, as context sizes do: 8k = 8192.
            "k" => (1024.0, Unit::None),
            "m" => (1_048_576.0, Unit::None),
            "gb" => (1.0, Unit::Gb),
            "gib" => (1.0, Unit::Gib),
            "mb" => (1.0, Unit::Mb),
            "tb" => (1.0, Unit::Tb),
            // Network notation: a lowercase `b` after a capital `G` means bits (`10Gb/s`).
            "gb/s" if suffix == "Gb/s" => (1.0, Unit::GbitPerS),
            "gb/s" => (1.0, Unit::GbPerS),
            "gbps" | "gbit/s" => (1.0, Unit::GbitPerS),
            "tb/s" => (1.0, Unit::TbPerS),
            "tf" | "tflops" | "tflop/s" => (1.0, Unit::Tflops),
            "w" => (1.0, Unit::Watt),
            "kw" => (1.0, Unit::Kilowatt),
            "h/day" | "h/d" | "hours/day" | "hrs/day" => (1.0, Unit::HoursPerDay),
            "y" | "yr" | "yrs" | "year" | "years" => (1.0, Unit::Years),
            "tok/s" | "t/s" | "tokens/s" | "tps" => (1.0, Unit::TokPerS),
            "s" | "sec" => (1.0, Unit::Seconds),
            "ms" => (1.0, Unit::Millis),
            "us" | "µs" | "μs" => (1.0, Unit::Microseconds),
            "%" => (1.0, Unit::Percent),
            _ => return None,
        }
    };
    let value = base * scale;
    value.is_finite().then_some((value, unit))
}

/// True when `s` is only digits (a count written `2 x`).
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `2x`, `2X`, `2×`: the digits of an attached count.
pub(crate) fn attached_count(s: &str) -> Option<&str> {
    let digits = s
        .strip_suffix('x')
        .or_else(|| s.strip_suffix('X'))
        .or_else(|| s.strip_suffix('×'))?;
    is_digits(digits).then_some(digits)
}

/// A detached count marker: `x`, `X` or `×`.
pub(crate) fn is_times(s: &str) -> bool {
    matches!(s, "x" | "X" | "×")
}

/// The value of a digit string, or `None` when it exceeds `limit` (never overflows).
pub(crate) fn digits_value(s: &str, limit: u32) -> Option<u32> {
    let mut v: u32 = 0;
    for b in s.bytes() {
        v = v.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
        if v > limit {
            return None;
        }
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(RawKind, &str)> {
        lex(t)
            .into_iter()
            .map(|tok| (tok.kind, &t[tok.span.start..tok.span.end]))
            .collect()
    }

    #[test]
    fn plus_rule() {
        assert_eq!(
            kinds("Max+ 395 + a +b c+d"),
            vec![
                (RawKind::Word, "Max+"),
                (RawKind::Word, "395"),
                (RawKind::Plus, "+"),
                (RawKind::Word, "a"),
                (RawKind::Plus, "+"),
                (RawKind::Word, "b"),
                (RawKind::Word, "c+d"),
            ]
        );
    }

    #[test]
    fn quotes_and_ops() {
        assert_eq!(
            kinds(r#"model "a \"b\".json" ttft<2s p >= 3 "open"#),
            vec![
                (RawKind::Word, "model"),
                (RawKind::Quoted { closed: true }, r#""a \"b\".json""#),
                (RawKind::Word, "ttft"),
                (RawKind::Op(CompareOp::Lt), "<"),
                (RawKind::Word, "2s"),
                (RawKind::Word, "p"),
                (RawKind::Op(CompareOp::Ge), ">="),
                (RawKind::Word, "3"),
                (RawKind::Quoted { closed: false }, "\"open"),
            ]
        );
        assert_eq!(unquote(r#""a \"b\" c:\x\\""#), r#"a "b" c:\x\"#);
        assert_eq!(unquote(&quote(r#"a\"b\"#)), r#"a\"b\"#);
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("8k"), Some((8192.0, Unit::None)));
        assert_eq!(parse_quantity("1M"), Some((1_048_576.0, Unit::None)));
        assert_eq!(parse_quantity("24gb"), Some((24.0, Unit::Gb)));
        assert_eq!(parse_quantity("1008GB/s"), Some((1008.0, Unit::GbPerS)));
        assert_eq!(parse_quantity("10Gb/s"), Some((10.0, Unit::GbitPerS)));
        assert_eq!(parse_quantity("10GBPS"), Some((10.0, Unit::GbitPerS)));
        assert_eq!(
            parse_quantity("$0.15/kWh"),
            Some((0.15, Unit::DollarPerKwh))
        );
        assert_eq!(parse_quantity("$1599"), Some((1599.0, Unit::Dollar)));
        assert_eq!(parse_quantity("8h/day"), Some((8.0, Unit::HoursPerDay)));
        assert_eq!(parse_quantity("3years"), Some((3.0, Unit::Years)));
        assert_eq!(parse_quantity("1.5kW"), Some((1.5, Unit::Kilowatt)));
        assert_eq!(parse_quantity("165TF"), Some((165.0, Unit::Tflops)));
        assert_eq!(parse_quantity("30tok/s"), Some((30.0, Unit::TokPerS)));
        assert_eq!(parse_quantity("250us"), Some((250.0, Unit::Microseconds)));
        assert_eq!(parse_quantity("76-core"), None);
        assert_eq!(parse_quantity("q4_k_m"), None);
        assert_eq!(parse_quantity(&"9".repeat(400)), None);
    }

    #[test]
    fn counts() {
        assert_eq!(attached_count("2x"), Some("2"));
        assert_eq!(attached_count("12×"), Some("12"));
        assert_eq!(attached_count("x"), None);
        assert_eq!(digits_value("1024", 1024), Some(1024));
        assert_eq!(digits_value("1025", 1024), None);
        assert_eq!(digits_value("999999999999999999999", 1024), None);
    }
}

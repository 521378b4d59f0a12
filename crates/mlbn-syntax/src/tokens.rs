//! A flat, classified token list for editors (semantic tokens, highlighting).
//!
//! Classification follows the parse: `data` is a [`TokenKind::StrategyWord`] only in a strategy
//! statement, `48GB` a [`TokenKind::Quantity`] only where the parser reads quantities. Inside a
//! statement that failed to parse, words are classified by their text alone.

use crate::ast::*;
use crate::lexer::{self, RawKind};
use crate::parser::{ParseOutput, is_keyword, is_strategy_word, parse_text};
use crate::{MAX_INPUT_BYTES, Span};

/// What a token is, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `device`, `model`, `have`, `over`, `runtime`, `power`, …
    Keyword,
    /// `auto`, `pipeline`, `tensor`, `phase-split`, … in a strategy statement.
    StrategyWord,
    /// The key of `key=value` (`prompt`, `tp`) or of a device field (`mem`).
    OptionKey,
    /// A name: device, model, quant, link, runtime value.
    Word,
    /// A plain number or token count (`8`, `8k`).
    Number,
    /// A number with a unit (`24GB`, `$0.15/kWh`, `8h/day`).
    Quantity,
    /// A device count (`2x`, `2 x`).
    Count,
    /// `=`, `<`, `<=`, `>`, `>=` and the group separator `+`.
    Operator,
    /// `{` and `}`.
    Punctuation,
    /// A quoted name or path.
    String,
    Comment,
    /// `;` and the scenario separator `---`.
    Separator,
    /// Text that cannot be lexed (a stray character, an unclosed quote).
    Error,
}

/// One classified token. Spans never overlap and come in text order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

/// Lexes and parses `text` and returns its tokens, classified. Line breaks and whitespace are
/// not tokens. Input over [`MAX_INPUT_BYTES`] gives no tokens.
pub fn tokens(text: &str) -> Vec<Token> {
    if text.len() > MAX_INPUT_BYTES {
        return Vec::new();
    }
    let out = parse_text(text);
    classify(text, &out)
}

fn quantity_kind(q: &Quantity) -> TokenKind {
    if q.unit == Unit::None {
        TokenKind::Number
    } else {
        TokenKind::Quantity
    }
}

struct Marks(Vec<(Span, TokenKind)>);

impl Marks {
    fn word(&mut self, w: &Word) {
        if !w.quoted {
            self.0.push((w.span, TokenKind::Word));
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Quantity(q) => self.0.push((q.span, quantity_kind(q))),
            Value::Word(w) => self.word(w),
        }
    }

    fn kv(&mut self, kv: &KeyValue) {
        self.0.push((kv.key.span, TokenKind::OptionKey));
        self.value(&kv.value);
    }

    fn hardware(&mut self, h: &Hardware) {
        for g in &h.groups {
            if let Some(c) = g.count {
                self.0.push((c.span, TokenKind::Count));
            }
            g.words.iter().for_each(|w| self.word(w));
            g.options.iter().for_each(|kv| self.kv(kv));
        }
        if let Some((span, words)) = &h.over {
            self.0
                .push((Span::new(span.start, span.start + 4), TokenKind::Keyword));
            words.iter().for_each(|w| self.word(w));
        }
    }
}

fn classify(text: &str, out: &ParseOutput) -> Vec<Token> {
    let mut marks = Marks(Vec::new());
    let mut errors: Vec<Span> = Vec::new();
    for st in out.parsed.file.scenarios.iter().flat_map(|s| &s.statements) {
        let first_word = Span::new(
            st.span.start,
            st.span.start
                + text[st.span.start..st.span.end]
                    .find(|c: char| !lexer::is_word_char(c))
                    .unwrap_or(st.span.len()),
        );
        match &st.kind {
            StatementKind::Error => errors.push(st.span),
            StatementKind::Hardware(h) => marks.hardware(h),
            StatementKind::Have(h) => {
                marks.0.push((first_word, TokenKind::Keyword));
                marks.hardware(h);
            }
            StatementKind::Model(m) => {
                if let Some(k) = m.keyword {
                    marks.0.push((k, TokenKind::Keyword));
                }
                m.words.iter().for_each(|w| marks.word(w));
                m.options.iter().for_each(|kv| marks.kv(kv));
            }
            StatementKind::Strategy(s) => {
                for w in &s.words {
                    if !w.quoted && is_strategy_word(&w.text) {
                        marks.0.push((w.span, TokenKind::StrategyWord));
                    } else {
                        marks.word(w);
                    }
                }
                s.options.iter().for_each(|kv| marks.kv(kv));
            }
            StatementKind::Phrase(p) => {
                p.words.iter().for_each(|w| marks.word(w));
                p.options.iter().for_each(|kv| marks.kv(kv));
            }
            StatementKind::Options(kvs) => kvs.iter().for_each(|kv| marks.kv(kv)),
            StatementKind::Directive(d) => {
                marks.0.push((d.keyword.span, TokenKind::Keyword));
                for a in &d.args {
                    match a {
                        Arg::Word(w) => marks.word(w),
                        Arg::Quantity(q) => marks.0.push((q.span, quantity_kind(q))),
                        Arg::KeyValue(kv) => marks.kv(kv),
                    }
                }
            }
            StatementKind::DeviceDef(d) => {
                marks.0.push((first_word, TokenKind::Keyword));
                marks.word(&d.name);
                for f in &d.fields {
                    marks.0.push((f.key.span, TokenKind::OptionKey));
                    marks.value(&f.value);
                }
            }
        }
    }
    let mut marks = marks.0;
    marks.sort_by_key(|(s, _)| s.start);

    let mut result = Vec::with_capacity(out.tokens.len());
    for t in &out.tokens {
        let kind = match t.kind {
            RawKind::Newline => continue,
            RawKind::Comment => TokenKind::Comment,
            RawKind::Semi | RawKind::ScenarioSep => TokenKind::Separator,
            RawKind::Op(_) | RawKind::Plus => TokenKind::Operator,
            RawKind::LBrace | RawKind::RBrace => TokenKind::Punctuation,
            RawKind::Quoted { closed: true } => TokenKind::String,
            RawKind::Quoted { closed: false } | RawKind::BadChar => TokenKind::Error,
            RawKind::Word => {
                let k = marks.partition_point(|(s, _)| s.start <= t.span.start);
                let marked = k
                    .checked_sub(1)
                    .map(|k| marks[k])
                    .filter(|(s, _)| s.end >= t.span.end);
                let in_error = {
                    let e = errors.partition_point(|s| s.start <= t.span.start);
                    e > 0 && errors[e - 1].end >= t.span.end
                };
                match marked {
                    Some((_, kind)) => kind,
                    None if in_error => guess(&text[t.span.start..t.span.end]),
                    None => TokenKind::Word,
                }
            }
        };
        result.push(Token { span: t.span, kind });
    }
    result
}

/// Classification by text alone, for words in statements that did not parse.
fn guess(s: &str) -> TokenKind {
    if is_keyword(s) {
        TokenKind::Keyword
    } else if is_strategy_word(s) {
        TokenKind::StrategyWord
    } else if lexer::attached_count(s).is_some() {
        TokenKind::Count
    } else {
        match lexer::parse_quantity(s) {
            Some((_, Unit::None)) => TokenKind::Number,
            Some(_) => TokenKind::Quantity,
            None => TokenKind::Word,
        }
    }
}

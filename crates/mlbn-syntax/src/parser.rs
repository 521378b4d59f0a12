//! Statement splitting and classification over the raw tokens.
//!
//! The statement loop is iterative (no recursion, no backtracking): each token is looked at a
//! bounded number of times, so any input parses in linear time and memory. A statement that
//! does not parse becomes [`StatementKind::Error`] with one diagnostic, and parsing goes on
//! with the next statement.

use crate::ast::*;
use crate::lexer::{self, RawKind, RawToken};
use crate::{
    DEGREE_KEYS, Diagnostic, Fix, KEYWORDS, MAX_DEVICE_COUNT, Parsed, STRATEGY_WORDS, Span,
    TextEdit,
};

/// After this many diagnostics the parser reports one `too_many_errors` and stops adding more,
/// so garbage input cannot produce an unbounded list.
pub(crate) const MAX_DIAGNOSTICS: usize = 200;

/// Everything the parser learned, including what the public tree does not keep but the
/// formatter and the token API need.
pub(crate) struct ParseOutput {
    pub parsed: Parsed,
    pub tokens: Vec<RawToken>,
    /// Spans of the `---` scenario separators.
    pub seps: Vec<Span>,
}

struct Parser<'a> {
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    overflowed: bool,
}

type Res<T> = Result<T, Diagnostic>;

fn err(code: &str, message: impl Into<String>, span: Span, help: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, message, span).with_help(help)
}

pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s))
}

pub(crate) fn is_strategy_word(s: &str) -> bool {
    STRATEGY_WORDS.iter().any(|k| k.eq_ignore_ascii_case(s))
}

fn is_degree_key(s: &str) -> bool {
    DEGREE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(s))
}

/// One element of a statement after `key=value` pairs have been joined.
#[derive(Debug, Clone)]
enum Item {
    Word(Word),
    Plus(Span),
    Kv(KeyValue),
}

impl Item {
    fn span(&self) -> Span {
        match self {
            Item::Word(w) => w.span,
            Item::Plus(s) => *s,
            Item::Kv(kv) => kv.span,
        }
    }

    fn bare_word(&self) -> Option<&str> {
        match self {
            Item::Word(w) if !w.quoted => Some(&w.text),
            _ => None,
        }
    }
}

pub(crate) fn parse_text(text: &str) -> ParseOutput {
    let tokens = lexer::lex(text);
    let mut p = Parser {
        text,
        diagnostics: Vec::new(),
        overflowed: false,
    };
    let (file, seps) = p.run(&tokens);
    let mut diagnostics = p.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    ParseOutput {
        parsed: Parsed { file, diagnostics },
        tokens,
        seps,
    }
}

impl<'a> Parser<'a> {
    fn slice(&self, span: Span) -> &'a str {
        &self.text[span.start..span.end]
    }

    fn report(&mut self, d: Diagnostic) {
        if self.diagnostics.len() < MAX_DIAGNOSTICS {
            self.diagnostics.push(d);
        } else if !self.overflowed {
            self.overflowed = true;
            self.diagnostics.push(Diagnostic::error(
                "too_many_errors",
                format!("more than {MAX_DIAGNOSTICS} problems; the rest are not reported"),
                d.span,
            ));
        }
    }

    fn word(&self, t: &RawToken) -> Word {
        let raw = self.slice(t.span);
        match t.kind {
            RawKind::Quoted { .. } => Word {
                span: t.span,
                text: lexer::unquote(raw),
                quoted: true,
            },
            _ => Word {
                span: t.span,
                text: raw.to_string(),
                quoted: false,
            },
        }
    }

    fn run(&mut self, toks: &[RawToken]) -> (SourceFile, Vec<Span>) {
        // For each index, where the next `}` and the next `---` are: lets a `{` decide in O(1)
        // whether it is closed within its scenario, keeping the whole pass linear.
        let n = toks.len();
        let mut next_rbrace = vec![n; n + 1];
        let mut next_sep = vec![n; n + 1];
        for i in (0..n).rev() {
            next_rbrace[i] = if toks[i].kind == RawKind::RBrace {
                i
            } else {
                next_rbrace[i + 1]
            };
            next_sep[i] = if toks[i].kind == RawKind::ScenarioSep {
                i
            } else {
                next_sep[i + 1]
            };
        }

        let mut file = SourceFile::default();
        let mut seps = Vec::new();
        let mut statements: Vec<Statement> = Vec::new();
        let mut cur: Vec<RawToken> = Vec::new();
        let mut brace_end: Option<usize> = None;
        let mut brace_opened = false;
        let mut line_mode = false;

        for (i, t) in toks.iter().enumerate() {
            if t.kind == RawKind::Comment {
                let raw = self.slice(t.span);
                file.comments.push(Comment {
                    span: t.span,
                    text: raw[1..].trim_end().to_string(),
                });
                continue;
            }
            if let Some(end) = brace_end {
                cur.push(*t);
                if i == end {
                    brace_end = None;
                }
                continue;
            }
            match t.kind {
                RawKind::Newline => {
                    self.finish_statement(&mut cur, &mut statements);
                    brace_opened = false;
                    line_mode = false;
                }
                RawKind::Semi if !line_mode => {
                    self.finish_statement(&mut cur, &mut statements);
                    brace_opened = false;
                }
                RawKind::ScenarioSep => {
                    self.finish_statement(&mut cur, &mut statements);
                    brace_opened = false;
                    line_mode = false;
                    let alone_before = i == 0 || toks[i - 1].kind == RawKind::Newline;
                    let alone_after = matches!(
                        toks.get(i + 1).map(|t| t.kind),
                        None | Some(RawKind::Newline | RawKind::Comment)
                    );
                    if !(alone_before && alone_after) {
                        self.report(
                            Diagnostic::warning(
                                "misplaced_separator",
                                "`---` separates scenarios and should stand on its own line",
                                t.span,
                            )
                            .with_help("put `---` on a line of its own (`mlbn fmt` does this)"),
                        );
                    }
                    seps.push(t.span);
                    self.finish_scenario(&mut statements, &mut file);
                }
                RawKind::LBrace
                    if !brace_opened
                        && !line_mode
                        && cur.first().is_some_and(|f| {
                            f.kind == RawKind::Word
                                && self.slice(f.span).eq_ignore_ascii_case("device")
                        }) =>
                {
                    brace_opened = true;
                    cur.push(*t);
                    if next_rbrace[i] < next_sep[i] {
                        brace_end = Some(next_rbrace[i]);
                    } else {
                        // Unclosed: the statement runs to the end of this line only, so one
                        // missing `}` does not swallow the rest of the file.
                        line_mode = true;
                    }
                }
                _ => cur.push(*t),
            }
        }
        self.finish_statement(&mut cur, &mut statements);
        self.finish_scenario(&mut statements, &mut file);
        (file, seps)
    }

    fn finish_scenario(&mut self, statements: &mut Vec<Statement>, file: &mut SourceFile) {
        if let (Some(first), Some(last)) = (statements.first(), statements.last()) {
            let span = first.span.cover(last.span);
            file.scenarios.push(Scenario {
                span,
                statements: std::mem::take(statements),
            });
        }
    }

    fn finish_statement(&mut self, cur: &mut Vec<RawToken>, out: &mut Vec<Statement>) {
        if cur.is_empty() {
            return;
        }
        let toks = &cur[..];
        let span = toks[0].span.cover(toks[toks.len() - 1].span);
        let kind = match self.statement(toks) {
            Ok(kind) => kind,
            Err(d) => {
                self.report(d);
                StatementKind::Error
            }
        };
        out.push(Statement { span, kind });
        cur.clear();
    }

    /// Problems that make any statement unparseable, checked in text order.
    fn lexical_errors(&self, toks: &[RawToken], device: bool) -> Res<()> {
        for t in toks {
            match t.kind {
                RawKind::BadChar => {
                    let s = self.slice(t.span);
                    let d = if s.starts_with(',') {
                        err(
                            "unexpected_char",
                            "unexpected `,`",
                            t.span,
                            "separate statements with `;` or a new line, and words with spaces",
                        )
                        .with_fix(Fix {
                            title: "replace `,` with `;`".into(),
                            effect: String::new(),
                            edits: vec![TextEdit {
                                span: Span::new(t.span.start, t.span.start + 1),
                                new_text: ";".into(),
                            }],
                        })
                    } else if s.starts_with('`') {
                        err(
                            "unexpected_char",
                            "unexpected backtick",
                            t.span,
                            "backticks are Markdown, not part of the language: remove them",
                        )
                        .with_fix(Fix {
                            title: "remove the backtick".into(),
                            effect: String::new(),
                            edits: vec![TextEdit {
                                span: Span::new(t.span.start, t.span.start + 1),
                                new_text: String::new(),
                            }],
                        })
                    } else {
                        let c = s.chars().next().unwrap_or('?');
                        err(
                            "unexpected_char",
                            format!("unexpected character U+{:04X}", c as u32),
                            t.span,
                            "control and invisible characters are not allowed outside quotes \
                             and comments; delete it",
                        )
                    };
                    return Err(d);
                }
                RawKind::Quoted { closed: false } => {
                    return Err(err(
                        "unclosed_quote",
                        "this quoted name is not closed before the end of the line",
                        t.span,
                        "add a closing `\"`",
                    )
                    .with_fix(Fix {
                        title: "close the quote".into(),
                        effect: String::new(),
                        edits: vec![TextEdit {
                            span: Span::at(t.span.end),
                            new_text: "\"".into(),
                        }],
                    }));
                }
                RawKind::LBrace | RawKind::RBrace if !device => {
                    return Err(err(
                        "unexpected_char",
                        format!("unexpected `{}`", self.slice(t.span)),
                        t.span,
                        "braces only appear in a device definition: `device NAME { mem 48GB; bw 960GB/s }`",
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn statement(&self, toks: &[RawToken]) -> Res<StatementKind> {
        let first = toks[0];
        let is_device =
            first.kind == RawKind::Word && self.slice(first.span).eq_ignore_ascii_case("device");
        self.lexical_errors(toks, is_device)?;
        if is_device {
            return self.device_def(toks);
        }
        let items = self.items(toks)?;
        self.classify(items)
    }

    /// Joins `key op value` triples into [`Item::Kv`].
    fn items(&self, toks: &[RawToken]) -> Res<Vec<Item>> {
        let mut items = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            match t.kind {
                RawKind::Word | RawKind::Quoted { .. } => {
                    if let Some(RawKind::Op(op)) = toks.get(i + 1).map(|t| t.kind) {
                        let op_span = toks[i + 1].span;
                        if t.kind != RawKind::Word {
                            return Err(err(
                                "unexpected_operator",
                                format!(
                                    "a quoted name cannot be an option key before `{}`",
                                    self.slice(op_span)
                                ),
                                op_span,
                                "write options as `key=value`, e.g. `prompt=2k`",
                            ));
                        }
                        let value = match toks.get(i + 2) {
                            Some(v) if matches!(v.kind, RawKind::Word | RawKind::Quoted { .. }) => {
                                self.value(v)
                            }
                            _ => {
                                return Err(err(
                                    "expected_value",
                                    format!("expected a value after `{}`", self.slice(op_span)),
                                    op_span,
                                    "write options as `key=value`, e.g. `prompt=2k` or `ttft<2s`",
                                ));
                            }
                        };
                        // `power<=1200 W`: a number and a unit word make one value.
                        let (value, used) = match (&value, toks.get(i + 3)) {
                            (Value::Quantity(q), Some(u))
                                if q.unit == Unit::None && u.kind == RawKind::Word =>
                            {
                                let pair = [
                                    Item::Word(self.word(&toks[i + 2])),
                                    Item::Word(self.word(u)),
                                ];
                                match self.quantity_at(&pair, 0) {
                                    Some((q, 2)) => (Value::Quantity(q), 4),
                                    _ => (value, 3),
                                }
                            }
                            _ => (value, 3),
                        };
                        let key = self.word(&t);
                        items.push(Item::Kv(KeyValue {
                            span: t.span.cover(value.span()),
                            key,
                            op,
                            value,
                        }));
                        i += used;
                        continue;
                    }
                    items.push(Item::Word(self.word(&t)));
                }
                RawKind::Plus => items.push(Item::Plus(t.span)),
                RawKind::Op(_) => {
                    return Err(err(
                        "unexpected_operator",
                        format!("`{}` needs an option name before it", self.slice(t.span)),
                        t.span,
                        "write options as `key=value` with no space in the key, e.g. `batch=8`",
                    ));
                }
                _ => {
                    return Err(err(
                        "unexpected_token",
                        format!("unexpected `{}`", self.slice(t.span)),
                        t.span,
                        "",
                    ));
                }
            }
            i += 1;
        }
        Ok(items)
    }

    fn value(&self, t: &RawToken) -> Value {
        if t.kind == RawKind::Word {
            let s = self.slice(t.span);
            if let Some((value, unit)) = lexer::parse_quantity(s) {
                return Value::Quantity(Quantity {
                    span: t.span,
                    value,
                    unit,
                });
            }
        }
        Value::Word(self.word(t))
    }

    fn classify(&self, items: Vec<Item>) -> Res<StatementKind> {
        let first = &items[0];
        if let Some(w) = first.bare_word().filter(|w| is_keyword(w)) {
            let kw = w.to_ascii_lowercase();
            let Item::Word(mut keyword) = items[0].clone() else {
                unreachable!("bare_word implies Item::Word")
            };
            // Keywords are case-insensitive; the tree keeps them lowercase.
            keyword.text = kw.clone();
            return match kw.as_str() {
                "model" => {
                    let (words, options) = self.words_and_options(&items[1..], "model")?;
                    if words.is_empty() {
                        return Err(err(
                            "expected_model",
                            "expected a model name or a quoted config path after `model`",
                            keyword.span,
                            "e.g. `model llama3-70b q4` or `model \"./config.json\" q4_k_m`",
                        ));
                    }
                    Ok(StatementKind::Model(ModelStmt {
                        keyword: Some(keyword.span),
                        words,
                        options,
                    }))
                }
                "have" => {
                    if items.len() == 1 {
                        return Err(err(
                            "expected_hardware",
                            "expected the hardware you own after `have`",
                            keyword.span,
                            "e.g. `have 1x rtx4090`",
                        ));
                    }
                    Ok(StatementKind::Have(self.hardware(&items[1..])?))
                }
                "over" => Ok(StatementKind::Hardware(self.hardware(&items)?)),
                _ => {
                    let mut args = Vec::new();
                    let rest = &items[1..];
                    let mut i = 0;
                    while i < rest.len() {
                        match &rest[i] {
                            Item::Word(w) => {
                                if let Some((q, used)) = self.quantity_at(rest, i) {
                                    args.push(Arg::Quantity(q));
                                    i += used;
                                    continue;
                                }
                                args.push(Arg::Word(w.clone()));
                            }
                            Item::Kv(kv) => args.push(Arg::KeyValue(kv.clone())),
                            Item::Plus(s) => return Err(self.stray_plus(*s, &kw)),
                        }
                        i += 1;
                    }
                    Ok(StatementKind::Directive(Directive { keyword, args }))
                }
            };
        }

        let starts_with_count = self.count_len(&items).is_some();
        let has_plus = items.iter().any(|i| matches!(i, Item::Plus(_)));
        let has_over = items.iter().any(|i| {
            i.bare_word()
                .is_some_and(|w| w.eq_ignore_ascii_case("over"))
        });
        if starts_with_count || has_plus || has_over {
            return Ok(StatementKind::Hardware(self.hardware(&items)?));
        }

        let first_word = items.iter().find_map(|i| match i {
            Item::Word(w) => Some(w),
            _ => None,
        });
        let (words, options) = self.words_and_options(&items, "")?;
        match first_word {
            // An `org/name` id or a config path; `100GB/s` is a quantity, not a path.
            Some(w)
                if (!w.quoted
                    && w.text.contains('/')
                    && lexer::parse_quantity(&w.text).is_none())
                    || w.text.to_ascii_lowercase().ends_with(".json") =>
            {
                Ok(StatementKind::Model(ModelStmt {
                    keyword: None,
                    words,
                    options,
                }))
            }
            Some(w) if !w.quoted && is_strategy_word(&w.text) => {
                Ok(StatementKind::Strategy(StrategyStmt { words, options }))
            }
            Some(_) => Ok(StatementKind::Phrase(Phrase { words, options })),
            None if options.iter().any(|kv| is_degree_key(&kv.key.text)) => {
                Ok(StatementKind::Strategy(StrategyStmt { words, options }))
            }
            None => Ok(StatementKind::Options(options)),
        }
    }

    fn stray_plus(&self, span: Span, after: &str) -> Diagnostic {
        let what = if after.is_empty() {
            String::new()
        } else {
            format!(" in a `{after}` statement")
        };
        err(
            "unexpected_plus",
            format!("unexpected `+`{what}"),
            span,
            "`+` with a space before it joins device groups (`2x a + 1x b`); \
             write `Max+` with no space to keep it in a name",
        )
    }

    fn words_and_options(&self, items: &[Item], ctx: &str) -> Res<(Vec<Word>, Vec<KeyValue>)> {
        let mut words = Vec::new();
        let mut options = Vec::new();
        for it in items {
            match it {
                Item::Word(w) => words.push(w.clone()),
                Item::Kv(kv) => options.push(kv.clone()),
                Item::Plus(s) => return Err(self.stray_plus(*s, ctx)),
            }
        }
        Ok((words, options))
    }

    /// A quantity starting at `items[i]`: one word (`48GB`) or a number and a unit word
    /// (`48 GB`). Returns it and how many items it used.
    fn quantity_at(&self, items: &[Item], i: usize) -> Option<(Quantity, usize)> {
        let Item::Word(w) = &items[i] else {
            return None;
        };
        if w.quoted {
            return None;
        }
        let (value, unit) = lexer::parse_quantity(&w.text)?;
        if unit == Unit::None && w.text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            if let Some(Item::Word(u)) = items.get(i + 1) {
                // Only a unit word joins (`48 GB`, `8 h/day`), never `1 .5GB`.
                if !u.quoted && u.text.starts_with(|c: char| c.is_alphabetic() || c == '%') {
                    let joined = format!("{}{}", w.text, u.text);
                    if let Some((v2, unit2)) = lexer::parse_quantity(&joined) {
                        if unit2 != Unit::None {
                            return Some((
                                Quantity {
                                    span: w.span.cover(u.span),
                                    value: v2,
                                    unit: unit2,
                                },
                                2,
                            ));
                        }
                    }
                }
            }
        }
        Some((
            Quantity {
                span: w.span,
                value,
                unit,
            },
            1,
        ))
    }

    /// How many items the count at the start of `items` uses (`2x` → 1, `2 x` → 2).
    fn count_len(&self, items: &[Item]) -> Option<usize> {
        let w = items.first()?.bare_word()?;
        if lexer::attached_count(w).is_some() {
            return Some(1);
        }
        if lexer::is_digits(w) && items.get(1)?.bare_word().is_some_and(lexer::is_times) {
            return Some(2);
        }
        None
    }

    fn count(&self, items: &[Item]) -> Res<Option<(Count, usize)>> {
        let Some(used) = self.count_len(items) else {
            return Ok(None);
        };
        let w = items[0].bare_word().unwrap_or_default();
        let digits = lexer::attached_count(w).unwrap_or(w);
        let span = items[0].span().cover(items[used - 1].span());
        match lexer::digits_value(digits, MAX_DEVICE_COUNT) {
            Some(0) => Err(err(
                "count_zero",
                "a device count must be at least 1",
                span,
                "remove the group or write `1x`",
            )),
            Some(value) => Ok(Some((Count { span, value }, used))),
            None => Err(err(
                "count_too_large",
                format!("device count `{digits}` is larger than the limit of {MAX_DEVICE_COUNT}"),
                span,
                format!("mlbn models up to {MAX_DEVICE_COUNT} devices of one kind in a group"),
            )),
        }
    }

    fn hardware(&self, items: &[Item]) -> Res<Hardware> {
        // Split off `over <link words>`.
        let over_at = items.iter().position(|i| {
            i.bare_word()
                .is_some_and(|w| w.eq_ignore_ascii_case("over"))
        });
        let (group_items, over) = match over_at {
            Some(k) => {
                let over_span = items[k].span();
                let mut words = Vec::new();
                let mut trailing_options = Vec::new();
                for it in &items[k + 1..] {
                    match it {
                        Item::Word(w) if !w.quoted && w.text.eq_ignore_ascii_case("over") => {
                            return Err(err(
                                "duplicate_over",
                                "`over` appears twice",
                                w.span,
                                "name all links after one `over`: `a + b over nvlink 10gbe`",
                            ));
                        }
                        Item::Word(w) => words.push(w.clone()),
                        Item::Kv(kv) => trailing_options.push(kv.clone()),
                        Item::Plus(s) => {
                            return Err(err(
                                "unexpected_plus",
                                "`+` after `over`",
                                *s,
                                "put `over <link>` after the last device group: `a + b over 10gbe`",
                            ));
                        }
                    }
                }
                if words.is_empty() {
                    return Err(err(
                        "expected_link",
                        "expected a link name after `over`",
                        over_span,
                        "e.g. `over nvlink`, `over pcie4`, `over 10gbe`, `over tb5`",
                    ));
                }
                let span = over_span.cover(words[words.len() - 1].span);
                (&items[..k], Some((span, words, trailing_options)))
            }
            None => (items, None),
        };

        let mut groups = Vec::new();
        let mut start = 0;
        for (j, it) in group_items.iter().enumerate() {
            if let Item::Plus(plus) = it {
                groups.push(self.group(&group_items[start..j], *plus)?);
                start = j + 1;
            }
        }
        let fallback = match (group_items.last(), &over) {
            (Some(last), _) => last.span(),
            (None, Some((span, _, _))) => *span,
            (None, None) => Span::default(),
        };
        groups.push(self.group(&group_items[start..], fallback)?);
        let mut over_out = None;
        if let Some((span, words, trailing)) = over {
            if let Some(last) = groups.last_mut() {
                last.options.extend(trailing);
            }
            over_out = Some((span, words));
        }
        Ok(Hardware {
            groups,
            over: over_out,
        })
    }

    /// One device group; `near` locates the error when the group is empty (the `+` after it,
    /// or the last thing before it).
    fn group(&self, chunk: &[Item], near: Span) -> Res<DeviceGroup> {
        if chunk.is_empty() {
            return Err(err(
                "empty_device_group",
                "expected a device on both sides of `+` and before `over`",
                near,
                "e.g. `2x rtx4090 + 1x rtx3090 over pcie4`",
            ));
        }
        let (count, used) = match self.count(chunk)? {
            Some((c, used)) => (Some(c), used),
            None => (None, 0),
        };
        let mut words = Vec::new();
        let mut options = Vec::new();
        for it in &chunk[used..] {
            match it {
                Item::Word(w) => words.push(w.clone()),
                Item::Kv(kv) => options.push(kv.clone()),
                Item::Plus(_) => unreachable!("groups are split on `+`"),
            }
        }
        if words.is_empty() {
            let span = count.map(|c| c.span).unwrap_or_else(|| chunk[0].span());
            return Err(err(
                "expected_device",
                "expected a device name",
                span,
                "e.g. `2x rtx4090`",
            ));
        }
        let span = chunk[0].span().cover(chunk[chunk.len() - 1].span());
        Ok(DeviceGroup {
            span,
            count,
            words,
            options,
        })
    }

    fn device_def(&self, toks: &[RawToken]) -> Res<StatementKind> {
        let kw = toks[0];
        let name_tok = match toks.get(1) {
            Some(t) if matches!(t.kind, RawKind::Word | RawKind::Quoted { .. }) => *t,
            _ => {
                return Err(err(
                    "expected_name",
                    "expected a device name after `device`",
                    toks.get(1).map_or(kw.span, |t| t.span),
                    "e.g. `device lab-box { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }`",
                ));
            }
        };
        let open = match toks.get(2) {
            Some(t) if t.kind == RawKind::LBrace => *t,
            Some(t) if matches!(t.kind, RawKind::Word | RawKind::Quoted { .. }) => {
                return Err(err(
                    "expected_brace",
                    "expected `{` after the device name",
                    t.span,
                    "a device name is one word; quote names with spaces: `device \"lab box\" { … }`",
                ));
            }
            other => {
                return Err(err(
                    "expected_brace",
                    "expected `{` after the device name",
                    other.map_or(Span::at(name_tok.span.end), |t| t.span),
                    "e.g. `device lab-box { mem 48GB; bw 960GB/s }`; the `{` goes on the same line",
                ));
            }
        };
        let body_toks = &toks[3..];
        let Some(close_rel) = body_toks.iter().position(|t| t.kind == RawKind::RBrace) else {
            return Err(err(
                "unclosed_brace",
                "this `{` is not closed",
                open.span,
                "add `}` after the last field: `device NAME { mem 48GB; bw 960GB/s }`",
            ));
        };
        if let Some(nested) = body_toks[..close_rel]
            .iter()
            .find(|t| t.kind == RawKind::LBrace)
        {
            return Err(err(
                "unexpected_char",
                "unexpected `{` inside a device definition",
                nested.span,
                "device blocks do not nest; close the first one with `}` before starting another",
            ));
        }
        if let Some(extra) = body_toks.get(close_rel + 1) {
            return Err(err(
                "unexpected_token",
                format!(
                    "unexpected `{}` after the device definition",
                    self.slice(extra.span)
                ),
                extra.span,
                "end the statement after `}` with `;` or a new line",
            ));
        }
        let close = body_toks[close_rel];
        let inner = &body_toks[..close_rel];
        let mut fields = Vec::new();
        for field in inner.split(|t| matches!(t.kind, RawKind::Semi | RawKind::Newline)) {
            if field.is_empty() {
                continue;
            }
            fields.push(self.device_field(field)?);
        }
        Ok(StatementKind::DeviceDef(DeviceDef {
            name: self.word(&name_tok),
            fields,
            body: open.span.cover(close.span),
        }))
    }

    fn device_field(&self, toks: &[RawToken]) -> Res<DeviceField> {
        let bad = |span: Span, msg: String| {
            err(
                "bad_device_field",
                msg,
                span,
                "write each field as `key value`, e.g. `mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W`",
            )
        };
        let key_tok = toks[0];
        if key_tok.kind != RawKind::Word {
            return Err(bad(
                key_tok.span,
                format!(
                    "expected a field name, found `{}`",
                    self.slice(key_tok.span)
                ),
            ));
        }
        let key = self.word(&key_tok);
        let mut rest = &toks[1..];
        if rest.first().map(|t| t.kind) == Some(RawKind::Op(CompareOp::Eq)) {
            rest = &rest[1..];
        }
        let value_items: Vec<Item> = rest
            .iter()
            .map(|t| match t.kind {
                RawKind::Word | RawKind::Quoted { .. } => Ok(Item::Word(self.word(t))),
                _ => Err(bad(
                    t.span,
                    format!("unexpected `{}` in a device field", self.slice(t.span)),
                )),
            })
            .collect::<Res<_>>()?;
        let value = match value_items.len() {
            0 => {
                return Err(bad(
                    key_tok.span,
                    format!("expected a value after `{}`", key.text),
                ));
            }
            _ => match self.quantity_at(&value_items, 0) {
                Some((q, used)) if used == value_items.len() => Value::Quantity(q),
                None if value_items.len() == 1 => match &value_items[0] {
                    Item::Word(w) => Value::Word(w.clone()),
                    _ => unreachable!("only words are collected"),
                },
                _ => {
                    let extra = value_items[value_items.len() - 1].span();
                    return Err(bad(
                        value_items[0].span().cover(extra),
                        format!("`{}` takes one value", key.text),
                    ));
                }
            },
        };
        Ok(DeviceField {
            span: key_tok.span.cover(value.span()),
            key,
            value,
        })
    }
}

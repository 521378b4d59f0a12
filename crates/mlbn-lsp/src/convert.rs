//! Pure conversions from `mlbn-ide` values (byte spans) to protocol values (positions).
//!
//! Nothing here decides anything about `.mlbn`: severities, labels, titles and edits come
//! from the ide; this module only changes their shape and their coordinates.

use crate::position::{Encoding, LineIndex};
use mlbn_syntax::ast::StatementKind;
use mlbn_syntax::{Fix, Severity, Span, TokenKind};
use serde_json::json;
use std::collections::HashMap;
use tower_lsp_server::ls_types as lsp;

/// One document's text with its line index and the negotiated encoding.
#[derive(Clone, Copy)]
pub struct DocView<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub enc: Encoding,
}

impl DocView<'_> {
    pub fn range(&self, span: Span) -> lsp::Range {
        self.index.range(self.text, span.start, span.end, self.enc)
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        self.index.position(self.text, offset, self.enc)
    }

    pub fn offset(&self, pos: lsp::Position) -> usize {
        self.index.offset(self.text, pos, self.enc)
    }

    pub fn span(&self, range: lsp::Range) -> Span {
        let (a, b) = self.index.offsets(self.text, range, self.enc);
        Span::new(a, b)
    }

    /// The range of the whole text.
    pub fn full_range(&self) -> lsp::Range {
        lsp::Range::new(
            lsp::Position::new(0, 0),
            self.index.end(self.text, self.enc),
        )
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// A fix's title as shown in the editor: what to do, then what it gives.
pub fn fix_title(fix: &Fix) -> String {
    if fix.effect.trim().is_empty() {
        fix.title.clone()
    } else {
        format!("{} → {}", fix.title, fix.effect)
    }
}

pub fn text_edits(fix: &Fix, doc: DocView) -> Vec<lsp::TextEdit> {
    fix.edits
        .iter()
        .map(|e| lsp::TextEdit::new(doc.range(e.span), e.new_text.clone()))
        .collect()
}

/// The fix as JSON for `Diagnostic.data`, so a client can apply it without asking again.
fn fix_json(fix: &Fix, doc: DocView) -> serde_json::Value {
    json!({
        "title": fix_title(fix),
        "effect": fix.effect,
        "edits": text_edits(fix, doc),
    })
}

pub fn diagnostic(d: &mlbn_syntax::Diagnostic, doc: DocView) -> lsp::Diagnostic {
    let message = match &d.help {
        Some(help) if !help.is_empty() => format!("{}\nhelp: {help}", d.message),
        _ => d.message.clone(),
    };
    let data = (!d.fixes.is_empty())
        .then(|| json!({ "fixes": d.fixes.iter().map(|f| fix_json(f, doc)).collect::<Vec<_>>() }));
    lsp::Diagnostic {
        range: doc.range(d.span),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.clone())),
        source: Some("mlbn".into()),
        message,
        data,
        ..Default::default()
    }
}

/// A quick fix for `fix`, linked to the diagnostics it resolves.
pub fn code_action(
    fix: &Fix,
    diagnostics: Vec<lsp::Diagnostic>,
    preferred: bool,
    uri: &lsp::Uri,
    doc: DocView,
) -> lsp::CodeAction {
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), text_edits(fix, doc));
    lsp::CodeAction {
        title: fix_title(fix),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    }
}

pub fn hover(h: &mlbn_ide::Hover, doc: DocView) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(doc.range(h.span)),
    }
}

fn completion_kind(k: mlbn_ide::CompletionKind) -> lsp::CompletionItemKind {
    use mlbn_ide::CompletionKind as K;
    match k {
        K::Device => lsp::CompletionItemKind::CLASS,
        K::Model => lsp::CompletionItemKind::MODULE,
        K::Quant => lsp::CompletionItemKind::UNIT,
        K::Runtime => lsp::CompletionItemKind::INTERFACE,
        K::Link => lsp::CompletionItemKind::REFERENCE,
        K::KvType => lsp::CompletionItemKind::UNIT,
        K::Strategy => lsp::CompletionItemKind::ENUM_MEMBER,
        K::Keyword => lsp::CompletionItemKind::KEYWORD,
        K::Option => lsp::CompletionItemKind::PROPERTY,
        K::Value => lsp::CompletionItemKind::VALUE,
    }
}

/// Items in the ide's order (its ranking), each replacing the partial word it completes.
pub fn completions(items: &[mlbn_ide::CompletionItem], doc: DocView) -> Vec<lsp::CompletionItem> {
    items
        .iter()
        .enumerate()
        .map(|(i, it)| lsp::CompletionItem {
            label: it.label.clone(),
            kind: Some(completion_kind(it.kind)),
            detail: (!it.detail.is_empty()).then(|| it.detail.clone()),
            sort_text: Some(format!("{i:04}")),
            filter_text: Some(it.label.clone()),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                doc.range(it.replace),
                it.label.clone(),
            ))),
            ..Default::default()
        })
        .collect()
}

pub fn inlay_hints(
    hints: &[mlbn_ide::InlayHint],
    wanted: Option<Span>,
    doc: DocView,
) -> Vec<lsp::InlayHint> {
    hints
        .iter()
        .filter(|h| !h.label.is_empty())
        .filter(|h| wanted.is_none_or(|w| w.contains(h.offset)))
        .map(|h| lsp::InlayHint {
            position: doc.position(h.offset),
            label: lsp::InlayHintLabel::String(h.label.clone()),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}

/// Token types in the legend, indexed by [`token_type`].
pub const TOKEN_TYPES: &[lsp::SemanticTokenType] = &[
    lsp::SemanticTokenType::KEYWORD,
    lsp::SemanticTokenType::ENUM_MEMBER,
    lsp::SemanticTokenType::PROPERTY,
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::NUMBER,
    lsp::SemanticTokenType::OPERATOR,
    lsp::SemanticTokenType::STRING,
    lsp::SemanticTokenType::COMMENT,
];

pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: Vec::new(),
    }
}

/// Index into [`TOKEN_TYPES`]; `None` for error tokens (the diagnostics mark those).
fn token_type(k: TokenKind) -> Option<u32> {
    Some(match k {
        TokenKind::Keyword => 0,
        TokenKind::StrategyWord => 1,
        TokenKind::OptionKey => 2,
        TokenKind::Word => 3,
        TokenKind::Number | TokenKind::Quantity | TokenKind::Count => 4,
        TokenKind::Operator | TokenKind::Punctuation | TokenKind::Separator => 5,
        TokenKind::String => 6,
        TokenKind::Comment => 7,
        TokenKind::Error => return None,
    })
}

/// Tokens in the protocol's relative encoding. A token never spans lines in `.mlbn` (quotes
/// and comments end at the line break); should one, it is cut at its first line's end.
pub fn semantic_tokens(tokens: &[mlbn_syntax::Token], doc: DocView) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for t in tokens {
        let Some(ty) = token_type(t.kind) else {
            continue;
        };
        let start = doc.position(t.span.start);
        let mut end = doc.position(t.span.end);
        if end.line != start.line {
            let from = t.span.start.min(doc.text.len());
            let rest = doc.text.get(from..).unwrap_or("");
            let cut = rest.find(['\n', '\r']).unwrap_or(rest.len());
            end = doc.position(from + cut);
        }
        let length = end.character.saturating_sub(start.character);
        // Tokens come in text order; anything else cannot be encoded relatively.
        let ordered = (start.line, start.character) >= (prev_line, prev_start);
        if length == 0 || !ordered {
            continue;
        }
        let delta_line = start.line - prev_line;
        let delta_start = if delta_line == 0 {
            start.character - prev_start
        } else {
            start.character
        };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: ty,
            token_modifiers_bitset: 0,
        });
        prev_line = start.line;
        prev_start = start.character;
    }
    out
}

/// Longest symbol name; statements are cut to one short line for the outline.
const MAX_SYMBOL_CHARS: usize = 60;

fn symbol_name(text: &str, span: Span) -> String {
    let s = text.get(span.start..span.end).unwrap_or("");
    let first_line = s.lines().next().unwrap_or("").trim();
    let mut name: String = first_line.chars().take(MAX_SYMBOL_CHARS).collect();
    if first_line.chars().count() > MAX_SYMBOL_CHARS {
        name.push('…');
    }
    if name.is_empty() {
        name.push_str("(empty)");
    }
    name
}

fn statement_kind(k: &StatementKind) -> (&'static str, lsp::SymbolKind) {
    match k {
        StatementKind::Hardware(_) => ("hardware", lsp::SymbolKind::STRUCT),
        StatementKind::Have(_) => ("owned hardware", lsp::SymbolKind::STRUCT),
        StatementKind::Model(_) => ("model", lsp::SymbolKind::CLASS),
        StatementKind::Strategy(_) => ("strategy", lsp::SymbolKind::ENUM_MEMBER),
        StatementKind::DeviceDef(_) => ("device definition", lsp::SymbolKind::OBJECT),
        StatementKind::Directive(_) => ("directive", lsp::SymbolKind::PROPERTY),
        StatementKind::Options(_) => ("options", lsp::SymbolKind::PROPERTY),
        StatementKind::Phrase(_) => ("names", lsp::SymbolKind::VARIABLE),
        StatementKind::Error => ("error", lsp::SymbolKind::NULL),
    }
}

/// The outline: each scenario with its statements as children.
#[allow(deprecated)] // `DocumentSymbol.deprecated` must still be written as a field.
pub fn document_symbols(
    file: &mlbn_syntax::ast::SourceFile,
    doc: DocView,
) -> Vec<lsp::DocumentSymbol> {
    file.scenarios
        .iter()
        .enumerate()
        .map(|(i, sc)| {
            let children: Vec<lsp::DocumentSymbol> = sc
                .statements
                .iter()
                .map(|st| {
                    let (detail, kind) = statement_kind(&st.kind);
                    let range = doc.range(st.span);
                    lsp::DocumentSymbol {
                        name: symbol_name(doc.text, st.span),
                        detail: Some(detail.into()),
                        kind,
                        tags: None,
                        deprecated: None,
                        range,
                        selection_range: range,
                        children: None,
                    }
                })
                .collect();
            let range = doc.range(sc.span);
            let first = sc.statements.first().map(|s| s.span).unwrap_or(sc.span);
            lsp::DocumentSymbol {
                name: format!("scenario {}", i + 1),
                detail: Some(symbol_name(doc.text, first)),
                kind: lsp::SymbolKind::NAMESPACE,
                tags: None,
                deprecated: None,
                range,
                selection_range: doc.range(first),
                children: Some(children),
            }
        })
        .collect()
}

/// One edit replacing the whole text with its formatted form; none when already formatted.
pub fn formatting(formatted: &str, doc: DocView) -> Vec<lsp::TextEdit> {
    if formatted == doc.text {
        Vec::new()
    } else {
        vec![lsp::TextEdit::new(doc.full_range(), formatted.to_string())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlbn_syntax::TextEdit;

    fn view<'a>(text: &'a str, index: &'a LineIndex) -> DocView<'a> {
        DocView {
            text,
            index,
            enc: Encoding::Utf16,
        }
    }

    #[test]
    fn fix_titles_carry_their_effect() {
        let fix = Fix {
            title: "use q4_k_m".into(),
            effect: "fits, 18 tok/s".into(),
            edits: vec![],
        };
        assert_eq!(fix_title(&fix), "use q4_k_m → fits, 18 tok/s");
        let bare = Fix {
            effect: String::new(),
            ..fix
        };
        assert_eq!(fix_title(&bare), "use q4_k_m");
    }

    #[test]
    fn diagnostic_carries_help_code_and_fix_data_in_utf16() {
        let text = "# é 🚀\nrtx409O";
        let idx = LineIndex::new(text);
        let start = text.find("rtx").unwrap();
        let span = Span::new(start, text.len());
        let d = mlbn_syntax::Diagnostic::error("unknown_device", "unknown device", span)
            .with_help("did you mean `rtx4090`?")
            .with_fix(Fix {
                title: "use rtx4090".into(),
                effect: String::new(),
                edits: vec![TextEdit {
                    span,
                    new_text: "rtx4090".into(),
                }],
            });
        let l = diagnostic(&d, view(text, &idx));
        assert_eq!(l.range.start, lsp::Position::new(1, 0));
        assert_eq!(l.range.end, lsp::Position::new(1, 7));
        assert_eq!(l.severity, Some(lsp::DiagnosticSeverity::ERROR));
        assert_eq!(
            l.code,
            Some(lsp::NumberOrString::String("unknown_device".into()))
        );
        assert!(l.message.ends_with("help: did you mean `rtx4090`?"));
        let data = l.data.unwrap();
        assert_eq!(data["fixes"][0]["title"], "use rtx4090");
        assert_eq!(data["fixes"][0]["edits"][0]["newText"], "rtx4090");
        assert_eq!(data["fixes"][0]["edits"][0]["range"]["start"]["line"], 1);
    }

    #[test]
    fn semantic_tokens_are_relative_and_in_utf16() {
        let text = "# 🚀\n2x rtx4090 ; auto";
        let idx = LineIndex::new(text);
        let toks = mlbn_syntax::tokens(text);
        let data = semantic_tokens(&toks, view(text, &idx));
        // comment (2 chars + surrogate pair = 4 units), count, word, separator, strategy
        let got: Vec<(u32, u32, u32, u32)> = data
            .iter()
            .map(|t| (t.delta_line, t.delta_start, t.length, t.token_type))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 0, 4, 7),
                (1, 0, 2, 4),
                (0, 3, 7, 3),
                (0, 8, 1, 5),
                (0, 2, 4, 1)
            ]
        );
    }

    #[test]
    fn symbols_list_scenarios_and_statements() {
        let text = "2x rtx4090\nllama3-70b q4\nauto\n---\nm3-ultra-512; llama3-8b";
        let idx = LineIndex::new(text);
        let parsed = mlbn_syntax::parse(text);
        let syms = document_symbols(&parsed.file, view(text, &idx));
        assert_eq!(syms.len(), 2);
        assert_eq!(syms[0].name, "scenario 1");
        let kids = syms[0].children.as_ref().unwrap();
        assert_eq!(kids.len(), 3);
        assert_eq!(kids[0].name, "2x rtx4090");
        assert_eq!(kids[0].detail.as_deref(), Some("hardware"));
        assert_eq!(kids[2].detail.as_deref(), Some("strategy"));
        assert_eq!(syms[1].children.as_ref().unwrap().len(), 2);
        for s in &syms {
            for k in s.children.as_ref().unwrap() {
                assert!(s.range.start <= k.range.start && k.range.end <= s.range.end);
            }
        }
    }

    #[test]
    fn formatting_is_one_whole_document_edit_or_none() {
        let text = "2x   rtx4090\r\nauto";
        let idx = LineIndex::new(text);
        let v = view(text, &idx);
        let edits = formatting(&mlbn_syntax::format(text), v);
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].range.end, lsp::Position::new(1, 4));
        let clean = mlbn_syntax::format(text);
        let idx2 = LineIndex::new(&clean);
        assert!(formatting(&mlbn_syntax::format(&clean), view(&clean, &idx2)).is_empty());
    }

    #[test]
    fn inlay_hints_filter_by_range() {
        let text = "a\nb\nc";
        let idx = LineIndex::new(text);
        let hints = vec![
            mlbn_ide::InlayHint {
                offset: 1,
                label: "one".into(),
            },
            mlbn_ide::InlayHint {
                offset: 5,
                label: "three".into(),
            },
        ];
        let all = inlay_hints(&hints, None, view(text, &idx));
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].position, lsp::Position::new(2, 1));
        let some = inlay_hints(&hints, Some(Span::new(0, 2)), view(text, &idx));
        assert_eq!(some.len(), 1);
    }
}

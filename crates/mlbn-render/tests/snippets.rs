//! Diagnostic snippets: caret placement with tabs, multi-byte characters, spans at the end of
//! a line or of the text, and spans running past the line.

use mlbn_render::{SnippetOptions, line_col, render_diagnostic, span_of, summary};
use mlbn_syntax::{Diagnostic, Fix, Span, TextEdit};

fn plain(text: &str, d: &Diagnostic) -> String {
    render_diagnostic("test.mlbn", text, d, &SnippetOptions { color: false })
}

fn unknown_device(text: &str, word: &str) -> Diagnostic {
    let span = span_of(text, word).expect("word in text");
    Diagnostic::error("unknown_device", format!("unknown device `{word}`"), span)
        .with_help("did you mean `rtx-4090`?")
}

#[test]
fn simple_caret_under_word() {
    let text = "2x rtx4900 nvlink; llama3-70b q4; auto";
    insta::assert_snapshot!(plain(text, &unknown_device(text, "rtx4900")));
}

#[test]
fn second_line_and_fix_with_effect() {
    let text = "rtx4090\nllama3-70b fp16\n";
    let span = span_of(text, "fp16").unwrap();
    let d =
        Diagnostic::error("does_not_fit", "needs 141 GB, 24 GB available", span).with_fix(Fix {
            title: "use q4_k_m".into(),
            effect: "fits, 31 tok/s".into(),
            edits: vec![TextEdit {
                span,
                new_text: "q4_k_m".into(),
            }],
        });
    insta::assert_snapshot!(plain(text, &d));
}

#[test]
fn tabs_expand_and_the_caret_follows() {
    let text = "\t2x\trtx4900";
    let out = plain(text, &unknown_device(text, "rtx4900"));
    insta::assert_snapshot!(out);
    // The caret sits under the word: both lines put it at the same display column.
    let lines: Vec<&str> = out.lines().collect();
    let src = lines[2];
    let caret = lines[3];
    assert_eq!(src.find("rtx4900"), caret.find('^'));
}

#[test]
fn multibyte_characters_before_the_span() {
    let text = "# café 東京 🚀\n2x rtx4900 # é\n";
    let d = unknown_device(text, "rtx4900");
    assert_eq!(line_col(text, d.span.start), (2, 4));
    let text2 = "é東🚀 rtx4900";
    let d2 = unknown_device(text2, "rtx4900");
    // 1 + 2 + 2 display columns and a space before the word.
    let out = plain(text2, &d2);
    insta::assert_snapshot!(out);
    assert!(out.lines().nth(3).unwrap().starts_with("  |       ^^^^^^^"));
}

#[test]
fn empty_span_at_end_of_line_and_of_text() {
    let text = "rtx4090 over\nllama3-8b";
    let d = Diagnostic::error("missing_link", "`over` needs a link name", Span::at(12));
    insta::assert_snapshot!(plain(text, &d));
    let d = Diagnostic::error("unexpected_end", "the text ends here", Span::at(text.len()));
    let out = plain(text, &d);
    assert!(out.starts_with("test.mlbn:2:10: error[unexpected_end]"));
    assert!(out.contains("  |          ^\n"), "{out}");
}

#[test]
fn span_past_the_line_is_cut_at_the_line_end() {
    let text = "device x {\n  mem 48GB\n}";
    let d = Diagnostic::error("bad_block", "block problem", Span::new(7, text.len()));
    let out = plain(text, &d);
    insta::assert_snapshot!(out);
    assert!(out.contains("  |        ^^^\n"), "{out}");
}

#[test]
fn out_of_range_and_mid_character_spans_do_not_panic() {
    let text = "é rtx";
    for span in [Span::new(1, 2), Span::new(50, 60), Span::new(4, 2)] {
        let d = Diagnostic::error("x", "y", span);
        let out = plain(text, &d);
        assert!(out.starts_with("test.mlbn:1:"), "{out}");
    }
}

#[test]
fn colour_only_when_asked() {
    let text = "rtx4900";
    let d = unknown_device(text, "rtx4900");
    let coloured = render_diagnostic("t", text, &d, &SnippetOptions { color: true });
    assert!(coloured.contains("\x1b[1;31m"));
    assert!(!plain(text, &d).contains('\x1b'));
}

#[test]
fn summary_counts_errors_and_warnings() {
    let e = Diagnostic::error("a", "b", Span::at(0));
    let w = Diagnostic::warning("a", "b", Span::at(0));
    assert_eq!(summary(&[e.clone(), e, w]), "2 errors, 1 warning");
    assert_eq!(summary(&[]), "");
}

/// Snippets of real analyses: the error fixtures of mlbn-ide whose messages are this
/// project's own (not the engine's, and not did-you-mean lists that grow with the catalog),
/// rendered as `mlbn check` prints them.
#[test]
fn resolution_errors_render_like_a_compiler() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../mlbn-ide/test_data/err");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "mlbn"))
        .collect();
    names.sort();
    let mut out = String::new();
    for p in names {
        let text = std::fs::read_to_string(&p).unwrap();
        if text.contains("does_not_fit") {
            continue;
        }
        let a = mlbn_ide::analyze(&text, &mlbn_ide::AnalyzeOptions::builtin());
        let errors: Vec<_> = a.errors().cloned().collect();
        if errors.iter().any(|d| {
            d.help
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"))
        }) {
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        out.push_str(&mlbn_render::render_diagnostics(
            &name,
            &text,
            &errors,
            &SnippetOptions { color: false },
        ));
    }
    insta::assert_snapshot!(out);
}

//! Hover, completion, inlay hints and code fixes in byte offsets.

use mlbn_ide::{
    AnalyzeOptions, CompletionKind, analyze, code_fixes, completions, hover, inlay_hints,
};
use mlbn_syntax::Span;

fn at(text: &str, needle: &str) -> usize {
    text.find(needle).expect("needle") + needle.len()
}

#[test]
fn hover_on_device_model_quant_and_strategy() {
    let text = "2x rtx4090 nvlink; llama3-70b q4; auto";
    let a = analyze(text, &AnalyzeOptions::builtin());
    let h = hover(&a, text.find("rtx4090").unwrap() + 2).expect("device hover");
    assert!(h.markdown.contains("24 GB"), "{}", h.markdown);
    assert!(h.markdown.contains("source"), "{}", h.markdown);
    assert_eq!(&text[h.span.start..h.span.end], "rtx4090");
    let h = hover(&a, text.find("llama3").unwrap()).expect("model hover");
    assert!(h.markdown.contains("layers"), "{}", h.markdown);
    let h = hover(&a, text.find("q4").unwrap()).expect("quant hover");
    assert!(h.markdown.contains("bits per weight"), "{}", h.markdown);
    let h = hover(&a, text.find("auto").unwrap()).expect("strategy hover");
    assert!(h.markdown.contains("tok/s"), "{}", h.markdown);
    assert!(hover(&a, text.find("; ").unwrap() + 1).is_none());
}

#[test]
fn completion_after_a_count_offers_only_devices() {
    let text = "2x rt";
    let items = completions(text, text.len());
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|i| i.kind == CompletionKind::Device),
        "{items:?}"
    );
    assert!(items.iter().any(|i| i.label == "rtx-4090"));
    assert_eq!(items[0].replace, Span::new(3, 5));
    assert!(items[0].detail.contains("GB"));
}

#[test]
fn completion_is_relevant_to_the_position() {
    let text = "rtx4090 over ";
    assert!(
        completions(text, text.len())
            .iter()
            .all(|i| i.kind == CompletionKind::Link)
    );
    let text = "rtx4090; llama3-8b ";
    let items = completions(text, text.len());
    assert!(items.iter().any(|i| i.kind == CompletionKind::Quant));
    assert!(
        items
            .iter()
            .all(|i| matches!(i.kind, CompletionKind::Quant | CompletionKind::Option))
    );
    let text = "runtime ";
    assert!(
        completions(text, text.len())
            .iter()
            .all(|i| i.kind == CompletionKind::Runtime)
    );
    let text = "rtx4090; llama3-8b q4 kv=";
    assert!(
        completions(text, text.len())
            .iter()
            .all(|i| i.kind == CompletionKind::KvType)
    );
    let text = "rtx4090\nmo";
    let items = completions(text, text.len());
    assert!(
        items
            .iter()
            .any(|i| i.label == "model" && i.kind == CompletionKind::Keyword)
    );
    let text = "# a comment 2x ";
    assert!(completions(text, text.len()).is_empty());
}

#[test]
fn inlay_hints_are_short_and_on_the_right_lines() {
    let text = "2x rtx4090 nvlink\nllama3-70b q4\nauto";
    let a = analyze(text, &AnalyzeOptions::builtin());
    let hints = inlay_hints(&a);
    let hw = hints
        .iter()
        .find(|h| h.offset == at(text, "nvlink"))
        .expect("hardware hint");
    assert_eq!(hw.label, "2x 24 GB · 1008 GB/s");
    let model = hints
        .iter()
        .find(|h| h.offset == at(text, "q4"))
        .expect("model hint");
    assert!(model.label.contains("GB ·"), "{}", model.label);
    assert!(model.label.contains("fits") || model.label.contains("overflows"));
    let last = hints
        .iter()
        .find(|h| h.offset == text.len())
        .expect("strategy hint");
    assert!(last.label.starts_with("auto"), "{}", last.label);
    assert!(last.label.contains("tok/s decode"), "{}", last.label);
    // Power and running cost close the strategy hint: `· 462 W · $0.45/day`.
    let tail: Vec<&str> = last.label.rsplit(" · ").take(2).collect();
    assert!(
        tail[0].starts_with('$') && tail[0].ends_with("/day"),
        "{}",
        last.label
    );
    assert!(tail[1].ends_with(" W"), "{}", last.label);
    for h in &hints {
        assert!(
            h.label.chars().count() <= 90,
            "too long for a narrow editor: {}",
            h.label
        );
    }
}

#[test]
fn code_fixes_at_a_typo() {
    let text = "rtx4900; llama3-8b";
    let a = analyze(text, &AnalyzeOptions::builtin());
    let fixes = code_fixes(&a, Span::at(2));
    assert!(!fixes.is_empty());
    assert!(fixes.iter().all(|f| f.edits[0].span == Span::new(0, 7)));
    assert!(code_fixes(&a, Span::at(text.len())).is_empty());
}

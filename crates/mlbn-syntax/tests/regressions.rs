//! Inputs that once broke a promise (found by `cargo fuzz` or proptest), kept as tests.

use mlbn_syntax::{format, parse, parse_bytes};

fn promises(bytes: &[u8]) {
    let parsed = parse_bytes(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        assert_eq!(parsed.diagnostics[0].code, "invalid_utf8");
        return;
    };
    let formatted = format(text);
    assert_eq!(format(&formatted), formatted, "not idempotent: {text:?}");
    assert_eq!(
        parse(&formatted).file.without_spans(),
        parsed.file.without_spans(),
        "meaning changed: {text:?} → {formatted:?}"
    );
}

/// fuzz crash-a1b91d52: a byte-order mark after `;` was an error statement, printed verbatim at
/// the start of the output, where the lexer then skipped it as a BOM.
#[test]
fn bom_after_semicolons() {
    let mut input = b";;;;".to_vec();
    input.extend("\u{feff}".as_bytes());
    input.extend([b';'; 43]);
    promises(&input);
    assert!(parse_bytes(&input).diagnostics.is_empty());
    assert_eq!(format(std::str::from_utf8(&input).unwrap()), "");
}

#[test]
fn bom_is_whitespace_anywhere() {
    let p = parse("\u{feff}2x rtx4090\u{feff}; auto");
    assert!(p.diagnostics.is_empty());
    assert_eq!(
        format("\u{feff}2x rtx4090\u{feff}; auto"),
        "2x rtx4090; auto\n"
    );
}

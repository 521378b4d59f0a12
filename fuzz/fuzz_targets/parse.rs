//! Feeds arbitrary bytes to the parser, the formatter and the token API and checks their
//! promises: no panic, spans in bounds and on char boundaries, `format` idempotent and
//! meaning-preserving.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlbn_syntax::{format, parse, parse_bytes, tokens};

fuzz_target!(|data: &[u8]| {
    let parsed = parse_bytes(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert_eq!(parsed.diagnostics.len(), 1);
        assert_eq!(parsed.diagnostics[0].code, "invalid_utf8");
        return;
    };
    for d in &parsed.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= text.len());
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
    }
    for sc in &parsed.file.scenarios {
        for st in &sc.statements {
            assert!(st.span.end <= text.len());
            assert!(text.is_char_boundary(st.span.start) && text.is_char_boundary(st.span.end));
        }
    }
    let toks = tokens(text);
    for w in toks.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "tokens overlap");
    }
    let formatted = format(text);
    let again = format(&formatted);
    assert_eq!(again, formatted, "format is not idempotent");
    let reparsed = parse(&formatted);
    assert_eq!(
        reparsed.file.without_spans(),
        parsed.file.without_spans(),
        "format changed the meaning"
    );
});

//! The public API's promises, one behaviour per test.

use mlbn_syntax::ast::*;
use mlbn_syntax::{
    MAX_DEVICE_COUNT, MAX_INPUT_BYTES, Severity, TokenKind, format, parse, parse_bytes, tokens,
};

mod common;

/// Each token's text with its kind.
fn classified(text: &str) -> Vec<(&str, TokenKind)> {
    tokens(text)
        .iter()
        .map(|t| (&text[t.span.start..t.span.end], t.kind))
        .collect()
}

fn texts(ws: &[Word]) -> Vec<&str> {
    ws.iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn card_example_parses_exactly() {
    let text = "2x rtx4090 nvlink; llama3-70b q4; auto";
    let p = parse(text);
    assert!(p.diagnostics.is_empty());
    assert_eq!(p.file.scenarios.len(), 1);
    let st = &p.file.scenarios[0].statements;
    assert_eq!(st.len(), 3);

    let StatementKind::Hardware(h) = &st[0].kind else {
        panic!("{:?}", st[0].kind)
    };
    assert_eq!(h.groups.len(), 1);
    assert!(h.over.is_none());
    let g = &h.groups[0];
    assert_eq!(g.count.map(|c| c.value), Some(2));
    assert_eq!(
        &text[g.count.unwrap().span.start..g.count.unwrap().span.end],
        "2x"
    );
    assert_eq!(texts(&g.words), ["rtx4090", "nvlink"]);
    assert!(g.options.is_empty());
    assert_eq!(&text[st[0].span.start..st[0].span.end], "2x rtx4090 nvlink");

    let StatementKind::Phrase(ph) = &st[1].kind else {
        panic!("{:?}", st[1].kind)
    };
    assert_eq!(texts(&ph.words), ["llama3-70b", "q4"]);
    assert_eq!(&text[ph.words[1].span.start..ph.words[1].span.end], "q4");

    let StatementKind::Strategy(s) = &st[2].kind else {
        panic!("{:?}", st[2].kind)
    };
    assert_eq!(texts(&s.words), ["auto"]);
    assert!(s.options.is_empty());
}

#[test]
fn huge_count_is_an_error_naming_the_limit() {
    let p = parse("999999999999x rtx4090; 1025x a; 1024x b");
    let codes: Vec<&str> = p.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["count_too_large", "count_too_large"]);
    assert!(
        p.diagnostics[0]
            .message
            .contains(&MAX_DEVICE_COUNT.to_string())
    );
    let st = &p.file.scenarios[0].statements;
    assert_eq!(st[0].kind, StatementKind::Error);
    assert!(
        matches!(&st[2].kind, StatementKind::Hardware(h) if h.groups[0].count.unwrap().value == 1024)
    );
}

#[test]
fn oversized_input_gets_one_diagnostic() {
    let text = "a".repeat(MAX_INPUT_BYTES + 1);
    let p = parse(&text);
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].code, "input_too_large");
    assert!(
        p.diagnostics[0]
            .message
            .contains(&MAX_INPUT_BYTES.to_string())
    );
    assert!(p.file.scenarios.is_empty());
    assert_eq!(format(&text), text);
    assert!(tokens(&text).is_empty());
    // Exactly at the limit is still parsed.
    let ok = "a".repeat(MAX_INPUT_BYTES);
    assert!(parse(&ok).diagnostics.is_empty());
}

#[test]
fn invalid_utf8_is_reported_at_the_bad_byte() {
    let p = parse_bytes(b"2x rtx4090\n\xffauto");
    assert_eq!(p.diagnostics.len(), 1);
    let d = &p.diagnostics[0];
    assert_eq!(d.code, "invalid_utf8");
    assert_eq!((d.span.start, d.span.end), (11, 12));
    assert!(d.message.contains("offset 11"));
    // A truncated sequence at the end is reported too.
    let p = parse_bytes(b"ab\xe2\x82");
    assert_eq!(p.diagnostics[0].span.start, 2);
    assert_eq!(p.diagnostics[0].span.end, 4);
}

#[test]
fn broken_statement_does_not_stop_parsing() {
    let p = parse("2x rtx4090, x\nllama3-70b q4\n\"open\nauto");
    let kinds: Vec<_> = p.file.scenarios[0]
        .statements
        .iter()
        .map(|s| std::mem::discriminant(&s.kind))
        .collect();
    assert_eq!(kinds.len(), 4);
    assert_eq!(p.diagnostics.len(), 2);
    assert!(
        p.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Error && d.help.is_some())
    );
    assert!(matches!(
        p.file.scenarios[0].statements[3].kind,
        StatementKind::Strategy(_)
    ));
}

#[test]
fn units_are_normalised() {
    let p = parse(
        "host 24gb 1008GB/s 10Gb/s 10gbps 2TB/s 165tflops 300w 1.2KW 3y 8H/DAY 250us 50% 20ms 2s 30T/s 64GiB 512MB 2tb",
    );
    let StatementKind::Directive(d) = &p.file.scenarios[0].statements[0].kind else {
        panic!()
    };
    let units: Vec<(f64, Unit)> = d
        .args
        .iter()
        .map(|a| match a {
            Arg::Quantity(q) => (q.value, q.unit),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        units,
        [
            (24.0, Unit::Gb),
            (1008.0, Unit::GbPerS),
            (10.0, Unit::GbitPerS),
            (10.0, Unit::GbitPerS),
            (2.0, Unit::TbPerS),
            (165.0, Unit::Tflops),
            (300.0, Unit::Watt),
            (1.2, Unit::Kilowatt),
            (3.0, Unit::Years),
            (8.0, Unit::HoursPerDay),
            (250.0, Unit::Microseconds),
            (50.0, Unit::Percent),
            (20.0, Unit::Millis),
            (2.0, Unit::Seconds),
            (30.0, Unit::TokPerS),
            (64.0, Unit::Gib),
            (512.0, Unit::Mb),
            (2.0, Unit::Tb),
        ]
    );
}

#[test]
fn token_counts_use_binary_magnitudes() {
    let p = parse("prompt=8k gen=1M ctx=32K batch=8");
    let StatementKind::Options(o) = &p.file.scenarios[0].statements[0].kind else {
        panic!()
    };
    let v: Vec<f64> = o
        .iter()
        .map(|kv| match &kv.value {
            Value::Quantity(q) => q.value,
            Value::Word(w) => panic!("{w:?}"),
        })
        .collect();
    assert_eq!(v, [8192.0, 1_048_576.0, 32768.0, 8.0]);
}

#[test]
fn quantities_stay_words_in_names() {
    let p = parse("2x M2 Ultra 192GB 76-core + 1x rtx4090 24GB");
    let StatementKind::Hardware(h) = &p.file.scenarios[0].statements[0].kind else {
        panic!()
    };
    assert_eq!(
        texts(&h.groups[0].words),
        ["M2", "Ultra", "192GB", "76-core"]
    );
    assert_eq!(texts(&h.groups[1].words), ["rtx4090", "24GB"]);
}

#[test]
fn classification_rules() {
    let kind = |t: &str| parse(t).file.scenarios[0].statements[0].kind.clone();
    assert!(
        matches!(kind("Runtime exo"), StatementKind::Directive(d) if d.keyword.text == "runtime")
    );
    assert!(
        matches!(kind("have 1x rtx4090 + 2x rtx3090"), StatementKind::Have(h) if h.groups.len() == 2)
    );
    assert!(matches!(
        kind("rtx4090 over nvlink"),
        StatementKind::Hardware(_)
    ));
    assert!(matches!(kind("a + b"), StatementKind::Hardware(_)));
    assert!(matches!(kind("org/model q4"), StatementKind::Model(m) if m.keyword.is_none()));
    assert!(matches!(
        kind("\"./My Config.JSON\" q4"),
        StatementKind::Model(_)
    ));
    assert!(matches!(kind("\"RTX 4090\""), StatementKind::Phrase(_)));
    assert!(matches!(kind("config.json q4"), StatementKind::Model(_)));
    assert!(matches!(kind("01-ai/Yi-34B"), StatementKind::Model(_)));
    assert!(matches!(kind("100GB/s link"), StatementKind::Phrase(_)));
    assert!(
        matches!(kind("model x q4 gen=2"), StatementKind::Model(m) if m.keyword.is_some() && m.options.len() == 1)
    );
    assert!(matches!(kind("tp=2 pp=2"), StatementKind::Strategy(s) if s.words.is_empty()));
    assert!(matches!(kind("Phase-Split"), StatementKind::Strategy(_)));
    assert!(matches!(kind("prompt=2k gen=256"), StatementKind::Options(o) if o.len() == 2));
    assert!(
        matches!(kind("llama3-70b q4 prompt=2k"), StatementKind::Phrase(p) if p.options.len() == 1)
    );
    assert!(
        matches!(kind("target ttft<2s power<=1200W decode>=30tok/s"), StatementKind::Directive(d)
        if matches!(&d.args[..], [Arg::KeyValue(a), Arg::KeyValue(b), Arg::KeyValue(c)]
            if a.op == CompareOp::Lt && b.op == CompareOp::Le && c.op == CompareOp::Ge))
    );
    assert!(
        matches!(kind("device x { mem 48 GB; note \"a b\" }"), StatementKind::DeviceDef(d)
        if d.fields.len() == 2
            && matches!(&d.fields[0].value, Value::Quantity(q) if q.value == 48.0 && q.unit == Unit::Gb)
            && matches!(&d.fields[1].value, Value::Word(w) if w.quoted && w.text == "a b"))
    );
}

#[test]
fn plus_rule_for_names_like_max_plus() {
    let p = parse("Ryzen AI Max+ 395 + 2x rtx3090");
    let StatementKind::Hardware(h) = &p.file.scenarios[0].statements[0].kind else {
        panic!()
    };
    assert_eq!(texts(&h.groups[0].words), ["Ryzen", "AI", "Max+", "395"]);
    assert_eq!(texts(&h.groups[1].words), ["rtx3090"]);
    // A lone `Max+` statement is a phrase, not hardware.
    assert!(matches!(
        parse("Ryzen AI Max+ 395").file.scenarios[0].statements[0].kind,
        StatementKind::Phrase(_)
    ));
}

#[test]
fn scenarios_and_comments() {
    let p = parse("# head\na; b # tail\n---\n\nc\n---\n");
    assert_eq!(p.file.scenarios.len(), 2);
    assert_eq!(p.file.comments.len(), 2);
    assert_eq!(p.file.comments[0].text, " head");
    assert_eq!(p.file.comments[1].text, " tail");
}

#[test]
fn formatter_canonical_style() {
    let cases = [
        (
            "2 x rtx4090  nvlink ;llama3-70b q4;auto",
            "2x rtx4090 nvlink; llama3-70b q4; auto\n",
        ),
        ("a +b +  c over  x", "a + b + c over x\n"),
        (
            "tp = 2   pp= 2\n\n\n\nRUNTIME   exo",
            "tp=2 pp=2\n\nruntime exo\n",
        ),
        ("\n\na\n\n----\n\nb   #  c  \n\n", "a\n---\nb  #  c\n"),
        ("host 96 GB", "host 96GB\n"),
        (
            "device x {mem 1GB;bw 2GB/s}",
            "device x { mem 1GB; bw 2GB/s }\n",
        ),
        (
            "device x {\nmem=1GB  # m\n\n\nbw 2GB/s}",
            "device x {\n    mem 1GB  # m\n\n    bw 2GB/s\n}\n",
        ),
        ("model \"a\\\"b\"", "model \"a\\\"b\"\n"),
        ("a\n--- # next\nb", "a\n---  # next\nb\n"),
        ("a\n---\n---\nb", "a\n---\n---\nb\n"),
        ("", ""),
        ("  \n\n ", ""),
        ("x, y ;   z", "x, y; z\n"),
    ];
    for (input, want) in cases {
        assert_eq!(format(input), want, "input {input:?}");
    }
}

#[test]
fn tokens_classify_by_role() {
    let text =
        "2x rtx4090 + dgx-spark over 10gbe; auto tp=2; power $0.15/kWh 8 # c\n---\nfoo \"q\"";
    let got = classified(text);
    use TokenKind::*;
    assert_eq!(
        got,
        [
            ("2x", Count),
            ("rtx4090", Word),
            ("+", Operator),
            ("dgx-spark", Word),
            ("over", Keyword),
            ("10gbe", Word),
            (";", Separator),
            ("auto", StrategyWord),
            ("tp", OptionKey),
            ("=", Operator),
            ("2", Number),
            (";", Separator),
            ("power", Keyword),
            ("$0.15/kWh", Quantity),
            ("8", Number),
            ("# c", Comment),
            ("---", Separator),
            ("foo", Word),
            ("\"q\"", String),
        ]
    );
    let bad = tokens("a, \"b");
    assert_eq!(bad.iter().filter(|t| t.kind == Error).count(), 2);
}

#[test]
fn pathological_inputs_are_handled() {
    // Large inputs of the nastiest shapes parse (linear algorithms; no recursion) and keep
    // the diagnostic list bounded. 64 KiB keeps debug-build test runs short; the criterion
    // bench and `examples/timing.rs` cover the full 1 MiB in release.
    for unit in common::PATHOLOGICAL_UNITS {
        let text = unit.repeat((64 << 10) / unit.len());
        let p = parse(&text);
        assert!(
            p.diagnostics.len() <= 201,
            "{unit:?}: {}",
            p.diagnostics.len()
        );
        let f = format(&text);
        assert_eq!(format(&f), f);
    }
}

#[test]
fn tokens_in_broken_statements_are_classified_by_text() {
    let text = "runtime exo, 2x 48GB auto";
    let got = classified(text);
    use TokenKind::*;
    assert_eq!(
        got,
        [
            ("runtime", Keyword),
            ("exo", Word),
            (",", Error),
            ("2x", Count),
            ("48GB", Quantity),
            ("auto", StrategyWord),
        ]
    );
    // In a phrase, the same words are just words.
    let text = "rtx4090 data 48GB";
    assert!(tokens(text).iter().all(|t| t.kind == Word));
}

#[test]
fn parse_bytes_matches_parse_on_utf8() {
    let text = "device \"Lab é\" { mem 48GB }\n2x \"Lab é\" # ü\n";
    assert_eq!(parse_bytes(text.as_bytes()), parse(text));
}

#[test]
fn a_number_and_a_unit_word_join_only_in_quantity_positions() {
    let args = |t: &str| match &parse(t).file.scenarios[0].statements[0].kind {
        StatementKind::Directive(d) => d.args.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        matches!(&args("host 96 GB")[..], [Arg::Quantity(q)] if q.value == 96.0 && q.unit == Unit::Gb)
    );
    assert!(
        matches!(&args("power $0.15/kWh 8 h/day")[..], [_, Arg::Quantity(q)] if q.unit == Unit::HoursPerDay)
    );
    assert_eq!(args("host 1 .5GB").len(), 2);
    assert!(matches!(&args("target power <= 1200 W gen=8 k")[..],
        [Arg::KeyValue(a), Arg::KeyValue(b), Arg::Word(k)]
            if matches!(&a.value, Value::Quantity(q) if q.value == 1200.0 && q.unit == Unit::Watt)
                && matches!(&b.value, Value::Quantity(q) if q.value == 8.0)
                && k.text == "k"));
    assert_eq!(format("target power <= 1200 W"), "target power<=1200W\n");
    assert_eq!(args("price 5 k").len(), 2);
}

#[test]
fn empty_scenarios_are_not_listed() {
    assert!(parse("").file.scenarios.is_empty());
    assert!(parse("# only a comment\n").file.scenarios.is_empty());
    assert_eq!(parse("---\na\n---\n---\nb\n---").file.scenarios.len(), 2);
}

//! Property tests over generated inputs: valid-language text from a small generator, "token
//! soup" built from the language's own punctuation, and arbitrary strings.
//!
//! Properties: parsing never panics; every span is in bounds and on char boundaries; the
//! formatter is idempotent and keeps the meaning (`parse(format(x))` equals `parse(x)` apart
//! from spans); generated valid text has no error diagnostics.

use mlbn_syntax::ast::*;
use mlbn_syntax::{Severity, Span, format, parse, tokens};
use proptest::prelude::*;

fn all_spans(file: &SourceFile) -> Vec<Span> {
    let mut v = Vec::new();
    fn kv(v: &mut Vec<Span>, k: &KeyValue) {
        v.extend([k.span, k.key.span, k.value.span()]);
    }
    fn hw(v: &mut Vec<Span>, h: &Hardware) {
        for g in &h.groups {
            v.push(g.span);
            v.extend(g.count.map(|c| c.span));
            v.extend(g.words.iter().map(|w| w.span));
            g.options.iter().for_each(|k| kv(v, k));
        }
        if let Some((s, ws)) = &h.over {
            v.push(*s);
            v.extend(ws.iter().map(|w| w.span));
        }
    }
    v.extend(file.comments.iter().map(|c| c.span));
    for sc in &file.scenarios {
        v.push(sc.span);
        for st in &sc.statements {
            v.push(st.span);
            match &st.kind {
                StatementKind::Hardware(h) | StatementKind::Have(h) => hw(&mut v, h),
                StatementKind::Model(m) => {
                    v.extend(m.keyword);
                    v.extend(m.words.iter().map(|w| w.span));
                    m.options.iter().for_each(|k| kv(&mut v, k));
                }
                StatementKind::Strategy(s) => {
                    v.extend(s.words.iter().map(|w| w.span));
                    s.options.iter().for_each(|k| kv(&mut v, k));
                }
                StatementKind::Phrase(p) => {
                    v.extend(p.words.iter().map(|w| w.span));
                    p.options.iter().for_each(|k| kv(&mut v, k));
                }
                StatementKind::Options(o) => o.iter().for_each(|k| kv(&mut v, k)),
                StatementKind::DeviceDef(d) => {
                    v.extend([d.name.span, d.body]);
                    for f in &d.fields {
                        v.extend([f.span, f.key.span, f.value.span()]);
                    }
                }
                StatementKind::Directive(d) => {
                    v.push(d.keyword.span);
                    v.extend(d.args.iter().map(Arg::span));
                }
                StatementKind::Error => {}
            }
        }
    }
    v
}

/// The properties every input must satisfy. Returns the parse for further checks.
fn check_all(text: &str) -> mlbn_syntax::Parsed {
    let parsed = parse(text);
    let in_bounds = |s: Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for s in all_spans(&parsed.file) {
        assert!(in_bounds(s), "bad span {s:?} in {text:?}");
    }
    for d in &parsed.diagnostics {
        assert!(
            in_bounds(d.span),
            "bad diagnostic span {:?} in {text:?}",
            d.span
        );
        for f in &d.fixes {
            for e in &f.edits {
                assert!(in_bounds(e.span), "bad fix span in {text:?}");
            }
        }
    }
    let toks = tokens(text);
    for t in &toks {
        assert!(in_bounds(t.span) && !t.span.is_empty(), "bad token {t:?}");
    }
    for w in toks.windows(2) {
        assert!(
            w[0].span.end <= w[1].span.start,
            "tokens overlap in {text:?}"
        );
    }
    let formatted = format(text);
    assert_eq!(format(&formatted), formatted, "not idempotent for {text:?}");
    assert_eq!(
        parse(&formatted).file.without_spans(),
        parsed.file.without_spans(),
        "meaning changed for {text:?} → {formatted:?}"
    );
    parsed
}

// ---- a generator for valid text ----

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(items).prop_map(str::to_string)
}

fn space() -> impl Strategy<Value = String> {
    pick(&[" ", " ", " ", "  ", "\t"])
}

fn join(parts: Vec<String>, seps: Vec<String>) -> String {
    let mut s = String::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            s.push_str(seps.get(i - 1).map_or(" ", String::as_str));
        }
        s.push_str(&p);
    }
    s
}

fn words(
    items: &'static [&'static str],
    n: std::ops::Range<usize>,
) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(pick(items), n.clone()),
        prop::collection::vec(space(), n),
    )
        .prop_map(|(w, s)| join(w, s))
}

const DEVICE_WORDS: &[&str] = &[
    "rtx4090",
    "RTX",
    "4090",
    "mac-m3-ultra-512",
    "dgx-spark",
    "h100",
    "Max+",
    "395",
    "M2",
    "Ultra",
    "192GB",
    "76-core",
    "\"RTX 4090\"",
    "nvlink",
    "Ryzen",
    "AI",
];
const LINK_WORDS: &[&str] = &["nvlink", "10gbe", "tb5", "pcie4", "\"Thunderbolt 5\""];
const OPTIONS: &[&str] = &[
    "prompt=8k",
    "gen=256",
    "ctx = 32k",
    "batch=8",
    "kv=q8_0",
    "gen=1M",
    "prompt=\"long\"",
];
const DEGREES: &[&str] = &["tp=2", "pp=4", "dp = 1", "ep=8", "microbatch=4"];

fn count() -> impl Strategy<Value = String> {
    (1u32..=1024, pick(&["x", " x", "×", "X", " ×"])).prop_map(|(n, x)| format!("{n}{x}"))
}

fn group() -> impl Strategy<Value = String> {
    (
        prop::option::of(count()),
        words(DEVICE_WORDS, 1..4),
        prop::option::of(pick(OPTIONS)),
    )
        .prop_map(|(c, w, o)| {
            let mut s = c.map(|c| format!("{c} ")).unwrap_or_default();
            s.push_str(&w);
            if let Some(o) = o {
                s.push(' ');
                s.push_str(&o);
            }
            s
        })
}

fn hardware() -> impl Strategy<Value = String> {
    (
        count(),
        prop::collection::vec(group(), 0..3),
        prop::option::of(words(LINK_WORDS, 1..3)),
    )
        .prop_map(|(c, rest, over)| {
            let mut s = format!("{c} rtx4090");
            for g in rest {
                s.push_str(" + ");
                s.push_str(&g);
            }
            if let Some(o) = over {
                s.push_str(" over ");
                s.push_str(&o);
            }
            s
        })
}

fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        hardware(),
        hardware().prop_map(|h| format!("have {h}")),
        (
            pick(&["llama3-70b", "Qwen3-30B-A3B", "\"x.gguf\""]),
            words(&["q4", "q4_k_m", "fp16"], 0..2),
            words(OPTIONS, 0..3)
        )
            .prop_map(|(m, q, o)| format!("{m} {q} {o}")),
        (
            pick(&[
                "meta-llama/Llama-3.1-8B-Instruct",
                "\"./config.json\"",
                "org/m"
            ]),
            words(OPTIONS, 0..3)
        )
            .prop_map(|(m, o)| format!("{m} {o}")),
        (
            pick(&["model", "MODEL"]),
            pick(&["llama3-70b", "\"./a b/config.json\"", "x"]),
            words(&["q4_k_m", "gen=2"], 0..3)
        )
            .prop_map(|(k, m, q)| format!("{k} {m} {q}")),
        (
            pick(&[
                "runtime", "power", "host", "layout", "optimize", "price", "years", "kv", "target",
                "budget", "prefer", "Runtime"
            ]),
            words(
                &[
                    "exo",
                    "$0.15/kWh",
                    "8h/day",
                    "96 GB",
                    "ring",
                    "q8_0",
                    "decode=30tok/s",
                    "ttft<2s",
                    "power<=1200W",
                    "3",
                    "$6k",
                    "power <= 1200 W",
                    "ttft < 2 s",
                    "1 .5GB",
                    "8 h/day",
                ],
                0..4
            )
        )
            .prop_map(|(k, a)| format!("{k} {a}")),
        (
            pick(&[
                "auto",
                "pipeline",
                "tensor",
                "data",
                "expert",
                "sequence",
                "context",
                "phase-split",
                "hybrid"
            ]),
            words(DEGREES, 0..3)
        )
            .prop_map(|(s, d)| format!("{s} {d}")),
        words(DEGREES, 1..3),
        words(OPTIONS, 1..4),
        words(
            &["rtx4090", "llama3-70b", "q4", "RTX", "4090", "\"Lab Box\""],
            1..4
        ),
        device_def(),
    ]
}

fn device_def() -> impl Strategy<Value = String> {
    (
        pick(&["lab-box", "\"Lab Box\""]),
        prop::collection::vec(
            (
                pick(&["mem", "bw", "fp16", "tdp", "vendor", "link"]),
                pick(&[
                    "48GB", "960 GB/s", "165TF", "300W", "acme", "\"x y\"", "=12",
                ]),
                pick(&["; ", ";", "\n", "\n  ", "  # note\n", "\n\n"]),
            ),
            0..5,
        ),
        any::<bool>(),
    )
        .prop_map(|(name, fields, multi)| {
            let mut s = format!("device {name} {{");
            if multi {
                s.push('\n');
            }
            for (k, v, sep) in fields {
                s.push_str(&format!("{k} {v}{sep}"));
            }
            s.push('}');
            s
        })
}

fn valid_file() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            statement(),
            pick(&[
                "; ",
                ";",
                "\n",
                "\n\n",
                "\n\n\n",
                "  # trailing\n",
                "\n# own line\n",
                "\n---\n",
                " ;\n",
                "\r\n",
                "\n--- # next\n",
            ]),
        ),
        1..8,
    )
    .prop_map(|parts| {
        let mut s = String::new();
        for (st, sep) in parts {
            s.push_str(&st);
            s.push_str(&sep);
        }
        s
    })
}

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        pick(&[
            "2x",
            "2",
            "x",
            "×",
            " ",
            " ",
            "\n",
            ";",
            "+",
            " + ",
            "over",
            "device",
            "model",
            "have",
            "{",
            "}",
            "\"",
            "\"a b\"",
            "#c",
            "=",
            "<",
            "<=",
            "---",
            "\n---\n",
            "rtx4090",
            "Max+",
            "auto",
            "tp",
            "8k",
            "48GB",
            "48",
            "GB",
            "$",
            "0.15/kWh",
            ",",
            "`",
            "\r",
            "\t",
            "é",
            "\u{200B}",
            "/",
            "9999999999999",
            "0x",
            "kv",
            "runtime",
            "-",
            "\\",
        ]),
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_text_parses_cleanly_and_formats_stably(text in valid_file()) {
        let parsed = check_all(&text);
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        prop_assert!(errors.is_empty(), "{text:?}: {errors:?}");
    }

    #[test]
    fn token_soup_keeps_the_properties(text in token_soup()) {
        check_all(&text);
    }

    #[test]
    fn arbitrary_strings_keep_the_properties(text in any::<String>()) {
        check_all(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let parsed = mlbn_syntax::parse_bytes(&bytes);
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert_eq!(parsed.diagnostics.len(), 1);
            prop_assert_eq!(parsed.diagnostics[0].code.as_str(), "invalid_utf8");
        }
    }
}

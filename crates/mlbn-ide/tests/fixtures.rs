//! Data-driven fixtures: every `test_data/ok/*.mlbn` analyses with no error diagnostic and
//! every scenario resolved with an estimate; every `test_data/err/*.mlbn` names the error
//! codes it must produce in a `# expect: code, code` first line, and produces no others.

use mlbn_ide::{AnalyzeOptions, analyze};
use mlbn_syntax::Severity;
use std::path::Path;

fn files(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "mlbn"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {}", dir.display());
    out
}

#[test]
fn ok_fixtures_have_no_errors() {
    for (name, text) in files("ok") {
        let a = analyze(&text, &AnalyzeOptions::builtin());
        let errors: Vec<_> = a.errors().collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        for (i, s) in a.scenarios.iter().enumerate() {
            assert!(s.resolved.is_ok(), "{name} scenario {i}: {:?}", s.resolved);
            let e = s.estimate.as_ref().expect("estimate");
            assert!(e.decode_tok_s > 0.0 && e.decode_tok_s.is_finite(), "{name}");
        }
    }
}

#[test]
fn err_fixtures_produce_exactly_the_expected_errors() {
    for (name, text) in files("err") {
        let first = text.lines().next().unwrap_or("");
        let mut expected: Vec<&str> = first
            .strip_prefix("# expect:")
            .unwrap_or_else(|| panic!("{name}: first line must be `# expect: code`"))
            .split(',')
            .map(str::trim)
            .collect();
        expected.sort();
        let a = analyze(&text, &AnalyzeOptions::builtin());
        let mut got: Vec<&str> = a
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code.as_str())
            .collect();
        got.sort();
        got.dedup();
        assert_eq!(got, expected, "{name}: {:#?}", a.diagnostics);
        for d in a.errors() {
            assert!(d.span.end <= text.len(), "{name}: span past the end");
            for f in &d.fixes {
                assert!(!f.edits.is_empty(), "{name}: a fix without edits");
            }
        }
    }
}

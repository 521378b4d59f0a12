//! Fixture tests: every `test_data/ok/*.mlbn` parses without diagnostics, every
//! `test_data/err/*.mlbn` gives at least one; both are snapshotted as a readable outline
//! plus the formatted text, and both must survive the formatter's two promises.

use std::path::{Path, PathBuf};

use mlbn_syntax::{debug_tree, format, parse, parse_bytes};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test_data")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "mlbn"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", root.display());
    files
}

/// The formatter's promises, checked on one text.
fn check_format(name: &str, text: &str) -> String {
    let formatted = format(text);
    assert_eq!(
        format(&formatted),
        formatted,
        "{name}: format is not idempotent"
    );
    assert_eq!(
        parse(&formatted).file.without_spans(),
        parse(text).file.without_spans(),
        "{name}: formatting changed the meaning:\n{formatted}"
    );
    formatted
}

fn check(dir: &str, expect_errors: bool) {
    for path in fixtures(dir) {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let parsed = parse_bytes(&bytes);
        if expect_errors {
            assert!(
                !parsed.diagnostics.is_empty(),
                "{name}: expected diagnostics"
            );
        } else {
            assert!(
                parsed.diagnostics.is_empty(),
                "{name}: unexpected diagnostics:\n{}",
                debug_tree(&parsed)
            );
        }
        let text = String::from_utf8(bytes).expect("fixtures are UTF-8");
        let formatted = check_format(&name, &text);
        let snapshot = format!(
            "{}\n----- formatted -----\n{formatted}",
            debug_tree(&parsed)
        );
        insta::assert_snapshot!(format!("{dir}__{name}"), snapshot);
    }
}

#[test]
fn ok_fixtures_parse_cleanly() {
    check("ok", false);
}

#[test]
fn err_fixtures_report_problems() {
    check("err", true);
}

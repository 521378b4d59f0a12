//! Helpers shared by the tests that read the benchmark CSVs in `shared/benchmarks/`.
#![allow(dead_code)]

use std::path::PathBuf;

/// `shared/` sits beside the clone (CI, /work/main); a git worktree under /work/wt/NAME is
/// one level deeper.
pub fn bench_dir() -> PathBuf {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let near = crate_dir.join("../../../shared/benchmarks");
    let worktree = crate_dir.join("../../../../shared/benchmarks");
    if near.is_dir() || !worktree.is_dir() {
        near
    } else {
        worktree
    }
}

/// Minimal RFC 4180 reader: quoted fields, doubled quotes, commas and newlines inside quotes.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

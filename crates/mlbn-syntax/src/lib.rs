//! `mlbn-syntax` owns the text side of the `.mlbn` language: byte [`Span`]s, the one
//! [`Diagnostic`] type every front end renders, the lexer/parser (nom 8) that turns text into an
//! AST without ever failing, the canonical formatter and a classified token list for editors.
//!
//! It must not depend on the catalog, the engine or any IO: names stay unresolved words here,
//! and meaning is given to them by `mlbn-ide`.
//!
//! # API
//!
//! - [`parse`] / [`parse_bytes`]: text → [`Parsed`] (tree + diagnostics). Never fails, never
//!   panics, linear time; a broken statement becomes [`ast::StatementKind::Error`] plus one
//!   diagnostic with a stable `code`, and parsing goes on with the next statement.
//! - [`format()`]: the canonical formatter (style below).
//! - [`tokens`]: classified tokens for semantic highlighting.
//! - [`KEYWORDS`], [`STRATEGY_WORDS`], [`OPTION_KEYS`]: kept equal to `grammar/mlbn.ebnf` by a test.
//! - [`debug_tree`]: a readable outline of a parse, used by the snapshot tests.
//!
//! # Lexical rules
//!
//! - Statements end at `;` or a line break; a line holding only `---` separates scenarios.
//!   Inside `device NAME { … }` braces, `;` and line breaks separate fields instead.
//! - `#` starts a comment to the end of the line (not inside quotes).
//! - A word is a run of characters other than whitespace, `; # " { } = < >`, `,`, backtick,
//!   control and invisible formatting characters. So `meta-llama/Llama-3.1-8B-Instruct`,
//!   `q4_k_m`, `$0.15/kWh` and `M2-Ultra` are single words.
//! - **The `+` rule**: a `+` that directly follows a word character belongs to the word
//!   (`Max+`, `c++`, `a+b`); a `+` at the start of a token (after a space or at the start of a
//!   statement) is the device-group separator. So `Ryzen AI Max+ 395 + 2x rtx3090` is two groups:
//!   `[Ryzen AI Max+ 395]` and `2x [rtx3090]`.
//! - Quoted names `"…"` may hold anything but a line break; `\"` and `\\` are the only escapes.
//! - Commas, backticks and invisible characters are errors with a fix (commas are a common
//!   paste from lists).
//!
//! # Classification
//!
//! A statement is classified by its content, first rule that applies:
//! 1. first item a keyword ([`KEYWORDS`], case-insensitive): `device` → device definition,
//!    `model` → model, `have` → owned hardware, `over` → hardware, others → directive;
//! 2. starts with a count (`2x`, `2 x`, `2×`), or holds a `+` separator or the word `over` →
//!    hardware;
//! 3. first word is a bare word containing `/` that is not a quantity (a Hugging Face id or a
//!    path), or a name ending in `.json` (quoted or not) → model;
//! 4. first word is a strategy word ([`STRATEGY_WORDS`]) or, with no words at all, a
//!    degree option (`tp=`, `pp=`, `dp=`, `ep=`, `microbatch=`) is present → strategy;
//! 5. only `key=value` items → options;
//! 6. anything else → phrase (names the IDE resolves against the catalog).
//!
//! Quantities (`24GB`, `1008GB/s`) are parsed in directive arguments, device-block fields and
//! `key=value` values only. In device groups, models and phrases they stay words because they
//! are parts of names (`M2 Ultra 192GB 76-core`). A number followed by a unit word
//! (`48 GB`) is one quantity where quantities are parsed.
//!
//! Units are case-insensitive except `Gb/s` (capital G, small b: gigabits, as in network specs);
//! `gbps` in any case is gigabits too and every other spelling of `GB/s` is gigabytes. Token
//! counts use binary magnitudes: `8k` = 8192, `1M` = 1 048 576; dollars use decimal `k`
//! (`$6k` = 6000).
//!
//! # Canonical style (what [`format()`] produces)
//!
//! - Tokens separated by one space; `key=value` and comparisons (`ttft<2s`) without spaces;
//!   ` + ` between device groups; counts as `2x`; keywords in lowercase; words, quantities and
//!   quoted names otherwise exactly as written (a quantity written `48 GB` becomes `48GB`).
//! - Line structure is kept: statements that shared a line stay on one line joined by `; `
//!   (so a one-line scenario stays one line), statements on separate lines stay separate.
//! - Runs of blank lines become one blank line; blank lines at the start and end of the file and
//!   around `---` are removed; `---` stands alone on its line (a trailing comment may follow).
//! - Comments are kept: an own-line comment stays on its own line, a trailing comment follows
//!   its line after two spaces (`stmt  # note`). Comment text is kept, trailing spaces trimmed.
//! - A device block written on one line stays `device NAME { mem 48GB; bw 960GB/s }`; one that
//!   spans lines (or holds comments) puts `{` on the first line, the fields indented by four
//!   spaces, and `}` alone on the last line.
//! - A statement with an error is copied verbatim, so formatting never loses text.
//! - Output ends with exactly one newline (empty input stays empty).
//!
//! The formatter is idempotent and `parse(format(x))` gives the same tree as `parse(x)` apart
//! from spans; property tests and a fuzz target check both.
#![forbid(unsafe_code)]

mod debug;
mod diagnostic;
mod format;
mod lexer;
mod parser;
mod tokens;

pub use debug::debug_tree;
pub use diagnostic::{Diagnostic, Fix, Severity, Span, TextEdit};
pub use format::format;
pub use tokens::{Token, TokenKind, tokens};

pub mod ast;

/// Largest input the parser accepts, in bytes; longer text gets one diagnostic and no tree.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Largest device count in one group (`1024x h100`); larger counts are an error naming it.
pub const MAX_DEVICE_COUNT: u32 = 1024;

/// Words that start a statement with a fixed meaning (plus `over`, which introduces the link
/// in a hardware statement). Matched case-insensitively.
pub const KEYWORDS: &[&str] = &[
    "device", "model", "have", "over", "runtime", "power", "host", "layout", "optimize", "price",
    "years", "kv", "target", "budget", "prefer",
];

/// Words that make a statement a parallelism strategy.
pub const STRATEGY_WORDS: &[&str] = &[
    "auto",
    "pipeline",
    "tensor",
    "data",
    "expert",
    "sequence",
    "context",
    "phase-split",
    "hybrid",
];

/// Known `key=value` option keys: workload options and strategy degrees.
pub const OPTION_KEYS: &[&str] = &[
    "prompt",
    "gen",
    "ctx",
    "batch",
    "kv",
    "tp",
    "pp",
    "dp",
    "ep",
    "microbatch",
];

/// The option keys that are parallelism degrees: a statement of only options holding one of
/// these is a strategy (`tp=2 pp=2`).
pub const DEGREE_KEYS: &[&str] = &["tp", "pp", "dp", "ep", "microbatch"];

/// Result of parsing: a tree (always, possibly partial) and syntax diagnostics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub file: ast::SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

fn too_large(len: usize) -> Parsed {
    Parsed {
        file: ast::SourceFile::default(),
        diagnostics: vec![
            Diagnostic::error(
                "input_too_large",
                format!(
                    "input is {len} bytes; the limit is {MAX_INPUT_BYTES} bytes ({} MiB)",
                    MAX_INPUT_BYTES >> 20
                ),
                Span::at(0),
            )
            .with_help("split the scenarios into several files"),
        ],
    }
}

/// Parses `.mlbn` text. Never fails and never panics: problems are diagnostics, sorted by
/// position. Input over [`MAX_INPUT_BYTES`] gives one `input_too_large` diagnostic and no tree.
pub fn parse(text: &str) -> Parsed {
    if text.len() > MAX_INPUT_BYTES {
        return too_large(text.len());
    }
    parser::parse_text(text).parsed
}

/// Parses raw bytes: invalid UTF-8 gives one `invalid_utf8` diagnostic at the first bad byte
/// (and no tree); otherwise the same as [`parse`].
pub fn parse_bytes(bytes: &[u8]) -> Parsed {
    if bytes.len() > MAX_INPUT_BYTES {
        return too_large(bytes.len());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let start = e.valid_up_to();
            let end = start + e.error_len().unwrap_or(bytes.len() - start);
            Parsed {
                file: ast::SourceFile::default(),
                diagnostics: vec![
                    Diagnostic::error(
                        "invalid_utf8",
                        format!("the file is not valid UTF-8: bad byte at offset {start}"),
                        Span::new(start, end),
                    )
                    .with_help("save the file as UTF-8"),
                ],
            }
        }
    }
}

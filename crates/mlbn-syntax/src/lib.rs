//! `mlbn-syntax` owns the text side of the `.mlbn` language: byte [`Span`]s, the one
//! [`Diagnostic`] type every front end renders, the lexer/parser (nom 8) that turns text into an
//! AST without ever failing, and the canonical formatter.
//!
//! It must not depend on the catalog, the engine or any IO: names stay unresolved words here,
//! and meaning is given to them by `mlbn-ide`.
#![forbid(unsafe_code)]

mod diagnostic;

pub use diagnostic::{Diagnostic, Fix, Severity, Span, TextEdit};

pub mod ast;

/// Largest input the parser accepts, in bytes; longer text gets one diagnostic and no tree.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Result of parsing: a tree (always, possibly partial) and syntax diagnostics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub file: ast::SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

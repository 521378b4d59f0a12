//! `mlbn-ide` is the one API the front ends call: it resolves the syntax tree against the
//! catalog, runs the engine, and maps the results back to byte spans as diagnostics, hovers,
//! completions, inlay hints and fixes.
//!
//! It may depend on syntax, catalog and engine; it does no IO, async, clock or printing.
#![forbid(unsafe_code)]

pub mod eval;

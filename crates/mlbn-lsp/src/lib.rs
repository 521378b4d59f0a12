//! `mlbn-lsp` adapts `mlbn-ide` to the Language Server Protocol over stdio: document store,
//! UTF-16 positions and protocol types. It holds no analysis logic of its own.
//!
//! It may depend on `mlbn-ide` only (plus the protocol crates), never on another front end.
#![forbid(unsafe_code)]

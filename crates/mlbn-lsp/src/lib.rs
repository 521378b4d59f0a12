//! `mlbn-lsp` adapts `mlbn-ide` to the Language Server Protocol over stdio: document store,
//! UTF-16 (or negotiated UTF-8) positions and protocol types. It holds no analysis logic of
//! its own: diagnostics, hints, hovers, completions and fixes come from `mlbn-ide`, formatting
//! and tokens from `mlbn-syntax`.
//!
//! It may depend on `mlbn-ide` (and the core crates below it) plus the protocol crates, never
//! on another front end. It logs to stderr only: stdout carries the protocol.
#![forbid(unsafe_code)]

pub mod convert;
pub mod framing;
pub mod position;
mod server;

pub use server::Backend;

use tower_lsp_server::{LspService, Server};

/// Serves the language server on stdin/stdout until the client sends `exit` or closes stdin.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (service, socket) = LspService::new(Backend::new);
        // Malformed client messages are dropped before they reach tower-lsp-server's reader,
        // which would otherwise stop at the first one (see `framing`).
        let (to_server, from_client) = tokio::io::duplex(1 << 16);
        tokio::spawn(framing::filter(tokio::io::stdin(), to_server, |m| {
            eprintln!("mlbn lsp: {m}")
        }));
        Server::new(from_client, tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    // Do not wait for the blocking stdin read or background analyses: `exit` means exit now.
    runtime.shutdown_background();
    Ok(())
}

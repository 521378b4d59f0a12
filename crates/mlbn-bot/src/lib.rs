//! `mlbn-bot` adapts `mlbn-ide` and `mlbn-render` to Discord: slash commands, autocomplete, the
//! message command, and a view model clamped to Discord's limits.
//!
//! It may depend on ide and render, never on another front end.
#![forbid(unsafe_code)]

//! `mlbn-render` turns analyses into things people read: text and Markdown reports,
//! diagnostic snippets with carets, and PNG topology pictures and charts.
//!
//! It may depend on ide, engine, catalog and syntax; it returns strings and bytes and writes no files.
#![forbid(unsafe_code)]

pub mod image;
mod report;
mod snippet;

pub use report::{
    ReportOptions, markdown_report, picture_headline, picture_title, power_rows, scenario_rows,
    text_report,
};
pub use snippet::{
    SnippetOptions, line_col, render_diagnostic, render_diagnostics, span_of, summary,
};

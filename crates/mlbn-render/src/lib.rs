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

/// A device's name as the report and the pictures show it: the catalog name, with `#N` when
/// its group holds several (`NVIDIA H100 #3`); the engine's device id when the group is gone.
pub(crate) fn device_label(
    r: &mlbn_ide::ResolvedScenario,
    device: mlbn_engine::estimate::DeviceRef,
    device_id: &str,
) -> String {
    r.devices
        .get(device.group)
        .map(|g| {
            if g.count > 1 {
                format!("{} #{}", g.device.name, device.index + 1)
            } else {
                g.device.name.clone()
            }
        })
        .unwrap_or_else(|| device_id.to_string())
}

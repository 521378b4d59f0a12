//! The bot's picture: the shared analysis → topology conversion in mlbn-render
//! ([`mlbn_render::image::topology_view`], also behind the CLI's `--png`), at the size Discord
//! shows well.

use mlbn_render::image::{TOPOLOGY_SIZE_PX, TopologyView, render_topology_png};

pub use mlbn_render::image::topology_view;

/// Size of the attached picture.
pub const PNG_WIDTH: u32 = TOPOLOGY_SIZE_PX.0;
pub const PNG_HEIGHT: u32 = TOPOLOGY_SIZE_PX.1;

/// The topology picture as PNG bytes.
pub fn topology_png(view: &TopologyView) -> Result<Vec<u8>, String> {
    render_topology_png(view, PNG_WIDTH, PNG_HEIGHT).map_err(|e| e.to_string())
}

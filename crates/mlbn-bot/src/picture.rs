//! The bot's picture: the shared analysis → topology conversion in mlbn-render
//! ([`mlbn_render::image::topology_view`], also behind the CLI's `--png`), at the size Discord
//! shows well. A compare shows both scenarios' pictures, one above the other, in one PNG
//! (one attachment per message: see [`crate::rest`]).

use mlbn_render::image::{TOPOLOGY_SIZE_PX, TopologyView, render_topology_png};

pub use mlbn_render::image::topology_view;

/// Size of the attached picture.
pub const PNG_WIDTH: u32 = TOPOLOGY_SIZE_PX.0;
pub const PNG_HEIGHT: u32 = TOPOLOGY_SIZE_PX.1;

/// The topology picture as PNG bytes.
pub fn topology_png(view: &TopologyView) -> Result<Vec<u8>, String> {
    render_topology_png(view, PNG_WIDTH, PNG_HEIGHT).map_err(|e| e.to_string())
}

/// The pictures of several views stacked top to bottom in one PNG (a compare's A over B).
pub fn stacked_png(views: &[&TopologyView]) -> Result<Vec<u8>, String> {
    if let [one] = views {
        return topology_png(one);
    }
    let mut canvas = image::RgbaImage::new(PNG_WIDTH, PNG_HEIGHT * views.len() as u32);
    for (i, v) in views.iter().enumerate() {
        let png = topology_png(v)?;
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .map_err(|e| e.to_string())?
            .to_rgba8();
        image::imageops::replace(&mut canvas, &img, 0, i64::from(PNG_HEIGHT) * i as i64);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    canvas
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

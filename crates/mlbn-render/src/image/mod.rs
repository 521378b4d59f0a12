//! PNG pictures: the topology of a scenario's devices and links, and charts (AUTO's candidate
//! strategies, memory per device, decode rate against context length).
//!
//! Everything here draws from plain view models ([`TopologyView`], [`AutoChartView`],
//! [`MemoryChartView`], [`ContextChartView`]) so it does not depend on the engine's types; a
//! front end converts an estimate into a view. Shapes are rasterized by plotters' bitmap
//! backend, text with DejaVu Sans compiled into the binary (no system fonts, no fontconfig),
//! and the result encoded by the `image` crate's PNG encoder. Output is deterministic: the
//! same view and size give the same bytes.
//!
//! Each renderer also has a `*_scene` twin returning the [`Scene`] before rasterization, so
//! tests can check geometry (text boxes inside the canvas and not overlapping).

mod charts;
mod fmt;
mod from_analysis;
mod legend;
pub mod samples;
mod scene;
mod style;
mod text;
mod topology;
mod view;

pub use charts::{
    auto_chart_scene, context_chart_scene, memory_chart_scene, render_auto_chart_png,
    render_context_chart_png, render_memory_chart_png,
};
pub use from_analysis::{auto_chart_view, memory_chart_view, topology_view};
pub use scene::{MAX_SIDE, MIN_SIDE, Op, Rect, Scene};
pub use style::{Rgb, TIER_BLUE, TIER_GREEN, TIER_RED, TIER_YELLOW, Tier};
pub use text::TextStyle;
pub use topology::{render_topology_png, topology_scene};
pub use view::{
    AutoChartView, CandidateView, ContextChartView, DeviceKind, End, Flow, HubView, Layout,
    LinkView, MemoryBarView, MemoryChartView, NodeView, Theme, TopologyView,
};

/// Suggested canvas for the topology picture: legible as a Discord attachment and in a
/// terminal's image viewer. Any size in [`MIN_SIDE`]..=[`MAX_SIDE`] works; text scales with it.
pub const TOPOLOGY_SIZE_PX: (u32, u32) = (1200, 760);
/// Suggested canvases for the charts (the height can grow with the number of rows).
pub const AUTO_CHART_SIZE_PX: (u32, u32) = (1000, 380);
pub const MEMORY_CHART_SIZE_PX: (u32, u32) = (1000, 340);
pub const CONTEXT_CHART_SIZE_PX: (u32, u32) = (1000, 420);

/// The colours a theme uses, for callers (and tests) that need to recognise them.
pub fn palette(theme: Theme) -> style::Palette {
    style::Palette::of(theme)
}
pub use style::Palette;

/// Why a picture could not be produced. Bad view data is drawn as well as it can be; only a
/// canvas outside the accepted size range or a failure of the encoder is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// Width or height outside [`MIN_SIDE`]..=[`MAX_SIDE`].
    BadSize {
        width: u32,
        height: u32,
    },
    Draw(String),
    Encode(String),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::BadSize { width, height } => write!(
                f,
                "image size {width}x{height} is outside {MIN_SIDE}..={MAX_SIDE} pixels per side"
            ),
            RenderError::Draw(e) => write!(f, "drawing failed: {e}"),
            RenderError::Encode(e) => write!(f, "PNG encoding failed: {e}"),
        }
    }
}

impl std::error::Error for RenderError {}

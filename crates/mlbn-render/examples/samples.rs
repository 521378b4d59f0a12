//! Writes the sample pictures committed under `docs/images/`:
//! `cargo run -p mlbn-render --example samples [OUT_DIR]` (default `docs/images`).
//! The views are illustrative (see `mlbn_render::image::samples`), not engine estimates.

use std::path::PathBuf;

use mlbn_render::image::{
    Theme, render_auto_chart_png, render_context_chart_png, render_memory_chart_png,
    render_topology_png, samples,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/images"));
    std::fs::create_dir_all(&out)?;
    let (w, h) = (1200, 760);
    let topologies = [
        (
            "topology-2x4090-tensor.png",
            samples::two_gpus_tensor(Theme::Dark),
        ),
        (
            "topology-4gpu-pipeline.png",
            samples::four_gpus_pipeline(Theme::Dark),
        ),
        (
            "topology-8xh100-nvswitch.png",
            samples::eight_h100_nvswitch(Theme::Dark),
        ),
        (
            "topology-phase-split.png",
            samples::phase_split(Theme::Dark),
        ),
        ("topology-16xh100.png", samples::cluster(16, Theme::Dark)),
        ("topology-64xh100.png", samples::cluster(64, Theme::Dark)),
        (
            "topology-4gpu-pipeline-light.png",
            samples::four_gpus_pipeline(Theme::Light),
        ),
    ];
    for (name, view) in topologies {
        std::fs::write(out.join(name), render_topology_png(&view, w, h)?)?;
    }
    std::fs::write(
        out.join("chart-auto.png"),
        render_auto_chart_png(&samples::auto_chart(Theme::Dark), 1000, 380)?,
    )?;
    std::fs::write(
        out.join("chart-memory.png"),
        render_memory_chart_png(&samples::memory_chart(Theme::Dark), 1000, 340)?,
    )?;
    std::fs::write(
        out.join("chart-context.png"),
        render_context_chart_png(&samples::context_chart(Theme::Dark), 1000, 420)?,
    )?;
    println!("wrote samples to {}", out.display());
    Ok(())
}

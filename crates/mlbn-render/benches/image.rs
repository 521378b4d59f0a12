//! Render time of the topology PNG (layout, rasterization and PNG encoding) for 2, 8 and 64
//! devices, and of the charts. Target: under 30 ms for 8 devices.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mlbn_render::image::{
    Theme, render_auto_chart_png, render_memory_chart_png, render_topology_png, samples,
};

fn topology(c: &mut Criterion) {
    let mut g = c.benchmark_group("topology_png_1200x760");
    for (name, view) in [
        ("2_devices", samples::two_gpus_tensor(Theme::Dark)),
        ("8_devices", samples::eight_h100_nvswitch(Theme::Dark)),
        ("64_devices", samples::cluster(64, Theme::Dark)),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| render_topology_png(black_box(&view), 1200, 760).expect("renders"))
        });
    }
    g.finish();
}

fn charts(c: &mut Criterion) {
    let auto = samples::auto_chart(Theme::Dark);
    let mem = samples::memory_chart(Theme::Dark);
    c.bench_function("auto_chart_png_1000x520", |b| {
        b.iter(|| render_auto_chart_png(black_box(&auto), 1000, 520).expect("renders"))
    });
    c.bench_function("memory_chart_png_1000x420", |b| {
        b.iter(|| render_memory_chart_png(black_box(&mem), 1000, 420).expect("renders"))
    });
}

criterion_group!(benches, topology, charts);
criterion_main!(benches);

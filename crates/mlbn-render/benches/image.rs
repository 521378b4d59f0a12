//! Render time of the topology PNG (layout, rasterization and PNG encoding) for 2, 8 and 64
//! devices, and of the charts. Target: under 30 ms for 8 devices.
//!
//! Two measurements: criterion's wall time, and this thread's CPU time (Linux
//! `/proc/thread-self/schedstat`), which stays meaningful on a shared, oversubscribed machine
//! where wall time mostly measures waiting for a core.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mlbn_render::image::{
    Theme, TopologyView, render_auto_chart_png, render_memory_chart_png, render_topology_png,
    samples,
};

fn cases() -> Vec<(&'static str, TopologyView)> {
    vec![
        ("2_devices", samples::two_gpus_tensor(Theme::Dark)),
        ("8_devices", samples::eight_h100_nvswitch(Theme::Dark)),
        ("64_devices", samples::cluster(64, Theme::Dark)),
    ]
}

fn topology(c: &mut Criterion) {
    let mut g = c.benchmark_group("topology_png_1200x760");
    for (name, view) in cases() {
        g.bench_function(name, |b| {
            b.iter(|| render_topology_png(black_box(&view), 1200, 760).expect("renders"))
        });
    }
    g.finish();
}

fn charts(c: &mut Criterion) {
    let auto = samples::auto_chart(Theme::Dark);
    let mem = samples::memory_chart(Theme::Dark);
    c.bench_function("auto_chart_png_1000x380", |b| {
        b.iter(|| render_auto_chart_png(black_box(&auto), 1000, 380).expect("renders"))
    });
    c.bench_function("memory_chart_png_1000x340", |b| {
        b.iter(|| render_memory_chart_png(black_box(&mem), 1000, 340).expect("renders"))
    });
}

/// CPU time of the benchmarking thread, in nanoseconds.
struct ThreadCpu;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, _typical: f64, values: &mut [f64]) -> &'static str {
        values.iter_mut().for_each(|v| *v /= 1e6);
        "ms CPU"
    }
    fn scale_throughputs(
        &self,
        _typical: f64,
        _t: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        values.iter_mut().for_each(|v| *v = 1e9 / v.max(1.0));
        "renders/CPU-s"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, i: u64) -> u64 {
        thread_cpu_ns().saturating_sub(i)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

fn topology_cpu(c: &mut Criterion<ThreadCpu>) {
    let mut g = c.benchmark_group("topology_png_1200x760_cpu");
    for (name, view) in cases() {
        g.bench_function(name, |b| {
            b.iter(|| render_topology_png(black_box(&view), 1200, 760).expect("renders"))
        });
    }
    g.finish();
}

criterion_group!(wall, topology, charts);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = topology_cpu
}
criterion_main!(wall, cpu);

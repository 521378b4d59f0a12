//! Catalog load time and per-lookup resolution time.

use criterion::{Criterion, criterion_group, criterion_main};
use mlbn_catalog::{Catalog, DATA_FILES};
use std::hint::black_box;

fn load(c: &mut Criterion) {
    c.bench_function("load: parse all TOML files and build indexes", |b| {
        b.iter(|| Catalog::from_sources(black_box(DATA_FILES)).expect("valid"))
    });
}

fn lookups(c: &mut Criterion) {
    let cat = Catalog::builtin();
    let mut g = c.benchmark_group("lookup");
    g.bench_function("device compact name (rtx4090)", |b| {
        b.iter(|| cat.device(black_box("rtx4090")))
    });
    g.bench_function("device tokens (GeForce RTX 4090 24GB)", |b| {
        b.iter(|| cat.device(black_box("GeForce RTX 4090 24GB")))
    });
    g.bench_function("device variant + hints (M3 Ultra cluster)", |b| {
        b.iter(|| {
            cat.device(black_box(
                "Mac Studio M3 Ultra (cluster: 2x 512GB + 2x 256GB)",
            ))
        })
    });
    g.bench_function("device not found + suggestions (rtx 9999)", |b| {
        b.iter(|| cat.device(black_box("rtx 9999")))
    });
    g.bench_function("runtime tokens (llama.cpp (CUDA, May 2024))", |b| {
        b.iter(|| cat.runtime(black_box("llama.cpp (CUDA, May 2024)")))
    });
    g.bench_function("link tokens (Thunderbolt 5, RDMA)", |b| {
        b.iter(|| cat.link(black_box("Thunderbolt 5, RDMA")))
    });
    g.bench_function("search devices (rtx 40)", |b| {
        b.iter(|| cat.search_devices(black_box("rtx 40")))
    });
    g.finish();
}

criterion_group!(benches, load, lookups);
criterion_main!(benches);

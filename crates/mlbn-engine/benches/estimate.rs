//! One single-device estimate (Llama 3 8B Q4_K_M on an RTX 4090) and one offloading one.
use criterion::{Criterion, criterion_group, criterion_main};
use mlbn_catalog::Catalog;
use mlbn_engine::{DeviceGroup, Scenario, estimate};
use std::hint::black_box;

fn scenario(device: &str, count: u32, model: &str, quant: &str, runtime: &str) -> Scenario {
    let cat = Catalog::builtin();
    let pick = |r: Option<&mlbn_catalog::Device>| r.expect("device in catalog").clone();
    Scenario::new(
        vec![DeviceGroup::new(pick(cat.device(device).found()), count)],
        cat.model(model).found().expect("model").clone(),
        cat.quant(quant).found().expect("quant").clone(),
        cat.runtime(runtime).found().expect("runtime").clone(),
    )
}

fn bench(c: &mut Criterion) {
    let fits = scenario("rtx-4090", 1, "llama-3-8b", "q4_k_m", "llama.cpp-cuda");
    c.bench_function("estimate llama3-8b q4 on rtx4090", |b| {
        b.iter(|| estimate(black_box(&fits)))
    });
    let offload = scenario("rtx-4090", 1, "llama-3-70b", "q4_k_m", "llama.cpp-cuda");
    c.bench_function("estimate llama3-70b q4 on rtx4090 (offload)", |b| {
        b.iter(|| estimate(black_box(&offload)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

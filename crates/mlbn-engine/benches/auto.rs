//! AUTO's speed: 8 mixed devices with a MoE model (target < 1 ms), and 2..64 identical or
//! mixed devices to show growth is polynomial (AUTO enumerates degree factorisations over
//! classes of identical devices, never device assignments).

use criterion::{Criterion, criterion_group, criterion_main};
use mlbn_catalog::{Catalog, Device};
use mlbn_engine::{DeviceGroup, Scenario, estimate};
use std::hint::black_box;

/// A device from the built-in catalog, re-rated so the bench needs no catalog data beyond
/// the RTX 4090 row: only the numbers matter for timing.
fn dev(
    id: &str,
    mem_gb: f64,
    bw_gbps: f64,
    fp16_tflops: f64,
    kind: mlbn_catalog::DeviceKind,
) -> Device {
    let mut d = Catalog::builtin().devices[0].clone();
    d.id = id.to_string();
    d.name = id.to_string();
    d.mem_gb = mem_gb;
    d.bw_gbps = bw_gbps;
    d.fp16_tflops = fp16_tflops;
    d.kind = kind;
    d
}

fn scenario(groups: Vec<DeviceGroup>, model: &str, quant: &str) -> Scenario {
    let c = Catalog::builtin();
    Scenario::new(
        groups,
        c.model_by_id(model).expect("model").clone(),
        c.quant_by_id(quant).expect("quant").clone(),
        c.runtimes[0].clone(),
    )
}

fn bench(c: &mut Criterion) {
    use mlbn_catalog::DeviceKind::*;
    let mixed8 = scenario(
        vec![
            DeviceGroup::new(dev("gpu-a", 80.0, 3350.0, 989.0, Gpu), 4),
            DeviceGroup::new(dev("gpu-b", 24.0, 1008.0, 165.0, Gpu), 2),
            DeviceGroup::new(dev("mac", 512.0, 819.0, 28.6, AppleSoc), 2),
        ],
        "qwen3-235b-a22b",
        "q4_k_m",
    );
    c.bench_function("auto_8_mixed_moe", |b| {
        b.iter(|| estimate(black_box(&mixed8)))
    });
    for n in [2u32, 8, 16, 32, 64] {
        let same = scenario(
            vec![DeviceGroup::new(dev("gpu-a", 80.0, 3350.0, 989.0, Gpu), n)],
            "qwen3-235b-a22b",
            "q4_k_m",
        );
        c.bench_function(&format!("auto_{n}_identical_moe"), |b| {
            b.iter(|| estimate(black_box(&same)))
        });
    }
    let mixed64 = scenario(
        vec![
            DeviceGroup::new(dev("gpu-a", 80.0, 3350.0, 989.0, Gpu), 32),
            DeviceGroup::new(dev("gpu-b", 24.0, 1008.0, 165.0, Gpu), 16),
            DeviceGroup::new(dev("mac", 512.0, 819.0, 28.6, AppleSoc), 16),
        ],
        "deepseek-r1",
        "q4_k_m",
    );
    c.bench_function("auto_64_mixed_moe", |b| {
        b.iter(|| estimate(black_box(&mixed64)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Reverse planning over the whole catalog (every device type, counts 1/2/4/8, link options,
//! GGUF quants): a 70B dense target and a 671B MoE target. Goal: under 50 ms each.

use criterion::{Criterion, criterion_group, criterion_main};
use mlbn_catalog::{Catalog, Quant, Runtime};
use mlbn_engine::plan::{Choices, Goal, PlanRequest, search};
use mlbn_engine::{DeviceGroup, Scenario};
use std::hint::black_box;

struct Gguf;

impl Choices for Gguf {
    fn runtime(&self, groups: &[DeviceGroup]) -> Option<Runtime> {
        Some(
            Catalog::builtin()
                .default_runtime_for(&groups.first()?.device)
                .clone(),
        )
    }
    fn quants(&self, _: &Runtime) -> Vec<Quant> {
        [
            "f16", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "iq4_xs", "q3_k_m", "q2_k",
        ]
        .iter()
        .filter_map(|id| Catalog::builtin().quant_by_id(id).cloned())
        .collect()
    }
    fn alternative_runtimes(&self, _: &[DeviceGroup]) -> Vec<Runtime> {
        Vec::new()
    }
}

fn base(model: &str) -> Scenario {
    let c = Catalog::builtin();
    let d = c.device_by_id("rtx-4090").expect("device").clone();
    let rt = c.default_runtime_for(&d).clone();
    Scenario::new(
        vec![DeviceGroup::new(d, 1)],
        c.model_by_id(model).expect("model").clone(),
        c.quant_by_id("q4_k_m").expect("quant").clone(),
        rt,
    )
}

fn bench(c: &mut Criterion) {
    let cat = Catalog::builtin();
    for (name, model, decode) in [
        ("plan 70B at 30 tok/s, whole catalog", "llama-3-70b", 30.0),
        (
            "plan DeepSeek R1 671B at 20 tok/s, whole catalog",
            "deepseek-r1",
            20.0,
        ),
    ] {
        let b = base(model);
        let goal = Goal {
            decode_tok_s: Some(decode),
            ttft_ms: Some(2000.0),
            ..Goal::default()
        };
        let req = PlanRequest::new(&b, goal, cat, &Gguf);
        let r = search(&req);
        eprintln!("{name}: {:?}", r.stats);
        c.bench_function(name, |bch| bch.iter(|| black_box(search(black_box(&req)))));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

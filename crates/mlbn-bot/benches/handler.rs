//! Time from a received interaction to the follow-up payload being ready, without the
//! network: parse the interaction, analyse, draw the topology PNG, encode the JSON. The
//! target is under 100 ms for an 8-device scenario. `/bottleneck-plan` is measured too.

use criterion::{Criterion, criterion_group, criterion_main};
use mlbn_bot::handler::{Bot, Incoming, Prepared, Step, finish, prepare};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn interaction(config: &str) -> serde_json::Value {
    command("bottleneck", config)
}

fn command(name: &str, config: &str) -> serde_json::Value {
    serde_json::json!({
        "type": 2, "id": "4", "application_id": "1", "token": "t", "version": 1,
        "member": { "user": { "id": "8" } },
        "data": { "id": "9", "name": name, "type": 1, "options": [
            { "type": 3, "name": "config", "value": config }
        ]}
    })
}

/// The whole synchronous path of one `/bottleneck`.
fn handle(bot: &Bot, body: &[u8]) -> (String, usize) {
    let v: serde_json::Value = serde_json::from_slice(body).expect("json");
    let inc = Incoming::from_json(&v).expect("interaction");
    let Step::Bottleneck(req) = bot.step(&inc, Instant::now()) else {
        panic!("expected a /bottleneck or /bottleneck-plan request");
    };
    let Prepared::Ready(ready) = prepare(bot.catalog, req) else {
        panic!("the scenario analyses");
    };
    let m = finish(bot.catalog, &ready);
    let json = m.to_json().to_string();
    (json, m.files.iter().map(|f| f.bytes.len()).sum())
}

fn bench(c: &mut Criterion) {
    // No cooldown: the same user runs every iteration.
    let bot = Bot::new(Duration::ZERO, Duration::from_secs(30));
    let mut g = c.benchmark_group("interaction_to_followup");
    for (name, config) in [
        ("1_device", "rtx4090; llama3-8b q4"),
        ("2_devices", "2x rtx4090 nvlink; llama3-70b q4; auto"),
        ("8_devices", "8x h100-sxm nvswitch; llama3-70b fp16; auto"),
    ] {
        let body = interaction(config).to_string().into_bytes();
        g.bench_function(name, |b| b.iter(|| handle(&bot, black_box(&body))));
    }
    g.finish();
    // `/bottleneck-plan`: the catalog search dominates (no picture).
    let mut g = c.benchmark_group("plan_interaction_to_followup");
    g.sample_size(10);
    for (name, config) in [
        (
            "70b_target",
            "llama3-70b; target decode=20tok/s ttft<3s ctx=32k; budget $8000",
        ),
        ("671b_moe_target", "deepseek-r1; target decode=10tok/s"),
        ("advice_1_device", "rtx4090; llama3-70b q4_k_m"),
    ] {
        let body = command("bottleneck-plan", config).to_string().into_bytes();
        g.bench_function(name, |b| b.iter(|| handle(&bot, black_box(&body))));
    }
    g.finish();
    // The parts of the 8-device case.
    let body = interaction("8x h100-sxm nvswitch; llama3-70b fp16; auto").to_string();
    c.bench_function("8_devices_analysis_only", |b| {
        b.iter(|| {
            let inc = Incoming::from_json(&serde_json::from_str(&body).unwrap()).unwrap();
            let Step::Bottleneck(req) = bot.step(&inc, Instant::now()) else {
                panic!()
            };
            black_box(prepare(bot.catalog, req))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

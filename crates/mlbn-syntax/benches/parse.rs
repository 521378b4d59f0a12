//! Parse and format throughput on a realistic file repeated to ~1 MiB.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SCENARIO: &str = "\
# heterogeneous cluster
dgx-spark + mac-m3-ultra-512 over 10gbe   # EXO-style
meta-llama/Llama-3.1-8B-Instruct fp16 prompt=8k gen=512
runtime exo; phase-split
power $0.15/kWh 8h/day
device lab-box { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }
4x lab-box pcie4
model \"./config.json\" q4_k_m
tp=2 pp=2
target decode=30tok/s ttft<2s power<=1200W
---
";

fn big_input() -> String {
    let mut s = String::new();
    while s.len() + SCENARIO.len() < mlbn_syntax::MAX_INPUT_BYTES {
        s.push_str(SCENARIO);
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = big_input();
    let mut g = c.benchmark_group("1MiB");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("parse", |b| b.iter(|| mlbn_syntax::parse(black_box(&text))));
    g.bench_function("format", |b| {
        b.iter(|| mlbn_syntax::format(black_box(&text)))
    });
    g.bench_function("tokens", |b| {
        b.iter(|| mlbn_syntax::tokens(black_box(&text)))
    });
    g.finish();
    c.bench_function("card_example", |b| {
        b.iter(|| mlbn_syntax::parse(black_box("2x rtx4090 nvlink; llama3-70b q4; auto")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

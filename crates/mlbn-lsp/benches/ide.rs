//! What the language server computes per edit: diagnostics plus inlay hints for a 500-line
//! file with 20 scenarios (issue 8 targets under 10 ms), through `mlbn-ide`, and the same
//! with the conversion to protocol values the server adds; and the plan hint of a `target`.

use criterion::{Criterion, criterion_group, criterion_main};
use mlbn_ide::plan_edit::{ACTIONS_PER_GOAL, plan_fixes, plan_goals, plan_hints};
use mlbn_ide::{AnalyzeOptions, analyze, inlay_hints};
use mlbn_lsp::convert::{self, DocView};
use mlbn_lsp::position::{Encoding, LineIndex};
use std::hint::black_box;

/// Scenarios drawn from the repository's examples, varied so that no two are the same.
const SCENARIOS: &[(&str, &str, &str)] = &[
    ("2x rtx4090 nvlink", "llama3-70b q4_k_m", "auto"),
    ("8x h100-sxm nvswitch", "qwen3-235b-a22b fp8", "tensor tp=8"),
    ("mi300x", "llama-3.1-70b bf16", "auto"),
    ("rx7900xtx", "qwen2.5-14b q4_k_m", "auto"),
    ("rtx3090", "qwen2.5-32b q4_k_m", "auto"),
    (
        "dgx-spark + m3-ultra-512gb over 10gbe",
        "llama-3.1-8b fp16",
        "phase-split",
    ),
    (
        "4x m3-ultra-512gb tb5-rdma",
        "deepseek-r1 q4_k_m",
        "pipeline",
    ),
    ("rtx5090", "qwen3-8b q4_k_m", "auto"),
    ("arc-b580", "llama-3.1-8b q4_k_m", "auto"),
    ("4x rtx3090 pcie4", "llama3-70b q8_0", "tensor tp=4"),
];

/// 20 scenarios of 25 lines each: comments, a device block, hardware, model, workload,
/// runtime, power and strategy.
fn five_hundred_lines() -> String {
    let mut s = String::new();
    for k in 0..20 {
        let (hw, model, strategy) = SCENARIOS[k % SCENARIOS.len()];
        let batch = 1 + k / SCENARIOS.len();
        s.push_str(&format!("# scenario {k}: {hw} running {model}\n"));
        s.push_str(&format!("device lab-box-{k} {{\n"));
        s.push_str("    mem 48GB\n    bw 960GB/s\n    fp16 165TF\n    tdp 300W\n}\n");
        s.push_str("# the hardware\n");
        s.push_str(&format!("{hw}\n"));
        s.push_str("# the model and its workload\n");
        s.push_str(&format!("{model}\n"));
        s.push_str(&format!("prompt={}k gen=256\n", 1 + k % 4));
        s.push_str(&format!("batch={batch}\n"));
        s.push_str("runtime llama.cpp\n");
        s.push_str("# power and cost\n");
        s.push_str("power $0.15/kWh 8h/day\n");
        s.push_str("# how to split it\n");
        s.push_str(&format!("{strategy}\n"));
        s.push('\n');
        for n in 0..5 {
            s.push_str(&format!("# note {n}: measured numbers go here\n"));
        }
        if k + 1 < 20 {
            s.push_str("---\n");
        } else {
            s.push_str("# end\n");
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = five_hundred_lines();
    let opts = AnalyzeOptions::builtin();
    let a = analyze(&text, &opts);
    assert_eq!(text.lines().count(), 500);
    assert_eq!(a.scenarios.len(), 20);
    assert!(!inlay_hints(&a).is_empty(), "the bench file gives hints");
    let mut g = c.benchmark_group("ide 500 lines, 20 scenarios");
    g.bench_function("analyze + inlay_hints", |b| {
        b.iter(|| {
            let a = analyze(black_box(&text), &opts);
            let hints = inlay_hints(&a);
            black_box((a.diagnostics.len(), hints.len()))
        })
    });
    g.bench_function(
        "analyze + inlay_hints + protocol conversion (UTF-16)",
        |b| {
            b.iter(|| {
                let a = analyze(black_box(&text), &opts);
                let index = LineIndex::new(&text);
                let view = DocView {
                    text: &text,
                    index: &index,
                    enc: Encoding::Utf16,
                };
                let diags: Vec<_> = a
                    .diagnostics
                    .iter()
                    .map(|d| convert::diagnostic(d, view))
                    .collect();
                let hints = convert::inlay_hints(&inlay_hints(&a), None, view);
                black_box((diags.len(), hints.len()))
            })
        },
    );
    g.finish();

    // The plan hint of one `target` scenario: the background search the server runs once per
    // text, and the hints and "apply plan" fixes a request then builds from its result.
    let text = "llama3-70b\ntarget decode=20tok/s ttft<3s ctx=32k\nbudget $8000\n";
    let a = analyze(text, &opts);
    let mut g = c.benchmark_group("plan hint, 70B target");
    g.sample_size(10);
    g.bench_function("plan_goals (background search)", |b| {
        b.iter(|| black_box(plan_goals(&a, &opts, ACTIONS_PER_GOAL, &mut || true).len()))
    });
    let plans = plan_goals(&a, &opts, ACTIONS_PER_GOAL, &mut || true);
    assert_eq!(plan_hints(&plans).len(), 1);
    g.bench_function("plan_hints + plan_fixes (per request)", |b| {
        b.iter(|| {
            let hints = plan_hints(black_box(&plans));
            let fixes = plan_fixes(opts.catalog, &a, &plans, mlbn_syntax::Span::at(12));
            black_box((hints.len(), fixes.len()))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

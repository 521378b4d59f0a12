//! Properties of the multi-device model over random scenarios: every number finite, AUTO's
//! winner never loses to a valid candidate it lists (by its own objective), and a faster link
//! never makes tensor parallel slower.

mod common;
use common::*;
use mlbn_engine::*;
use proptest::prelude::*;

const DEVICES: &[&str] = &[
    "rtx-4090",
    "rtx-3090",
    "h100-sxm5-80gb",
    "h200-sxm-141gb",
    "mac-m3-ultra-512gb-80c",
    "dgx-spark",
];
const MODELS: &[(&str, &str)] = &[
    ("llama-3.1-8b", "f16"),
    ("llama-3-70b", "q4_k_m"),
    ("qwen3-30b-a3b", "q8_0"),
    ("deepseek-r1", "q4_k_m"),
    ("llama-3.2-1b", "f16"),
];
const RUNTIMES: &[&str] = &["llama.cpp-cuda", "vllm", "exo", "tensorrt-llm"];
const LINKS: &[&str] = &["pcie4-x8", "pcie5-x16", "nvlink4", "tb5", "10gbe", "100gbe"];

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(
            (0..DEVICES.len(), 1u32..5, prop::option::of(0..LINKS.len())),
            1..4,
        ),
        0..MODELS.len(),
        0..RUNTIMES.len(),
        prop::option::of(0..LINKS.len()),
        (0u64..40_000, 0u64..2048, 1u32..64),
        prop::bool::ANY,
    )
        .prop_map(|(groups, m, r, inter, (prompt, gen_tokens, batch), ttft)| {
            let g: Vec<(&str, u32, Option<&str>)> = groups
                .iter()
                .map(|(d, n, l)| (DEVICES[*d], *n, l.map(|l| LINKS[l])))
                .collect();
            let mut s = scenario(&g, MODELS[m].0, MODELS[m].1, RUNTIMES[r]);
            s.inter_group_link = inter.map(|l| LinkSpec::new(link(LINKS[l]), false));
            s.workload = Workload::new(prompt, gen_tokens, batch);
            if ttft {
                s.objective = Objective::Ttft;
            }
            s
        })
}

fn all_finite(e: &Estimate) -> bool {
    let mut xs = vec![
        e.prefill_tok_s,
        e.decode_tok_s,
        e.gen_avg_decode_tok_s,
        e.ttft_ms,
        e.total_s,
        e.batch.per_stream_decode_tok_s,
        e.batch.aggregate_decode_tok_s,
        e.decode.total_ms,
        e.decode.link_ms,
        e.prefill.total_ms,
        e.prefill.link_ms,
        e.model.weights_gb,
    ];
    for m in &e.memory {
        xs.extend([m.total_gb, m.free_gb, m.overflow_gb, m.weights_gb, m.kv_gb]);
    }
    for u in &e.utilisation {
        xs.extend([
            u.decode_bandwidth,
            u.decode_compute,
            u.prefill_bandwidth,
            u.prefill_compute,
        ]);
    }
    for st in &e.strategy.stages {
        xs.extend([st.decode_ms, st.prefill_ms]);
    }
    if let Some(a) = &e.auto {
        for c in &a.candidates {
            xs.extend([
                c.system_decode_tok_s,
                c.decode_tok_s,
                c.prefill_tok_s,
                c.ttft_ms,
                c.total_s,
                c.headroom_fraction,
            ]);
        }
    }
    if let Some(p) = &e.phase_split {
        xs.extend([
            p.kv_transfer_ms,
            p.kv_exposed_ms,
            p.ttft_ms,
            p.total_s,
            p.speedup_vs_best_single,
        ]);
    }
    xs.iter().all(|x| x.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_number_is_finite(s in arb_scenario()) {
        let e = estimate(&s);
        prop_assert!(all_finite(&e), "{:?}", e);
        prop_assert!(e.decode_tok_s >= 0.0 && e.total_s >= 0.0);
    }

    #[test]
    fn auto_winner_is_never_beaten_by_a_valid_candidate(s in arb_scenario()) {
        let e = estimate(&s);
        if let Some(a) = &e.auto {
            let w = &a.candidates[0];
            prop_assert_eq!(w.rank, Some(1));
            for c in a.candidates.iter().filter(|c| c.rank.is_some()) {
                if c.fits && !w.fits {
                    prop_assert!(false, "winner overflows while {} fits", c.label);
                }
                if c.fits == w.fits {
                    match a.objective {
                        Objective::Ttft => prop_assert!(w.ttft_ms <= c.ttft_ms * (1.0 + parallel::auto::TIE_TOLERANCE) + 1e-9,
                            "{} ttft {} vs {} {}", w.label, w.ttft_ms, c.label, c.ttft_ms),
                        _ => prop_assert!(w.system_decode_tok_s * (1.0 + parallel::auto::TIE_TOLERANCE) + 1e-9 >= c.system_decode_tok_s,
                            "{} {} vs {} {}", w.label, w.system_decode_tok_s, c.label, c.system_decode_tok_s),
                    }
                }
            }
        }
    }

    #[test]
    fn a_faster_link_never_makes_tensor_slower(
        d in 0..4usize, n in 2u32..9, m in 0..MODELS.len(), r in 0..RUNTIMES.len(),
        slow in 0..LINKS.len(), fast in 0..LINKS.len(), batch in 1u32..32,
    ) {
        let (a, b) = (link(LINKS[slow]), link(LINKS[fast]));
        prop_assume!(b.bw_gbps >= a.bw_gbps && b.latency_us <= a.latency_us);
        let mk = |l: &str| {
            let mut s = scenario(&[(DEVICES[d], n, Some(l))], MODELS[m].0, MODELS[m].1, RUNTIMES[r]);
            s.strategy = StrategyRequest::Tensor;
            s.workload = Workload::new(1024, 128, batch);
            s
        };
        let (es, ef) = (estimate(&mk(LINKS[slow])), estimate(&mk(LINKS[fast])));
        prop_assert!(ef.decode_tok_s >= es.decode_tok_s * (1.0 - 1e-9), "{} < {}", ef.decode_tok_s, es.decode_tok_s);
        prop_assert!(ef.prefill_tok_s >= es.prefill_tok_s * (1.0 - 1e-9));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Garbage numbers on a multi-device AUTO scenario give findings, never panics or NaN.
    #[test]
    fn garbage_multi_device_numbers_stay_finite(
        s in arb_scenario(),
        mem in prop_oneof![Just(0.0), Just(-1.0), Just(f64::NAN), Just(f64::INFINITY), 0.0f64..1e4],
        bw in prop_oneof![Just(0.0), Just(f64::NAN), 0.0f64..1e5],
        link_bw in prop_oneof![Just(0.0), Just(-3.0), Just(f64::NAN), Just(f64::INFINITY), 0.0f64..1e3],
        heads in prop_oneof![Just(0u32), 0u32..200],
    ) {
        let mut s = s;
        s.groups[0].device.mem_gb = mem;
        s.groups[0].device.bw_gbps = bw;
        s.groups[0].count = s.groups[0].count.max(2);
        let mut l = link("pcie4-x16");
        l.bw_gbps = link_bw;
        l.latency_us = link_bw;
        s.groups[0].link = Some(LinkSpec::new(l, false));
        s.model.heads = heads;
        let e = estimate(&s);
        prop_assert!(all_finite(&e), "{:?}", e);
    }
}

/// 64 devices of three kinds with a MoE model: AUTO answers (the bench measures how fast).
#[test]
fn sixty_four_mixed_devices() {
    let mut s = scenario(
        &[
            ("h100-sxm5-80gb", 32, None),
            ("rtx-4090", 16, None),
            ("mac-m3-ultra-512gb-80c", 16, None),
        ],
        "deepseek-r1",
        "q4_k_m",
        "vllm",
    );
    s.workload = Workload::new(4096, 256, 8);
    let e = estimate(&s);
    let a = e.auto.as_ref().unwrap();
    assert_eq!(a.device_classes, 3);
    assert!(a.candidates.iter().any(|c| c.label.contains("tp=8")));
    assert!(all_finite(&e));
}

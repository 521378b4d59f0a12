//! Power and cost checks (issue 6): full-load and light-load draw, multi-device sums, linear
//! cost in price and hours, and bad prices.

mod common;

use common::llama_cpp_cuda as scenario;
use mlbn_catalog::Catalog;
use mlbn_engine::{DeviceGroup, FindingCode, Scenario, Subject, Workload, estimate};
use proptest::prelude::*;

#[test]
fn rtx4090_full_decode_load_reads_near_board_power() {
    // Qwen2.5 32B at Q4_K_M (~20 GB) fills the card: every decode step streams the weights.
    let e = estimate(&scenario("rtx4090", 1, "qwen2.5-32b", "q4_k_m"));
    assert!(e.fits, "{:?}", e.findings);
    let p = &e.power;
    assert_eq!(p.devices.len(), 1);
    assert_eq!(p.tdp_w, 450.0);
    assert!(
        p.decode_w > 0.85 * 450.0 && p.decode_w <= 450.0,
        "decode draw {:.0} W",
        p.decode_w
    );
    // Prefill is compute-bound on the same card.
    assert!(
        p.prefill_w > 0.85 * 450.0 && p.prefill_w <= 450.0,
        "{:.0}",
        p.prefill_w
    );
    assert!(p.avg_w >= p.idle_w && p.avg_w <= p.tdp_w);
}

#[test]
fn tiny_model_on_rtx4090_reads_much_less() {
    // Qwen2.5 0.5B: each decode step is mostly fixed runtime overhead, the GPU waits.
    let small = estimate(&scenario("rtx4090", 1, "qwen2.5-0.5b", "q4_k_m"));
    let big = estimate(&scenario("rtx4090", 1, "qwen2.5-32b", "q4_k_m"));
    assert!(
        small.has_finding(FindingCode::OverheadBound),
        "{:?}",
        small.findings
    );
    let p = &small.power;
    assert!(p.decode_w < 0.6 * 450.0, "decode draw {:.0} W", p.decode_w);
    assert!(p.decode_w < 0.7 * big.power.decode_w);
    assert!(p.decode_w >= p.idle_w);
    // Less energy per token too: fewer bytes per token.
    assert!(small.power.decode.j_per_token < big.power.decode.j_per_token);
}

#[test]
fn multi_device_power_is_the_sum_of_its_devices() {
    let e = estimate(&scenario("rtx4090", 2, "llama-3-8b", "q4_k_m"));
    let p = &e.power;
    assert_eq!(p.devices.len(), 2);
    let sum = |f: fn(&mlbn_engine::power::DevicePower) -> f64| p.devices.iter().map(f).sum::<f64>();
    for (total, parts) in [
        (p.idle_w, sum(|d| d.idle_w)),
        (p.tdp_w, sum(|d| d.tdp_w)),
        (p.prefill_w, sum(|d| d.prefill_w)),
        (p.decode_w, sum(|d| d.decode_w)),
        (p.avg_w, sum(|d| d.avg_w)),
    ] {
        assert!((total - parts).abs() < 1e-9, "{total} vs {parts}");
    }
    let card = Catalog::builtin().device("rtx4090").found().expect("4090");
    assert_eq!(p.idle_w, 2.0 * card.idle_w);
    assert_eq!(p.tdp_w, 2.0 * card.tdp_w);
    // A pipeline passes one stream through both cards: each waits while the other works,
    // so the pair draws more than one card but well under twice its board power.
    let one = estimate(&scenario("rtx4090", 1, "llama-3-8b", "q4_k_m"));
    assert!(p.decode_w > one.power.decode_w);
    assert!(p.decode_w < 2.0 * one.power.decode_w);
}

#[test]
fn workload_average_is_time_weighted() {
    let mut s = scenario("rtx4090", 1, "llama-3-8b", "q4_k_m");
    s.workload = Workload::new(8192, 64, 1);
    let e = estimate(&s);
    let p = &e.power;
    let expect = (p.prefill_w * p.workload_prefill_s + p.decode_w * p.workload_gen_s)
        / (p.workload_prefill_s + p.workload_gen_s);
    assert!((p.avg_w - expect).abs() < 1e-6);
    assert!(p.avg_w > p.decode_w.min(p.prefill_w) - 1e-9);
    assert!(p.avg_w < p.decode_w.max(p.prefill_w) + 1e-9);
    assert_eq!(p.workload_tokens, 8192 + 64);
    // Energy of the workload over its tokens.
    assert!((p.workload.j_per_token - p.workload_j / 8256.0).abs() < 1e-6 * p.workload_j);
    // Prefill tokens are far cheaper than generated ones.
    assert!(p.workload.j_per_token < p.decode.j_per_token);
}

#[test]
fn defaults_and_per_token_identities() {
    let e = estimate(&scenario("rtx4090", 1, "llama-3-8b", "q4_k_m"));
    let p = &e.power;
    assert_eq!(p.usd_per_kwh, 0.12);
    assert_eq!(p.hours_per_day, 8.0);
    assert!((p.usd_per_day - p.avg_w / 1000.0 * 8.0 * 0.12).abs() < 1e-12);
    assert!((p.usd_per_month - 30.0 * p.usd_per_day).abs() < 1e-12);
    assert!((p.usd_per_year - 365.0 * p.usd_per_day).abs() < 1e-12);
    let d = &p.decode;
    assert!((d.tok_s - e.batch.aggregate_decode_tok_s).abs() < 1e-12);
    assert!((d.j_per_token * d.tok_s - p.decode_w).abs() < 1e-9);
    assert!((d.tokens_per_kwh * d.j_per_token - 3.6e6).abs() < 1e-3);
    let tpu = d.tokens_per_usd.expect("priced electricity");
    assert!((tpu * d.usd_per_mtok - 1e6).abs() < 1e-3);
    assert_eq!(d.usd_per_mtok_with_hardware, None);
    assert!(p.hardware.is_none());
}

#[test]
fn hardware_amortisation_adds_to_cost_per_mtok() {
    let mut s = scenario("rtx4090", 1, "llama-3-8b", "q4_k_m");
    s.power.hardware_price_usd = Some(1599.0);
    s.power.amortisation_years = Some(3.0);
    let e = estimate(&s);
    let p = &e.power;
    let h = p.hardware.expect("amortised");
    assert!(!h.from_catalog);
    assert!((h.usd_per_hour - 1599.0 / (3.0 * 365.0 * 8.0)).abs() < 1e-12);
    let with = p.decode.usd_per_mtok_with_hardware.expect("with hardware");
    let hw = h.usd_per_hour / (p.decode.tok_s * 3600.0) * 1e6;
    assert!((with - p.decode.usd_per_mtok - hw).abs() < 1e-9);
    assert!(with > p.decode.usd_per_mtok);

    // `price` without a value: the catalog price of every device (2 x $1599).
    let mut s2 = scenario("rtx4090", 2, "llama-3-8b", "q4_k_m");
    s2.power.catalog_hardware_price = true;
    let h2 = estimate(&s2).power.hardware.expect("catalog price");
    assert!(h2.from_catalog);
    assert_eq!(h2.price_usd, 3198.0);
    assert_eq!(
        h2.amortisation_years,
        mlbn_engine::power::DEFAULT_AMORTISATION_YEARS
    );
}

fn assert_all_finite(e: &mlbn_engine::Estimate) {
    let v = serde_json::to_value(&e.power).expect("serializes");
    fn walk(v: &serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite)),
            serde_json::Value::Array(a) => a.iter().for_each(walk),
            serde_json::Value::Object(o) => o.values().for_each(walk),
            _ => {}
        }
    }
    walk(&v);
}

#[test]
fn zero_and_negative_prices_are_findings_with_finite_numbers() {
    for (kwh, hw, years) in [
        (0.0, None, None),
        (-0.2, None, None),
        (0.12, Some(-5.0), None),
        (0.12, Some(0.0), None),
        (0.12, Some(1000.0), Some(-1.0)),
        (f64::NAN, Some(f64::INFINITY), Some(f64::NAN)),
    ] {
        let mut s = scenario("rtx4090", 1, "llama-3-8b", "q4_k_m");
        s.power.usd_per_kwh = kwh;
        s.power.hardware_price_usd = hw;
        s.power.amortisation_years = years;
        let e = estimate(&s);
        assert!(
            e.findings
                .iter()
                .any(|f| f.code == FindingCode::InvalidValue && f.subject == Subject::Power),
            "{kwh} {hw:?} {years:?}: {:?}",
            e.findings
        );
        assert_all_finite(&e);
        assert!(e.power.usd_per_day >= 0.0 && e.power.decode.usd_per_mtok >= 0.0);
    }
    // Free electricity: tokens per dollar is unbounded, so not given.
    let mut s = scenario("rtx4090", 1, "llama-3-8b", "q4_k_m");
    s.power.usd_per_kwh = 0.0;
    let e = estimate(&s);
    assert_eq!(e.power.decode.tokens_per_usd, None);
    assert_eq!(e.power.usd_per_day, 0.0);
    assert!(e.power.decode_w > 0.0);
}

#[test]
fn device_without_board_power_gets_the_fallback_and_a_note() {
    let mut s = scenario("rtx4090", 1, "llama-3-8b", "q4_k_m");
    s.groups[0].device.tdp_w = 0.0;
    s.groups[0].device.idle_w = 0.0;
    let p = estimate(&s).power;
    assert!(p.devices[0].assumed_power);
    assert_eq!(p.tdp_w, mlbn_engine::power::FALLBACK_TDP_W);
    assert!(p.notes.iter().any(|n| n.contains("no board power")));
}

#[test]
fn batching_raises_decode_power_and_lowers_energy_per_token() {
    let one = estimate(&scenario("rtx4090", 1, "llama-3-8b", "q4_k_m"));
    let mut s = scenario("rtx4090", 1, "llama-3-8b", "q4_k_m");
    s.workload = Workload::new(2048, 256, 16);
    let many = estimate(&s);
    assert!(many.power.decode_w >= one.power.decode_w - 1e-9);
    assert!(many.power.decode_w <= many.power.tdp_w);
    assert!(many.power.decode.j_per_token < one.power.decode.j_per_token);
    assert_eq!(many.power.workload_tokens, 16 * (2048 + 256));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Price and hours change cost linearly and nothing else.
    #[test]
    fn cost_is_linear_in_price_and_hours(
        price in 0.01f64..2.0,
        hours in 0.5f64..24.0,
        k in 0.1f64..10.0,
    ) {
        let mut base = scenario("rtx4090", 1, "llama-3-8b", "q4_k_m");
        base.power.usd_per_kwh = price;
        base.power.hours_per_day = hours;
        let a = estimate(&base);

        let mut s = base.clone();
        s.power.usd_per_kwh = price * k;
        let b = estimate(&s);
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
        prop_assert!(close(b.power.usd_per_day, k * a.power.usd_per_day));
        prop_assert!(close(b.power.usd_per_month, k * a.power.usd_per_month));
        prop_assert!(close(b.power.usd_per_year, k * a.power.usd_per_year));
        prop_assert!(close(b.power.decode.usd_per_mtok, k * a.power.decode.usd_per_mtok));
        prop_assert!(close(b.power.workload.usd_per_mtok, k * a.power.workload.usd_per_mtok));
        prop_assert!(close(
            b.power.decode.tokens_per_usd.unwrap(),
            a.power.decode.tokens_per_usd.unwrap() / k
        ));

        let mut s = base.clone();
        s.power.hours_per_day = (hours * k).min(24.0);
        let kh = s.power.hours_per_day / hours;
        let c = estimate(&s);
        prop_assert!(close(c.power.usd_per_day, kh * a.power.usd_per_day));
        prop_assert!(close(c.power.kwh_per_day, kh * a.power.kwh_per_day));
        prop_assert!(close(c.power.decode.usd_per_mtok, a.power.decode.usd_per_mtok));

        // Everything that is not a cost is unchanged.
        for other in [&b, &c] {
            let mut x = other.clone();
            let mut y = a.clone();
            for p in [&mut x.power, &mut y.power] {
                p.usd_per_kwh = 0.0;
                p.hours_per_day = 0.0;
                p.kwh_per_day = 0.0;
                p.usd_per_day = 0.0;
                p.usd_per_month = 0.0;
                p.usd_per_year = 0.0;
                for t in [&mut p.decode, &mut p.workload] {
                    t.tokens_per_usd = None;
                    t.usd_per_mtok = 0.0;
                }
            }
            prop_assert_eq!(x, y);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any catalog device, model, quant and runtime: every device draws between its idle and
    /// board power in each phase, the system is the sum of its devices, and every figure is
    /// finite and non-negative.
    #[test]
    fn power_stays_between_idle_and_board_power(
        dev in 0usize..10_000,
        model in 0usize..10_000,
        quant in 0usize..10_000,
        runtime in 0usize..10_000,
        count in 1u32..5,
        prompt in 0u64..200_000,
        gen_tokens in 0u64..5_000,
        batch in 1u32..64,
    ) {
        let c = Catalog::builtin();
        let d = c.devices[dev % c.devices.len()].clone();
        let m = c.models[model % c.models.len()].clone();
        let q = c.quants[quant % c.quants.len()].clone();
        let r = c.runtimes[runtime % c.runtimes.len()].clone();
        let mut s = Scenario::new(vec![DeviceGroup::new(d, count)], m, q, r);
        s.workload = Workload::new(prompt, gen_tokens, batch);
        let e = estimate(&s);
        let p = &e.power;
        prop_assert_eq!(p.devices.len(), count as usize);
        for d in &p.devices {
            for w in [d.prefill_w, d.decode_w, d.avg_w] {
                prop_assert!(w >= d.idle_w - 1e-9 && w <= d.tdp_w + 1e-9, "{} W outside {}..{}", w, d.idle_w, d.tdp_w);
            }
        }
        let sum: f64 = p.devices.iter().map(|d| d.decode_w).sum();
        prop_assert!((sum - p.decode_w).abs() < 1e-6);
        assert_all_finite(&e);
        for x in [p.usd_per_day, p.decode.j_per_token, p.workload.j_per_token, p.decode.usd_per_mtok] {
            prop_assert!(x >= 0.0);
        }
    }
}

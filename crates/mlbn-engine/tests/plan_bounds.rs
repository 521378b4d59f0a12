//! The search's bounds are sound: over the whole bounded space (every hardware configuration
//! and quant, no pruning) the engine never beats them. A configuration the memory bound
//! rejects never fits; a fitting configuration never decodes faster than the bandwidth
//! roofline or reaches its first token before the compute floor; no configuration draws less
//! than the idle floor.

mod plan_support;

use mlbn_engine::plan::{Choices, bounds, configure, enumerate, peak_power_w, quant_order};
use mlbn_engine::{Workload, estimate};
use plan_support::{Gguf, base, cat, device, subset};

fn check(model: &str, workload: Workload) -> usize {
    check_with(model, workload, &[])
}

fn check_with(model: &str, workload: Workload, have: &[(mlbn_catalog::Device, u32)]) -> usize {
    let mut b = base(model);
    b.workload = workload;
    let mut checked = 0;
    for hw in enumerate(cat(), &subset(), &[1, 2, 4, 8], have) {
        let rt = Gguf.runtime(&hw.groups).unwrap();
        for q in quant_order(&Gguf, &rt) {
            let s = configure(&b, &hw, &q, &rt);
            let bd = bounds(&s);
            let est = estimate(&s);
            let what = format!("{model} {} {}", hw.label(), q.id);
            if !bd.may_fit() {
                assert!(!est.fits, "{what}: memory bound rejects a fitting config");
            }
            if est.fits {
                assert!(
                    est.decode_tok_s <= bd.decode_tok_s_max * (1.0 + 1e-9),
                    "{what}: decode {} above roofline {}",
                    est.decode_tok_s,
                    bd.decode_tok_s_max
                );
            }
            if est.fits {
                assert!(
                    est.ttft_ms >= bd.ttft_ms_min * (1.0 - 1e-9),
                    "{what}: ttft {} below compute floor {}",
                    est.ttft_ms,
                    bd.ttft_ms_min
                );
            }
            assert!(
                est.power.avg_w + 1e-9 >= bd.power_w_min,
                "{what}: average power {} below idle floor {}",
                est.power.avg_w,
                bd.power_w_min
            );
            assert!(
                peak_power_w(&est) + 1e-9 >= bd.power_w_min,
                "{what}: power {} below idle floor {}",
                peak_power_w(&est),
                bd.power_w_min
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn bounds_hold_for_a_dense_70b() {
    assert!(check("llama-3-70b", Workload::default()) > 100);
}

#[test]
fn bounds_hold_for_a_moe_at_long_context_and_batch() {
    let mut w = Workload::new(8192, 256, 4);
    w.ctx_tokens = Some(32768);
    assert!(check("deepseek-r1", w) > 100);
}

#[test]
fn bounds_hold_for_a_small_model_at_batch_one() {
    assert!(check("llama-3-8b", Workload::new(512, 128, 1)) > 100);
}

#[test]
fn bounds_hold_for_owned_devices_plus_one_purchase() {
    // Mixed sets: several groups, inferred links between them, phase split among AUTO's
    // candidates.
    let mut w = Workload::new(8192, 256, 1);
    w.ctx_tokens = Some(16384);
    assert!(check_with("llama-3-70b", w, &[(device("rtx-4090"), 2)]) > 20);
    assert!(
        check_with(
            "llama-3-8b",
            Workload::default(),
            &[(device("dgx-spark"), 1)]
        ) > 20
    );
    assert!(
        check_with(
            "deepseek-r1",
            Workload::default(),
            &[(device("mac-m3-ultra-512gb-80c"), 1)]
        ) > 20
    );
}

//! Fix effects (issue 6 alerts): every machine-applicable fix carries the result of re-running
//! the estimate with it applied; "doesn't fit" proposes the largest alternative quant that fits.

mod common;

use common::{finding, fix_where};
use mlbn_catalog::Catalog;
use mlbn_engine::{FindingCode, FixKind, Scenario, Workload, estimate};

/// One RTX 4090 on llama.cpp CUDA.
fn scenario(model: &str, quant: &str) -> Scenario {
    common::llama_cpp_cuda("rtx4090", 1, model, quant)
}

/// The GGUF quants of the catalog, as the front end offers them for a llama.cpp scenario.
fn gguf_quants() -> Vec<mlbn_catalog::Quant> {
    Catalog::builtin()
        .quants
        .iter()
        .filter(|q| q.format == "gguf" || q.format == "float")
        .cloned()
        .collect()
}

#[test]
fn does_not_fit_proposes_the_largest_quant_that_fits_with_its_speed() {
    // Qwen2.5 32B in fp16 (~65 GB) on one 24 GB card.
    let mut s = scenario("qwen2.5-32b", "f16");
    s.alt_quants = gguf_quants();
    let e = estimate(&s);
    assert!(!e.fits);
    let f = finding(&e, FindingCode::DoesNotFit);
    let fix = fix_where(f, |k| matches!(k, FixKind::UseQuant { .. }));
    let FixKind::UseQuant { quant_id } = &fix.kind else {
        unreachable!()
    };
    // The fix fits when applied...
    let mut applied = s.clone();
    applied.quant = Catalog::builtin()
        .quant_by_id(quant_id)
        .expect("id")
        .clone();
    let after = estimate(&applied);
    assert!(after.fits, "{quant_id} should fit");
    // ...and no larger alternative does.
    for q in s.alt_quants.iter().filter(|q| {
        q.bits_per_weight > applied.quant.bits_per_weight
            && q.bits_per_weight < s.quant.bits_per_weight
    }) {
        let mut bigger = s.clone();
        bigger.quant = q.clone();
        assert!(!estimate(&bigger).fits, "{} is larger and would fit", q.id);
    }
    // The effect quotes the re-run's speed.
    assert!(fix.effect.contains("tok/s"), "{}", fix.effect);
    assert!(
        fix.effect.contains(&format!("{:.1}", after.decode_tok_s)),
        "{} vs {:.1}",
        fix.effect,
        after.decode_tok_s
    );
}

#[test]
fn every_fix_carries_a_computed_effect() {
    // Llama 3 8B's window is 8192 tokens; a 12k prompt draws a context fix.
    let mut s = scenario("llama-3-8b", "q4_k_m");
    s.workload = Workload::new(12_000, 256, 1);
    let e = estimate(&s);
    let f = finding(&e, FindingCode::ContextExceedsModel);
    let fix = f.fixes.first().expect("context fix");
    assert!(matches!(fix.kind, FixKind::SetContext { tokens: 8192 }));
    assert!(
        fix.effect.contains("tok/s") && fix.effect.contains("fits"),
        "{}",
        fix.effect
    );

    // A model that overflows: every fix of every finding quotes a speed.
    let mut s = scenario("llama-3-70b", "q4_k_m");
    s.alt_quants = gguf_quants();
    let e = estimate(&s);
    let fixes: Vec<_> = e.findings.iter().flat_map(|f| &f.fixes).collect();
    assert!(!fixes.is_empty());
    for x in fixes {
        assert!(x.effect.contains("tok/s"), "{}: {}", x.title, x.effect);
    }
}

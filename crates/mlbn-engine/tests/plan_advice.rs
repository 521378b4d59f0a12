//! Upgrade advice: each change is estimated by the engine, only real gains are listed, and
//! the list is ordered cheapest first.

mod plan_support;

use mlbn_engine::plan::{AdviceKind, advise};
use mlbn_engine::{DeviceGroup, LinkSpec, estimate};
use plan_support::{Gguf, base, cat, device};

#[test]
fn two_macs_over_ethernet_gain_from_thunderbolt() {
    let mut s = base("llama-3-70b");
    let mut g = DeviceGroup::new(device("mac-m4-max-128gb-40c"), 2);
    g.link = Some(LinkSpec::new(
        cat().link_by_id("10gbe").unwrap().clone(),
        false,
    ));
    s.groups = vec![g];
    s.strategy = mlbn_engine::StrategyRequest::Tensor;
    let before = estimate(&s);
    let advice = advise(&s, cat(), &Gguf);
    let links: Vec<_> = advice
        .iter()
        .filter(|a| a.kind == AdviceKind::FasterLink)
        .collect();
    assert!(
        !links.is_empty(),
        "Thunderbolt beats 10 GbE for tensor parallel"
    );
    for link in links {
        assert!(link.title.contains("Thunderbolt"), "{}", link.title);
        assert_eq!(link.decode_before_tok_s, before.decode_tok_s);
        assert!(link.decode_after_tok_s > before.decode_tok_s * 1.02);
        assert_eq!(
            estimate(&link.scenario).decode_tok_s,
            link.decode_after_tok_s
        );
    }
}

#[test]
fn one_4090_with_70b_is_told_to_add_a_card_or_shrink_the_quant() {
    let s = base("llama-3-70b");
    let before = estimate(&s);
    assert!(!before.fits);
    let advice = advise(&s, cat(), &Gguf);
    assert!(!advice.is_empty());
    for a in &advice {
        assert!(a.fits_after || !a.fits_before);
        assert!(a.fits_after || a.decode_after_tok_s > a.decode_before_tok_s);
        assert_eq!(
            estimate(&a.scenario).decode_tok_s,
            a.decode_after_tok_s,
            "{}",
            a.title
        );
    }
    let card = advice
        .iter()
        .find(|a| a.kind == AdviceKind::AddDevice)
        .expect("a second 4090 is advised");
    assert_eq!(card.cost_usd, Some(1599.0));
    assert!(card.cost_note.contains("MSRP") || !card.cost_note.is_empty());
    // Cheapest first: free changes before the card.
    let costs: Vec<f64> = advice.iter().map_while(|a| a.cost_usd).collect();
    assert!(costs.windows(2).all(|w| w[0] <= w[1]), "{costs:?}");
}

#[test]
fn a_config_at_its_best_gets_no_fake_gains() {
    // 8B q2_k on an H100: no smaller quant in the list, adding a card does not speed up one
    // stream much; whatever is listed must be a real gain.
    let mut s = base("llama-3-8b");
    s.groups = vec![DeviceGroup::new(device("h100-sxm5-80gb"), 1)];
    s.quant = cat().quant_by_id("q2_k").unwrap().clone();
    for a in advise(&s, cat(), &Gguf) {
        assert!(a.gain() > 1.02 || (a.fits_after && !a.fits_before), "{a:?}");
    }
}

#[test]
fn advice_is_cheapest_first_then_fitting_then_biggest_gain() {
    // A scenario that does not fit on a runtime that cannot offload: runtimes, quants and a
    // third card compete; whatever is listed comes cheapest first, and at equal cost what
    // fits before what does not, then the bigger gain.
    let mut s = base("llama-3-70b");
    s.groups = vec![DeviceGroup::new(device("rtx-3090"), 2)];
    s.runtime = cat()
        .runtime_backend_for("vllm", &device("rtx-3090"))
        .unwrap()
        .clone();
    let mut scenarios = vec![s, base("llama-3-70b")];
    let mut macs = base("llama-3-70b");
    let mut g = DeviceGroup::new(device("mac-m4-max-128gb-40c"), 2);
    g.link = Some(LinkSpec::new(
        cat().link_by_id("10gbe").unwrap().clone(),
        false,
    ));
    macs.groups = vec![g];
    scenarios.push(macs);
    let mut listed = 0;
    for s in &scenarios {
        let advice = advise(s, cat(), &Gguf);
        listed += advice.len();
        for w in advice.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let key = |x: &mlbn_engine::plan::Advice| match x.cost_usd {
                Some(c) => (0, c),
                None => (1, 0.0),
            };
            let (ka, kb) = (key(a), key(b));
            assert!(
                ka.0 < kb.0 || (ka.0 == kb.0 && ka.1 <= kb.1),
                "{a:?} before {b:?}"
            );
            if ka == kb {
                assert!(
                    a.fits_after >= b.fits_after,
                    "{} before {}",
                    a.title,
                    b.title
                );
                if a.fits_after == b.fits_after {
                    assert!(a.gain() >= b.gain(), "{} before {}", a.title, b.title);
                }
            }
        }
    }
    assert!(listed >= 4);
}

//! Reverse planning is right by construction: every plan meets the goal according to the
//! engine, no cheaper configuration in the bounded space meets it (checked by brute force over
//! the space without any pruning), each plan carries the best quant that works, the list moves
//! sensibly with the goal, and the budget holds.

mod plan_support;

use mlbn_engine::plan::{
    Goal, Hardware, PlanReport, PlanRequest, Prefer, configure, enumerate, exhaustive, quant_order,
    search,
};
use mlbn_engine::{Scenario, estimate};
use plan_support::{Gguf, base, cat, device, subset};

fn request<'a>(b: &'a Scenario, goal: Goal) -> PlanRequest<'a> {
    let mut r = PlanRequest::new(b, goal, cat(), &Gguf);
    r.candidates = subset();
    r.counts = vec![1, 2, 4];
    r.top = 50;
    r
}

fn goal(decode: f64) -> Goal {
    Goal {
        decode_tok_s: Some(decode),
        ..Goal::default()
    }
}

/// Every (hardware, quant) of the space that meets the goal, found without the bounds.
fn brute_force(req: &PlanRequest) -> Vec<(Hardware, String, f64)> {
    let mut out = Vec::new();
    for hw in enumerate(req.catalog, &req.candidates, &req.counts, &req.have) {
        let Some(rt) = req.choices.runtime(&hw.groups) else {
            continue;
        };
        for q in quant_order(req.choices, &rt) {
            let est = estimate(&configure(req.base, &hw, &q, &rt));
            if req.goal.met_by(&est, hw.purchase_usd()) {
                out.push((hw.clone(), q.id.clone(), q.bits_per_weight));
            }
        }
    }
    out
}

fn cheapest(found: &[(Hardware, String, f64)]) -> Option<f64> {
    found
        .iter()
        .filter_map(|(hw, ..)| hw.purchase_usd())
        .min_by(f64::total_cmp)
}

#[test]
fn every_plan_meets_the_goal_by_the_engine() {
    let b = base("llama-3-70b");
    let req = request(&b, goal(20.0));
    let report = search(&req);
    assert!(!report.plans.is_empty(), "70B at 20 tok/s is reachable");
    let space = enumerate(req.catalog, &req.candidates, &req.counts, &req.have);
    for p in &report.plans {
        let hw = space
            .iter()
            .find(|h| h.label() == p.hardware)
            .expect("plan comes from the space");
        let rt = Gguf_runtime(hw);
        let q = cat().quant_by_id(&p.quant_id).unwrap();
        let est = estimate(&configure(&b, hw, q, &rt));
        assert!(est.fits, "{} does not fit", p.hardware);
        assert!(
            est.decode_tok_s >= 20.0,
            "{}: {}",
            p.hardware,
            est.decode_tok_s
        );
        assert_eq!(est.decode_tok_s, p.decode_tok_s);
    }
}

#[allow(non_snake_case)]
fn Gguf_runtime(hw: &Hardware) -> mlbn_catalog::Runtime {
    use mlbn_engine::plan::Choices;
    Gguf.runtime(&hw.groups).unwrap()
}

#[test]
fn no_cheaper_configuration_meets_the_goal() {
    for (model, decode) in [
        ("llama-3-70b", 15.0),
        ("llama-3-8b", 100.0),
        ("llama-3-70b", 40.0),
    ] {
        let b = base(model);
        let req = request(&b, goal(decode));
        let report = search(&req);
        let found = brute_force(&req);
        let best_priced = report.plans.iter().find_map(|p| p.purchase_usd);
        assert_eq!(
            best_priced,
            cheapest(&found),
            "{model} at {decode} tok/s: search and brute force disagree on the cheapest"
        );
        // The search finds every configuration brute force finds (pruning loses nothing).
        let hw_found: std::collections::BTreeSet<String> =
            found.iter().map(|(hw, ..)| hw.label()).collect();
        assert_eq!(report.stats.met, hw_found.len(), "{model} at {decode}");
    }
}

#[test]
fn each_plan_has_the_best_quant_that_meets_the_goal() {
    let b = base("llama-3-70b");
    let req = request(&b, goal(15.0));
    let report = search(&req);
    let found = brute_force(&req);
    for p in &report.plans {
        let best = found
            .iter()
            .filter(|(hw, ..)| hw.label() == p.hardware)
            .map(|(_, _, bits)| *bits)
            .fold(0.0, f64::max);
        assert_eq!(p.bits_per_weight, best, "{}", p.hardware);
    }
}

#[test]
fn raising_the_decode_target_never_gives_a_cheaper_plan() {
    let b = base("llama-3-70b");
    let mut last: Option<f64> = Some(0.0);
    let mut last_count = usize::MAX;
    for t in [2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0, 80.0, 200.0] {
        let report = search(&request(&b, goal(t)));
        let cheapest = report.plans.iter().find_map(|p| p.purchase_usd);
        match (last, cheapest) {
            (Some(prev), Some(now)) => assert!(now >= prev, "{t} tok/s: {now} < {prev}"),
            (None, Some(now)) => panic!("{t} tok/s reachable at ${now} but a lower target was not"),
            _ => {}
        }
        assert!(
            report.stats.met <= last_count,
            "{t}: more plans for a harder goal"
        );
        last_count = report.stats.met;
        last = cheapest;
    }
    // 200 tok/s on a 70B model is beyond this space at batch 1.
    assert_eq!(last, None);
}

#[test]
fn budget_is_respected_and_unpriced_purchases_are_excluded() {
    let b = base("llama-3-70b");
    let mut g = goal(10.0);
    g.budget_usd = Some(4000.0);
    let report = search(&request(&b, g));
    assert!(!report.plans.is_empty());
    for p in &report.plans {
        let cost = p.purchase_usd.expect("a budget needs a known price");
        assert!(cost <= 4000.0, "{}: ${cost}", p.hardware);
    }
    // Without a budget, plans above it exist.
    let open = search(&request(&b, goal(10.0)));
    assert!(
        open.plans
            .iter()
            .any(|p| p.purchase_usd.is_none_or(|c| c > 4000.0))
    );
}

#[test]
fn ttft_and_power_limits_hold() {
    let b = base("llama-3-8b");
    let g = Goal {
        decode_tok_s: Some(30.0),
        ttft_ms: Some(500.0),
        power_w: Some(600.0),
        ..Goal::default()
    };
    let report = search(&request(&b, g));
    assert!(!report.plans.is_empty());
    for p in &report.plans {
        assert!(p.ttft_ms <= 500.0 && p.peak_power_w <= 600.0, "{p:?}");
    }
    // A power limit below every device's idle draw leaves nothing.
    let none = search(&request(
        &b,
        Goal {
            power_w: Some(1.0),
            ..g
        },
    ));
    assert!(none.plans.is_empty());
    assert!(none.stats.pruned_power > 0);
}

#[test]
fn prefer_orders_the_list() {
    let b = base("llama-3-8b");
    let mut g = goal(50.0);
    g.prefer = Prefer::Fast;
    let fast = search(&request(&b, g)).plans;
    assert!(
        fast.windows(2)
            .all(|w| w[0].decode_tok_s >= w[1].decode_tok_s)
    );
    g.prefer = Prefer::Quiet;
    let quiet = search(&request(&b, g)).plans;
    assert!(
        quiet
            .windows(2)
            .all(|w| w[0].avg_power_w <= w[1].avg_power_w)
    );
    g.prefer = Prefer::Cheap;
    let cheap = search(&request(&b, g)).plans;
    let prices: Vec<f64> = cheap.iter().map_while(|p| p.purchase_usd).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]));
    // Unpriced configurations come after every priced one.
    let first_unpriced = cheap.iter().position(|p| p.purchase_usd.is_none());
    if let Some(i) = first_unpriced {
        assert!(cheap[i..].iter().all(|p| p.purchase_usd.is_none()));
    }
}

#[test]
fn owned_devices_plus_one_purchase() {
    let b = base("llama-3-70b");
    let mut req = request(&b, goal(15.0));
    req.have = vec![(device("rtx-4090"), 1)];
    let report = search(&req);
    assert!(!report.plans.is_empty());
    for p in &report.plans {
        let owned: u32 = p.groups.iter().map(|g| g.owned).sum();
        let total: u32 = p.groups.iter().map(|g| g.count).sum();
        assert_eq!(owned, 1, "{}: the owned 4090 is in every plan", p.hardware);
        assert_eq!(total, 2, "{}: one purchase", p.hardware);
    }
    // One 4090 alone does not fit 70B q2_k+; the cheapest addition is found by brute force too.
    let found = brute_force(&req);
    assert_eq!(report.plans[0].purchase_usd, cheapest(&found));
}

#[test]
fn unknown_prices_are_said() {
    let b = base("llama-3-70b");
    let report = search(&request(&b, goal(30.0)));
    let unpriced: Vec<_> = report
        .plans
        .iter()
        .filter(|p| p.purchase_usd.is_none())
        .collect();
    assert!(
        !unpriced.is_empty(),
        "datacenter GPUs have no catalog price"
    );
    for p in unpriced {
        let purchase = p.purchase.as_ref().unwrap();
        assert_eq!(purchase.unit_price_usd, None);
        assert_eq!(p.usd_per_mtok_with_hardware, None);
    }
    for p in report.plans.iter().filter(|p| p.purchase_usd.is_some()) {
        let purchase = p.purchase.as_ref().unwrap();
        assert!(purchase.price_source.is_some(), "{}", p.hardware);
        assert!(p.usd_per_mtok_with_hardware.unwrap() > p.usd_per_mtok);
    }
}

#[test]
fn pruned_search_returns_what_the_exhaustive_search_returns() {
    // Branch and bound (bounds, rank order, skipping what cannot enter the top) against
    // estimating every configuration and quant of a catalog slice, for several goals, each
    // preference, short and long lists, and an owned device.
    let cases: Vec<(&str, Goal, Owned)> = vec![
        ("llama-3-70b", goal(20.0), vec![]),
        (
            "llama-3-70b",
            Goal {
                decode_tok_s: Some(10.0),
                ttft_ms: Some(3000.0),
                ..Goal::default()
            },
            vec![],
        ),
        (
            "llama-3-8b",
            Goal {
                decode_tok_s: Some(60.0),
                power_w: Some(900.0),
                ..Goal::default()
            },
            vec![],
        ),
        ("deepseek-r1", goal(5.0), vec![]),
        ("llama-3-70b", goal(15.0), vec![(device("rtx-4090"), 1)]),
    ];
    let mut skipped_by_rank = 0;
    for (model, g, have) in cases {
        let b = base(model);
        for prefer in [Prefer::Cheap, Prefer::Fast, Prefer::Quiet] {
            let mut req = request(&b, Goal { prefer, ..g });
            req.have = have.clone();
            let all = exhaustive(&req);
            for top in [1, 3, 5] {
                req.top = top;
                let pruned = search(&req);
                let want = exhaustive_top(&all, top);
                let labels = |ps: &[mlbn_engine::plan::Plan]| -> Vec<String> {
                    ps.iter()
                        .map(|p| format!("{} {}", p.hardware, p.quant_id))
                        .collect()
                };
                assert_eq!(
                    labels(&pruned.plans),
                    labels(&want),
                    "{model} {g:?} {prefer:?} top {top}"
                );
                assert_eq!(pruned.plans, want, "{model} {prefer:?} top {top}");
                skipped_by_rank += pruned.stats.pruned_rank;
                assert!(
                    pruned.stats.estimates < all.stats.estimates,
                    "{model} {prefer:?} top {top}: {} estimates, exhaustive {}",
                    pruned.stats.estimates,
                    all.stats.estimates
                );
            }
        }
    }
    assert!(skipped_by_rank > 0, "the rank pruning was exercised");
}

type Owned = Vec<(mlbn_catalog::Device, u32)>;

/// The exhaustive list (run with `top` 50) cut to `top`.
fn exhaustive_top(all: &PlanReport, top: usize) -> Vec<mlbn_engine::plan::Plan> {
    all.plans.iter().take(top).cloned().collect()
}

#[test]
fn the_bench_goals_skip_most_of_the_catalog() {
    // The whole catalog, as in benches/plan.rs: bounds and rank leave few estimates (the
    // count is a property of the pruning, not a timing).
    for (model, decode) in [("llama-3-70b", 30.0), ("deepseek-r1", 20.0)] {
        let b = base(model);
        let g = Goal {
            decode_tok_s: Some(decode),
            ttft_ms: Some(2000.0),
            ..Goal::default()
        };
        let req = PlanRequest::new(&b, g, cat(), &Gguf);
        let r = search(&req);
        assert!(!r.plans.is_empty(), "{model}");
        assert!(
            r.stats.estimates * 20 < r.stats.candidates,
            "{model}: {:?}",
            r.stats
        );
    }
}

//! Resolution behaviour: forgiving forms, ambiguity, did-you-mean, bad input, search.

use mlbn_catalog::{Catalog, Resolution};

fn dev(name: &str) -> Option<String> {
    Catalog::builtin()
        .device(name)
        .found()
        .map(|d| d.id.clone())
}

#[test]
fn case_spacing_vendor_words_and_memory_do_not_matter() {
    for n in [
        "rtx4090",
        "RTX 4090",
        "GeForce RTX 4090 24GB",
        "4090",
        "nvidia geforce rtx-4090",
        "RTX_4090",
    ] {
        assert_eq!(dev(n).as_deref(), Some("rtx-4090"), "{n}");
    }
    assert_eq!(
        dev("AMD Radeon RX 7900 XTX").as_deref(),
        Some("rx-7900-xtx")
    );
    assert_eq!(dev("MI 300X").as_deref(), Some("mi300x"));
    // A model number ending in x is not a count prefix like `2x`.
    assert_eq!(dev("7950x").as_deref(), Some("ryzen-9-7950x"));
    assert_eq!(dev("2x rtx3090").as_deref(), Some("rtx-3090"));
    assert_eq!(
        dev("MacBook Pro M3 Max").as_deref(),
        Some("mac-m3-max-128gb-40c")
    );
}

#[test]
fn the_more_specific_name_wins() {
    assert_eq!(dev("RTX 4080").as_deref(), Some("rtx-4080"));
    assert_eq!(dev("RTX 4080 SUPER").as_deref(), Some("rtx-4080-super"));
    assert_eq!(dev("RTX 4070 Ti").as_deref(), Some("rtx-4070-ti"));
    assert_eq!(dev("L40").as_deref(), Some("l40"));
    assert_eq!(dev("L40S").as_deref(), Some("l40s"));
}

#[test]
fn memory_and_core_numbers_pick_variants() {
    assert_eq!(
        dev("M2 Ultra 192GB 76-core").as_deref(),
        Some("mac-m2-ultra-192gb-76c")
    );
    assert_eq!(
        dev("M2 Ultra 64GB 60-core").as_deref(),
        Some("mac-m2-ultra-64gb-60c")
    );
    assert_eq!(
        dev("mac-m3-ultra-256").as_deref(),
        Some("mac-m3-ultra-256gb-80c")
    );
    assert_eq!(
        dev("M3 Ultra 28-core CPU 60-core GPU 96GB").as_deref(),
        Some("mac-m3-ultra-96gb-60c")
    );
    assert_eq!(dev("A100 40GB").as_deref(), Some("a100-sxm4-40gb"));
    assert_eq!(dev("RTX 3080 12GB").as_deref(), Some("rtx-3080-12gb"));
    // A bare number in a hint is read as memory when a variant has it.
    assert_eq!(
        dev("Mac M4 Max (64)").as_deref(),
        Some("mac-m4-max-64gb-40c")
    );
    assert_eq!(dev("M5 16GB").as_deref(), Some("mac-m5-16gb-10c"));
    // Family only: the documented default variant.
    assert_eq!(dev("M3 Ultra").as_deref(), Some("mac-m3-ultra-512gb-80c"));
    assert_eq!(dev("H100").as_deref(), Some("h100-sxm5-80gb"));
}

#[test]
fn ambiguity_lists_candidates() {
    match Catalog::builtin().device("RTX 6000") {
        Resolution::Ambiguous(c) => {
            let ids: Vec<&str> = c.iter().map(|d| d.id.as_str()).collect();
            assert!(
                ids.contains(&"quadro-rtx-6000") && ids.contains(&"rtx-6000-ada"),
                "{ids:?}"
            );
        }
        other => panic!("expected ambiguity, got {:?}", other.found().map(|d| &d.id)),
    }
}

#[test]
fn a_shorter_unrelated_name_does_not_win_by_default() {
    let ids = |n: &str| match Catalog::builtin().device(n) {
        Resolution::Ambiguous(c) => c.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        other => panic!(
            "{n}: expected ambiguity, got {:?}",
            other.found().map(|d| &d.id)
        ),
    };
    assert_eq!(ids("xeon"), vec!["xeon-6980p", "xeon-platinum-8480p"]);
    // One entry per family: every M-series Pro appears once, as its family default.
    let pro = ids("radeon pro");
    assert!(pro.contains(&"mac-m4-pro-64gb-20c".to_string()), "{pro:?}");
    assert!(!pro.contains(&"mac-m4-pro-24gb-16c".to_string()), "{pro:?}");
}

#[test]
fn unknown_names_get_at_most_three_suggestions() {
    for n in ["rtx4900", "rtx 9999", "RTX 5095", "h1000"] {
        match Catalog::builtin().device(n) {
            Resolution::NotFound { suggestions } => {
                assert!(
                    !suggestions.is_empty() && suggestions.len() <= 3,
                    "{n}: {suggestions:?}"
                )
            }
            other => panic!(
                "{n}: expected NotFound, got {:?}",
                other.found().map(|d| &d.id)
            ),
        }
    }
    match Catalog::builtin().device("rtx4900") {
        Resolution::NotFound { suggestions } => assert!(suggestions.contains(&"rtx-4090".into())),
        _ => unreachable!(),
    }
}

#[test]
fn bad_input_never_panics() {
    let cat = Catalog::builtin();
    let long = "x".repeat(100_000);
    let digits = "9".repeat(5_000);
    for n in [
        "",
        " ",
        "()",
        "(((",
        ",,,",
        "💥",
        "ÄÖÜ 4090",
        long.as_str(),
        digits.as_str(),
        "2x",
        "0GB",
    ] {
        let _ = cat.device(n);
        let _ = cat.runtime(n);
        let _ = cat.link(n);
        let _ = cat.search_devices(n);
    }
    assert!(matches!(cat.device(""), Resolution::NotFound { .. }));
}

#[test]
fn resolution_is_deterministic() {
    let cat = Catalog::builtin();
    for n in [
        "M3 Ultra",
        "Mac Studio M3 Ultra (cluster: 2x 512GB + 2x 256GB)",
        "RTX 6000",
        "llama.cpp",
    ] {
        let a = format!("{:?}", cat.device(n));
        for _ in 0..5 {
            assert_eq!(a, format!("{:?}", cat.device(n)));
        }
    }
}

#[test]
fn search_lists_matching_devices() {
    let cat = Catalog::builtin();
    let ids: Vec<&str> = cat
        .search_devices("rtx 40")
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    assert!(
        ids.contains(&"rtx-4090") && ids.contains(&"rtx-4060"),
        "{ids:?}"
    );
    assert!(!ids.contains(&"rtx-3090"));
    let m3u = cat.search_devices("m3 ultra");
    assert_eq!(m3u.len(), 5);
    assert_eq!(cat.search_devices("").len(), cat.devices.len());
    assert!(cat.search_runtimes("llama").len() >= 7);
    assert!(cat.search_links("nvlink").len() >= 4);
}

#[test]
fn runtime_and_link_names_resolve_to_their_own_entry() {
    let cat = Catalog::builtin();
    for r in &cat.runtimes {
        for n in [&r.id, &r.name].into_iter().chain(&r.aliases) {
            assert_eq!(cat.runtime(n).found().map(|x| &x.id), Some(&r.id), "{n:?}");
        }
    }
    for l in &cat.links {
        for n in [&l.id, &l.name].into_iter().chain(&l.aliases) {
            assert_eq!(cat.link(n).found().map(|x| &x.id), Some(&l.id), "{n:?}");
        }
    }
}

//! Invariants of the device table and its coverage of what the issue and the seed name.

use mlbn_catalog::{Catalog, DeviceKind, Precision, Resolution};
use std::collections::BTreeMap;

#[test]
fn at_least_120_devices_with_unique_ids() {
    let cat = Catalog::builtin();
    assert!(cat.devices.len() >= 120, "{} devices", cat.devices.len());
    let mut ids: Vec<&str> = cat.devices.iter().map(|d| d.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), cat.devices.len());
}

#[test]
fn numbers_are_physical() {
    for d in &Catalog::builtin().devices {
        let id = &d.id;
        assert!(d.mem_gb > 0.0 && d.bw_gbps > 0.0, "{id}: memory");
        assert!(d.fp32_tflops > 0.0 && d.fp16_tflops > 0.0, "{id}: compute");
        assert!(d.idle_w > 0.0 && d.tdp_w >= d.idle_w, "{id}: power");
        assert!((2010..=2026).contains(&d.year), "{id}: year {}", d.year);
        if d.native.contains(&Precision::Fp16) || d.native.contains(&Precision::Bf16) {
            assert!(d.fp16_tflops >= d.fp32_tflops, "{id}: fp16 below fp32");
        }
        if let Some(fp8) = d.fp8_tflops {
            assert!(
                d.native.contains(&Precision::Fp8),
                "{id}: fp8 rate without fp8"
            );
            assert!(fp8 >= d.fp16_tflops, "{id}: fp8 below fp16");
        }
        if let Some(fp4) = d.fp4_tflops {
            assert!(
                d.native.contains(&Precision::Fp4),
                "{id}: fp4 rate without fp4"
            );
            assert!(fp4 >= d.fp8_tflops.unwrap_or(0.0), "{id}: fp4 below fp8");
        }
        if d.int8_tops.is_some() {
            assert!(
                d.native.contains(&Precision::Int8),
                "{id}: int8 rate without int8"
            );
        }
        if let Some(f) = d.usable_mem_fraction {
            assert!(f > 0.0 && f <= 1.0, "{id}: usable fraction {f}");
        }
        if d.kind == DeviceKind::AppleSoc {
            assert!(
                d.gpu_cores.is_some() && d.usable_mem_fraction.is_some(),
                "{id}"
            );
        }
    }
}

#[test]
fn every_entry_names_its_sources() {
    for d in &Catalog::builtin().devices {
        assert!(d.source.trim().len() > 10, "{}: source", d.id);
        for (field, src) in &d.sources {
            assert!(!src.trim().is_empty(), "{}: sources.{field}", d.id);
        }
        if d.price_usd.is_some() {
            let date = d.price_date.as_deref().unwrap_or("");
            assert!(
                d.price_source.as_deref().is_some_and(|s| !s.is_empty()),
                "{}",
                d.id
            );
            assert!(
                date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
                "{}: price_date {date:?}",
                d.id
            );
        }
    }
}

#[test]
fn interconnects_exist_in_links() {
    let cat = Catalog::builtin();
    for d in &cat.devices {
        for l in &d.interconnects {
            assert!(cat.link_by_id(l).is_some(), "{}: unknown link {l}", d.id);
        }
    }
}

#[test]
fn each_family_has_exactly_one_default() {
    let mut fams: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in &Catalog::builtin().devices {
        if let Some(f) = &d.family {
            let e = fams.entry(f).or_default();
            e.0 += 1;
            e.1 += usize::from(d.family_default);
        }
    }
    for (f, (members, defaults)) in fams {
        if members > 1 {
            assert_eq!(
                defaults, 1,
                "family {f}: {members} members, {defaults} defaults"
            );
        }
    }
}

#[test]
fn ids_names_and_aliases_resolve_to_their_own_entry() {
    let cat = Catalog::builtin();
    for d in &cat.devices {
        for name in [&d.id, &d.name].into_iter().chain(&d.aliases) {
            match cat.device(name) {
                Resolution::Found(found) => assert_eq!(found.id, d.id, "{name:?}"),
                other => panic!("{name:?} -> {:?}", other.found().map(|x| &x.id)),
            }
        }
    }
}

fn resolves(names: &[&str]) {
    let cat = Catalog::builtin();
    let missing: Vec<&&str> = names
        .iter()
        .filter(|n| cat.device(n).found().is_none())
        .collect();
    assert!(missing.is_empty(), "do not resolve: {missing:?}");
}

#[test]
fn geforce_cards_with_8gb_or_more_are_covered() {
    resolves(&[
        "RTX 2060 SUPER",
        "RTX 2060 12GB",
        "RTX 2070",
        "RTX 2070 SUPER",
        "RTX 2080",
        "RTX 2080 SUPER",
        "RTX 2080 Ti",
        "RTX 3050 8GB",
        "RTX 3060",
        "RTX 3060 Ti",
        "RTX 3070",
        "RTX 3070 Ti",
        "RTX 3080",
        "RTX 3080 12GB",
        "RTX 3080 Ti",
        "RTX 3090",
        "RTX 3090 Ti",
        "RTX 4060",
        "RTX 4060 Ti 8GB",
        "RTX 4060 Ti 16GB",
        "RTX 4070",
        "RTX 4070 SUPER",
        "RTX 4070 Ti",
        "RTX 4070 Ti SUPER",
        "RTX 4080",
        "RTX 4080 SUPER",
        "RTX 4090",
        "RTX 5050",
        "RTX 5060",
        "RTX 5060 Ti 8GB",
        "RTX 5060 Ti 16GB",
        "RTX 5070",
        "RTX 5070 Ti",
        "RTX 5080",
        "RTX 5090",
    ]);
}

#[test]
fn workstation_and_datacenter_families_are_covered() {
    resolves(&[
        "RTX A4000",
        "RTX A4500",
        "RTX A5000",
        "RTX A6000",
        "RTX 4000 Ada",
        "RTX 4500 Ada",
        "RTX 5000 Ada",
        "RTX 6000 Ada",
        "RTX PRO 4000 Blackwell",
        "RTX PRO 4500 Blackwell",
        "RTX PRO 5000 Blackwell",
        "RTX PRO 6000 Blackwell",
        "RTX PRO 6000 Blackwell Max-Q",
        "Quadro RTX 6000",
        "V100",
        "V100 PCIe 16GB",
        "A10",
        "A30",
        "A40",
        "A100 40GB PCIe",
        "A100 80GB SXM",
        "L4",
        "L40",
        "L40S",
        "H100 PCIe",
        "H100 SXM",
        "H100 NVL",
        "H200",
        "H200 NVL",
        "H20",
        "B200",
        "B300",
        "GB200",
        "DGX Spark",
        "Tesla P40",
        "Tesla K80",
    ]);
}

#[test]
fn amd_intel_google_and_cpus_are_covered() {
    resolves(&[
        "RX 6700 XT",
        "RX 6800",
        "RX 6800 XT",
        "RX 6900 XT",
        "RX 6950 XT",
        "RX 7600 XT",
        "RX 7700 XT",
        "RX 7800 XT",
        "RX 7900 GRE",
        "RX 7900 XT",
        "RX 7900 XTX",
        "RX 9060 XT",
        "RX 9070",
        "RX 9070 XT",
        "Radeon PRO W7800",
        "Radeon PRO W7900",
        "Radeon AI PRO R9700",
        "MI50",
        "MI60",
        "MI100",
        "MI210",
        "MI250",
        "MI250X",
        "MI300X",
        "MI325X",
        "MI350X",
        "MI355X",
        "Ryzen AI Max+ 395",
        "Strix Halo 64GB",
        "Arc A770",
        "Arc B580",
        "Arc Pro B60",
        "Arc Pro B70",
        "Gaudi 2",
        "Gaudi 3",
        "TPU v4",
        "TPU v5e",
        "TPU v5p",
        "TPU v6e",
        "ddr4 desktop",
        "ddr5 desktop",
        "ddr5 8 channel",
        "ddr5 12 channel",
        "EPYC 9755",
        "Xeon 6980P",
    ]);
}

#[test]
fn apple_chips_are_covered_by_tier_cores_and_memory() {
    resolves(&[
        "M1",
        "M1 Pro",
        "M1 Max",
        "M1 Ultra",
        "M2",
        "M2 Pro",
        "M2 Max",
        "M2 Ultra",
        "M3",
        "M3 Pro",
        "M3 Max",
        "M3 Ultra",
        "M4",
        "M4 Pro",
        "M4 Max",
        "M2 Ultra 192GB 76-core",
        "Mac M1 Max (24-core GPU)",
        "mac-m3-ultra-512",
        "M3 Max 30-core 36GB",
        "M4 Max 32c",
    ]);
    let cat = Catalog::builtin();
    let bw = |n: &str| cat.device(n).found().map(|d| d.bw_gbps);
    // Bandwidth differs by GPU-core variant.
    assert_eq!(bw("M3 Max 30-core"), Some(300.0));
    assert_eq!(bw("M3 Max 40-core"), Some(400.0));
    assert_eq!(bw("M4 Max 32-core"), Some(410.0));
    assert_eq!(bw("M4 Max 40-core"), Some(546.0));
}

#[test]
fn seed_power_table_devices_resolve() {
    resolves(&[
        "RTX 5090",
        "RTX 5080",
        "RTX 5070 Ti",
        "RTX 5070",
        "RTX 5060 Ti 16GB",
        "RTX 5060 Ti 8GB",
        "RTX 4090",
        "RTX 4080 Super",
        "RTX 4080",
        "RTX 4070 Ti Super",
        "RTX 4070",
        "RTX 4060",
        "RTX 3090",
        "RTX 3080",
        "RTX 3060",
        "H100",
        "A100",
        "B200",
        "AMD MI300X",
        "RX 7900 XTX",
        "RX 7900 XT",
        "Mac M4 Max (128)",
        "Mac M3 Ultra (512)",
        "Mac M2 Ultra (192GB)",
        "DGX Spark",
        "Intel Gaudi3",
        "Google TPU v5p",
    ]);
}

#[test]
fn published_specs_win_over_the_seed() {
    let cat = Catalog::builtin();
    let spark = cat.device("DGX Spark").found().expect("dgx spark");
    assert_eq!(
        spark.tdp_w, 240.0,
        "NVIDIA ships a 240 W supply, not the seed's 1000 W"
    );
    assert_eq!((spark.mem_gb, spark.bw_gbps), (128.0, 273.0));
    assert_eq!(spark.interconnects, vec!["200gbe", "10gbe"]);
}

/// The data file says where it departs from the seed, right above the entry.
#[test]
fn seed_contradictions_are_commented_in_the_data_file() {
    let text = mlbn_catalog::DATA_FILES
        .iter()
        .find(|(n, _)| *n == "devices.toml")
        .map(|(_, t)| *t)
        .expect("devices.toml");
    for (id, mention) in [
        ("dgx-spark", "1000 W"),
        ("mac-m2-ultra-192gb-76c", "100 W"),
        ("gaudi3", "600 W"),
    ] {
        let at = text
            .find(&format!("id = \"{id}\""))
            .unwrap_or_else(|| panic!("{id}"));
        let before = &text[text[..at].rfind("\n\n").unwrap_or(0)..at];
        assert!(
            before.contains("# ") && before.contains(mention),
            "{id}: {before}"
        );
    }
}

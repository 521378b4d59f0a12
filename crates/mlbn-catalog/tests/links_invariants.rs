//! Link table: coverage of the issue's list, physical numbers, family defaults.

use mlbn_catalog::{Catalog, LinkKind};

#[test]
fn links_are_physical_and_sourced() {
    let cat = Catalog::builtin();
    for l in &cat.links {
        assert!(l.bw_gbps > 0.0 && l.latency_us > 0.0, "{}", l.id);
        assert!(l.source.trim().len() > 10, "{}: source", l.id);
    }
}

#[test]
fn pcie_every_generation_and_width() {
    let cat = Catalog::builtin();
    for g in 3..=6 {
        let mut prev = 0.0;
        for w in [1, 4, 8, 16] {
            let l = cat.link_by_id(&format!("pcie{g}-x{w}")).expect("pcie link");
            assert_eq!(l.kind, LinkKind::Pcie);
            assert!(l.bw_gbps > prev, "{} wider is faster", l.id);
            prev = l.bw_gbps;
        }
    }
    let x16 = |g: u32| cat.link_by_id(&format!("pcie{g}-x16")).map(|l| l.bw_gbps);
    // Each generation doubles the rate (PCIe 6 loses a little to FLIT framing).
    assert!((x16(4).unwrap() / x16(3).unwrap() - 2.0).abs() < 0.01);
    assert!((x16(5).unwrap() / x16(4).unwrap() - 2.0).abs() < 0.01);
    assert!(x16(6).unwrap() / x16(5).unwrap() > 1.85);
}

#[test]
fn issue_link_list_resolves() {
    let cat = Catalog::builtin();
    for name in [
        "nvlink2",
        "nvlink3",
        "nvlink4",
        "nvlink5",
        "nvswitch",
        "nvlink bridge 3090",
        "nvlink bridge a6000",
        "infinity fabric",
        "ultrafusion",
        "thunderbolt 3",
        "thunderbolt 4",
        "thunderbolt 5",
        "tb5 rdma",
        "usb4",
        "oculink",
        "1gbe",
        "2.5gbe",
        "10gbe",
        "25gbe",
        "40gbe",
        "100gbe",
        "200gbe",
        "400gbe",
        "infiniband hdr",
        "infiniband ndr",
        "infiniband xdr",
        "PCIe 4.0 x8",
        "pcie5",
        "Thunderbolt 5, RDMA",
        "NVLink (8-GPU node)",
    ] {
        assert!(cat.link(name).found().is_some(), "{name}");
    }
    let nv = |n: &str| cat.link(n).found().map(|l| l.bw_gbps).unwrap();
    assert!(nv("nvlink2") < nv("nvlink3") && nv("nvlink3") < nv("nvlink4"));
    assert!(nv("nvlink4") < nv("nvlink5"));
}

#[test]
fn bare_nvlink_follows_the_device() {
    let cat = Catalog::builtin();
    let pick = |link: &str, dev: &str| {
        let d = cat.device(dev).found().expect(dev);
        cat.link_for_device(link, d).found().map(|l| l.id.clone())
    };
    assert_eq!(
        cat.link("nvlink").found().map(|l| l.id.as_str()),
        Some("nvlink4")
    );
    assert_eq!(
        pick("nvlink", "rtx 3090").as_deref(),
        Some("nvlink-bridge-3090")
    );
    assert_eq!(
        pick("nvlink", "rtx a6000").as_deref(),
        Some("nvlink-bridge-ampere-ws")
    );
    assert_eq!(pick("nvlink", "a100 sxm4 80gb").as_deref(), Some("nvlink3"));
    assert_eq!(pick("nvlink", "b200").as_deref(), Some("nvlink5"));
    // A card without NVLink keeps the generic meaning; the engine reports the mismatch.
    assert_eq!(pick("nvlink", "rtx 4090").as_deref(), Some("nvlink4"));
    // An explicit generation is never rewritten.
    assert_eq!(pick("nvlink3", "h100 sxm").as_deref(), Some("nvlink3"));
}

#[test]
fn rdma_over_thunderbolt_is_bounded_by_the_wire() {
    let cat = Catalog::builtin();
    let rdma = cat.link("tb5-rdma").found().unwrap();
    let tb5 = cat.link("tb5").found().unwrap();
    assert!(rdma.latency_us < tb5.latency_us / 10.0);
    // 80 Gb/s per direction: the seed's 40 GB/s is above the physical rate.
    assert!(rdma.bw_gbps <= 10.0);
}

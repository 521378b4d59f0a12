//! Link inference: which link joins two devices when the scenario text names none.
//!
//! Pure rules over device records (kind, vendor, market, listed interconnects, name):
//! - the same high-end NVIDIA datacenter GPU (SXM/OAM form) in one box → NVLink of its
//!   generation; 8 or more of them → the NVSwitch fabric of that generation;
//! - two Apple machines → Thunderbolt 5 when both have it, else Thunderbolt 4, else 10 GbE;
//! - GPUs in one PC → PCIe of the slower card's generation, with the lanes a board really
//!   gives them (x8/x8 for two cards on a consumer board, x4 for three or more);
//! - separate boxes → the fastest Ethernet both list, else 10 GbE.
//!
//! The link record comes from the catalog's `links.toml` when it has the id; otherwise from
//! [`STANDARD_LINKS`], the interface standards' own figures (each with its source), so
//! inference never fails for want of data. Inferred links are always marked as such.

use crate::{Catalog, Device, DeviceKind, Link, LinkKind, Market};

/// A link chosen by inference, with the rule that chose it.
#[derive(Debug, Clone, PartialEq)]
pub struct InferredLink {
    pub link: Link,
    /// Always true: the text did not name this link.
    pub inferred: bool,
    /// Which rule applied, in a few words ("two RTX 4090 in one PC: PCIe 4.0 x8 each").
    pub reason: String,
}

/// Interface-standard figures used when `links.toml` lacks an id:
/// (id, name, kind, usable GB/s per direction, one-way small-message latency µs, source).
pub const STANDARD_LINKS: &[(&str, &str, LinkKind, f64, f64, &str)] = &[
    (
        "pcie3-x4",
        "PCIe 3.0 x4",
        LinkKind::Pcie,
        3.94,
        1.0,
        "PCI-SIG PCIe 3.0: 8 GT/s per lane, 128b/130b",
    ),
    (
        "pcie3-x8",
        "PCIe 3.0 x8",
        LinkKind::Pcie,
        7.88,
        1.0,
        "PCI-SIG PCIe 3.0: 8 GT/s per lane, 128b/130b",
    ),
    (
        "pcie3-x16",
        "PCIe 3.0 x16",
        LinkKind::Pcie,
        15.75,
        1.0,
        "PCI-SIG PCIe 3.0: 8 GT/s per lane, 128b/130b",
    ),
    (
        "pcie4-x4",
        "PCIe 4.0 x4",
        LinkKind::Pcie,
        7.88,
        1.0,
        "PCI-SIG PCIe 4.0: 16 GT/s per lane, 128b/130b",
    ),
    (
        "pcie4-x8",
        "PCIe 4.0 x8",
        LinkKind::Pcie,
        15.75,
        1.0,
        "PCI-SIG PCIe 4.0: 16 GT/s per lane, 128b/130b",
    ),
    (
        "pcie4-x16",
        "PCIe 4.0 x16",
        LinkKind::Pcie,
        31.5,
        1.0,
        "PCI-SIG PCIe 4.0: 16 GT/s per lane, 128b/130b",
    ),
    (
        "pcie5-x4",
        "PCIe 5.0 x4",
        LinkKind::Pcie,
        15.75,
        1.0,
        "PCI-SIG PCIe 5.0: 32 GT/s per lane, 128b/130b",
    ),
    (
        "pcie5-x8",
        "PCIe 5.0 x8",
        LinkKind::Pcie,
        31.5,
        1.0,
        "PCI-SIG PCIe 5.0: 32 GT/s per lane, 128b/130b",
    ),
    (
        "pcie5-x16",
        "PCIe 5.0 x16",
        LinkKind::Pcie,
        63.0,
        1.0,
        "PCI-SIG PCIe 5.0: 32 GT/s per lane, 128b/130b",
    ),
    (
        "nvlink2",
        "NVLink 2 (V100)",
        LinkKind::Nvlink,
        150.0,
        1.0,
        "NVIDIA Tesla V100 datasheet: 300 GB/s NVLink total (both directions)",
    ),
    (
        "nvlink3",
        "NVLink 3 (A100)",
        LinkKind::Nvlink,
        300.0,
        1.0,
        "NVIDIA A100 datasheet: 600 GB/s NVLink total (both directions)",
    ),
    (
        "nvlink4",
        "NVLink 4 (H100/H200)",
        LinkKind::Nvlink,
        450.0,
        1.0,
        "NVIDIA H100 datasheet: 900 GB/s NVLink total (both directions)",
    ),
    (
        "nvlink5",
        "NVLink 5 (B200)",
        LinkKind::Nvlink,
        900.0,
        1.0,
        "NVIDIA HGX B200 specifications: 1.8 TB/s NVLink per GPU (both directions)",
    ),
    (
        "nvswitch-a100",
        "NVSwitch (HGX A100)",
        LinkKind::Nvswitch,
        300.0,
        1.5,
        "NVIDIA HGX A100 specifications: NVSwitch, 600 GB/s per GPU (both directions)",
    ),
    (
        "nvswitch-h100",
        "NVSwitch (HGX H100/H200)",
        LinkKind::Nvswitch,
        450.0,
        1.5,
        "NVIDIA HGX H100 specifications: NVSwitch, 900 GB/s per GPU (both directions)",
    ),
    (
        "nvswitch-b200",
        "NVSwitch (HGX B200)",
        LinkKind::Nvswitch,
        900.0,
        1.5,
        "NVIDIA HGX B200 specifications: NVSwitch, 1.8 TB/s per GPU (both directions)",
    ),
    (
        "tb4",
        "Thunderbolt 4",
        LinkKind::Thunderbolt,
        4.0,
        30.0,
        "Intel Thunderbolt 4 specification: 40 Gb/s, 32 Gb/s PCIe tunnelling",
    ),
    (
        "tb5",
        "Thunderbolt 5",
        LinkKind::Thunderbolt,
        10.0,
        30.0,
        "Intel Thunderbolt 5 specification: 80 Gb/s symmetric",
    ),
    (
        "tb5-rdma",
        "Thunderbolt 5 (RDMA)",
        LinkKind::Thunderbolt,
        10.0,
        10.0,
        "Intel Thunderbolt 5 specification: 80 Gb/s; RDMA over Thunderbolt (macOS 26.2) bypasses the TCP stack — latency is an estimate",
    ),
    (
        "10gbe",
        "10 Gigabit Ethernet",
        LinkKind::Ethernet,
        1.25,
        50.0,
        "IEEE 802.3ae: 10 Gb/s",
    ),
    (
        "25gbe",
        "25 Gigabit Ethernet",
        LinkKind::Ethernet,
        3.125,
        30.0,
        "IEEE 802.3by: 25 Gb/s",
    ),
    (
        "100gbe",
        "100 Gigabit Ethernet",
        LinkKind::Ethernet,
        12.5,
        10.0,
        "IEEE 802.3ba: 100 Gb/s",
    ),
    (
        "200gbe",
        "200 Gigabit Ethernet",
        LinkKind::Ethernet,
        25.0,
        5.0,
        "IEEE 802.3bs: 200 Gb/s",
    ),
    (
        "400gbe",
        "400 Gigabit Ethernet",
        LinkKind::Ethernet,
        50.0,
        5.0,
        "IEEE 802.3bs: 400 Gb/s",
    ),
];

/// Boards that put this many or more SXM GPUs in one box join them through NVSwitch (HGX 8).
const NVSWITCH_FROM_COUNT: u32 = 8;

impl Catalog {
    /// The link between devices `a` and `b`. `same_box_hint`: `Some(true)` when the text puts
    /// them in one machine, `Some(false)` for separate machines, `None` to decide from the
    /// devices (Apple machines and APU systems are boxes of their own; discrete cards share
    /// a PC). In one consumer PC two cards are assumed (x8/x8); see [`Catalog::infer_group_link`]
    /// for a count of identical devices.
    pub fn infer_link(&self, a: &Device, b: &Device, same_box_hint: Option<bool>) -> InferredLink {
        let same_box = same_box_hint.unwrap_or(!standalone(a) && !standalone(b));
        self.infer(a, b, same_box, 2)
    }

    /// The link inside a group of `count` identical devices (`8x h100`), or `None` for one.
    pub fn infer_group_link(&self, d: &Device, count: u32) -> Option<InferredLink> {
        if count < 2 {
            return None;
        }
        Some(self.infer(d, d, !standalone(d), count))
    }

    fn infer(&self, a: &Device, b: &Device, same_box: bool, cards: u32) -> InferredLink {
        let names = format!("{} and {}", a.name, b.name);
        if same_box && a.id == b.id && sxm_datacenter_nvidia(a) {
            if let Some(generation) = nvlink_generation(a) {
                let (id, what) = if cards >= NVSWITCH_FROM_COUNT {
                    let sw = match generation {
                        3 => "nvswitch-a100",
                        5 => "nvswitch-b200",
                        _ => "nvswitch-h100",
                    };
                    (sw.to_string(), "NVSwitch")
                } else {
                    (format!("nvlink{generation}"), "NVLink")
                };
                return self.make(&id, format!("{cards}x {} in one box: {what}", a.name));
            }
        }
        if a.kind == DeviceKind::AppleSoc && b.kind == DeviceKind::AppleSoc {
            let (id, why) = if has_tb5(a) && has_tb5(b) {
                ("tb5", "both have Thunderbolt 5")
            } else if has_tb(a) && has_tb(b) {
                ("tb4", "Thunderbolt 4 is the generation both have")
            } else {
                ("10gbe", "no common Thunderbolt port listed")
            };
            return self.make(id, format!("{names}: {why}"));
        }
        if same_box && is_card(a) && is_card(b) {
            let generation = pcie_generation(a).min(pcie_generation(b));
            let consumer = a.market == Market::Consumer || b.market == Market::Consumer;
            let lanes = match (consumer, cards) {
                (true, 2) => 8,
                (true, c) if c > 2 => 4,
                _ => 16,
            };
            let id = format!("pcie{generation}-x{lanes}");
            let board = if consumer {
                format!("{cards} cards on a consumer board get x{lanes} each")
            } else {
                "workstation/server board, x16 each".to_string()
            };
            return self.make(
                &id,
                format!("{names} in one PC: PCIe {generation}.0 of the slower card; {board}"),
            );
        }
        let eth = ["400gbe", "200gbe", "100gbe", "25gbe"]
            .into_iter()
            .find(|e| has_listed(a, e) && has_listed(b, e))
            .unwrap_or("10gbe");
        self.make(
            eth,
            format!("{names} in separate boxes: Ethernet both have"),
        )
    }

    fn make(&self, id: &str, reason: String) -> InferredLink {
        let link = self
            .link_by_id(id)
            .cloned()
            .unwrap_or_else(|| standard_link(id));
        InferredLink {
            link,
            inferred: true,
            reason,
        }
    }
}

/// A link record from [`STANDARD_LINKS`]; unknown ids fall back to 10 GbE.
pub fn standard_link(id: &str) -> Link {
    let row = STANDARD_LINKS
        .iter()
        .find(|r| r.0 == id)
        .or_else(|| STANDARD_LINKS.iter().find(|r| r.0 == "10gbe"))
        .copied()
        .unwrap_or((
            "10gbe",
            "10 Gigabit Ethernet",
            LinkKind::Ethernet,
            1.25,
            50.0,
            "IEEE 802.3ae",
        ));
    Link {
        id: row.0.to_string(),
        name: row.1.to_string(),
        aliases: Vec::new(),
        kind: row.2,
        bw_gbps: row.3,
        latency_us: row.4,
        source: row.5.to_string(),
        notes: None,
        family: None,
        family_default: false,
    }
}

fn lower(d: &Device) -> String {
    format!("{} {}", d.id, d.name).to_ascii_lowercase()
}

/// Apple machines and APU systems (DGX Spark, Strix Halo) are whole computers.
fn standalone(d: &Device) -> bool {
    matches!(d.kind, DeviceKind::AppleSoc | DeviceKind::Apu)
}

fn is_card(d: &Device) -> bool {
    matches!(d.kind, DeviceKind::Gpu | DeviceKind::Accelerator)
}

fn has_listed(d: &Device, id: &str) -> bool {
    d.interconnects.iter().any(|l| l.eq_ignore_ascii_case(id))
}

fn has_tb5(d: &Device) -> bool {
    if d.interconnects
        .iter()
        .any(|l| l.to_ascii_lowercase().starts_with("tb5"))
    {
        return true;
    }
    // Macs with Thunderbolt 5 ports (Apple tech specs): M4 Pro/Max, M3 Ultra and later.
    let n = lower(d);
    d.interconnects.is_empty()
        && (n.contains("m4 pro")
            || n.contains("m4 max")
            || n.contains("m3 ultra")
            || n.contains("m5"))
}

/// Every Apple Silicon Mac has Thunderbolt 3/4 or later unless its record lists otherwise.
fn has_tb(d: &Device) -> bool {
    d.interconnects.is_empty()
        || d.interconnects
            .iter()
            .any(|l| l.to_ascii_lowercase().starts_with("tb") || l.eq_ignore_ascii_case("usb4"))
}

fn sxm_datacenter_nvidia(d: &Device) -> bool {
    let n = lower(d);
    d.kind == DeviceKind::Gpu
        && d.vendor.eq_ignore_ascii_case("nvidia")
        && d.market == Market::Datacenter
        && !n.contains("pcie")
        && !n.contains("nvl")
        && nvlink_generation(d).is_some()
}

/// NVLink generation from the listed interconnects, else from the GPU family.
fn nvlink_generation(d: &Device) -> Option<u32> {
    for l in &d.interconnects {
        let l = l.to_ascii_lowercase();
        for (prefix, _) in [("nvlink", 0), ("nvswitch", 0)] {
            if let Some(rest) = l.strip_prefix(prefix) {
                if let Some(g) = rest.chars().next().and_then(|c| c.to_digit(10)) {
                    return Some(g);
                }
            }
        }
    }
    let n = lower(d);
    if ["b200", "b100", "gb200", "b300"]
        .iter()
        .any(|x| n.contains(x))
    {
        Some(5)
    } else if ["h100", "h200", "h800", "h20"]
        .iter()
        .any(|x| n.contains(x))
    {
        Some(4)
    } else if ["a100", "a800"].iter().any(|x| n.contains(x)) {
        Some(3)
    } else if n.contains("v100") {
        Some(2)
    } else {
        None
    }
}

/// PCIe generation from the listed interconnects (`pcie5-x16` → 5), else 4.
fn pcie_generation(d: &Device) -> u32 {
    d.interconnects
        .iter()
        .filter_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("pcie")
                .and_then(|r| r.chars().next())
                .and_then(|c| c.to_digit(10))
        })
        .max()
        .unwrap_or(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(id: &str, name: &str, kind: DeviceKind, market: Market, links: &[&str]) -> Device {
        let mut d = Catalog::builtin().devices[0].clone();
        d.id = id.into();
        d.name = name.into();
        d.kind = kind;
        d.market = market;
        d.vendor = if kind == DeviceKind::AppleSoc {
            "apple"
        } else {
            "nvidia"
        }
        .into();
        d.interconnects = links.iter().map(|s| s.to_string()).collect();
        d
    }

    #[test]
    fn rules() {
        let c = Catalog::builtin();
        let h100 = dev(
            "h100-sxm",
            "H100 SXM5",
            DeviceKind::Gpu,
            Market::Datacenter,
            &[],
        );
        assert_eq!(
            c.infer_group_link(&h100, 2).map(|l| l.link.id),
            Some("nvlink4".into())
        );
        let l8 = c.infer_group_link(&h100, 8).map(|l| l.link);
        assert_eq!(l8.as_ref().map(|l| l.kind), Some(LinkKind::Nvswitch));
        assert!(c.infer_group_link(&h100, 1).is_none());

        let g4090 = dev(
            "rtx-4090",
            "RTX 4090",
            DeviceKind::Gpu,
            Market::Consumer,
            &["pcie4-x16"],
        );
        let g5090 = dev(
            "rtx-5090",
            "RTX 5090",
            DeviceKind::Gpu,
            Market::Consumer,
            &["pcie5-x16"],
        );
        let l = c.infer_link(&g4090, &g5090, None);
        assert_eq!(l.link.id, "pcie4-x8");
        assert!(l.inferred && (l.link.bw_gbps - 15.75).abs() < 1e-9);
        assert_eq!(
            c.infer_group_link(&g5090, 4).map(|l| l.link.id),
            Some("pcie5-x4".into())
        );

        let m3u = dev(
            "m3u",
            "Mac Studio M3 Ultra",
            DeviceKind::AppleSoc,
            Market::Consumer,
            &[],
        );
        let m2u = dev(
            "m2u",
            "Mac Studio M2 Ultra",
            DeviceKind::AppleSoc,
            Market::Consumer,
            &["tb4", "10gbe"],
        );
        assert_eq!(c.infer_link(&m3u, &m3u, None).link.id, "tb5");
        assert_eq!(c.infer_link(&m2u, &m3u, None).link.id, "tb4");
        // A GPU box and a Mac are separate machines.
        assert_eq!(
            c.infer_link(&g4090, &m3u, None).link.kind,
            LinkKind::Ethernet
        );
        assert_eq!(c.infer_link(&g4090, &g4090, Some(false)).link.id, "10gbe");
        for r in STANDARD_LINKS {
            assert!(r.3 > 0.0 && r.4 > 0.0 && !r.5.is_empty(), "{}", r.0);
        }
    }
}

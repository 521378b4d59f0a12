//! The bounded space of hardware the search walks: counts of one device type, or the devices
//! the user owns plus one purchase, each with the links that make sense for it.

use crate::scenario::{DeviceGroup, LinkSpec};
use mlbn_catalog::{Catalog, Device, DeviceKind, Link, LinkKind};
use serde::Serialize;

/// Device counts tried for one device type.
pub const DEFAULT_COUNTS: [u32; 4] = [1, 2, 4, 8];

/// One device type bought for a configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Purchase {
    pub device_id: String,
    pub device_name: String,
    pub count: u32,
    /// Catalog launch or street price per unit, USD; `None` when the catalog has none.
    pub unit_price_usd: Option<f64>,
    pub price_source: Option<String>,
    pub price_date: Option<String>,
}

impl Purchase {
    fn new(d: &Device, count: u32) -> Purchase {
        Purchase {
            device_id: d.id.clone(),
            device_name: d.name.clone(),
            count,
            unit_price_usd: d.price_usd.filter(|p| p.is_finite() && *p >= 0.0),
            price_source: d.price_source.clone(),
            price_date: d.price_date.clone(),
        }
    }

    pub fn total_usd(&self) -> Option<f64> {
        self.unit_price_usd.map(|p| p * f64::from(self.count))
    }
}

/// A hardware configuration: device groups with their links, and what must be bought.
#[derive(Debug, Clone, PartialEq)]
pub struct Hardware {
    pub groups: Vec<DeviceGroup>,
    /// Devices already owned (`have`), per group: how many of the group's devices are owned.
    pub owned: Vec<u32>,
    pub purchase: Option<Purchase>,
}

impl Hardware {
    /// Purchase cost: 0 when nothing is bought, `None` when a bought device has no price.
    pub fn purchase_usd(&self) -> Option<f64> {
        match &self.purchase {
            None => Some(0.0),
            Some(p) => p.total_usd(),
        }
    }

    /// `2x NVIDIA GeForce RTX 3090 (NVLink bridge)`.
    pub fn label(&self) -> String {
        let parts: Vec<String> = self
            .groups
            .iter()
            .map(|g| {
                let mut s = if g.count > 1 {
                    format!("{}x {}", g.count, g.device.name)
                } else {
                    g.device.name.clone()
                };
                if let Some(l) = &g.link {
                    s.push_str(&format!(" over {}", l.link.name));
                }
                s
            })
            .collect();
        parts.join(" + ")
    }
}

/// The links worth trying between `count` devices of type `d`: what the hardware gets by
/// default ([`Catalog::infer_group_link`]), the device's NVLink bridge where it lists one (two
/// cards per bridge), and Thunderbolt 5 with RDMA for Macs that have Thunderbolt 5. `None` for
/// one device.
pub fn link_options(cat: &Catalog, d: &Device, count: u32) -> Vec<Option<LinkSpec>> {
    let Some(inferred) = cat.infer_group_link(d, count) else {
        return vec![None];
    };
    let mut out: Vec<Link> = vec![inferred.link];
    if count == 2 {
        for id in &d.interconnects {
            if let Some(l) = cat.link_by_id(id)
                && l.kind == LinkKind::Nvlink
            {
                out.push(l.clone());
            }
        }
    }
    if d.kind == DeviceKind::AppleSoc
        && d.interconnects.iter().any(|i| i == "tb5")
        && let Some(l) = cat.link_by_id("tb5-rdma")
    {
        out.push(l.clone());
    }
    let mut seen: Vec<String> = Vec::new();
    out.into_iter()
        .filter(|l| {
            let fresh = !seen.contains(&l.id);
            seen.push(l.id.clone());
            fresh
        })
        .map(|l| Some(LinkSpec::new(l, false)))
        .collect()
}

/// Every hardware configuration in the bounded space.
///
/// Without owned devices: `count` devices of each candidate type for each count, with each of
/// its [`link_options`]. With owned devices: the owned set alone, and the owned set plus one
/// more device of a candidate type (joining the owned group when it is the same type, else a
/// group of its own linked the way the engine infers).
pub fn enumerate(
    cat: &Catalog,
    candidates: &[&Device],
    counts: &[u32],
    have: &[(Device, u32)],
) -> Vec<Hardware> {
    slots(cat, candidates, counts, have)
        .iter()
        .map(Slot::hardware)
        .collect()
}

/// A configuration of the space that borrows its devices (the search bounds hundreds of them
/// and builds a [`Hardware`] only for the few it estimates).
#[derive(Debug, Clone)]
pub(crate) struct Slot<'a> {
    /// Device, count, link inside the group.
    pub groups: Vec<(&'a Device, u32, Option<LinkSpec>)>,
    pub owned: Vec<u32>,
    /// The device type bought and how many.
    pub purchase: Option<(&'a Device, u32)>,
}

impl Slot<'_> {
    pub fn hardware(&self) -> Hardware {
        Hardware {
            groups: self
                .groups
                .iter()
                .map(|(d, n, link)| {
                    let mut g = DeviceGroup::new((*d).clone(), *n);
                    g.link = link.clone();
                    g
                })
                .collect(),
            owned: self.owned.clone(),
            purchase: self.purchase.map(|(d, n)| Purchase::new(d, n)),
        }
    }

    /// Same as [`Hardware::purchase_usd`].
    pub fn purchase_usd(&self) -> Option<f64> {
        match self.purchase {
            None => Some(0.0),
            Some((d, n)) => d
                .price_usd
                .filter(|p| p.is_finite() && *p >= 0.0)
                .map(|p| p * f64::from(n)),
        }
    }

    pub fn devices(&self) -> u32 {
        self.groups.iter().map(|g| g.1).sum()
    }
}

/// The space as [`Slot`]s, in [`enumerate`]'s order.
pub(crate) fn slots<'a>(
    cat: &Catalog,
    candidates: &[&'a Device],
    counts: &[u32],
    have: &'a [(Device, u32)],
) -> Vec<Slot<'a>> {
    let mut out = Vec::new();
    let have: Vec<(&'a Device, u32)> = have
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| (d, *n))
        .collect();
    if have.is_empty() {
        for &d in candidates {
            for &n in counts.iter().filter(|n| **n > 0) {
                for link in link_options(cat, d, n) {
                    out.push(Slot {
                        groups: vec![(d, n, link)],
                        owned: vec![0],
                        purchase: Some((d, n)),
                    });
                }
            }
        }
        return out;
    }
    let owned_groups = |extra: Option<&'a Device>| -> Vec<Slot<'a>> {
        // Groups of the owned devices, the purchase joining a group of its own type.
        let mut groups: Vec<(&'a Device, u32, u32)> =
            have.iter().map(|(d, n)| (*d, *n, *n)).collect();
        if let Some(x) = extra {
            match groups.iter_mut().find(|g| g.0.id == x.id) {
                Some(g) => g.1 += 1,
                None => groups.push((x, 1, 0)),
            }
        }
        let purchase = extra.map(|d| (d, 1));
        // Link choices only where one group holds several devices (a lone multi-device
        // group); mixed sets get the links the engine infers.
        if let [(d, n, owned)] = groups.as_slice() {
            return link_options(cat, d, *n)
                .into_iter()
                .map(|link| Slot {
                    groups: vec![(*d, *n, link)],
                    owned: vec![*owned],
                    purchase,
                })
                .collect();
        }
        vec![Slot {
            owned: groups.iter().map(|g| g.2).collect(),
            groups: groups.into_iter().map(|(d, n, _)| (d, n, None)).collect(),
            purchase,
        }]
    };
    out.extend(owned_groups(None));
    for &d in candidates {
        out.extend(owned_groups(Some(d)));
    }
    out
}

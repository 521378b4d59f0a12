//! Scenario helpers over the built-in catalog (devices, runtimes, models, quants, links).
#![allow(dead_code)]

use mlbn_catalog::{Catalog, Device, Link, Model, Quant, Runtime};
use mlbn_engine::{DeviceGroup, LinkSpec, Scenario};

pub fn device(id: &str) -> Device {
    Catalog::builtin()
        .device_by_id(id)
        .unwrap_or_else(|| panic!("no device {id}"))
        .clone()
}

pub fn runtime(id: &str) -> Runtime {
    Catalog::builtin()
        .runtime_by_id(id)
        .unwrap_or_else(|| panic!("no runtime {id}"))
        .clone()
}

pub fn model(id: &str) -> Model {
    Catalog::builtin()
        .model_by_id(id)
        .unwrap_or_else(|| panic!("no model {id}"))
        .clone()
}

pub fn quant(id: &str) -> Quant {
    Catalog::builtin()
        .quant_by_id(id)
        .unwrap_or_else(|| panic!("no quant {id}"))
        .clone()
}

pub fn link(id: &str) -> Link {
    Catalog::builtin()
        .link_by_id(id)
        .cloned()
        .unwrap_or_else(|| mlbn_catalog::standard_link(id))
}

/// `groups` as (device id, count, optional link id inside the group).
pub fn scenario(
    groups: &[(&str, u32, Option<&str>)],
    model_id: &str,
    quant_id: &str,
    rt: &str,
) -> Scenario {
    let gs = groups
        .iter()
        .map(|(d, n, l)| {
            let mut g = DeviceGroup::new(device(d), *n);
            g.link = l.map(|l| LinkSpec::new(link(l), false));
            g
        })
        .collect();
    Scenario::new(gs, model(model_id), quant(quant_id), runtime(rt))
}

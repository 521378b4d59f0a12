//! Shared fixtures of the plan tests: a [`Choices`] that runs everything on llama.cpp with
//! GGUF quants (the ide's richer choices live in mlbn-ide), and scenario templates.
#![allow(dead_code)]

use mlbn_catalog::{Catalog, Device, Quant, Runtime};
use mlbn_engine::plan::Choices;
use mlbn_engine::{DeviceGroup, Scenario};

pub const GGUF: &[&str] = &[
    "f16", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "iq4_xs", "q3_k_m", "q2_k",
];

pub struct Gguf;

impl Choices for Gguf {
    fn runtime(&self, groups: &[DeviceGroup]) -> Option<Runtime> {
        let first = &groups.first()?.device;
        Some(Catalog::builtin().default_runtime_for(first).clone())
    }
    fn quants(&self, runtime: &Runtime) -> Vec<Quant> {
        let cat = Catalog::builtin();
        match runtime.family.as_str() {
            "vllm" => ["bf16", "fp8-e4m3", "awq-int4"]
                .iter()
                .filter_map(|id| cat.quant_by_id(id).cloned())
                .collect(),
            _ => GGUF
                .iter()
                .filter_map(|id| cat.quant_by_id(id).cloned())
                .collect(),
        }
    }
    fn alternative_runtimes(&self, groups: &[DeviceGroup]) -> Vec<Runtime> {
        let cat = Catalog::builtin();
        let Some(first) = groups.first() else {
            return Vec::new();
        };
        ["llama.cpp", "vllm"]
            .iter()
            .filter_map(|f| cat.runtime_backend_for(f, &first.device).cloned())
            .collect()
    }
}

pub fn cat() -> &'static Catalog {
    Catalog::builtin()
}

pub fn device(id: &str) -> Device {
    cat()
        .device_by_id(id)
        .unwrap_or_else(|| panic!("device {id}"))
        .clone()
}

/// A template: `model` at prompt 2048, gen 256 (groups, quant and runtime are replaced by the
/// search).
pub fn base(model: &str) -> Scenario {
    let c = cat();
    Scenario::new(
        vec![DeviceGroup::new(device("rtx-4090"), 1)],
        c.model_by_id(model).expect("model").clone(),
        c.quant_by_id("q4_k_m").expect("quant").clone(),
        c.default_runtime_for(&device("rtx-4090")).clone(),
    )
}

/// A spread of consumer, workstation, datacenter and Apple devices, priced and unpriced,
/// small enough for brute force in a debug build.
pub const SUBSET: &[&str] = &[
    "rtx-3060",
    "rtx-3090",
    "rtx-4060-ti-16gb",
    "rtx-4090",
    "rtx-5090",
    "rtx-a6000",
    "l40s",
    "a100-sxm4-80gb",
    "h100-sxm5-80gb",
    "mac-m3-ultra-512gb-80c",
    "mac-m4-max-128gb-40c",
    "rx-7900-xtx",
    "dgx-spark",
];

pub fn subset() -> Vec<&'static Device> {
    SUBSET
        .iter()
        .filter_map(|id| cat().device_by_id(id))
        .collect()
}

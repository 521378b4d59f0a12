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

/// One group of `count` devices without a written link, estimated.
pub fn estimate_group(
    device_id: &str,
    count: u32,
    model_id: &str,
    quant_id: &str,
    rt: &str,
) -> mlbn_engine::Estimate {
    mlbn_engine::estimate(&scenario(
        &[(device_id, count, None)],
        model_id,
        quant_id,
        rt,
    ))
}

/// One group on llama.cpp CUDA, every name resolved forgivingly (`rtx4090`, `qwen2.5-32b`).
pub fn llama_cpp_cuda(
    device_name: &str,
    count: u32,
    model_name: &str,
    quant_name: &str,
) -> Scenario {
    let c = Catalog::builtin();
    let d = c.device(device_name).found();
    let m = c.model(model_name).found();
    let q = c.quant(quant_name).found();
    let (Some(d), Some(m), Some(q)) = (d, m, q) else {
        panic!("not in the catalog: {device_name} / {model_name} / {quant_name}");
    };
    Scenario::new(
        vec![DeviceGroup::new(d.clone(), count)],
        m.clone(),
        q.clone(),
        runtime("llama.cpp-cuda"),
    )
}

/// The estimate's finding with `code`.
pub fn finding(e: &mlbn_engine::Estimate, code: mlbn_engine::FindingCode) -> &mlbn_engine::Finding {
    e.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code:?} finding in {:?}", e.findings))
}

/// The first fix of `f` that `is` accepts.
pub fn fix_where(
    f: &mlbn_engine::Finding,
    is: impl Fn(&mlbn_engine::FixKind) -> bool,
) -> &mlbn_engine::SuggestedFix {
    f.fixes
        .iter()
        .find(|x| is(&x.kind))
        .unwrap_or_else(|| panic!("no such fix in {:?}", f.fixes))
}

/// AUTO's report of a multi-device estimate.
pub fn auto(e: &mlbn_engine::Estimate) -> &mlbn_engine::parallel::AutoReport {
    e.auto
        .as_ref()
        .expect("multi-device AUTO attaches its report")
}

/// AUTO's candidate of `kind`.
pub fn candidate(
    e: &mlbn_engine::Estimate,
    kind: mlbn_engine::StrategyKind,
) -> &mlbn_engine::parallel::AutoCandidate {
    auto(e)
        .candidates
        .iter()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} candidate"))
}

/// AUTO ruled the candidate of `kind` out, with a reason that mentions `why`.
pub fn assert_ruled_out(e: &mlbn_engine::Estimate, kind: mlbn_engine::StrategyKind, why: &str) {
    let c = candidate(e, kind);
    assert!(
        c.disqualified.as_deref().is_some_and(|d| d.contains(why)),
        "{kind:?}: {:?}",
        c.disqualified
    );
}

/// The EXO reference pair (shared/benchmarks/README.md): DGX Spark + Mac Studio M3 Ultra,
/// Llama 3.1 8B FP16 on exo, an 8192-token prompt and 32 generated tokens.
pub fn spark_and_mac_8k_prompt() -> Scenario {
    let mut s = scenario(
        &[("dgx-spark", 1, None), ("mac-m3-ultra-512gb-80c", 1, None)],
        "llama-3.1-8b",
        "f16",
        "exo",
    );
    s.workload = mlbn_engine::Workload::new(8192, 32, 1);
    s
}

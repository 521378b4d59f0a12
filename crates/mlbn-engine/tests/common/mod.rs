//! Test hardware and runtimes the built-in catalog does not (yet) carry, written as catalog
//! TOML with their sources, plus scenario helpers. A built-in record with the same id wins.
#![allow(dead_code)]

use mlbn_catalog::{Catalog, Device, Link, Model, Quant, Runtime};
use mlbn_engine::{DeviceGroup, LinkSpec, Scenario};
use std::sync::OnceLock;

const DEVICES: &str = r#"
[[device]]
id = "rtx-3090"
name = "NVIDIA GeForce RTX 3090"
kind = "gpu"
vendor = "nvidia"
market = "consumer"
year = 2020
mem_gb = 24
bw_gbps = 936
fp32_tflops = 35.6
fp16_tflops = 71.0
bf16_tflops = 71.0
int8_tops = 284.0
native = ["fp32", "tf32", "fp16", "bf16", "int8", "int4"]
tdp_w = 350
idle_w = 20
interconnects = ["pcie4-x16"]
source = "NVIDIA Ampere GA102 GPU Architecture whitepaper, Appendix A (GeForce RTX 3090)"

[[device]]
id = "h100-sxm"
name = "NVIDIA H100 SXM5 80GB"
kind = "gpu"
vendor = "nvidia"
market = "datacenter"
year = 2022
mem_gb = 80
bw_gbps = 3350
fp32_tflops = 67.0
fp16_tflops = 989.4
bf16_tflops = 989.4
fp8_tflops = 1978.9
int8_tops = 1978.9
native = ["fp32", "tf32", "fp16", "bf16", "fp8", "int8"]
tdp_w = 700
idle_w = 70
interconnects = ["nvlink4", "pcie5-x16"]
source = "NVIDIA H100 Tensor Core GPU datasheet (SXM5: 3.35 TB/s, 989 TFLOPS dense BF16)"

[[device]]
id = "h200-sxm"
name = "NVIDIA H200 SXM 141GB"
kind = "gpu"
vendor = "nvidia"
market = "datacenter"
year = 2024
mem_gb = 141
bw_gbps = 4800
fp32_tflops = 67.0
fp16_tflops = 989.4
bf16_tflops = 989.4
fp8_tflops = 1978.9
int8_tops = 1978.9
native = ["fp32", "tf32", "fp16", "bf16", "fp8", "int8"]
tdp_w = 700
idle_w = 70
interconnects = ["nvlink4", "pcie5-x16"]
source = "NVIDIA H200 Tensor Core GPU datasheet (141 GB HBM3e, 4.8 TB/s)"

[[device]]
id = "b200"
name = "NVIDIA B200 (HGX B200)"
kind = "gpu"
vendor = "nvidia"
market = "datacenter"
year = 2024
mem_gb = 180
bw_gbps = 7700
fp32_tflops = 75.0
fp16_tflops = 2250.0
bf16_tflops = 2250.0
fp8_tflops = 4500.0
int8_tops = 4500.0
fp4_tflops = 9000.0
native = ["fp32", "tf32", "fp16", "bf16", "fp8", "int8", "fp4"]
tdp_w = 1000
idle_w = 100
interconnects = ["nvlink5", "pcie5-x16"]
source = "NVIDIA HGX B200 specifications (per GPU: 180 GB HBM3e, 7.7 TB/s, dense FP4 9 PFLOPS = half the sparse figure)"

[[device]]
id = "mac-studio-m3-ultra-512gb"
name = "Apple Mac Studio M3 Ultra 512GB (80-core GPU)"
kind = "apple-soc"
vendor = "apple"
market = "consumer"
year = 2025
mem_gb = 512
bw_gbps = 819
fp32_tflops = 28.6
fp16_tflops = 28.6
native = ["fp32", "fp16", "bf16"]
tdp_w = 480
idle_w = 10
interconnects = ["tb5", "10gbe"]
usable_mem_fraction = 0.75
source = "Apple Mac Studio (2025) technical specifications: 819 GB/s; FP32 = 80 cores x 128 ALUs x 2 x 1.398 GHz"

[[device]]
id = "dgx-spark"
name = "NVIDIA DGX Spark (GB10, 128GB)"
kind = "apu"
vendor = "nvidia"
market = "workstation"
year = 2025
mem_gb = 128
bw_gbps = 273
fp32_tflops = 31.0
fp16_tflops = 125.0
bf16_tflops = 125.0
fp8_tflops = 250.0
fp4_tflops = 500.0
native = ["fp32", "fp16", "bf16", "fp8", "fp4", "int8"]
tdp_w = 240
idle_w = 30
interconnects = ["200gbe", "10gbe"]
source = "NVIDIA DGX Spark datasheet: 128 GB LPDDR5x at 273 GB/s, 1 PFLOP FP4 with sparsity (dense FP4 500, FP8 250, FP16 125 by halving)"
"#;

const RUNTIMES: &str = r#"
[[runtime]]
id = "vllm"
name = "vLLM"
family = "vllm"
backend = "cuda"
runs_on = ["nvidia", "amd"]
strategies = ["pipeline", "tensor", "data", "expert"]
source = "https://docs.vllm.ai/en/latest/serving/parallelism_scaling.html"

[[runtime]]
id = "trt-llm"
name = "TensorRT-LLM"
family = "trt-llm"
backend = "cuda"
runs_on = ["nvidia"]
strategies = ["pipeline", "tensor", "data", "expert"]
source = "https://nvidia.github.io/TensorRT-LLM/"

[[runtime]]
id = "exo"
name = "exo"
family = "exo"
backend = "mlx"
runs_on = ["apple", "nvidia"]
strategies = ["pipeline", "tensor", "phase-split"]
source = "https://github.com/exo-explore/exo"
"#;

fn extra() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| {
        Catalog::from_sources(&[("devices.toml", DEVICES), ("runtimes.toml", RUNTIMES)])
            .expect("test catalog parses")
    })
}

pub fn device(id: &str) -> Device {
    Catalog::builtin()
        .device_by_id(id)
        .or_else(|| extra().device_by_id(id))
        .unwrap_or_else(|| panic!("no device {id}"))
        .clone()
}

pub fn runtime(id: &str) -> Runtime {
    Catalog::builtin()
        .runtime_by_id(id)
        .or_else(|| extra().runtime_by_id(id))
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

//! The engine's input: one fully resolved scenario.
//!
//! Everything here is already resolved against the catalog (or defined by the user): the engine
//! never sees text, names to look up or spans. Records are owned clones so that user-defined
//! devices and imported models work exactly like catalog ones.
//!
//! The structs are `#[non_exhaustive]`: build them with their `new` constructors and then set
//! the public fields, so that fields added later do not break callers.

pub use crate::runtime::BuildDate;
use mlbn_catalog::{Device, KvType, Link, Model, Quant, Runtime};
use serde::Serialize;

/// Default prompt length when the scenario gives none (issue 6 defaults).
pub const DEFAULT_PROMPT_TOKENS: u64 = 2048;
/// Default generation length when the scenario gives none.
pub const DEFAULT_GEN_TOKENS: u64 = 256;

/// A link as used by the scenario: the catalog record plus whether the user wrote it or it was
/// inferred from the hardware (issue 5 infers links; the report marks inferred ones).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LinkSpec {
    pub link: Link,
    /// True when the front end chose this link because the text named none.
    pub inferred: bool,
}

impl LinkSpec {
    pub fn new(link: Link, inferred: bool) -> Self {
        LinkSpec { link, inferred }
    }
}

/// `count` identical devices joined by `link` (e.g. `2x rtx4090 nvlink`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeviceGroup {
    pub device: Device,
    pub count: u32,
    /// Link between the devices of this group; `None` for a single device, or when unknown
    /// (the engine then assumes the device's first listed host link, or PCIe 4.0 x16).
    pub link: Option<LinkSpec>,
    /// Link from each device to host memory, used for partial offload (weights streamed over
    /// it during prefill). `None`: the engine assumes PCIe 4.0 x16 for discrete devices and
    /// no link for unified-memory devices.
    pub host_link: Option<Link>,
}

impl DeviceGroup {
    pub fn new(device: Device, count: u32) -> Self {
        DeviceGroup {
            device,
            count,
            link: None,
            host_link: None,
        }
    }
}

/// What is being run: token counts and concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Workload {
    /// Prompt length, tokens (prefill).
    pub prompt_tokens: u64,
    /// Generated tokens per stream (decode).
    pub gen_tokens: u64,
    /// Context window the runtime allocates KV cache for (`ctx=32k`). `None`: prompt + gen.
    /// Decode speed is always computed at the real context (prompt, then growing).
    pub ctx_tokens: Option<u64>,
    /// Concurrent independent streams decoding together.
    pub batch: u32,
    /// Prompt tokens per prefill step (llama.cpp `-ub`); `None`: the runtime's default.
    pub ubatch: Option<u32>,
}

impl Workload {
    pub fn new(prompt_tokens: u64, gen_tokens: u64, batch: u32) -> Self {
        Workload {
            prompt_tokens,
            gen_tokens,
            ctx_tokens: None,
            batch,
            ubatch: None,
        }
    }

    /// The context the KV cache is sized for.
    pub fn allocated_ctx_tokens(&self) -> u64 {
        self.ctx_tokens
            .unwrap_or(self.prompt_tokens.saturating_add(self.gen_tokens))
    }
}

impl Default for Workload {
    fn default() -> Self {
        Workload::new(DEFAULT_PROMPT_TOKENS, DEFAULT_GEN_TOKENS, 1)
    }
}

/// How the user asked to use several devices. With one device every request degenerates to
/// running the whole model on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum StrategyRequest {
    /// Let the engine choose (issue 5's AUTO; until then: pipeline across all devices).
    Auto,
    /// Layers split across devices (llama.cpp `--split-mode layer`, exo).
    Pipeline,
    /// Every layer sharded across all devices (`tp=N` over all devices).
    Tensor,
    /// Independent replicas.
    Data,
    /// MoE experts spread across devices.
    Expert,
    /// Prefill of long prompts split by sequence.
    Sequence,
    /// Context parallelism for long prompts.
    Context,
    /// `tp=N pp=M`.
    Hybrid { tp: u32, pp: u32 },
    /// Prefill on compute-heavy devices, decode on bandwidth-heavy ones, KV streamed between.
    PhaseSplit,
}

/// What AUTO optimises (`optimize ttft`); the default is system decode rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Objective {
    /// System decode rate first, memory headroom second, then prefill/TTFT.
    #[default]
    Decode,
    /// Time to first token first, then decode rate.
    Ttft,
}

/// Host (CPU) memory used when model layers overflow the devices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct HostMemory {
    pub mem_gb: f64,
    /// Peak bandwidth, GB/s.
    pub bw_gbps: f64,
}

/// Default host: 64 GB of dual-channel DDR5-5600. Peak = 2 channels x 64 bit x 5600 MT/s
/// = 89.6 GB/s (JEDEC JESD79-5 DDR5 data rates); the runtime reaches only part of it.
pub const DEFAULT_HOST_MEM_GB: f64 = 64.0;
/// See [`DEFAULT_HOST_MEM_GB`].
pub const DEFAULT_HOST_BW_GBPS: f64 = 89.6;

impl HostMemory {
    pub fn new(mem_gb: f64, bw_gbps: f64) -> Self {
        HostMemory { mem_gb, bw_gbps }
    }
}

impl Default for HostMemory {
    fn default() -> Self {
        HostMemory::new(DEFAULT_HOST_MEM_GB, DEFAULT_HOST_BW_GBPS)
    }
}

/// Electricity price and duty cycle (issue 6 computes cost from these).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PowerPrices {
    pub usd_per_kwh: f64,
    pub hours_per_day: f64,
    /// Hardware price to amortise into $/Mtok (`power ... price $1599`). `None`: no
    /// amortisation, unless `catalog_hardware_price` asks for the catalog's prices.
    pub hardware_price_usd: Option<f64>,
    /// `price` written without a value: amortise the catalog `price_usd` of every device.
    pub catalog_hardware_price: bool,
    /// Years the hardware is written off over (`years 3`); `None` means
    /// [`crate::power::DEFAULT_AMORTISATION_YEARS`] when a price is given.
    pub amortisation_years: Option<f64>,
}

impl PowerPrices {
    pub fn new(usd_per_kwh: f64, hours_per_day: f64) -> Self {
        PowerPrices {
            usd_per_kwh,
            hours_per_day,
            hardware_price_usd: None,
            catalog_hardware_price: false,
            amortisation_years: None,
        }
    }
}

impl Default for PowerPrices {
    fn default() -> Self {
        PowerPrices::new(0.12, 8.0)
    }
}

/// One fully resolved scenario: the only input of [`crate::estimate()`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Scenario {
    /// Device groups, in the order written. Pipeline stages follow this order.
    pub groups: Vec<DeviceGroup>,
    /// Link between groups (`a + b over 10gbe`); `None` when there is one group or unknown.
    pub inter_group_link: Option<LinkSpec>,
    pub model: Model,
    /// Weight format.
    pub quant: Quant,
    /// KV-cache element type; `None` means f16.
    pub kv: Option<KvType>,
    pub runtime: Runtime,
    /// Build date of the runtime when known (`None` = a current build); older builds of some
    /// runtimes have different kernels (see `runtime::LegacyBuild`).
    pub runtime_build: Option<BuildDate>,
    pub workload: Workload,
    pub strategy: StrategyRequest,
    pub host: HostMemory,
    /// Share of unified memory the GPU may use (Apple `iogpu.wired_limit_mb`); overrides the
    /// device's default `usable_mem_fraction`. Ignored for discrete GPUs.
    pub gpu_mem_fraction: Option<f64>,
    pub power: PowerPrices,
    /// Other quants of the same model the engine may propose as fixes (e.g. the largest that
    /// fits). The front end fills this from the catalog; empty means no quant suggestions.
    pub alt_quants: Vec<Quant>,
    /// What AUTO ranks candidates by.
    pub objective: Objective,
}

impl Scenario {
    /// A scenario with default workload, AUTO strategy, default host memory and prices.
    pub fn new(groups: Vec<DeviceGroup>, model: Model, quant: Quant, runtime: Runtime) -> Self {
        Scenario {
            groups,
            inter_group_link: None,
            model,
            quant,
            kv: None,
            runtime,
            runtime_build: None,
            workload: Workload::default(),
            strategy: StrategyRequest::Auto,
            host: HostMemory::default(),
            gpu_mem_fraction: None,
            power: PowerPrices::default(),
            alt_quants: Vec::new(),
            objective: Objective::Decode,
        }
    }

    /// Total number of devices over all groups.
    pub fn device_count(&self) -> u32 {
        self.groups
            .iter()
            .map(|g| g.count)
            .fold(0u32, u32::saturating_add)
    }
}

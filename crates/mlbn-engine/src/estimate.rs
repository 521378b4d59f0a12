//! The engine's output: an [`Estimate`] with memory, speeds, bounds, breakdowns and findings.
//!
//! Every number is finite (the engine clamps and reports instead of emitting NaN/inf).
//! Units are in the field names. All types serialize to JSON for `mlbn analyze --json`.

use serde::Serialize;

/// What limits a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Bound {
    /// Matrix throughput of the device.
    Compute,
    /// Device memory bandwidth (weights and KV reads).
    MemoryBandwidth,
    /// Layers offloaded to host memory, or weights streamed over the host link.
    OffloadLink,
    /// Activation hops or collectives between devices.
    Network,
    /// Fixed per-step runtime costs (kernel launches, sampling, synchronisation).
    Overhead,
}

/// Identifies one physical device: group index (order written) and index inside the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DeviceRef {
    pub group: usize,
    pub index: u32,
}

/// Memory use of one device. Memory figures here are in GiB (2^30 bytes, the unit DRAM is
/// sold in: a "24 GB" card is 24 here); model figures in [`ModelFigures`] are decimal GB.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceMemory {
    pub device: DeviceRef,
    /// Catalog id of the device.
    pub device_id: String,
    /// Installed (or unified) memory.
    pub mem_gb: f64,
    /// What the runtime may use: `mem_gb` x usable fraction (Apple wired limit, APU carve-out).
    pub usable_gb: f64,
    /// Share of `mem_gb` counted as usable.
    pub usable_fraction: f64,
    /// Weights of the layers placed on this device (plus embeddings/output where placed).
    pub weights_gb: f64,
    pub kv_gb: f64,
    /// Activation working set (one prefill micro-batch).
    pub activations_gb: f64,
    /// Runtime context and compute buffers.
    pub overhead_gb: f64,
    /// weights + kv + activations + overhead.
    pub total_gb: f64,
    /// `usable - total` when positive, else 0.
    pub free_gb: f64,
    /// `total - usable` when positive, else 0 (what would not fit before offload).
    pub overflow_gb: f64,
    /// Layers this device holds.
    pub layers: u32,
}

/// Where layers live when the devices cannot hold the whole model (llama.cpp `-ngl`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offload {
    pub layers_total: u32,
    pub layers_on_devices: u32,
    pub layers_on_host: u32,
    /// Weights plus KV of the host-resident layers, GiB.
    pub host_gb: f64,
    /// Host memory available.
    pub host_mem_gb: f64,
    /// True when even host memory cannot hold the overflow.
    pub host_overflow: bool,
}

/// Time of one decode step (one token per stream), split so the parts sum to `total_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct TokenBreakdown {
    /// Reading device-resident weights.
    pub weights_ms: f64,
    /// Reading the KV cache of device-resident layers.
    pub kv_ms: f64,
    /// Compute time not hidden under memory traffic (`max(0, compute - memory)`).
    pub compute_ms: f64,
    /// Fixed runtime cost per step (launches, sampling, sync).
    pub overhead_ms: f64,
    /// Activation hops / collectives between devices.
    pub link_ms: f64,
    /// Host-resident layers: weights and KV read from host memory by the CPU.
    pub offload_ms: f64,
    pub total_ms: f64,
}

impl TokenBreakdown {
    pub(crate) fn sum_parts(&self) -> f64 {
        self.weights_ms
            + self.kv_ms
            + self.compute_ms
            + self.overhead_ms
            + self.link_ms
            + self.offload_ms
    }
}

/// Time of the whole prefill, split so the parts sum to `total_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct PrefillBreakdown {
    /// Matrix and attention compute on devices.
    pub compute_ms: f64,
    /// Memory traffic not hidden under compute (short prompts).
    pub memory_ms: f64,
    /// Streaming host-resident weights over the host link (llama.cpp offload).
    pub offload_ms: f64,
    /// Activation hops between pipeline stages.
    pub link_ms: f64,
    /// Fixed runtime cost.
    pub overhead_ms: f64,
    pub total_ms: f64,
}

/// Batch throughput.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BatchEstimate {
    pub batch: u32,
    /// Tokens per second each stream sees.
    pub per_stream_decode_tok_s: f64,
    /// Sum over streams.
    pub aggregate_decode_tok_s: f64,
    pub bound: Bound,
    /// Batch size at which compute starts to bind (aggregate stops rising), if reachable.
    pub compute_bound_from_batch: Option<u32>,
}

/// Share of peak compute and bandwidth a device uses in each phase (0..=1); power uses it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DeviceUtilisation {
    pub device: DeviceRef,
    pub prefill_compute: f64,
    pub prefill_bandwidth: f64,
    pub decode_compute: f64,
    pub decode_bandwidth: f64,
}

/// One pipeline stage (a device holding a contiguous range of layers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub device: DeviceRef,
    pub device_id: String,
    /// First layer, 1-based, inclusive (`L1-40`). Equal to `last_layer + 1` when empty.
    pub first_layer: u32,
    pub last_layer: u32,
    /// This stage's share of one decode step.
    pub decode_ms: f64,
    /// This stage's share of the prefill.
    pub prefill_ms: f64,
}

/// The strategy that was actually modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StrategyKind {
    /// The whole model on one device (possibly with host offload).
    Single,
    Pipeline,
    Tensor,
    Data,
    Expert,
    Hybrid,
    PhaseSplit,
    /// Tensor parallel with sequence-sharded activations (long prompts).
    Sequence,
    /// Context (ring-attention) parallel prefill of long prompts.
    Context,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyReport {
    pub kind: StrategyKind,
    /// One sentence: what runs where and why.
    pub summary: String,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Stable machine-readable finding codes (serialized snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingCode {
    /// Weights + KV exceed the devices' usable memory.
    DoesNotFit,
    /// Layers were offloaded to host memory (llama.cpp-style partial offload).
    HostOverflow,
    /// Even host memory cannot hold what overflows.
    HostMemoryExhausted,
    /// Prompt + generation (or ctx) exceeds the model's maximum context.
    ContextExceedsModel,
    /// The quant's compute precision is not native on the device: it runs in the fallback.
    QuantNotNative,
    /// A value that is zero, negative, not finite or absurd; the engine clamped it.
    InvalidValue,
    /// Apple unified memory: the GPU may use only part of it by default.
    UnifiedMemoryLimit,
    /// The runtime does not run on this device's vendor.
    RuntimeDeviceMismatch,
    /// The requested strategy is not modelled yet; another one was used instead.
    StrategyNotModelled,
    /// The runtime does not implement the requested strategy.
    StrategyNotSupported,
    /// The KV cache takes most of the memory.
    KvDominates,
    /// Decode is dominated by fixed runtime overhead (tiny model on a fast device).
    OverheadBound,
    /// The tensor-parallel degree does not divide the attention (or KV) heads.
    TpDegreeNotDivisor,
    /// Tensor-parallel collectives dominate the decode step: the link is too slow.
    SlowLinkForTensor,
    /// A link was inferred because the scenario named none.
    LinkInferred,
    /// AUTO's choice and why.
    AutoChoice,
    /// Something the user could change to do better than AUTO's choice.
    AutoImprovement,
}

impl FindingCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::DoesNotFit => "does_not_fit",
            FindingCode::HostOverflow => "host_overflow",
            FindingCode::HostMemoryExhausted => "host_memory_exhausted",
            FindingCode::ContextExceedsModel => "context_exceeds_model",
            FindingCode::QuantNotNative => "quant_not_native",
            FindingCode::InvalidValue => "invalid_value",
            FindingCode::UnifiedMemoryLimit => "unified_memory_limit",
            FindingCode::RuntimeDeviceMismatch => "runtime_device_mismatch",
            FindingCode::StrategyNotModelled => "strategy_not_modelled",
            FindingCode::StrategyNotSupported => "strategy_not_supported",
            FindingCode::KvDominates => "kv_dominates",
            FindingCode::OverheadBound => "overhead_bound",
            FindingCode::TpDegreeNotDivisor => "tp_degree_not_divisor",
            FindingCode::SlowLinkForTensor => "slow_link_for_tensor",
            FindingCode::LinkInferred => "link_inferred",
            FindingCode::AutoChoice => "auto_choice",
            FindingCode::AutoImprovement => "auto_improvement",
        }
    }
}

/// Workload keys a finding can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadKey {
    Prompt,
    Gen,
    Ctx,
    Batch,
}

/// What a finding is about, so front ends can point at the right piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Subject {
    /// Device group `group` (index in `Scenario::groups`).
    Hardware {
        group: usize,
    },
    /// The link inside group `group`, or between groups when `group` is `None`.
    Link {
        group: Option<usize>,
    },
    Model,
    Quant,
    KvType,
    Runtime,
    Strategy,
    Workload {
        key: WorkloadKey,
    },
    HostMemory,
    Power,
    /// The scenario as a whole.
    Scenario,
}

/// A machine-applicable change to the scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum FixKind {
    /// Replace the weight quant with this catalog quant id.
    UseQuant { quant_id: String },
    /// Use this KV-cache type.
    UseKvType { kv_id: String },
    /// Set the device count of group `group`.
    SetDeviceCount { group: usize, count: u32 },
    /// Raise the GPU share of unified memory.
    SetGpuMemFraction { fraction: f64 },
    /// Limit the context to this many tokens.
    SetContext { tokens: u64 },
    /// Set the batch size.
    SetBatch { batch: u32 },
    /// Use this strategy.
    SetStrategy { strategy: crate::StrategyRequest },
    /// Use this catalog link inside group `group`, or between groups when `None`.
    UseLink {
        link_id: String,
        group: Option<usize>,
    },
    /// Set the tensor- and pipeline-parallel degrees (`tp=2 pp=4`).
    SetDegrees { tp: u32, pp: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestedFix {
    pub kind: FixKind,
    /// Short imperative title: "Use Q4_K_M".
    pub title: String,
    /// What the fix would give, with numbers: "fits in 24 GB, decode ~31 tok/s".
    pub effect: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: FindingCode,
    /// Specific message with the numbers.
    pub message: String,
    pub subject: Subject,
    pub fixes: Vec<SuggestedFix>,
}

impl Finding {
    pub(crate) fn new(
        severity: Severity,
        code: FindingCode,
        subject: Subject,
        message: String,
    ) -> Self {
        Finding {
            severity,
            code,
            message,
            subject,
            fixes: Vec::new(),
        }
    }
}

/// Figures about the model as run (useful for reports and the roofline checks); sizes in
/// decimal GB (1e9 bytes), as model cards count them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelFigures {
    /// All weights at the quant's bits per weight.
    pub weights_gb: f64,
    /// Weight bytes read per decode token (active experts, no input-embedding table).
    pub active_weights_gb: f64,
    /// KV cache per token of context (all layers, before sliding-window caps), MB.
    pub kv_mb_per_token: f64,
    /// KV bytes read by the decode step at `decode_ctx_tokens`, GB.
    pub kv_read_gb: f64,
    /// Forward FLOPs per token at `decode_ctx_tokens`, GFLOP.
    pub gflops_per_token: f64,
    /// Context at which `decode_tok_s` is reported (the prompt length).
    pub decode_ctx_tokens: u64,
}

/// The answer for one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// True when weights, KV and buffers fit on the devices (no host offload needed).
    pub fits: bool,
    pub strategy: StrategyReport,
    pub memory: Vec<DeviceMemory>,
    pub offload: Option<Offload>,
    pub model: ModelFigures,

    /// Prompt processing rate, tokens/s.
    pub prefill_tok_s: f64,
    pub prefill_bound: Bound,
    pub prefill: PrefillBreakdown,
    /// Single-stream decode rate at the end of the prompt (KV for the prompt is read).
    pub decode_tok_s: f64,
    pub decode_bound: Bound,
    /// One decode step at the end of the prompt.
    pub decode: TokenBreakdown,
    /// Mean single-stream decode rate over the generated tokens (context grows from the
    /// prompt to prompt + gen).
    pub gen_avg_decode_tok_s: f64,
    /// Time to first token: prefill plus the first decode step.
    pub ttft_ms: f64,
    /// Prefill plus generation of `gen_tokens`, one stream.
    pub total_s: f64,
    pub batch: BatchEstimate,
    pub utilisation: Vec<DeviceUtilisation>,
    /// Power draw per phase and device, energy per token and cost (read off this estimate;
    /// never feeds back into it).
    pub power: crate::power::PowerEstimate,
    pub findings: Vec<Finding>,
    /// AUTO's ranked candidates and choice (multi-device scenarios under `auto`).
    pub auto: Option<crate::parallel::AutoReport>,
    /// Which devices run which phase, when the strategy is a phase split.
    pub phase_split: Option<crate::parallel::PhaseSplitReport>,
}

impl Estimate {
    /// The most severe finding level, if any.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    pub fn has_finding(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

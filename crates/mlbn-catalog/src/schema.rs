//! The catalog's record types, read with serde from the embedded TOML files in `data/`.
//!
//! Units are in field names. Every record carries `source` (a URL or document name) for its
//! numbers; where a single record mixes sources, `sources` names the extra ones per field.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    Gpu,
    AppleSoc,
    Apu,
    Cpu,
    Accelerator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Market {
    Consumer,
    Workstation,
    Datacenter,
}

/// Numeric formats a device's matrix units can compute in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Fp32,
    Tf32,
    Fp16,
    Bf16,
    Fp8,
    Int8,
    Fp6,
    Fp4,
    Int4,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// Stable kebab-case id, e.g. `rtx-4090`, `mac-m3-ultra-512gb-80c`.
    pub id: String,
    /// Display name, e.g. "NVIDIA GeForce RTX 4090".
    pub name: String,
    /// Extra names that resolve to this device (normalised before matching).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: DeviceKind,
    pub vendor: String,
    pub market: Market,
    pub year: u16,
    /// Memory the device can address for model data (VRAM, or unified memory size).
    pub mem_gb: f64,
    /// Peak memory bandwidth, GB/s.
    pub bw_gbps: f64,
    /// Dense (not sparse) peak throughput per precision, TFLOPS (TOPS for integer types).
    pub fp32_tflops: f64,
    /// Dense FP16 matrix (tensor-core where present) throughput with FP32 accumulate — what
    /// cuBLAS/hipBLAS/Metal GEMMs in inference runtimes use. (GeForce cards run FP16-accumulate
    /// at twice this; that rate is not used by the runtimes we model.)
    pub fp16_tflops: f64,
    #[serde(default)]
    pub bf16_tflops: Option<f64>,
    #[serde(default)]
    pub fp8_tflops: Option<f64>,
    #[serde(default)]
    pub int8_tops: Option<f64>,
    #[serde(default)]
    pub fp4_tflops: Option<f64>,
    /// Precisions the matrix units compute natively.
    pub native: Vec<Precision>,
    /// Board power / TDP, W.
    pub tdp_w: f64,
    /// Idle draw, W.
    pub idle_w: f64,
    /// Link ids (see `links.toml`) this device has by default, fastest first:
    /// e.g. `["nvlink4", "pcie5-x16"]`, `["tb5", "10gbe"]`.
    #[serde(default)]
    pub interconnects: Vec<String>,
    /// Variant group (memory size, GPU cores, form factor), e.g. `m3-ultra`, `a100`.
    #[serde(default)]
    pub family: Option<String>,
    /// The variant a family-only name (`M3 Ultra`, `A100`) resolves to.
    #[serde(default)]
    pub family_default: bool,
    /// Apple / APU GPU core count where variants differ by it.
    #[serde(default)]
    pub gpu_cores: Option<u32>,
    /// Share of `mem_gb` the accelerator may use by default (Apple's wired-memory limit,
    /// an APU's GPU carve-out); 1.0 for discrete GPUs.
    #[serde(default)]
    pub usable_mem_fraction: Option<f64>,
    /// Launch or street price in USD, with `price_source` and `price_date`.
    #[serde(default)]
    pub price_usd: Option<f64>,
    #[serde(default)]
    pub price_source: Option<String>,
    #[serde(default)]
    pub price_date: Option<String>,
    pub source: String,
    /// Extra sources per field, e.g. `{ tdp_w = "https://..." }`.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttentionKind {
    Mha,
    Gqa,
    Mqa,
    Mla,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    Text,
    Vision,
    Audio,
    Omni,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoeSpec {
    /// Routed experts per MoE layer.
    pub experts: u32,
    /// Routed experts chosen per token.
    pub experts_per_token: u32,
    #[serde(default)]
    pub shared_experts: u32,
    /// Leading layers that use a dense FFN instead of experts.
    #[serde(default)]
    pub dense_layers: u32,
    /// FFN width of one expert.
    pub expert_ffn: u32,
    /// FFN width of one shared expert when it differs from `expert_ffn` (e.g. Gemma 4's dense
    /// MLP that runs beside the experts); `None` means the same width.
    #[serde(default)]
    pub shared_expert_ffn: Option<u32>,
    /// Format the routed experts ship in upstream when it is not the checkpoint's 16-bit
    /// dtype (gpt-oss: MXFP4). Conversions keep them in it: a GGUF named "F16" or "Q8_0"
    /// stores only the other tensors at the named type. `None` = experts like the rest.
    #[serde(default)]
    pub native_expert_format: Option<NativeFormat>,
}

/// A storage format some tensors of a model ship in upstream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeFormat {
    /// Display name, e.g. `MXFP4`.
    pub name: String,
    /// Stored bits per weight including block scales (MXFP4: 32 x 4 bits + one 8-bit scale
    /// per block = 4.25).
    pub bits_per_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlaSpec {
    /// Compressed KV latent width (`kv_lora_rank`).
    pub kv_lora_rank: u32,
    /// Decoupled RoPE key width cached beside the latent (`qk_rope_head_dim`).
    pub qk_rope_head_dim: u32,
    #[serde(default)]
    pub q_lora_rank: Option<u32>,
    /// Per-head query/key width without RoPE (`qk_nope_head_dim`); `None` = 128.
    #[serde(default)]
    pub qk_nope_head_dim: Option<u32>,
    /// Per-head value width (`v_head_dim`); `None` = 128.
    #[serde(default)]
    pub v_head_dim: Option<u32>,
}

/// Recurrent linear attention (Gated DeltaNet in Qwen3-Next / Qwen3.5): these layers keep a
/// fixed-size state per sequence instead of a per-token KV cache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearAttnSpec {
    /// How many of the model's `layers` use linear attention.
    pub layers: u32,
    pub key_heads: u32,
    pub value_heads: u32,
    pub key_head_dim: u32,
    pub value_head_dim: u32,
    /// Causal convolution width in front of the recurrence.
    #[serde(default)]
    pub conv_kernel: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Stable id, e.g. `llama-3-70b`.
    pub id: String,
    pub name: String,
    /// Official Hugging Face repository id.
    pub hf_id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Family used for grouping (`llama`, `qwen`, `deepseek`, `mistral`, `gemma`, `phi`, ...).
    pub family: String,
    /// Browse groups (seed Part 6.1): "Llama", "Qwen", "MoE", "Vision", ...
    #[serde(default)]
    pub groups: Vec<String>,
    /// Language-model parameters, billions (vision/audio encoders are in `encoder_params_b`).
    pub params_b: f64,
    /// Parameters used per token (equal to `params_b` for dense models).
    pub active_params_b: f64,
    pub layers: u32,
    pub hidden: u32,
    pub heads: u32,
    pub kv_heads: u32,
    /// The real attention head dimension from config.json (not always hidden / heads).
    pub head_dim: u32,
    /// Dense FFN intermediate width.
    pub ffn: u32,
    pub vocab: u32,
    pub max_ctx: u32,
    pub attention: AttentionKind,
    #[serde(default)]
    pub moe: Option<MoeSpec>,
    #[serde(default)]
    pub mla: Option<MlaSpec>,
    /// Sliding-window attention: window size in tokens and how many layers use it.
    #[serde(default)]
    pub sliding_window: Option<u32>,
    #[serde(default)]
    pub sliding_layers: Option<u32>,
    #[serde(default)]
    pub tied_embeddings: bool,
    pub modality: Modality,
    /// Parameters of the vision/audio encoder, billions, where present.
    #[serde(default)]
    pub encoder_params_b: Option<f64>,
    /// Layers (of `layers`) that use recurrent linear attention instead of a KV cache.
    #[serde(default)]
    pub linear_attn: Option<LinearAttnSpec>,
    /// Full-attention layers carry an output gate (`attn_output_gate`), doubling the query
    /// projection.
    #[serde(default)]
    pub attn_output_gate: bool,
    /// KV heads of the global (full-attention) layers when they differ from the sliding-window
    /// layers' `kv_heads` (`num_global_key_value_heads`, Gemma 4).
    #[serde(default)]
    pub global_kv_heads: Option<u32>,
    /// Head width of the global (full-attention) layers when it differs from `head_dim`
    /// (`global_head_dim`, Gemma 4).
    #[serde(default)]
    pub global_head_dim: Option<u32>,
    /// Layers that reuse an earlier layer's KV cache and store none of their own
    /// (`num_kv_shared_layers`, Gemma 4 E2B/E4B).
    #[serde(default)]
    pub kv_shared_layers: Option<u32>,
    /// Stored parameters, billions, outside the modelled blocks and not read per token
    /// (Gemma 4 per-layer embedding tables). Included in `params_b`.
    #[serde(default)]
    pub extra_params_b: Option<f64>,
    pub year: u16,
    pub source: String,
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quant {
    /// Stable id, e.g. `q4_k_m`, `mlx-4bit-g64`, `fp8-e4m3`.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `float`, `gguf`, `mlx`, `awq`, `gptq`, `fp8`, `nvfp4`, `mxfp4`, `int8`, ...
    pub format: String,
    /// Average stored bits per weight including scales and mixes.
    pub bits_per_weight: f64,
    /// Bits per weight of routed-expert tensors when the format stores them differently from
    /// the rest (llama.cpp `MXFP4_MOE`: experts MXFP4 at 4.25, every other tensor Q8_0, so
    /// `bits_per_weight` is the Q8_0 figure). `None` = experts like the rest.
    #[serde(default)]
    pub expert_bits_per_weight: Option<f64>,
    /// Precision the matrix multiplies run in when the device supports it natively.
    pub compute: Precision,
    /// Precision used instead on devices without native support (weight-only formats
    /// dequantize to fp16/bf16).
    pub fallback_compute: Precision,
    /// True when only the weights are quantized (activations stay 16-bit).
    pub weight_only: bool,
    pub source: String,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KvType {
    /// `f16`, `bf16`, `q8_0`, `q4_0`, `fp8`.
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub bits_per_element: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    /// Stable id, e.g. `llama.cpp-cuda`, `mlx`, `vllm`, `exo`.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Engine family: `llama.cpp`, `mlx`, `vllm`, `sglang`, `trt-llm`, `ollama`, `exo`.
    pub family: String,
    /// GPU backend: `cuda`, `metal`, `vulkan`, `rocm`, `sycl`, `cpu`, `mlx`, `xpu`.
    pub backend: String,
    /// Device vendors/kinds it runs on (`nvidia`, `amd`, `intel`, `apple`, `cpu`).
    pub runs_on: Vec<String>,
    /// Strategies it implements: `pipeline`, `tensor`, `data`, `expert`, `phase-split`, ...
    pub strategies: Vec<String>,
    /// On a family entry (`backend = "auto"`): the concrete runtime id per device, keyed by
    /// `vendor-kind` (e.g. `amd-apu`), `vendor` or `kind`, tried in that order.
    #[serde(default)]
    pub default_backends: BTreeMap<String, String>,
    pub source: String,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    Pcie,
    Nvlink,
    Nvswitch,
    InfinityFabric,
    Ultrafusion,
    Thunderbolt,
    Usb4,
    Oculink,
    Ethernet,
    Infiniband,
    /// Host memory or in-package, for completeness.
    Local,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Stable id, e.g. `pcie4-x16`, `nvlink4`, `tb5-rdma`, `10gbe`.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: LinkKind,
    /// Generation group, e.g. `nvlink`, `pcie4`, `thunderbolt`, `ethernet`.
    #[serde(default)]
    pub family: Option<String>,
    /// What a bare family word (`nvlink`, `pcie4`) means when no device says otherwise.
    #[serde(default)]
    pub family_default: bool,
    /// Usable bandwidth per direction, GB/s.
    pub bw_gbps: f64,
    /// One-way latency of a small message, microseconds.
    pub latency_us: f64,
    pub source: String,
    #[serde(default)]
    pub notes: Option<String>,
}

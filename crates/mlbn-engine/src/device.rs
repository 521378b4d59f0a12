//! A device as the physics sees it under a given runtime and quant: effective bandwidth,
//! achievable matrix throughput in the precision the kernels really use, usable memory.

use crate::runtime::{BuildDate, RuntimeProfile};
use mlbn_catalog::{Device, DeviceKind, Precision, Quant};

const GB: f64 = 1e9;
const TERA: f64 = 1e12;

/// Bytes in one "GB" of device or host memory: DRAM is sold in binary units (a "24 GB" card
/// holds 24 x 2^30 bytes; nvidia-smi shows 24564 MiB). Bandwidths stay decimal (GB/s = 1e9).
pub const MEM_GB_BYTES: f64 = 1_073_741_824.0;

/// PCIe 4.0 x16 usable bandwidth per direction, GB/s (PCI-SIG PCIe 4.0: 16 GT/s per lane,
/// 128b/130b), assumed for a discrete device's host link when the scenario names none.
pub const DEFAULT_HOST_LINK_GBPS: f64 = 31.5;

/// Share of peak DRAM bandwidth a CPU reaches streaming weights of offloaded layers
/// (STREAM-like sequential reads on desktop DDR5 platforms run at roughly 70% of peak).
pub const HOST_BW_EFF: f64 = 0.7;

/// On unified-memory machines layers beyond the GPU's wired limit run on the CPU cores,
/// which reach only part of the package bandwidth (Apple's CPU clusters are limited to
/// roughly half of the SoC's memory bandwidth).
pub const UNIFIED_CPU_BW_SHARE: f64 = 0.5;

/// Rates of one device for one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRates {
    /// Peak memory bandwidth, bytes/s.
    pub bw_peak: f64,
    /// Achieved decode bandwidth, bytes/s.
    pub bw_eff: f64,
    /// Peak matrix rate in the precision used, FLOP/s.
    pub matrix_peak: f64,
    /// Achieved prefill (GEMM) rate, FLOP/s.
    pub matrix_eff: f64,
    /// Peak fp32 (SIMT / vector unit) rate, FLOP/s: dequantization and other non-matrix work.
    pub vector_peak: f64,
    /// True when the weights are block-quantized (dequantized on the fly).
    pub quantized: bool,
    /// Per-layer decode cost, seconds (the profile's, or an older build's).
    pub layer_overhead_s: f64,
    /// The precision the GEMMs run in.
    pub precision: Precision,
    /// False when the quant's own compute precision is not native here (fallback used).
    pub native: bool,
    pub mem_bytes: f64,
    pub usable_bytes: f64,
    pub usable_fraction: f64,
    /// Memory shared with the CPU (Apple SoC, APU).
    pub unified: bool,
    /// Host link bandwidth, bytes/s (0 for unified memory).
    pub host_link_bw: f64,
}

/// Peak dense rate of `device` in `p`, TFLOPS, if the catalog lists one.
pub fn rate_tflops(device: &Device, p: Precision) -> Option<f64> {
    let r = match p {
        Precision::Fp32 | Precision::Tf32 => Some(device.fp32_tflops),
        Precision::Fp16 => Some(device.fp16_tflops),
        Precision::Bf16 => device.bf16_tflops.or(Some(device.fp16_tflops)),
        Precision::Fp8 | Precision::Fp6 => device.fp8_tflops,
        Precision::Int8 => device.int8_tops,
        Precision::Fp4 | Precision::Int4 => device.fp4_tflops,
    };
    r.filter(|x| x.is_finite() && *x > 0.0)
}

/// A GPU whose datasheet rates are those of packed SIMD math, not matrix units: fp16 at
/// twice fp32 (two-way packed) and int8 at four times (four-way dot products), as on GCN
/// (MI50/MI60, Radeon VII). Matrix units (WMMA, MFMA, tensor cores) list far higher fp16
/// rates or no packed int8 figure.
fn packed_math_only(device: &Device) -> bool {
    let fp32 = device.fp32_tflops;
    let Some(int8) = device.int8_tops.filter(|x| x.is_finite() && *x > 0.0) else {
        return false;
    };
    fp32.is_finite()
        && fp32 > 0.0
        && device.fp16_tflops <= 2.05 * fp32
        && int8 >= 3.9 * fp32
        && matches!(device.kind, DeviceKind::Gpu)
        && !device.vendor.eq_ignore_ascii_case("nvidia")
}

fn is_16bit(p: Precision) -> bool {
    matches!(p, Precision::Fp16 | Precision::Bf16)
}

impl DeviceRates {
    pub fn new(
        device: &Device,
        quant: &Quant,
        profile: &RuntimeProfile,
        gpu_mem_fraction: Option<f64>,
        host_link_gbps: Option<f64>,
        build: Option<BuildDate>,
    ) -> DeviceRates {
        let unified = matches!(device.kind, DeviceKind::AppleSoc | DeviceKind::Apu);
        let mem_bytes = pos(device.mem_gb) * MEM_GB_BYTES;
        let default_fraction = device.usable_mem_fraction.unwrap_or(1.0);
        let usable_fraction = match gpu_mem_fraction {
            Some(f) if unified && f.is_finite() && f > 0.0 => f.min(1.0),
            _ => default_fraction,
        };
        let usable_fraction = if usable_fraction.is_finite() && usable_fraction > 0.0 {
            usable_fraction.min(1.0)
        } else {
            1.0
        };
        let bw_peak = pos(device.bw_gbps) * GB;

        // Precision the GEMMs run in: the quant's own when it computes natively here and is
        // not weight-only; otherwise its 16-bit (or fp32) fallback.
        let own_native =
            device.native.contains(&quant.compute) && rate_tflops(device, quant.compute).is_some();
        let (precision, native) = if !quant.weight_only && own_native {
            (quant.compute, true)
        } else if quant.weight_only {
            (quant.fallback_compute, true)
        } else {
            (quant.fallback_compute, false)
        };
        let mut peak_tflops = rate_tflops(device, precision)
            .or_else(|| rate_tflops(device, Precision::Fp16))
            .or_else(|| rate_tflops(device, Precision::Fp32))
            .unwrap_or(0.0);
        if profile.fp16_accumulate
            && is_16bit(precision)
            && device.vendor.eq_ignore_ascii_case("nvidia")
        {
            // NVIDIA tensor cores run fp16-accumulate GEMMs at half their int8 rate; on
            // consumer cards that is twice the fp32-accumulate rate the catalog lists.
            if let Some(int8) = rate_tflops(device, Precision::Int8) {
                peak_tflops = peak_tflops.max(int8 / 2.0);
            }
        }
        let quantized_weights = quant.bits_per_weight < 15.0 && quant.weight_only;
        if quantized_weights
            && quant.compute == Precision::Int8
            && profile.key == "llama.cpp/rocm"
            && packed_math_only(device)
            && let Some(int8) = rate_tflops(device, Precision::Int8)
        {
            // llama.cpp's ROCm MMQ kernels run block-quantized GEMMs as int8 dot products; on
            // GPUs without matrix units those are packed 4-way dot products at twice the
            // packed-fp16 rate, and they set the pace.
            peak_tflops = peak_tflops.max(int8);
        }
        let matrix_peak = peak_tflops * TERA;
        let vector_peak = pos(device.fp32_tflops) * TERA;
        let quantized = quantized_weights;
        let legacy = profile
            .legacy
            .filter(|l| build.is_some_and(|b| b < l.before));
        let (quant_factor, vector_ops) = match (quantized, legacy) {
            (true, Some(l)) if l.quant_uses_float_gemm => (
                l.quant_dequant_factor,
                profile.prefill_vector_ops_per_flop_float,
            ),
            (true, _) => (
                profile.quant_prefill_factor,
                profile.prefill_vector_ops_per_flop,
            ),
            (false, _) => (1.0, profile.prefill_vector_ops_per_flop_float),
        };
        // Matrix units and the SIMT work around them (dequantization, activation
        // quantization, norms, softmax) run in series.
        let matrix_time = if matrix_peak > 0.0 {
            1.0 / (matrix_peak * profile.prefill_matrix_eff)
        } else {
            f64::INFINITY
        };
        let vector_time = if vector_ops > 0.0 {
            if vector_peak > 0.0 {
                vector_ops / vector_peak
            } else {
                f64::INFINITY
            }
        } else {
            0.0
        };
        let legacy_factor = legacy.map(|l| l.prefill_factor).unwrap_or(1.0)
            * profile
                .older_prefill
                .iter()
                .filter(|(before, _)| build.is_some_and(|b| b < *before))
                .map(|(_, f)| f)
                .product::<f64>();
        let matrix_eff = if (matrix_time + vector_time).is_finite() {
            quant_factor * legacy_factor / (matrix_time + vector_time)
        } else {
            0.0
        };
        let mut bw_eff = bw_peak * profile.decode_bw_eff;
        if let Some(l) = legacy {
            bw_eff = bw_eff.min(l.decode_bw_cap_gbps * GB);
        }
        let host_link_bw = if unified {
            0.0
        } else {
            host_link_gbps
                .filter(|b| b.is_finite() && *b > 0.0)
                .unwrap_or(DEFAULT_HOST_LINK_GBPS)
                * GB
        };
        DeviceRates {
            bw_peak,
            bw_eff,
            matrix_peak,
            matrix_eff,
            vector_peak,
            quantized,
            layer_overhead_s: legacy
                .map(|l| l.layer_overhead_us)
                .unwrap_or(profile.layer_overhead_us)
                * 1e-6,
            precision,
            native,
            mem_bytes,
            usable_bytes: mem_bytes * usable_fraction,
            usable_fraction,
            unified,
            host_link_bw,
        }
    }
}

fn pos(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

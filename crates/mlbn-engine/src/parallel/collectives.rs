//! Costs of the collectives that multi-device strategies pay, from a link's bandwidth and
//! latency plus a runtime's software cost per collective. Collectives pay the slowest link on
//! their path, so callers pass the slowest link of the devices involved.

use crate::runtime::RuntimeProfile;

/// Share of a link's peak bandwidth a collective's data movement reaches (NCCL's reported
/// bus bandwidth on NVLink and PCIe sits near 80% of the link's rate).
pub const COLLECTIVE_BW_EFF: f64 = 0.8;

/// Software cost of launching one collective inside a CUDA graph with the serving runtimes'
/// custom all-reduce kernels (vLLM / SGLang / TRT-LLM), microseconds.
pub const GRAPH_COLLECTIVE_US: f64 = 8.0;

/// Software cost of one collective through MLX distributed / exo (process synchronisation on
/// top of the link's own latency), microseconds. Calibrated on the exo Mac-cluster rows of
/// `shared/benchmarks` (DeepSeek V3.1 on 2 and 4 M3 Ultra over Thunderbolt 5 RDMA).
pub const HOST_COLLECTIVE_US: f64 = 10.0;

/// Runtimes whose small all-reduces use a one-shot kernel (every rank reads every other
/// rank's buffer over NVLink/PCIe peer access) rather than a ring.
pub fn one_shot_all_reduce(family: &str) -> bool {
    let f = family.to_ascii_lowercase();
    f.contains("vllm") || f.contains("sglang") || f.contains("trt")
}

/// A link as a collective sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkCost {
    /// Bytes per second per direction.
    pub bw: f64,
    /// One-way latency, seconds.
    pub latency_s: f64,
}

/// Per-collective software cost of the runtime, seconds. llama.cpp (and Ollama) stage
/// tensor-split results through the host, so they pay a stage hop per collective.
pub fn launch_s(family: &str, profile: &RuntimeProfile) -> f64 {
    let f = family.to_ascii_lowercase();
    let us = if f.contains("vllm") || f.contains("sglang") || f.contains("trt") {
        GRAPH_COLLECTIVE_US
    } else if f.contains("exo") || f.contains("mlx") {
        HOST_COLLECTIVE_US
    } else {
        profile.stage_hop_us
    };
    us * 1e-6
}

/// All-reduce of `bytes` over `p` devices: the cheaper of a ring (2(p-1) steps, each moving
/// bytes/p) and a one-shot exchange (every device sends its vector to all others), which is
/// what runtimes pick for the small messages of decode.
pub fn all_reduce_s(bytes: f64, p: u32, link: LinkCost, launch_s: f64, one_shot: bool) -> f64 {
    if p < 2 || bytes <= 0.0 {
        return 0.0;
    }
    let pf = f64::from(p);
    let bw = (link.bw * COLLECTIVE_BW_EFF).max(1.0);
    let ring = 2.0 * (pf - 1.0) * link.latency_s + 2.0 * (pf - 1.0) / pf * bytes / bw;
    let shot = 2.0 * link.latency_s + (pf - 1.0) * bytes / bw;
    launch_s + if one_shot { ring.min(shot) } else { ring }
}

/// All-gather (or reduce-scatter) of a `bytes` result over `p` devices (ring).
pub fn all_gather_s(bytes: f64, p: u32, link: LinkCost, launch_s: f64) -> f64 {
    if p < 2 || bytes <= 0.0 {
        return 0.0;
    }
    let pf = f64::from(p);
    let bw = (link.bw * COLLECTIVE_BW_EFF).max(1.0);
    launch_s + (pf - 1.0) * link.latency_s + (pf - 1.0) / pf * bytes / bw
}

/// All-to-all where each device sends `bytes_per_device` spread over the `p - 1` others.
pub fn all_to_all_s(bytes_per_device: f64, p: u32, link: LinkCost, launch_s: f64) -> f64 {
    if p < 2 || bytes_per_device <= 0.0 {
        return 0.0;
    }
    let pf = f64::from(p);
    let bw = (link.bw * COLLECTIVE_BW_EFF).max(1.0);
    launch_s + link.latency_s + (pf - 1.0) / pf * bytes_per_device / bw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faster_links_and_fewer_devices_cost_less() {
        let slow = LinkCost {
            bw: 16e9,
            latency_s: 5e-6,
        };
        let fast = LinkCost {
            bw: 450e9,
            latency_s: 1e-6,
        };
        for bytes in [16e3, 1e6, 1e9] {
            assert!(
                all_reduce_s(bytes, 8, fast, 0.0, true) < all_reduce_s(bytes, 8, slow, 0.0, true)
            );
            assert!(all_to_all_s(bytes, 8, fast, 0.0) < all_to_all_s(bytes, 8, slow, 0.0));
        }
        assert_eq!(all_reduce_s(1e6, 1, slow, 1.0, false), 0.0);
        // Large messages: ring bandwidth term 2(p-1)/p x bytes / bw.
        let t = all_reduce_s(1e9, 4, fast, 0.0, false);
        let ring_bw = 1.5 * 1e9 / (450e9 * COLLECTIVE_BW_EFF);
        assert!((t - ring_bw - 6.0 * 1e-6).abs() < 1e-9);
    }
}

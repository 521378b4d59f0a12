//! Pipeline layer split that balances stage TIME subject to each device's memory.
//!
//! A heterogeneous cluster must not be split by memory share alone: a 24 GB RTX 3090 and a
//! 24 GB RTX 4090 hold the same layers but do not run them equally fast. Each device gets
//! layers in proportion to its speed (1 / per-layer decode time), capped by the layers its
//! memory holds (water-filling); with batch > 1, balanced stages also maximise overlap.
//! Layers no device can hold go where they cost least (proportional to speed), and the engine
//! then spills them to host memory.

use crate::cost::div;
use crate::engine::{Dev, activation_bytes};
use crate::runtime::profile_for;
use crate::scenario::Scenario;
use crate::shape::ModelShape;

const GB: f64 = 1e9;

/// Seconds one device spends on one layer of one decode step at the prompt's context.
pub(crate) fn layer_time_s(d: &Dev, shape: &ModelShape, ctx: u64, layer_overhead_us: f64) -> f64 {
    div(
        shape.layer_read_bytes(1) + shape.kv_bytes(1.0, ctx),
        d.rates.bw_eff,
    ) + layer_overhead_us * 1e-6
}

/// Layers per device (same order as `devs`), summing to `shape.layers`.
pub(crate) fn balanced_split(s: &Scenario, devs: &[Dev], shape: &ModelShape) -> Vec<u32> {
    let profile = profile_for(&s.runtime);
    let ctx = s.workload.prompt_tokens;
    let batch = f64::from(s.workload.batch.max(1));
    let layer_mem =
        shape.layer_bytes() + shape.kv_bytes(1.0, s.workload.allocated_ctx_tokens().max(1)) * batch;
    let n = devs.len();
    let nonlayer_share = shape.nonlayer_bytes() / n.max(1) as f64;
    let speed: Vec<f64> = devs
        .iter()
        .map(|d| {
            let t = layer_time_s(d, shape, ctx, profile.layer_overhead_us);
            if t > 0.0 && t.is_finite() {
                1.0 / t
            } else {
                0.0
            }
        })
        .collect();
    let cap: Vec<f64> = devs
        .iter()
        .map(|d| {
            let fixed = activation_bytes(shape, super::ubatch_of(s, profile))
                + profile.mem_overhead_gb * GB
                + nonlayer_share;
            ((d.rates.usable_bytes - fixed) / layer_mem.max(1.0))
                .floor()
                .max(0.0)
        })
        .collect();
    if speed.iter().all(|x| *x <= 0.0) {
        // No usable rates at all: fall back to the memory-share split.
        let usable: Vec<f64> = devs.iter().map(|d| d.rates.usable_bytes).collect();
        return crate::engine::split_layers(shape.layers, &usable);
    }
    split_by_speed(shape.layers, &speed, &cap)
}

/// Water-fill `layers` over devices by `speed` under `cap` (both per device), then round
/// (largest remainder, respecting caps where possible).
pub(crate) fn split_by_speed(layers: u32, speed: &[f64], cap: &[f64]) -> Vec<u32> {
    let n = speed.len();
    if n == 0 {
        return Vec::new();
    }
    let total = f64::from(layers);
    let speed: Vec<f64> = speed
        .iter()
        .map(|x| if x.is_finite() && *x > 0.0 { *x } else { 0.0 })
        .collect();
    let cap: Vec<f64> = cap
        .iter()
        .map(|c| if c.is_finite() { c.max(0.0) } else { 0.0 })
        .collect();
    let mut exact = vec![0.0; n];
    if speed.iter().sum::<f64>() <= 0.0 {
        exact[0] = total;
    } else if cap.iter().sum::<f64>() < total {
        // Not everything fits: fill every device, put the excess where it runs fastest.
        let excess = total - cap.iter().sum::<f64>();
        let sp: f64 = speed.iter().sum();
        for i in 0..n {
            exact[i] = cap[i] + excess * speed[i] / sp;
        }
    } else {
        // Water-filling: L_i = min(cap_i, lambda * speed_i), sum = total.
        let mut free: Vec<bool> = speed.iter().map(|s| *s > 0.0).collect();
        let mut left = total;
        for _ in 0..=n {
            let sp: f64 = (0..n).filter(|&i| free[i]).map(|i| speed[i]).sum();
            if sp <= 0.0 {
                break;
            }
            let lambda = left / sp;
            let mut capped = false;
            for i in 0..n {
                if free[i] && lambda * speed[i] > cap[i] {
                    exact[i] = cap[i];
                    left -= cap[i];
                    free[i] = false;
                    capped = true;
                }
            }
            if !capped {
                for i in 0..n {
                    if free[i] {
                        exact[i] = lambda * speed[i];
                    }
                }
                break;
            }
        }
    }
    let mut out: Vec<u32> = exact.iter().map(|x| x.floor().max(0.0) as u32).collect();
    let mut rest = layers.saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    // First pass respects caps, second does not (the engine offloads what does not fit).
    for respect in [true, false] {
        for &i in &order {
            if rest == 0 {
                break;
            }
            if speed[i] > 0.0 && (!respect || f64::from(out[i]) + 1.0 <= cap[i]) {
                out[i] += 1;
                rest -= 1;
            }
        }
    }
    if rest > 0 {
        out[0] += rest;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faster_device_gets_more_layers_until_its_memory_is_full() {
        assert_eq!(
            split_by_speed(80, &[2.0, 1.0], &[100.0, 100.0])
                .iter()
                .sum::<u32>(),
            80
        );
        let s = split_by_speed(90, &[2.0, 1.0], &[100.0, 100.0]);
        assert_eq!(s, vec![60, 30]);
        let s = split_by_speed(90, &[2.0, 1.0], &[40.0, 100.0]);
        assert_eq!(s, vec![40, 50]);
        // Too little memory: every device full, the rest by speed.
        let s = split_by_speed(100, &[1.0, 1.0], &[30.0, 30.0]);
        assert_eq!(s.iter().sum::<u32>(), 100);
        assert_eq!(s, vec![50, 50]);
        assert_eq!(split_by_speed(10, &[0.0, 0.0], &[5.0, 5.0]), vec![10, 0]);
    }
}

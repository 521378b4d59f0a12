//! Power and cost (issue 6, seed Part 5): what the devices draw while the scenario runs, and
//! what that costs per day, per token and per million tokens.
//!
//! # Model
//! - Each device draws `idle + (tdp − idle) × utilisation` in a phase (catalog `idle_w`,
//!   `tdp_w`). Utilisation is the largest of compute use, bandwidth use and
//!   [`MEMORY_OCCUPANCY_WEIGHT`] × memory occupancy in that phase: holding data costs a little
//!   (DRAM refresh, clocks kept up), moving or computing on it costs the rest.
//! - "Use" is measured against what the runtime can sustain on the device, not the datasheet
//!   peak: the engine's [`DeviceUtilisation`] is relative to peak, so it is divided by the
//!   runtime's achieved share of peak ([`DeviceRates::bw_eff`] / `bw_peak` for bandwidth,
//!   `matrix_eff` / `matrix_peak` for compute). A decode step that spends all its time reading
//!   weights at the runtime's full speed is full load; a step that mostly waits on fixed
//!   per-token overhead (kernel launches, sampling on the CPU) is light load.
//! - At batch > 1 the engine's batch-1 utilisation is scaled by the step time and by the bytes
//!   and FLOPs a batched step moves (weights once, KV and FLOPs per stream).
//! - The workload is one request per stream: prefill of the prompt (streams prefill one after
//!   the other), then `gen` tokens generated together. Average power is the time-weighted mean
//!   of prefill and generation power; energy and token counts cover prompt and generated
//!   tokens.
//! - Daily cost assumes the workload runs back to back for `hours_per_day` (the rest of the
//!   day the machine is off, as in the seed's `kW × hours × $/kWh`); a month is 30 days, a year
//!   365.
//! - Hardware amortisation spreads a purchase price over `years × 365 × hours_per_day` hours of
//!   use and adds it to $/Mtok.
//!
//! The result never feeds back into speeds or memory: power is read off the estimate.

use crate::device::DeviceRates;
use crate::estimate::*;
use crate::runtime::profile_for;
use crate::scenario::Scenario;
use serde::Serialize;

/// Weight of memory occupancy in utilisation (seed 5.2: "memory has less power impact").
pub const MEMORY_OCCUPANCY_WEIGHT: f64 = 0.3;
/// Years hardware is written off over when a price is given without `years`.
pub const DEFAULT_AMORTISATION_YEARS: f64 = 3.0;
/// Board and idle power assumed for a device whose record has no board power (seed 5.1's
/// "Custom" entry: 200 W board, 30 W idle).
pub const FALLBACK_TDP_W: f64 = 200.0;
/// See [`FALLBACK_TDP_W`].
pub const FALLBACK_IDLE_W: f64 = 30.0;

const J_PER_KWH: f64 = 3.6e6;
const DAYS_PER_MONTH: f64 = 30.0;
const DAYS_PER_YEAR: f64 = 365.0;

/// Power of one device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DevicePower {
    pub device: DeviceRef,
    pub device_id: String,
    pub idle_w: f64,
    pub tdp_w: f64,
    /// True when the device record had no board power and [`FALLBACK_TDP_W`] was assumed.
    pub assumed_power: bool,
    /// Share of memory holding data (0..=1).
    pub memory_occupancy: f64,
    /// Utilisation during prefill (0..=1) after the memory floor.
    pub prefill_utilisation: f64,
    /// Utilisation during generation (0..=1) after the memory floor.
    pub decode_utilisation: f64,
    pub prefill_w: f64,
    pub decode_w: f64,
    /// Time-weighted over the workload.
    pub avg_w: f64,
}

/// Energy and money per token at one rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct TokenEconomics {
    /// The rate these figures are for, tokens/s (all streams).
    pub tok_s: f64,
    /// System power at that rate.
    pub power_w: f64,
    pub j_per_token: f64,
    pub tokens_per_kwh: f64,
    /// `None` when electricity is free ($0/kWh): tokens per dollar is unbounded.
    pub tokens_per_usd: Option<f64>,
    /// Electricity only.
    pub usd_per_mtok: f64,
    /// Electricity plus hardware amortisation, when a hardware price is known.
    pub usd_per_mtok_with_hardware: Option<f64>,
}

/// Hardware amortisation used for `usd_per_mtok_with_hardware`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HardwareCost {
    pub price_usd: f64,
    /// True when the price is the sum of the catalog's `price_usd` of the devices.
    pub from_catalog: bool,
    pub amortisation_years: f64,
    /// Price spread over the hours of use: `price / (years × 365 × hours_per_day)`.
    pub usd_per_hour: f64,
}

/// Power and cost of the scenario (all devices).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PowerEstimate {
    pub devices: Vec<DevicePower>,
    /// Sum of the devices' idle draw.
    pub idle_w: f64,
    /// Sum of the devices' board power.
    pub tdp_w: f64,
    /// System power while prefilling.
    pub prefill_w: f64,
    /// System power while generating.
    pub decode_w: f64,
    /// Time-weighted over prefill and generation of the workload.
    pub avg_w: f64,
    /// Seconds of prefill in one workload (all streams' prompts).
    pub workload_prefill_s: f64,
    /// Seconds of generation in one workload.
    pub workload_gen_s: f64,
    /// Prompt plus generated tokens of one workload, all streams.
    pub workload_tokens: u64,
    /// Energy of one workload, joules.
    pub workload_j: f64,
    pub usd_per_kwh: f64,
    pub hours_per_day: f64,
    pub kwh_per_day: f64,
    pub usd_per_day: f64,
    pub usd_per_month: f64,
    pub usd_per_year: f64,
    /// Generation only (aggregate decode rate at the batch, generation power).
    pub decode: TokenEconomics,
    /// The whole prompt + generation workload.
    pub workload: TokenEconomics,
    pub hardware: Option<HardwareCost>,
    /// Assumptions that apply to this scenario (missing board power, free electricity, ...).
    pub notes: Vec<String>,
}

fn fin(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 && num.is_finite() && den.is_finite() {
        num / den
    } else {
        0.0
    }
}

/// Per-phase compute and bandwidth use of one device, relative to what the runtime sustains.
#[derive(Debug, Clone, Copy, Default)]
struct PhaseUse {
    prefill_compute: f64,
    prefill_bandwidth: f64,
    decode_compute: f64,
    decode_bandwidth: f64,
}

/// Use of a device the estimate has no [`DeviceUtilisation`] for: the share of each phase
/// spent on memory traffic or compute (from the breakdowns, which sum over all stages) times
/// this device's share of the stages' work. A device without a stage is idle.
fn use_from_breakdowns(est: &Estimate, device: DeviceRef) -> PhaseUse {
    let stages = &est.strategy.stages;
    let Some(stage) = stages.iter().find(|st| st.device == device) else {
        return PhaseUse::default();
    };
    let d = &est.decode;
    let p = &est.prefill;
    let dec_all: f64 = stages.iter().map(|st| st.decode_ms).sum();
    let pre_all: f64 = stages.iter().map(|st| st.prefill_ms).sum();
    let dec_busy = unit(ratio(stage.decode_ms, dec_all));
    let pre_busy = unit(ratio(stage.prefill_ms, pre_all));
    PhaseUse {
        prefill_compute: pre_busy * unit(ratio(p.compute_ms, p.total_ms)),
        prefill_bandwidth: pre_busy * unit(ratio(p.memory_ms, p.total_ms)),
        decode_compute: dec_busy * unit(ratio(d.compute_ms, d.total_ms)),
        decode_bandwidth: dec_busy * unit(ratio(d.weights_ms + d.kv_ms, d.total_ms)),
    }
}

/// Power and cost for an estimate of the sanitized scenario `s`. `original` is the scenario
/// as given (to tell a user's $0/kWh from a negative price the validator already replaced).
pub(crate) fn estimate_power(
    original: &Scenario,
    s: &Scenario,
    est: &Estimate,
    findings: &mut Vec<Finding>,
) -> PowerEstimate {
    let mut notes = Vec::new();
    let profile = profile_for(&s.runtime);
    let prices = s.power;
    let price = fin(prices.usd_per_kwh).max(0.0);
    let hours = fin(prices.hours_per_day).clamp(0.0, 24.0);
    if original.power.usd_per_kwh == 0.0 {
        findings.push(Finding::new(
            Severity::Warning,
            FindingCode::InvalidValue,
            Subject::Power,
            "electricity price is $0/kWh: electricity costs read $0 and tokens per dollar is \
             not bounded"
                .to_string(),
        ));
    }
    if price == 0.0 {
        notes.push("electricity is free ($0/kWh): costs are 0, tokens per dollar unbounded".into());
    }
    if hours == 0.0 {
        notes.push("0 h/day of use: daily costs are 0 and hardware cannot be amortised".into());
    }

    // Workload timing: streams prefill one after the other, then generate together.
    let w = s.workload;
    let batch = f64::from(est.batch.batch.max(1));
    let prefill_one_s = if w.prompt_tokens == 0 {
        0.0
    } else {
        fin(est.prefill.total_ms) / 1e3
    };
    let t1_ms = fin(est.decode.total_ms);
    let tb_ms = ratio(1e3, est.batch.per_stream_decode_tok_s);
    // Batched steps take longer than single ones; generation scales the same way.
    let step_stretch = if t1_ms > 0.0 && tb_ms > 0.0 {
        tb_ms / t1_ms
    } else {
        1.0
    };
    let prefill_s = batch * prefill_one_s;
    let gen_s = w.gen_tokens as f64 * ratio(1.0, est.gen_avg_decode_tok_s) * step_stretch;
    let phase_s = prefill_s + gen_s;

    // Batch scaling of the engine's batch-1 decode use: weights are read once per step, KV
    // and FLOPs once per stream, spread over the longer batched step.
    let d = &est.decode;
    let mem_ms = d.weights_ms + d.kv_ms;
    let bytes_scale = if mem_ms > 0.0 {
        (d.weights_ms + batch * d.kv_ms) / mem_ms
    } else {
        1.0
    };
    let bw_batch = ratio(bytes_scale, step_stretch);
    let compute_batch = ratio(batch, step_stretch);
    if batch > 1.0 {
        notes.push(format!(
            "batch {batch}: decode utilisation scaled from the single-stream step (bytes x{:.2}, \
             FLOPs x{batch}, step time x{:.2})",
            bytes_scale, step_stretch
        ));
    }

    // Every device in the scenario draws power, including ones the chosen layout leaves
    // unused (AUTO may run a small model on one of two cards): those sit at idle.
    let all_devices: Vec<crate::DeviceRef> = s
        .groups
        .iter()
        .enumerate()
        .flat_map(|(group, g)| (0..g.count).map(move |index| crate::DeviceRef { group, index }))
        .collect();
    let mut devices = Vec::with_capacity(all_devices.len());
    for r in all_devices {
        let Some(g) = s.groups.get(r.group) else {
            continue;
        };
        let dev = &g.device;
        let Some(m) = est.memory.iter().find(|m| m.device == r) else {
            let (idle_w, tdp_w) = idle_and_board_w(dev);
            devices.push(DevicePower {
                device: r,
                device_id: dev.id.clone(),
                idle_w,
                tdp_w,
                assumed_power: !(dev.tdp_w.is_finite() && dev.tdp_w > 0.0),
                memory_occupancy: 0.0,
                prefill_utilisation: 0.0,
                decode_utilisation: 0.0,
                prefill_w: idle_w,
                decode_w: idle_w,
                avg_w: idle_w,
            });
            continue;
        };
        let assumed = !(dev.tdp_w.is_finite() && dev.tdp_w > 0.0);
        let (idle_w, tdp_w) = idle_and_board_w(dev);
        let rates = DeviceRates::new(
            dev,
            &crate::shape::kernel_quant(&s.model, &s.quant),
            profile,
            s.gpu_mem_fraction,
            g.host_link.as_ref().map(|l| l.bw_gbps),
            s.runtime_build,
        );
        let bw_share = ratio(rates.bw_eff, rates.bw_peak);
        let mx_share = ratio(rates.matrix_eff, rates.matrix_peak);
        let u = match est.utilisation.iter().find(|u| u.device == m.device) {
            Some(u) => PhaseUse {
                prefill_compute: unit(ratio(u.prefill_compute, mx_share)),
                prefill_bandwidth: unit(ratio(u.prefill_bandwidth, bw_share)),
                decode_compute: unit(ratio(u.decode_compute, mx_share)),
                decode_bandwidth: unit(ratio(u.decode_bandwidth, bw_share)),
            },
            None => {
                notes.push(format!(
                    "{}#{}: utilisation derived from the time breakdowns",
                    m.device_id, m.device.index
                ));
                use_from_breakdowns(est, m.device)
            }
        };
        let occupancy = unit(ratio(m.total_gb, m.mem_gb));
        let floor = MEMORY_OCCUPANCY_WEIGHT * occupancy;
        let pre_u = u.prefill_compute.max(u.prefill_bandwidth).max(floor);
        let dec_u = unit(u.decode_compute * compute_batch)
            .max(unit(u.decode_bandwidth * bw_batch))
            .max(floor);
        let span = tdp_w - idle_w;
        let prefill_w = idle_w + span * pre_u;
        let decode_w = idle_w + span * dec_u;
        let avg_w = if phase_s > 0.0 {
            (prefill_w * prefill_s + decode_w * gen_s) / phase_s
        } else {
            idle_w
        };
        if assumed {
            notes.push(format!(
                "{} has no board power in its record: assumed {FALLBACK_TDP_W:.0} W board, \
                 {FALLBACK_IDLE_W:.0} W idle",
                dev.name
            ));
        }
        devices.push(DevicePower {
            device: m.device,
            device_id: m.device_id.clone(),
            idle_w,
            tdp_w,
            assumed_power: assumed,
            memory_occupancy: occupancy,
            prefill_utilisation: pre_u,
            decode_utilisation: dec_u,
            prefill_w: fin(prefill_w),
            decode_w: fin(decode_w),
            avg_w: fin(avg_w),
        });
    }
    notes.dedup();

    let sum = |f: fn(&DevicePower) -> f64| devices.iter().map(f).sum::<f64>();
    let idle_w = sum(|d| d.idle_w);
    let tdp_w = sum(|d| d.tdp_w);
    let prefill_w = sum(|d| d.prefill_w);
    let decode_w = sum(|d| d.decode_w);
    let avg_w = sum(|d| d.avg_w);

    let kwh_per_day = avg_w / 1e3 * hours;
    let usd_per_day = kwh_per_day * price;

    let hardware = hardware_cost(s, hours, findings, &mut notes);
    let hw_per_hour = hardware.map(|h| h.usd_per_hour);

    let decode_tok_s = fin(est.batch.aggregate_decode_tok_s).max(0.0);
    let decode = economics(decode_tok_s, decode_w, price, hw_per_hour);
    let workload_tokens = (w.prompt_tokens.saturating_add(w.gen_tokens))
        .saturating_mul(u64::from(est.batch.batch.max(1)));
    let workload_j = prefill_w * prefill_s + decode_w * gen_s;
    let workload_tok_s = ratio(workload_tokens as f64, phase_s);
    let workload = economics(workload_tok_s, avg_w, price, hw_per_hour);
    if let Some(o) = &est.offload {
        notes.push(format!(
            "the host CPU and memory running the {} offloaded layers are not counted",
            o.layers_on_host
        ));
    }
    if decode_tok_s == 0.0 {
        notes.push("no tokens are generated: per-token figures are 0".into());
    }

    PowerEstimate {
        devices,
        idle_w,
        tdp_w,
        prefill_w,
        decode_w,
        avg_w,
        workload_prefill_s: prefill_s,
        workload_gen_s: gen_s,
        workload_tokens,
        workload_j: fin(workload_j),
        usd_per_kwh: price,
        hours_per_day: hours,
        kwh_per_day: fin(kwh_per_day),
        usd_per_day: fin(usd_per_day),
        usd_per_month: fin(usd_per_day * DAYS_PER_MONTH),
        usd_per_year: fin(usd_per_day * DAYS_PER_YEAR),
        decode,
        workload,
        hardware,
        notes,
    }
}

/// Per-token energy and cost at `tok_s` tokens/s drawing `power_w`.
fn economics(
    tok_s: f64,
    power_w: f64,
    usd_per_kwh: f64,
    hw_usd_per_hour: Option<f64>,
) -> TokenEconomics {
    if !(tok_s > 0.0 && tok_s.is_finite()) {
        return TokenEconomics {
            power_w: fin(power_w),
            ..TokenEconomics::default()
        };
    }
    let j_per_token = fin(power_w / tok_s);
    let tokens_per_kwh = ratio(J_PER_KWH, j_per_token);
    let usd_per_mtok = fin(j_per_token * 1e6 / J_PER_KWH * usd_per_kwh);
    let tokens_per_usd = if usd_per_kwh > 0.0 {
        Some(fin(tokens_per_kwh / usd_per_kwh))
    } else {
        None
    };
    let usd_per_mtok_with_hardware =
        hw_usd_per_hour.map(|h| fin(usd_per_mtok + h / (tok_s * 3600.0) * 1e6));
    TokenEconomics {
        tok_s,
        power_w: fin(power_w),
        j_per_token,
        tokens_per_kwh,
        tokens_per_usd,
        usd_per_mtok,
        usd_per_mtok_with_hardware,
    }
}

/// The hardware price and years to amortise, from the scenario or the catalog.
fn hardware_cost(
    s: &Scenario,
    hours_per_day: f64,
    findings: &mut Vec<Finding>,
    notes: &mut Vec<String>,
) -> Option<HardwareCost> {
    let p = s.power;
    let (price, from_catalog) = match p.hardware_price_usd {
        Some(x) if x.is_finite() && x > 0.0 => (x, false),
        Some(x) => {
            findings.push(Finding::new(
                Severity::Error,
                FindingCode::InvalidValue,
                Subject::Power,
                format!("hardware price ${x} is not a positive amount; no amortisation"),
            ));
            return None;
        }
        None if p.catalog_hardware_price => {
            let mut total = 0.0;
            for g in &s.groups {
                match g.device.price_usd {
                    Some(x) if x.is_finite() && x > 0.0 => total += x * f64::from(g.count),
                    _ => {
                        notes.push(format!(
                            "the catalog has no price for {}: give one with `price $N`",
                            g.device.name
                        ));
                        return None;
                    }
                }
            }
            if total <= 0.0 {
                return None;
            }
            (total, true)
        }
        None => return None,
    };
    let years = match p.amortisation_years {
        Some(y) if y.is_finite() && y > 0.0 && y <= 100.0 => y,
        Some(y) => {
            findings.push(Finding::new(
                Severity::Error,
                FindingCode::InvalidValue,
                Subject::Power,
                format!(
                    "{y} years is not a usable write-off period; using \
                     {DEFAULT_AMORTISATION_YEARS}"
                ),
            ));
            DEFAULT_AMORTISATION_YEARS
        }
        None => DEFAULT_AMORTISATION_YEARS,
    };
    let hours_of_use = years * DAYS_PER_YEAR * hours_per_day;
    if hours_of_use <= 0.0 {
        return None;
    }
    Some(HardwareCost {
        price_usd: price,
        from_catalog,
        amortisation_years: years,
        usd_per_hour: price / hours_of_use,
    })
}

/// Idle and board power of a device, with the documented fallback when the record has no
/// usable board power.
fn idle_and_board_w(dev: &mlbn_catalog::Device) -> (f64, f64) {
    if !(dev.tdp_w.is_finite() && dev.tdp_w > 0.0) {
        return (FALLBACK_IDLE_W, FALLBACK_TDP_W);
    }
    let idle = if dev.idle_w.is_finite() && dev.idle_w >= 0.0 {
        dev.idle_w
    } else {
        0.0
    };
    (idle.min(dev.tdp_w), dev.tdp_w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::DeviceGroup;
    use mlbn_catalog::Catalog;

    fn scenario(count: u32, model: &str) -> Scenario {
        let c = Catalog::builtin();
        Scenario::new(
            vec![DeviceGroup::new(
                c.device("rtx4090").found().expect("device").clone(),
                count,
            )],
            c.model(model).found().expect("model").clone(),
            c.quant("q4_k_m").found().expect("quant").clone(),
            c.runtime("llama.cpp-cuda")
                .found()
                .expect("runtime")
                .clone(),
        )
    }

    /// Without the engine's utilisation, power derived from the breakdowns lands close to the
    /// power from the utilisation, and says so.
    #[test]
    fn missing_utilisation_is_derived_from_breakdowns() {
        for (n, model) in [(1, "qwen2.5-32b"), (1, "qwen2.5-0.5b"), (2, "llama-3-8b")] {
            let s = scenario(n, model);
            let mut e = crate::estimate(&s);
            let with = e.power.clone();
            e.utilisation.clear();
            let without = estimate_power(&s, &s, &e, &mut Vec::new());
            assert_eq!(without.devices.len(), with.devices.len());
            assert!(
                without
                    .notes
                    .iter()
                    .any(|n| n.contains("derived from the time breakdowns"))
            );
            let close = |a: f64, b: f64| (a - b).abs() <= 0.1 * b;
            assert!(
                close(without.decode_w, with.decode_w),
                "{model}: {} vs {}",
                without.decode_w,
                with.decode_w
            );
            assert!(
                close(without.prefill_w, with.prefill_w),
                "{model}: {} vs {}",
                without.prefill_w,
                with.prefill_w
            );
        }
    }
}

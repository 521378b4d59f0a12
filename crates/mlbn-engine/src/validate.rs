//! Input validation: zero, negative, non-finite or absurd values become findings, and the
//! engine continues with a clamped copy so every number it emits stays finite.

use crate::estimate::{Finding, FindingCode, Severity, Subject, WorkloadKey};
use crate::scenario::Scenario;

/// Largest prompt / generation / context the engine models, tokens (far above any model's
/// context window; larger values are clamped with a finding).
pub const MAX_TOKENS: u64 = 100_000_000;
/// Largest batch modelled.
pub const MAX_BATCH: u32 = 65_536;
/// Largest device count per group.
pub const MAX_DEVICES_PER_GROUP: u32 = 4096;

fn invalid(subject: Subject, message: String) -> Finding {
    Finding::new(Severity::Error, FindingCode::InvalidValue, subject, message)
}

fn bad(x: f64) -> bool {
    !x.is_finite() || x <= 0.0
}

/// Check `s`, push findings, and return the clamped scenario the physics runs on.
pub fn sanitize(s: &Scenario, findings: &mut Vec<Finding>) -> Scenario {
    let mut s = s.clone();
    if s.groups.is_empty() {
        findings.push(invalid(
            Subject::Scenario,
            "no hardware: the scenario needs at least one device".to_string(),
        ));
    }
    for (i, g) in s.groups.iter_mut().enumerate() {
        let subject = Subject::Hardware { group: i };
        if g.count == 0 {
            findings.push(invalid(
                subject,
                format!("device count of `{}` is 0; using 1", g.device.id),
            ));
            g.count = 1;
        } else if g.count > MAX_DEVICES_PER_GROUP {
            findings.push(invalid(
                subject,
                format!(
                    "{} devices of `{}` is beyond what the engine models; using {}",
                    g.count, g.device.id, MAX_DEVICES_PER_GROUP
                ),
            ));
            g.count = MAX_DEVICES_PER_GROUP;
        }
        let d = &mut g.device;
        if bad(d.mem_gb) || d.mem_gb > 1.0e6 {
            findings.push(invalid(
                subject,
                format!(
                    "`{}` has {} GB of memory; nothing can be loaded",
                    d.id, d.mem_gb
                ),
            ));
            d.mem_gb = 0.0;
        }
        if bad(d.bw_gbps) || d.bw_gbps > 1.0e6 {
            findings.push(invalid(
                subject,
                format!(
                    "`{}` has a memory bandwidth of {} GB/s; decode cannot run",
                    d.id, d.bw_gbps
                ),
            ));
            d.bw_gbps = 0.0;
        }
        if bad(d.fp16_tflops) && bad(d.fp32_tflops) {
            findings.push(invalid(
                subject,
                format!(
                    "`{}` has no compute rate (fp16 {} TFLOPS)",
                    d.id, d.fp16_tflops
                ),
            ));
        }
        for x in [
            &mut d.fp16_tflops,
            &mut d.fp32_tflops,
            &mut d.tdp_w,
            &mut d.idle_w,
        ] {
            if !x.is_finite() || *x < 0.0 {
                *x = 0.0;
            }
        }
        if let Some(f) = d.usable_mem_fraction
            && (!f.is_finite() || f <= 0.0 || f > 1.0)
        {
            findings.push(invalid(
                subject,
                format!(
                    "usable memory fraction {f} of `{}` is outside (0, 1]; using 1",
                    d.id
                ),
            ));
            d.usable_mem_fraction = Some(1.0);
        }
    }
    if let Some(f) = s.gpu_mem_fraction
        && (!f.is_finite() || f <= 0.0 || f > 1.0)
    {
        findings.push(invalid(
            Subject::Scenario,
            format!("GPU memory fraction {f} is outside (0, 1]; using the device default"),
        ));
        s.gpu_mem_fraction = None;
    }

    let m = &mut s.model;
    if m.layers == 0 || m.hidden == 0 || m.heads == 0 || m.head_dim == 0 {
        findings.push(invalid(
            Subject::Model,
            format!(
                "model `{}` has {} layers, hidden {}, {} heads, head_dim {}: all must be > 0",
                m.id, m.layers, m.hidden, m.heads, m.head_dim
            ),
        ));
    }
    if bad(m.params_b) || m.params_b > 1.0e5 {
        findings.push(invalid(
            Subject::Model,
            format!("model `{}` has {}B parameters", m.id, m.params_b),
        ));
        m.params_b = 0.0;
    }
    if !m.active_params_b.is_finite() || m.active_params_b < 0.0 {
        m.active_params_b = m.params_b;
    }
    let q = &mut s.quant;
    if bad(q.bits_per_weight) || q.bits_per_weight > 64.0 {
        findings.push(invalid(
            Subject::Quant,
            format!(
                "quant `{}` has {} bits per weight; expected 1-32",
                q.id, q.bits_per_weight
            ),
        ));
        q.bits_per_weight = 16.0;
    }
    if let Some(kv) = &mut s.kv
        && (bad(kv.bits_per_element) || kv.bits_per_element > 64.0)
    {
        findings.push(invalid(
            Subject::KvType,
            format!(
                "KV type `{}` has {} bits per element; using 16",
                kv.id, kv.bits_per_element
            ),
        ));
        kv.bits_per_element = 16.0;
    }

    let w = &mut s.workload;
    for (key, v) in [
        (WorkloadKey::Prompt, &mut w.prompt_tokens),
        (WorkloadKey::Gen, &mut w.gen_tokens),
    ] {
        if *v > MAX_TOKENS {
            findings.push(invalid(
                Subject::Workload { key },
                format!("{v} tokens is beyond any model's context; using {MAX_TOKENS}"),
            ));
            *v = MAX_TOKENS;
        }
    }
    if let Some(c) = w.ctx_tokens {
        if c == 0 {
            findings.push(invalid(
                Subject::Workload {
                    key: WorkloadKey::Ctx,
                },
                "context of 0 tokens; using prompt + gen".to_string(),
            ));
            w.ctx_tokens = None;
        } else if c > MAX_TOKENS {
            findings.push(invalid(
                Subject::Workload {
                    key: WorkloadKey::Ctx,
                },
                format!("context of {c} tokens is beyond any model; using {MAX_TOKENS}"),
            ));
            w.ctx_tokens = Some(MAX_TOKENS);
        }
    }
    if w.batch == 0 {
        findings.push(invalid(
            Subject::Workload {
                key: WorkloadKey::Batch,
            },
            "batch of 0 streams; using 1".to_string(),
        ));
        w.batch = 1;
    } else if w.batch > MAX_BATCH {
        findings.push(invalid(
            Subject::Workload {
                key: WorkloadKey::Batch,
            },
            format!("batch of {} streams; using {MAX_BATCH}", w.batch),
        ));
        w.batch = MAX_BATCH;
    }

    let h = &mut s.host;
    if !h.mem_gb.is_finite() || h.mem_gb < 0.0 || h.mem_gb > 1.0e6 {
        findings.push(invalid(
            Subject::HostMemory,
            format!("host memory of {} GB; using 0", h.mem_gb),
        ));
        h.mem_gb = 0.0;
    }
    if bad(h.bw_gbps) || h.bw_gbps > 1.0e5 {
        findings.push(invalid(
            Subject::HostMemory,
            format!(
                "host bandwidth of {} GB/s; offloaded layers cannot run",
                h.bw_gbps
            ),
        ));
        h.bw_gbps = 0.0;
    }
    let p = &mut s.power;
    if !p.usd_per_kwh.is_finite() || p.usd_per_kwh < 0.0 {
        findings.push(invalid(
            Subject::Power,
            format!(
                "electricity price ${}/kWh is negative; using $0",
                p.usd_per_kwh
            ),
        ));
        p.usd_per_kwh = 0.0;
    }
    if !p.hours_per_day.is_finite() || !(0.0..=24.0).contains(&p.hours_per_day) {
        findings.push(invalid(
            Subject::Power,
            format!("{} h/day is outside 0-24; using 24", p.hours_per_day),
        ));
        p.hours_per_day = p.hours_per_day.clamp(0.0, 24.0);
        if !p.hours_per_day.is_finite() {
            p.hours_per_day = 24.0;
        }
    }
    s
}

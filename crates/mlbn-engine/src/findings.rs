//! Findings about the estimate (fit, offload, context, precision, runtime) and the
//! machine-applicable fixes that go with them, each with the result it would give.

use crate::device::rate_tflops;
use crate::engine::{Core, OVERHEAD_BOUND_SHARE, core};
use crate::estimate::*;
use crate::scenario::Scenario;
use mlbn_catalog::DeviceKind;

use crate::device::MEM_GB_BYTES;

/// Largest device count a "add devices" fix proposes.
const MAX_FIX_DEVICES: u32 = 64;

pub(crate) fn add_findings(s: &Scenario, c: &Core, findings: &mut Vec<Finding>) {
    let e = &c.est;
    let w = s.workload;

    // Context against the model's window.
    let ctx = w.allocated_ctx_tokens();
    let max_ctx = u64::from(s.model.max_ctx);
    if max_ctx > 0 && ctx > max_ctx {
        let key = if w.ctx_tokens.is_some() {
            WorkloadKey::Ctx
        } else {
            WorkloadKey::Prompt
        };
        let mut f = Finding::new(
            Severity::Warning,
            FindingCode::ContextExceedsModel,
            Subject::Workload { key },
            format!(
                "{ctx} tokens of context exceed {}'s window of {max_ctx}; quality past the \
                 window is not guaranteed",
                s.model.name
            ),
        );
        f.fixes.push(SuggestedFix {
            kind: FixKind::SetContext { tokens: max_ctx },
            title: format!("Limit the context to {max_ctx}"),
            effect: format!("stays within {}'s trained window", s.model.name),
        });
        findings.push(f);
    }

    // Runtime vs device vendor.
    for (i, g) in s.groups.iter().enumerate() {
        let vendor = g.device.vendor.to_ascii_lowercase();
        let kind_word = match g.device.kind {
            DeviceKind::AppleSoc => "apple",
            DeviceKind::Cpu => "cpu",
            _ => "",
        };
        let runs = s.runtime.runs_on.iter().any(|r| {
            let r = r.to_ascii_lowercase();
            r == vendor || (!kind_word.is_empty() && r == kind_word)
        });
        if !s.runtime.runs_on.is_empty() && !runs {
            findings.push(Finding::new(
                Severity::Warning,
                FindingCode::RuntimeDeviceMismatch,
                Subject::Runtime,
                format!(
                    "{} runs on {}, not on {} ({}); the estimate assumes it would",
                    s.runtime.name,
                    s.runtime.runs_on.join("/"),
                    g.device.name,
                    g.device.vendor
                ),
            ));
        }
        // Precision: quants that compute in fp8/int8/fp4 need native support.
        let own_native = g.device.native.contains(&s.quant.compute)
            && rate_tflops(&g.device, s.quant.compute).is_some();
        if !s.quant.weight_only && !own_native {
            findings.push(Finding::new(
                Severity::Info,
                FindingCode::QuantNotNative,
                Subject::Quant,
                format!(
                    "{} computes in {:?}, which {} (group {}) lacks natively; prefill runs in \
                     {:?} at {:.0} TFLOPS peak",
                    s.quant.name,
                    s.quant.compute,
                    g.device.name,
                    i + 1,
                    s.quant.fallback_compute,
                    rate_tflops(&g.device, s.quant.fallback_compute).unwrap_or(0.0)
                ),
            ));
        }
        if matches!(g.device.kind, DeviceKind::AppleSoc | DeviceKind::Apu) {
            if let Some(m) = e.memory.iter().find(|m| m.device.group == i) {
                if m.usable_fraction < 1.0 {
                    let sev = if m.overflow_gb > 0.0 {
                        Severity::Warning
                    } else {
                        Severity::Info
                    };
                    let mut f = Finding::new(
                        sev,
                        FindingCode::UnifiedMemoryLimit,
                        Subject::Hardware { group: i },
                        format!(
                            "the GPU of {} may use {:.0}% of its {:.0} GB unified memory by \
                             default ({:.1} GB); this scenario needs {:.1} GB there",
                            g.device.name,
                            m.usable_fraction * 100.0,
                            m.mem_gb,
                            m.usable_gb,
                            m.total_gb + m.overflow_gb
                        ),
                    );
                    let need = (m.total_gb + m.overflow_gb) / m.mem_gb.max(1e-9);
                    if m.overflow_gb > 0.0 && need < 0.95 {
                        let frac = ((need + 0.02) * 100.0).ceil() / 100.0;
                        f.fixes.push(SuggestedFix {
                            kind: FixKind::SetGpuMemFraction { fraction: frac },
                            title: format!("Raise the GPU memory limit to {:.0}%", frac * 100.0),
                            effect: format!(
                                "{:.1} GB for the GPU (sudo sysctl iogpu.wired_limit_mb={})",
                                frac * m.mem_gb,
                                (frac * m.mem_gb * 1024.0).round()
                            ),
                        });
                    }
                    findings.push(f);
                }
            }
        }
    }

    // Fit and offload.
    if !e.fits {
        let need = c.need_bytes / MEM_GB_BYTES;
        let usable = c.usable_bytes / MEM_GB_BYTES;
        let group = e
            .memory
            .iter()
            .find(|m| m.overflow_gb > 0.0)
            .map(|m| m.device.group)
            .unwrap_or(0);
        let subject = Subject::Hardware { group };
        let (sev, tail) = match &e.offload {
            Some(o) if c.offload_capable && !o.host_overflow => (
                Severity::Warning,
                format!(
                    ": {} of {} layers ({:.1} GiB) run from host memory; decode {:.1} tok/s",
                    o.layers_on_host, o.layers_total, o.host_gb, e.decode_tok_s
                ),
            ),
            Some(o) if c.offload_capable && o.host_overflow => (
                Severity::Error,
                format!(
                    " and host memory ({:.0} GiB) cannot hold the other {:.1} GiB either",
                    o.host_mem_gb, o.host_gb
                ),
            ),
            _ => (
                Severity::Error,
                format!(
                    "; {} cannot run layers from host memory (speeds below assume it could)",
                    s.runtime.name
                ),
            ),
        };
        let mut f = Finding::new(
            sev,
            FindingCode::DoesNotFit,
            subject,
            format!(
                "{} {} needs {:.1} GiB (weights {:.1} GiB + KV + buffers), {:.1} GiB usable{}",
                s.model.name,
                s.quant.name,
                need,
                e.model.weights_gb * 1e9 / MEM_GB_BYTES,
                usable,
                tail
            ),
        );
        f.fixes = fit_fixes(s, c);
        findings.push(f);
        if let Some(o) = e.offload.as_ref().filter(|_| c.offload_capable) {
            let host_bw = s.host.bw_gbps;
            findings.push(Finding::new(
                if o.host_overflow {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                if o.host_overflow {
                    FindingCode::HostMemoryExhausted
                } else {
                    FindingCode::HostOverflow
                },
                Subject::HostMemory,
                format!(
                    "{} of {} layers ({:.1} GiB) sit in host memory ({:.0} GiB at {:.0} GB/s): \
                     they take {:.1} of {:.1} ms per token",
                    o.layers_on_host,
                    o.layers_total,
                    o.host_gb,
                    o.host_mem_gb,
                    host_bw,
                    e.decode.offload_ms,
                    e.decode.total_ms
                ),
            ));
        }
    }

    // KV dominating memory.
    let kv: f64 = e.memory.iter().map(|m| m.kv_gb).sum();
    let wts: f64 = e.memory.iter().map(|m| m.weights_gb).sum();
    if kv > wts && kv > 1.0 {
        findings.push(Finding::new(
            Severity::Info,
            FindingCode::KvDominates,
            Subject::Workload {
                key: WorkloadKey::Ctx,
            },
            format!(
                "the KV cache ({kv:.1} GB for {} tokens x {} streams) is larger than the \
                 weights ({wts:.1} GB)",
                w.allocated_ctx_tokens(),
                w.batch
            ),
        ));
    }

    // Overhead-bound decode.
    let d = &e.decode;
    if d.total_ms > 0.0 && d.overhead_ms / d.total_ms > OVERHEAD_BOUND_SHARE {
        findings.push(Finding::new(
            Severity::Info,
            FindingCode::OverheadBound,
            Subject::Runtime,
            format!(
                "{:.0}% of each decode step ({:.2} of {:.2} ms) is fixed {} overhead, not \
                 memory traffic: the model is small for this device",
                100.0 * d.overhead_ms / d.total_ms,
                d.overhead_ms,
                d.total_ms,
                s.runtime.name
            ),
        ));
    }
}

/// Fixes for a scenario that does not fit: the largest alternative quant that fits, and the
/// device count that would hold the model.
fn fit_fixes(s: &Scenario, c: &Core) -> Vec<SuggestedFix> {
    let mut fixes = Vec::new();
    let mut alts: Vec<&mlbn_catalog::Quant> = s
        .alt_quants
        .iter()
        .filter(|q| {
            quant_runs_on(&q.format, &s.runtime.family)
                && q.bits_per_weight.is_finite()
                && q.bits_per_weight > 0.0
                && q.bits_per_weight < s.quant.bits_per_weight
        })
        .collect();
    alts.sort_by(|a, b| b.bits_per_weight.total_cmp(&a.bits_per_weight));
    for q in alts {
        let mut alt = s.clone();
        alt.quant = q.clone();
        alt.alt_quants.clear();
        let r = core(&alt, &mut Vec::new());
        if r.est.fits {
            fixes.push(SuggestedFix {
                kind: FixKind::UseQuant {
                    quant_id: q.id.clone(),
                },
                title: format!("Use {}", q.name),
                effect: format!(
                    "fits ({:.1} of {:.1} GiB), decode ~{:.1} tok/s instead of {:.1}",
                    r.need_bytes / MEM_GB_BYTES,
                    r.usable_bytes / MEM_GB_BYTES,
                    r.est.decode_tok_s,
                    c.est.decode_tok_s
                ),
            });
            break;
        }
    }
    if s.groups.len() == 1 && c.usable_bytes > 0.0 {
        let g = &s.groups[0];
        let start = g.count.saturating_add(1);
        let guess = ((c.need_bytes / c.usable_bytes) * f64::from(g.count)).ceil() as u32;
        let from = start.max(guess.min(MAX_FIX_DEVICES));
        for n in from..=MAX_FIX_DEVICES {
            let mut alt = s.clone();
            alt.groups[0].count = n;
            alt.alt_quants.clear();
            let r = core(&alt, &mut Vec::new());
            if r.est.fits {
                fixes.push(SuggestedFix {
                    kind: FixKind::SetDeviceCount { group: 0, count: n },
                    title: format!("Use {n}x {}", g.device.name),
                    effect: format!(
                        "fits as a pipeline over {n} devices, decode ~{:.1} tok/s",
                        r.est.decode_tok_s
                    ),
                });
                break;
            }
        }
    }
    fixes
}

/// Whether a runtime family loads weights in this quant format: GGUF for llama.cpp-based
/// runtimes, MLX formats for MLX/exo, GPTQ/AWQ/FP8/INT8/NVFP4/MXFP4 checkpoints for the
/// serving engines; plain float everywhere.
pub(crate) fn quant_runs_on(format: &str, family: &str) -> bool {
    let f = format.to_ascii_lowercase();
    let fam = family.to_ascii_lowercase();
    if f == "float" {
        return true;
    }
    match fam.as_str() {
        "llama.cpp" | "ollama" => f == "gguf",
        "mlx" | "exo" => f == "mlx",
        _ => !matches!(f.as_str(), "gguf" | "mlx"),
    }
}

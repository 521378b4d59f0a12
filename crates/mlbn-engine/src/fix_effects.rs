//! Effects of suggested fixes (issue 6 alerts): every machine-applicable fix says what it would
//! give, computed by re-running the physics with the fix applied ("fits, decode 31 tok/s").
//!
//! [`crate::findings`] already simulates the fixes it searches for (a smaller quant, more
//! devices) and writes their result with "tok/s" into the effect; this pass completes the
//! others (context limit, GPU memory limit, KV type, batch, strategy — and fixes added later)
//! the same way. It runs [`core`] only, which emits no fixes, so effects are one level deep
//! and never recurse.

use crate::engine::{Core, core};
use crate::estimate::*;
use crate::scenario::Scenario;
use crate::validate;

const GB: f64 = 1e9;

/// The scenario with `fix` applied, or `None` when the fix cannot be applied here (unknown
/// quant or KV id, group out of range, a kind this pass does not know).
fn apply(s: &Scenario, fix: &FixKind) -> Option<Scenario> {
    let mut alt = s.clone();
    alt.alt_quants.clear();
    match fix {
        FixKind::UseQuant { quant_id } => {
            alt.quant = s.alt_quants.iter().find(|q| &q.id == quant_id)?.clone();
        }
        FixKind::UseKvType { kv_id } => {
            alt.kv = Some(
                mlbn_catalog::Catalog::builtin()
                    .kv_types
                    .iter()
                    .find(|k| &k.id == kv_id)?
                    .clone(),
            );
        }
        FixKind::SetDeviceCount { group, count } => {
            alt.groups.get_mut(*group)?.count = *count;
        }
        FixKind::SetGpuMemFraction { fraction } => alt.gpu_mem_fraction = Some(*fraction),
        FixKind::SetContext { tokens } => alt.workload.ctx_tokens = Some(*tokens),
        FixKind::SetBatch { batch } => alt.workload.batch = *batch,
        FixKind::SetStrategy { strategy } => alt.strategy = *strategy,
        #[allow(unreachable_patterns)]
        _ => return None,
    }
    Some(alt)
}

/// One sentence on the result of the re-run, compared with the current estimate.
fn describe(now: &Estimate, r: &Core) -> String {
    let e = &r.est;
    let fit = if e.fits {
        format!(
            "fits ({:.1} of {:.1} GB)",
            r.need_bytes / GB,
            r.usable_bytes / GB
        )
    } else {
        match &e.offload {
            Some(o) => format!(
                "still does not fit: {} of {} layers in host memory",
                o.layers_on_host, o.layers_total
            ),
            None => "still does not fit".to_string(),
        }
    };
    format!(
        "{fit}, decode {:.1} tok/s (now {:.1}), prefill {:.0} tok/s",
        e.decode_tok_s, now.decode_tok_s, e.prefill_tok_s
    )
}

/// Fill in the effect of every fix whose effect does not yet carry the re-run's numbers.
pub(crate) fn complete(s: &Scenario, now: &Estimate, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        for fix in &mut f.fixes {
            if fix.effect.contains("tok/s") {
                continue;
            }
            let Some(alt) = apply(s, &fix.kind) else {
                continue;
            };
            let alt = validate::sanitize(&alt, &mut Vec::new());
            let r = core(&alt, &mut Vec::new());
            let text = describe(now, &r);
            fix.effect = if fix.effect.is_empty() {
                text
            } else {
                format!("{}; {text}", fix.effect)
            };
        }
    }
}

//! The `mlbn analyze --json` object. Its shape is documented in docs/json.md; bump
//! [`SCHEMA_VERSION`] on any change that removes or renames a field.

use mlbn_ide::{Analysis, ResolvedScenario, ScenarioAnalysis};
use mlbn_render::line_col;
use mlbn_syntax::Diagnostic;
use serde_json::{Value, json};

pub const SCHEMA_VERSION: u32 = 1;

fn diagnostic(text: &str, d: &Diagnostic) -> Value {
    let (line, column) = line_col(text, d.span.start);
    json!({
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message,
        "line": line,
        "column": column,
        "start": d.span.start,
        "end": d.span.end,
        "help": d.help,
        "fixes": d.fixes.iter().map(|f| json!({
            "title": f.title,
            "effect": f.effect,
            "edits": f.edits.iter().map(|e| json!({
                "start": e.span.start,
                "end": e.span.end,
                "new_text": e.new_text,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn resolved(r: &ResolvedScenario) -> Value {
    json!({
        "devices": r.devices.iter().map(|g| json!({
            "id": g.device.id,
            "name": g.device.name,
            "count": g.count,
            "mem_gb": g.device.mem_gb,
            "bw_gbps": g.device.bw_gbps,
            "fp16_tflops": g.device.fp16_tflops,
            "tdp_w": g.device.tdp_w,
            "link": g.link.as_ref().map(|l| l.id.clone()),
            "custom": g.custom,
        })).collect::<Vec<_>>(),
        "link": r.over.as_ref().map(|l| json!({
            "id": l.id, "name": l.name, "bw_gbps": l.bw_gbps, "latency_us": l.latency_us,
        })),
        "model": {
            "id": r.model.id,
            "name": r.model.name,
            "hf_id": r.model.hf_id,
            "params_b": r.model.params_b,
            "active_params_b": r.model.active_params_b,
            "layers": r.model.layers,
            "max_ctx": r.model.max_ctx,
            "file": r.model_file,
        },
        "quant": {
            "id": r.quant.id,
            "name": r.quant.name,
            "bits_per_weight": r.quant.bits_per_weight,
        },
        "kv": r.kv.id,
        "runtime": { "id": r.runtime.id, "name": r.runtime.name },
        "workload": {
            "prompt_tokens": r.workload.prompt_tokens,
            "gen_tokens": r.workload.gen_tokens,
            "batch": r.workload.batch,
            "ctx_tokens": r.workload.ctx_tokens,
        },
        "electricity": {
            "usd_per_kwh": r.power.usd_per_kwh,
            "hours_per_day": r.power.hours_per_day,
        },
        "defaulted": r.defaulted.iter().map(|d| json!({
            "field": d.field, "value": d.value,
        })).collect::<Vec<_>>(),
    })
}

fn scenario(text: &str, a: &Analysis, i: usize, s: &ScenarioAnalysis) -> Value {
    let findings: Vec<Value> = a
        .diagnostics
        .iter()
        .filter(|d| d.span.start >= s.span.start && d.span.start <= s.span.end)
        .map(|d| diagnostic(text, d))
        .collect();
    let mut v = json!({
        "index": i,
        "resolved": s.resolved.is_ok(),
        "error": s.resolved.as_ref().err(),
        "findings": findings,
        // Filled below from the estimate; null when there is none.
        "fits": null,
        "decode_tok_s": null,
        "prefill_tok_s": null,
        "ttft_ms": null,
        "total_s": null,
        "power_w": null,
        "power": null,
        "auto": null,
        "phase_split": null,
        "reference": s.reference,
        "memory": [],
        "strategy": null,
        "devices": [],
        "defaulted": [],
        "estimate": null,
    });
    let obj = v.as_object_mut().expect("built as an object");
    if let Ok(r) = &s.resolved
        && let Value::Object(fields) = resolved(r)
    {
        obj.extend(fields);
        obj.insert(
            "strategy".into(),
            json!({ "requested": r.strategy.label(), "chosen": null, "summary": null }),
        );
    }
    if let Some(e) = &s.estimate {
        obj.insert("fits".into(), json!(e.fits));
        obj.insert("decode_tok_s".into(), json!(e.decode_tok_s));
        obj.insert("prefill_tok_s".into(), json!(e.prefill_tok_s));
        obj.insert("ttft_ms".into(), json!(e.ttft_ms));
        obj.insert("total_s".into(), json!(e.total_s));
        obj.insert("memory".into(), json!(e.memory));
        obj.insert("power_w".into(), json!(e.power.decode_w));
        obj.insert("power".into(), json!(e.power));
        obj.insert("auto".into(), json!(e.auto));
        obj.insert("phase_split".into(), json!(e.phase_split));
        if let Some(Value::Object(st)) = obj.get_mut("strategy") {
            st.insert("chosen".into(), json!(e.strategy.kind));
            st.insert("summary".into(), json!(e.strategy.summary));
        }
        obj.insert("estimate".into(), json!(e));
    }
    v
}

/// The whole object: headline fields of the first scenario at the top, every scenario in
/// `scenarios`, and all diagnostics.
pub fn analysis_json(source: &str, a: &Analysis) -> Value {
    let scenarios: Vec<Value> = a
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| scenario(&a.text, a, i, s))
        .collect();
    let mut top = json!({
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "ok": !a.has_errors(),
        "diagnostics": a.diagnostics.iter().map(|d| diagnostic(&a.text, d)).collect::<Vec<_>>(),
    });
    let obj = top.as_object_mut().expect("built as an object");
    const HEADLINE: &[&str] = &[
        "fits",
        "decode_tok_s",
        "prefill_tok_s",
        "ttft_ms",
        "total_s",
        "power_w",
        "power",
        "auto",
        "phase_split",
        "reference",
        "memory",
        "strategy",
        "devices",
        "findings",
        "defaulted",
    ];
    for key in HEADLINE {
        let v = scenarios
            .first()
            .and_then(|s| s.get(*key).cloned())
            .unwrap_or(Value::Null);
        obj.insert((*key).to_string(), v);
    }
    obj.insert("scenarios".into(), Value::Array(scenarios));
    top
}

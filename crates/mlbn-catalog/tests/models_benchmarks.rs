//! Every `model_hf_id` and `quant` in ../shared/benchmarks/*.csv resolves to a catalog entry,
//! and where a row states params_b the catalog agrees within 10% (documented exceptions aside).

use mlbn_catalog::{Catalog, Resolution};
use std::path::PathBuf;

mod common;
use common::{bench_dir, parse_csv};

struct Row {
    file: String,
    model: String,
    quant: String,
    params_b: Option<f64>,
    bits_per_weight: Option<f64>,
}

fn benchmark_rows() -> Option<Vec<Row>> {
    let entries = std::fs::read_dir(bench_dir()).ok()?;
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable benchmark csv");
        let rows = parse_csv(&text);
        let header = &rows[0];
        let col = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (m, q, p) = (col("model_hf_id"), col("quant"), col("params_b"));
        let b = col("bits_per_weight");
        for r in &rows[1..] {
            if r.len() < header.len() {
                continue;
            }
            out.push(Row {
                file: path.file_name().unwrap().to_string_lossy().into_owned(),
                model: r[m].clone(),
                quant: r[q].clone(),
                params_b: r[p].trim().parse().ok(),
                bits_per_weight: r[b].trim().parse().ok(),
            });
        }
    }
    Some(out)
}

fn describe<T>(r: &Resolution<'_, T>) -> String {
    match r {
        Resolution::Found(_) => "found".into(),
        Resolution::Ambiguous(v) => format!("ambiguous between {} entries", v.len()),
        Resolution::NotFound { suggestions } => format!("not found (did you mean {suggestions:?})"),
    }
}

#[test]
fn every_benchmark_model_and_quant_resolves() {
    let Some(rows) = benchmark_rows() else {
        println!("note: ../shared/benchmarks not present; skipping");
        return;
    };
    assert!(rows.len() > 250, "read only {} benchmark rows", rows.len());
    let cat = Catalog::builtin();
    let mut missing = Vec::new();
    for r in &rows {
        let m = cat.model(&r.model);
        if m.found().is_none() {
            missing.push(format!("{}: model `{}` {}", r.file, r.model, describe(&m)));
        }
        let q = cat.quant(&r.quant);
        if q.found().is_none() {
            missing.push(format!("{}: quant `{}` {}", r.file, r.quant, describe(&q)));
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "unresolved:\n{}", missing.join("\n"));
}

/// Rows whose params_b is known not to describe the weights the catalog models.
const PARAMS_EXCEPTIONS: &[(&str, &str)] = &[
    // int4 weights packed into int32 tensors: the source counted packed elements.
    (
        "Lasimeri/MiniMax-M2.7-int4-AutoRound",
        "packed int4 counted as int32 elements",
    ),
    // Expert-pruned repack; the catalog infers 160 kept experts from the "180B" name.
    (
        "0xSero/DeepSeek-V4-Flash-180B",
        "row lists 158B for a 180B-named pruned repack",
    ),
    // The E-series rows count audio/vision encoders and the double-wide MLP the catalog omits.
    (
        "google/gemma-4-E2B-it",
        "row counts encoders and double-wide MLP",
    ),
];

#[test]
fn benchmark_params_agree_with_catalog() {
    let Some(rows) = benchmark_rows() else {
        println!("note: ../shared/benchmarks not present; skipping");
        return;
    };
    let cat = Catalog::builtin();
    let mut off = Vec::new();
    for r in &rows {
        let (Some(p), Some(m)) = (r.params_b, cat.model(&r.model).found()) else {
            continue;
        };
        if PARAMS_EXCEPTIONS.iter().any(|(id, _)| *id == r.model) {
            continue;
        }
        // Rows may include the vision encoder; the catalog keeps it separate.
        let with_encoder = m.params_b + m.encoder_params_b.unwrap_or(0.0);
        let close = |x: f64| (x - p).abs() / p <= 0.10;
        if !close(m.params_b) && !close(with_encoder) {
            off.push(format!(
                "{} row {p} vs catalog {} ({})",
                r.model, m.params_b, m.id
            ));
        }
    }
    off.sort();
    off.dedup();
    assert!(off.is_empty(), "params disagree:\n{}", off.join("\n"));
}

#[test]
fn benchmark_bits_per_weight_agree_with_quant_table() {
    let Some(rows) = benchmark_rows() else {
        println!("note: ../shared/benchmarks not present; skipping");
        return;
    };
    let cat = Catalog::builtin();
    let mut off = Vec::new();
    let mut checked = 0;
    for r in &rows {
        let (Some(bpw), Some(q)) = (r.bits_per_weight, cat.quant(&r.quant).found()) else {
            continue;
        };
        checked += 1;
        let want = file_bits(q, cat.model(&r.model).found());
        // Mixes vary with the model (embedding share, per-model recipes); 10% covers the
        // measured spread of UD-Q4_K_XL (4.60-5.29) around its median.
        if (want - bpw).abs() / bpw > 0.10 {
            off.push(format!(
                "{} `{}` row {bpw} vs {} {want:.2}",
                r.model, r.quant, q.id
            ));
        }
    }
    assert!(checked > 100, "only {checked} rows carry bits_per_weight");
    off.sort();
    off.dedup();
    assert!(
        off.is_empty(),
        "bits per weight disagree:\n{}",
        off.join("\n")
    );
}

/// File-average bits per weight the catalog describes for `q` on `model`: routed experts at
/// their own width (the quant's expert width, or the model's native format, which GGUF files
/// keep), everything else at the quant's width.
fn file_bits(q: &mlbn_catalog::Quant, model: Option<&mlbn_catalog::Model>) -> f64 {
    let Some((m, moe)) = model.and_then(|m| m.moe.as_ref().map(|x| (m, x))) else {
        return q.bits_per_weight;
    };
    let native = moe.native_expert_format.as_ref();
    if q.expert_bits_per_weight.is_none() && native.is_none() {
        return q.bits_per_weight;
    }
    let routed = f64::from(moe.experts)
        * 3.0
        * f64::from(m.hidden)
        * f64::from(moe.expert_ffn)
        * f64::from(m.layers.saturating_sub(moe.dense_layers));
    let total = m.params_b * 1e9;
    let quant_expert = q.expert_bits_per_weight.unwrap_or(q.bits_per_weight);
    let (rest_bits, expert_bits) = match native {
        // The native format's own name is the upstream checkpoint: the rest in 16 bit.
        Some(n) if q.format.eq_ignore_ascii_case(&n.name) => (16.0, n.bits_per_weight),
        Some(n) if q.format.eq_ignore_ascii_case("gguf") => (q.bits_per_weight, n.bits_per_weight),
        Some(n) => (q.bits_per_weight, quant_expert.min(n.bits_per_weight)),
        None => (q.bits_per_weight, quant_expert),
    };
    (routed * expert_bits + (total - routed) * rest_bits) / total
}

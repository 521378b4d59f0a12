//! Measured references (issue 6, seed 6.4): the project's measured benchmark runs, bundled
//! with their sources, and the search for the run closest to a resolved scenario, shown
//! beside the estimate as "Reference: Llama 3 8B Q4_K_M on RTX 3070 8GB, llama.cpp CUDA:
//! 72.8 tok/s (source)".
//!
//! A reference is display-only: it takes the estimate by shared reference and never changes
//! it (the engine does not see these rows at all).
//!
//! # Matching
//! A run is a candidate only when all of these hold:
//! - **hardware**: the same device (catalog id of the run's hardware string, or, when the
//!   string does not resolve, the same name once memory sizes, core counts and vendor words are
//!   dropped) in the same count, every device of the scenario being that device;
//! - **model**: the same catalog model, or the same family with total (and active) parameters
//!   within [`PARAMS_TOLERANCE`];
//! - **quant class**: bits per weight within [`BPW_TOLERANCE`] (the run's stated bits, else its
//!   catalog quant's);
//! - **runtime family**: llama.cpp, MLX, vLLM, SGLang, TRT-LLM, Ollama or exo, read from the
//!   run's runtime string.
//!
//! The rows are parsed and their names resolved with [`crate::eval`]'s CSV reader and
//! resolvers, so a reference and `mlbn eval` read a run the same way.
//!
//! Candidates are ranked by a penalty: an inexact device name, a sibling model, another quant
//! or format, another backend, distant prompt/generation lengths and a CAUTION note each add
//! to it; the lowest wins. Every deviation is written into [`Reference::match_notes`].

use crate::eval::{parse_csv, resolve_device, resolve_model, resolve_quant, runtime_names};
use mlbn_catalog::{Catalog, Device, Model, Quant, normalize};
use mlbn_engine::{Estimate, Scenario};
use serde::Serialize;
use std::sync::OnceLock;

/// The bundled measured-run files (copies of `shared/benchmarks/*.csv`; see
/// `data/measured/README.md`).
pub const MEASURED_FILES: &[(&str, &str)] = &[
    (
        "measurements-dev.csv",
        include_str!("../data/measured/measurements-dev.csv"),
    ),
    (
        "localmaxxing-dev.csv",
        include_str!("../data/measured/localmaxxing-dev.csv"),
    ),
];

/// Largest relative difference in parameter count for a sibling model to count as the same
/// size (Llama 3 8B vs Llama 3.1 8B).
pub const PARAMS_TOLERANCE: f64 = 0.15;
/// Largest difference in bits per weight for two quants to be in the same class.
pub const BPW_TOLERANCE: f64 = 1.0;

/// One measured run as bundled. Empty cells are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredRun {
    /// File the row came from.
    pub file: &'static str,
    pub id: String,
    /// Hardware as the source writes it ("RTX 3070 8GB").
    pub hardware: String,
    pub device_count: u32,
    pub interconnect: String,
    pub model_hf_id: String,
    pub params_b: Option<f64>,
    pub active_params_b: Option<f64>,
    pub quant: String,
    pub bits_per_weight: Option<f64>,
    /// Runtime as the source writes it ("llama.cpp (CUDA, May 2024)").
    pub runtime: String,
    pub batch: u32,
    pub prompt_tokens: Option<u64>,
    pub gen_tokens: Option<u64>,
    pub decode_tok_s: Option<f64>,
    pub prefill_tok_s: Option<f64>,
    pub source_url: String,
    pub notes: String,
}

/// How closely a reference matches the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchQuality {
    /// Same device id, model, quant and runtime family + backend.
    Exact,
    /// Within the tolerances, with differences listed in the notes.
    Close,
}

/// A measured run shown beside an estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// "Llama 3 8B Q4_K_M on RTX 3070 8GB, llama.cpp CUDA".
    pub label: String,
    /// Row id in the bundled files.
    pub run_id: String,
    pub measured_decode_tok_s: Option<f64>,
    pub measured_prefill_tok_s: Option<f64>,
    pub prompt_tokens: Option<u64>,
    pub gen_tokens: Option<u64>,
    pub source_url: String,
    /// measured / estimated single-stream decode.
    pub decode_ratio_to_estimate: Option<f64>,
    /// measured / estimated prefill.
    pub prefill_ratio_to_estimate: Option<f64>,
    pub quality: MatchQuality,
    /// Lower is closer; only meaningful for ranking.
    pub penalty: f64,
    /// What differs from the scenario, and caveats from the source.
    pub match_notes: Vec<String>,
}

impl Reference {
    /// One line for reports: "Reference: Llama 3 8B Q4_K_M on RTX 3070 8GB, llama.cpp CUDA:
    /// 72.8 tok/s decode (1.00x the estimate), 2403 tok/s prefill (0.91x) — <source>".
    pub fn summary(&self) -> String {
        let part = |v: Option<f64>, r: Option<f64>, what: &str, prec: usize, first: bool| {
            v.map(|v| {
                let ratio = r.map_or(String::new(), |r| {
                    if first {
                        format!(" ({r:.2}x the estimate)")
                    } else {
                        format!(" ({r:.2}x)")
                    }
                });
                format!("{v:.prec$} tok/s {what}{ratio}")
            })
        };
        let dec = part(
            self.measured_decode_tok_s,
            self.decode_ratio_to_estimate,
            "decode",
            1,
            true,
        );
        let pre = part(
            self.measured_prefill_tok_s,
            self.prefill_ratio_to_estimate,
            "prefill",
            0,
            dec.is_none(),
        );
        let figures: Vec<String> = [dec, pre].into_iter().flatten().collect();
        format!(
            "Reference: {}: {} \u{2014} {}",
            self.label,
            figures.join(", "),
            self.source_url
        )
    }
}

fn opt_f64(s: &str) -> Option<f64> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x > 0.0)
}

fn opt_u64(s: &str) -> Option<u64> {
    s.trim().parse::<u64>().ok()
}

fn parse_file(file: &'static str, text: &str) -> Vec<MeasuredRun> {
    let mut rows = parse_csv(text).into_iter();
    let Some(header) = rows.next() else {
        return Vec::new();
    };
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let names = [
        "id",
        "hardware",
        "device_count",
        "interconnect",
        "model_hf_id",
        "params_b",
        "active_params_b",
        "quant",
        "bits_per_weight",
        "runtime",
        "batch_size",
        "prompt_tokens",
        "gen_tokens",
        "decode_tok_s",
        "prefill_tok_s",
        "source_url",
        "notes",
    ];
    let Some(c) = names.iter().map(|n| col(n)).collect::<Option<Vec<usize>>>() else {
        return Vec::new();
    };
    rows.filter_map(|r| {
        let f = |i: usize| r.get(c[i]).map_or("", |x| x.trim());
        (!f(0).is_empty()).then(|| MeasuredRun {
            file,
            id: f(0).to_string(),
            hardware: f(1).to_string(),
            device_count: f(2).parse().unwrap_or(1),
            interconnect: f(3).to_string(),
            model_hf_id: f(4).to_string(),
            params_b: opt_f64(f(5)),
            active_params_b: opt_f64(f(6)),
            quant: f(7).to_string(),
            bits_per_weight: opt_f64(f(8)),
            runtime: f(9).to_string(),
            batch: f(10).parse().unwrap_or(1),
            prompt_tokens: opt_u64(f(11)),
            gen_tokens: opt_u64(f(12)),
            decode_tok_s: opt_f64(f(13)),
            prefill_tok_s: opt_f64(f(14)),
            source_url: f(15).to_string(),
            notes: f(16).to_string(),
        })
    })
    .collect()
}

/// Every bundled run, parsed once.
pub fn measured_runs() -> &'static [MeasuredRun] {
    static RUNS: OnceLock<Vec<MeasuredRun>> = OnceLock::new();
    RUNS.get_or_init(|| {
        MEASURED_FILES
            .iter()
            .flat_map(|(name, text)| parse_file(name, text))
            .collect()
    })
}

/// A run's names resolved against the catalog with `mlbn eval`'s resolvers (so a reference
/// and an eval row read the same run the same way).
#[derive(Debug)]
struct Resolved {
    device: Option<Device>,
    model: Option<Model>,
    quant: Option<Quant>,
    /// Runtime family (`llama.cpp`, `mlx`, ..., `unknown`).
    family: String,
    backend: String,
    /// False when the source names no backend and it was inferred from the hardware vendor.
    backend_stated: bool,
}

fn resolve(run: &MeasuredRun, catalog: &Catalog) -> Resolved {
    let device = resolve_device(&run.hardware, catalog).ok();
    let (family, stated) = runtime_names(&run.runtime, &run.notes);
    // Without a stated backend, the one the catalog runs this family with on the device.
    let inferred = || {
        let d = device.as_ref()?;
        catalog
            .runtime_backend_for(&family, d)
            .map(|r| r.backend.to_ascii_lowercase())
    };
    let backend_stated = stated.is_some() || !matches!(family.as_str(), "llama.cpp" | "ollama");
    let backend = stated
        .or_else(inferred)
        .unwrap_or_else(|| "unknown".to_string());
    Resolved {
        model: resolve_model(&run.model_hf_id, catalog).ok(),
        quant: resolve_quant(&run.quant, catalog).ok(),
        device,
        family,
        backend,
        backend_stated,
    }
}

/// Resolutions of [`measured_runs`], index for index.
fn resolved_runs() -> &'static [Resolved] {
    static RESOLVED: OnceLock<Vec<Resolved>> = OnceLock::new();
    RESOLVED.get_or_init(|| {
        let catalog = Catalog::builtin();
        measured_runs()
            .iter()
            .map(|r| resolve(r, catalog))
            .collect()
    })
}

/// "llama.cpp (CUDA, May 2024)" → "llama.cpp CUDA"; strings without parentheses stay.
fn runtime_label(raw: &str) -> String {
    match raw.split_once('(') {
        Some((name, rest)) => {
            let first = rest.split([',', ')']).next().unwrap_or("").trim();
            format!("{} {}", name.trim(), first).trim().to_string()
        }
        None => raw.trim().to_string(),
    }
}

/// A device name reduced to what identifies the chip: parenthesised remarks, memory sizes
/// (`24GB`), core counts (`76-core`, `40c`) and vendor/brand words dropped.
pub(crate) fn hardware_key(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0u32;
    let mut cleaned = String::new();
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => cleaned.push(c),
            _ => {}
        }
    }
    const DROP: &[&str] = &[
        "nvidia", "geforce", "amd", "apple", "intel", "studio", "gpu",
    ];
    for tok in cleaned
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_ascii_lowercase)
        .filter(|t| !t.is_empty())
    {
        let digits = tok.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &tok[digits.len()..];
        let is_size = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && matches!(suffix, "gb" | "g" | "c" | "core" | "tb");
        if is_size || tok == "core" || DROP.contains(&tok.as_str()) {
            continue;
        }
        out.push_str(&tok);
    }
    out
}

fn device_keys(d: &Device) -> Vec<String> {
    std::iter::once(d.id.as_str())
        .chain(std::iter::once(d.name.as_str()))
        .chain(d.aliases.iter().map(String::as_str))
        .map(hardware_key)
        .filter(|k| !k.is_empty())
        .collect()
}

/// Relative difference `|a − b| / max(a, b)`.
fn rel_diff(a: f64, b: f64) -> f64 {
    let m = a.abs().max(b.abs());
    if m > 0.0 { (a - b).abs() / m } else { 0.0 }
}

/// |ln(a/b)| for positive counts, 0 when either is unknown.
fn log_distance(a: Option<u64>, b: u64) -> f64 {
    match a {
        Some(a) if a > 0 && b > 0 => (a as f64 / b as f64).ln().abs(),
        _ => 0.0,
    }
}

/// The scenario's single device type and total count, when every group is the same device.
fn scenario_hardware(s: &Scenario) -> Option<(&Device, u32)> {
    let first = &s.groups.first()?.device;
    if s.groups.iter().any(|g| g.device.id != first.id) {
        return None;
    }
    Some((first, s.device_count()))
}

struct Candidate<'a> {
    run: &'a MeasuredRun,
    model: Option<&'a Model>,
    penalty: f64,
    exact: bool,
    notes: Vec<String>,
}

fn match_run<'a>(
    s: &Scenario,
    device: &Device,
    count: u32,
    run: &'a MeasuredRun,
    res: &'a Resolved,
) -> Option<Candidate<'a>> {
    if run.decode_tok_s.is_none() && run.prefill_tok_s.is_none() {
        return None;
    }
    let mut penalty = 0.0;
    let mut exact = true;
    let mut notes = Vec::new();

    // Hardware.
    if run.device_count != count {
        return None;
    }
    match &res.device {
        Some(d) if d.id == device.id => {}
        Some(_) => return None,
        None => {
            let key = hardware_key(&run.hardware);
            if key.is_empty() || !device_keys(device).contains(&key) {
                return None;
            }
            penalty += 0.5;
            exact = false;
            notes.push(format!(
                "hardware matched by name (\"{}\"), not by catalog id",
                run.hardware
            ));
        }
    }

    // Model.
    match &res.model {
        Some(m) if m.id == s.model.id => {}
        Some(m) => {
            if normalize(&m.family) != normalize(&s.model.family) {
                return None;
            }
            let params = run.params_b.unwrap_or(m.params_b);
            let d_total = rel_diff(params, s.model.params_b);
            let active = run.active_params_b.unwrap_or(m.active_params_b);
            let d_active = rel_diff(active, s.model.active_params_b);
            if d_total > PARAMS_TOLERANCE || d_active > PARAMS_TOLERANCE {
                return None;
            }
            penalty += 1.0 + d_total + d_active;
            exact = false;
            notes.push(format!(
                "measured on {} ({:.1}B), a sibling of {} ({:.1}B)",
                m.name, params, s.model.name, s.model.params_b
            ));
        }
        None => {
            if normalize(&run.model_hf_id) != normalize(&s.model.hf_id) {
                return None;
            }
        }
    }

    // Quant class.
    // File-average widths: experts may be stored apart from the rest (gpt-oss MXFP4).
    let file_bits = |q: &mlbn_catalog::Quant| mlbn_engine::shape::file_bits_per_weight(&s.model, q);
    let bpw = run
        .bits_per_weight
        .or_else(|| res.quant.as_ref().map(file_bits))?;
    let d_bpw = (bpw - file_bits(&s.quant)).abs();
    if d_bpw.is_nan() || d_bpw > BPW_TOLERANCE {
        return None;
    }
    match &res.quant {
        Some(q) if q.id == s.quant.id => {}
        Some(q) if normalize(&q.format) == normalize(&s.quant.format) => {
            penalty += 0.5 + 0.5 * d_bpw;
            exact = false;
            notes.push(format!(
                "quant {} ({bpw:.2} bpw) instead of {} ({:.2} bpw)",
                run.quant, s.quant.name, s.quant.bits_per_weight
            ));
        }
        _ => {
            penalty += 1.0 + 0.5 * d_bpw;
            exact = false;
            notes.push(format!(
                "quant {} ({bpw:.2} bpw), another format than {} ({:.2} bpw)",
                run.quant, s.quant.name, s.quant.bits_per_weight
            ));
        }
    }

    // Runtime family and backend.
    if res.family == "unknown" || normalize(&res.family) != normalize(&s.runtime.family) {
        return None;
    }
    // MLX and exo imply their backend; a family entry (`auto`) picks one per device.
    let backend_implied = matches!(res.family.as_str(), "mlx" | "exo")
        || s.runtime.backend.eq_ignore_ascii_case("auto");
    if !backend_implied && !res.backend.eq_ignore_ascii_case(&s.runtime.backend) {
        penalty += 1.0;
        exact = false;
        notes.push(format!(
            "{} backend instead of {}",
            res.backend, s.runtime.backend
        ));
    } else if !backend_implied && !res.backend_stated {
        penalty += 0.3;
        exact = false;
        notes.push(format!(
            "the source does not name the backend (\"{}\"); {} assumed from the hardware",
            run.runtime, res.backend
        ));
    }

    // Workload lengths.
    let w = s.workload;
    penalty += 0.2 * log_distance(run.prompt_tokens, w.prompt_tokens)
        + 0.1 * log_distance(run.gen_tokens, w.gen_tokens);
    if let Some(p) = run.prompt_tokens
        && p != w.prompt_tokens
    {
        notes.push(format!(
            "measured with a {p}-token prompt (scenario: {})",
            w.prompt_tokens
        ));
    }
    if w.batch != run.batch {
        notes.push(format!(
            "measured at batch {} (scenario: {}); compared single-stream",
            run.batch, w.batch
        ));
    }
    if run.notes.contains("CAUTION") {
        penalty += 1.0;
        notes.push("the source marks this value CAUTION".to_string());
    }
    if run.notes.to_ascii_lowercase().contains("speculative") {
        notes.push("the source mentions speculative decoding".to_string());
    }
    Some(Candidate {
        run,
        model: res.model.as_ref(),
        penalty,
        exact,
        notes,
    })
}

fn ratio(measured: Option<f64>, estimated: f64) -> Option<f64> {
    let m = measured?;
    (estimated.is_finite() && estimated > 0.0).then(|| m / estimated)
}

fn reference(c: Candidate<'_>, s: &Scenario, e: &Estimate) -> Reference {
    let run = c.run;
    let model_name = c.model.map_or(s.model.name.as_str(), |m| m.name.as_str());
    let hw = if run.device_count > 1 {
        format!("{}x {}", run.device_count, run.hardware)
    } else {
        run.hardware.clone()
    };
    Reference {
        label: format!(
            "{model_name} {} on {hw}, {}",
            run.quant,
            runtime_label(&run.runtime)
        ),
        run_id: run.id.clone(),
        measured_decode_tok_s: run.decode_tok_s,
        measured_prefill_tok_s: run.prefill_tok_s,
        prompt_tokens: run.prompt_tokens,
        gen_tokens: run.gen_tokens,
        source_url: run.source_url.clone(),
        decode_ratio_to_estimate: ratio(run.decode_tok_s, e.decode_tok_s),
        prefill_ratio_to_estimate: ratio(run.prefill_tok_s, e.prefill_tok_s),
        quality: if c.exact {
            MatchQuality::Exact
        } else {
            MatchQuality::Close
        },
        penalty: c.penalty,
        match_notes: c.notes,
    }
}

/// Up to `limit` measured runs that match the scenario, closest first.
pub fn find_references(s: &Scenario, e: &Estimate, limit: usize) -> Vec<Reference> {
    let Some((device, count)) = scenario_hardware(s) else {
        return Vec::new();
    };
    let mut cands: Vec<Candidate<'_>> = measured_runs()
        .iter()
        .zip(resolved_runs())
        .filter_map(|(run, res)| match_run(s, device, count, run, res))
        .collect();
    cands.sort_by(|a, b| {
        a.penalty
            .total_cmp(&b.penalty)
            .then_with(|| a.run.id.cmp(&b.run.id))
    });
    cands
        .into_iter()
        .take(limit)
        .map(|c| reference(c, s, e))
        .collect()
}

/// The closest measured run, if any is close enough to show.
pub fn find_reference(s: &Scenario, e: &Estimate) -> Option<Reference> {
    find_references(s, e, 1).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_labels_are_short() {
        assert_eq!(
            runtime_label("llama.cpp (CUDA, May 2024)"),
            "llama.cpp CUDA"
        );
        assert_eq!(
            runtime_label("MLX (mlx-lm 0.28.2, mlx 0.29.2.dev)"),
            "MLX mlx-lm 0.28.2"
        );
        assert_eq!(runtime_label("Ollama"), "Ollama");
    }

    #[test]
    fn every_bundled_run_resolves_its_runtime_family() {
        for (run, res) in measured_runs().iter().zip(resolved_runs()) {
            assert_ne!(res.family, "unknown", "{}: {}", run.id, run.runtime);
        }
    }

    #[test]
    fn hardware_keys_drop_sizes_cores_and_vendor_words() {
        assert_eq!(hardware_key("RTX 3070 8GB"), "rtx3070");
        assert_eq!(hardware_key("NVIDIA GeForce RTX 3070"), "rtx3070");
        assert_eq!(hardware_key("rtx-3070"), "rtx3070");
        assert_eq!(
            hardware_key("Mac M2 Ultra 192GB (76-core GPU)"),
            "macm2ultra"
        );
        assert_eq!(hardware_key("mac-m2-ultra-192gb-76c"), "macm2ultra");
        assert_ne!(hardware_key("RTX 4090"), hardware_key("RTX 4080"));
    }

    /// Every fully resolved run, turned into its own scenario, is among that scenario's
    /// references: matching accepts what it should.
    #[test]
    fn every_resolved_run_is_a_reference_for_its_own_scenario() {
        use mlbn_engine::{DeviceGroup, Workload, estimate};
        let catalog = Catalog::builtin();
        let mut checked = 0;
        for (run, res) in measured_runs().iter().zip(resolved_runs()) {
            let (Some(d), Some(m), Some(q)) = (&res.device, &res.model, &res.quant) else {
                continue;
            };
            let fam = |r: &&mlbn_catalog::Runtime| r.family == res.family;
            let Some(rt) = catalog
                .runtimes
                .iter()
                .filter(fam)
                .find(|r| r.backend == res.backend)
                .or_else(|| catalog.runtimes.iter().find(fam))
            else {
                continue;
            };
            let mut s = Scenario::new(
                vec![DeviceGroup::new(d.clone(), run.device_count)],
                m.clone(),
                q.clone(),
                rt.clone(),
            );
            s.workload = Workload::new(
                run.prompt_tokens.unwrap_or(512),
                run.gen_tokens.unwrap_or(128),
                run.batch.max(1),
            );
            let e = estimate(&s);
            let refs = find_references(&s, &e, usize::MAX);
            assert!(
                refs.iter().any(|r| r.run_id == run.id),
                "{} ({} / {} / {} / {}) not matched",
                run.id,
                run.hardware,
                run.model_hf_id,
                run.quant,
                run.runtime
            );
            checked += 1;
        }
        // Nearly every bundled row resolves (the catalog tests hold it to that).
        assert!(checked > 250, "only {checked} rows checked");
    }

    #[test]
    fn every_bundled_row_parses_with_a_source() {
        let runs = measured_runs();
        assert_eq!(runs.len(), 230 + 63);
        for r in runs {
            assert!(r.source_url.starts_with("http"), "{}", r.id);
            assert!(
                r.decode_tok_s.is_some() || r.prefill_tok_s.is_some(),
                "{}",
                r.id
            );
            assert!(r.device_count >= 1);
        }
    }
}

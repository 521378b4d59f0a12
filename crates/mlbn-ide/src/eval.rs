//! `mlbn eval`: score the engine against measured runs.
//!
//! Reads the benchmark CSV format of `shared/benchmarks/README.md` (quoted fields may hold
//! commas, quotes and newlines), resolves each row's hardware, model, quant and runtime
//! against the catalog, builds the row's scenario (device count, prompt and generation
//! lengths, batch, and the run settings its command line states), predicts, and scores
//! decode and prefill: share of ALL measured rows within 1.25x / 1.5x / 2x and the median
//! observed/predicted ratio, overall, single vs multi device, per runtime family and by a
//! chosen grouping. Rows that cannot be resolved count as misses and are listed.
//!
//! Pure: the caller reads the file and prints the report (`render_text`, `predictions_csv`).

use mlbn_catalog::{Catalog, Device, KvType, Model, Quant, Resolution, Runtime};
use mlbn_engine::{BuildDate, DeviceGroup, Scenario, StrategyRequest, Workload, estimate};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Largest input accepted, bytes (a measurement file is kilobytes; this bounds allocation).
pub const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;
/// Largest number of rows evaluated.
pub const MAX_ROWS: usize = 100_000;

/// Prompt and generation lengths assumed when a row leaves them out (llama-bench defaults).
const DEFAULT_PROMPT: u64 = 512;
const DEFAULT_GEN: u64 = 128;

/// Extra grouping of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Only overall, single/multi and per runtime family.
    #[default]
    None,
    /// By runtime family and backend (`llama.cpp/cuda`).
    Runtime,
    /// By resolved hardware (catalog device id, or the row's text when unresolved).
    Hardware,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The input is larger than [`MAX_CSV_BYTES`].
    TooLarge { bytes: usize },
    /// The header lacks required columns.
    MissingColumns(Vec<String>),
    /// No header line.
    Empty,
    /// Two rows of the set share an id (row ids name rows in `--out` and in the misses list).
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
    /// An error in one file of a set.
    InFile { file: String, error: Box<EvalError> },
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::TooLarge { bytes } => {
                write!(f, "input of {bytes} bytes exceeds {MAX_CSV_BYTES} bytes")
            }
            EvalError::MissingColumns(c) => write!(f, "missing columns: {}", c.join(", ")),
            EvalError::Empty => write!(f, "empty input: expected a header line"),
            EvalError::DuplicateId { id, first, second } if first == second => {
                write!(
                    f,
                    "{first}: row id `{id}` appears twice; ids must be unique"
                )
            }
            EvalError::DuplicateId { id, first, second } => write!(
                f,
                "row id `{id}` is in both {first} and {second}; ids must be unique across files"
            ),
            EvalError::InFile { file, error } => write!(f, "{file}: {error}"),
        }
    }
}

impl std::error::Error for EvalError {}

/// One evaluated row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalRow {
    pub id: String,
    pub hardware: String,
    /// Catalog ids, when resolved.
    pub device_id: Option<String>,
    pub model_id: Option<String>,
    pub quant_id: Option<String>,
    /// `family/backend` the row ran on (from the runtime text, the command line or vendor).
    pub runtime: String,
    pub runtime_family: String,
    /// Devices the run actually used.
    pub device_count: u32,
    pub obs_decode_tok_s: Option<f64>,
    pub obs_prefill_tok_s: Option<f64>,
    pub pred_decode_tok_s: Option<f64>,
    pub pred_prefill_tok_s: Option<f64>,
    /// Why the row could not be predicted.
    pub miss: Option<String>,
}

impl EvalRow {
    pub fn multi(&self) -> bool {
        self.device_count > 1
    }
}

/// Accuracy of one phase over a set of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Score {
    /// Rows with a measurement of this phase.
    pub rows: usize,
    /// Of those, rows with a prediction.
    pub predicted: usize,
    pub within_1_25: usize,
    pub within_1_5: usize,
    pub within_2: usize,
    /// Median of observed / predicted over predicted rows.
    pub median_ratio: Option<f64>,
}

impl Score {
    fn share(&self, n: usize) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            n as f64 / self.rows as f64
        }
    }
    pub fn share_1_25(&self) -> f64 {
        self.share(self.within_1_25)
    }
    pub fn share_1_5(&self) -> f64 {
        self.share(self.within_1_5)
    }
    pub fn share_2(&self) -> f64 {
        self.share(self.within_2)
    }

    fn from_pairs(pairs: &[(Option<f64>, Option<f64>)]) -> Score {
        let mut s = Score::default();
        let mut ratios = Vec::new();
        for &(obs, pred) in pairs {
            let Some(o) = obs else { continue };
            s.rows += 1;
            let Some(p) = pred else { continue };
            if !(p.is_finite() && p > 0.0) {
                continue;
            }
            s.predicted += 1;
            let r = o / p;
            let f = r.max(1.0 / r);
            if f <= 1.25 {
                s.within_1_25 += 1;
            }
            if f <= 1.5 {
                s.within_1_5 += 1;
            }
            if f <= 2.0 {
                s.within_2 += 1;
            }
            ratios.push(r);
        }
        s.median_ratio = median(&mut ratios);
        s
    }
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Scores of a named set of rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    pub key: String,
    pub decode: Score,
    pub prefill: Score,
}

impl GroupScore {
    fn of<'a>(key: String, rows: impl Iterator<Item = &'a EvalRow>) -> GroupScore {
        let rows: Vec<&EvalRow> = rows.collect();
        let d: Vec<_> = rows
            .iter()
            .map(|r| (r.obs_decode_tok_s, r.pred_decode_tok_s))
            .collect();
        let p: Vec<_> = rows
            .iter()
            .map(|r| (r.obs_prefill_tok_s, r.pred_prefill_tok_s))
            .collect();
        GroupScore {
            key,
            decode: Score::from_pairs(&d),
            prefill: Score::from_pairs(&p),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub rows: Vec<EvalRow>,
    pub overall: GroupScore,
    pub single_device: GroupScore,
    pub multi_device: GroupScore,
    /// Single-device rows per runtime family.
    pub by_family_single: Vec<GroupScore>,
    /// All rows per runtime family.
    pub by_family: Vec<GroupScore>,
    pub group_by: GroupBy,
    /// Groups of the requested grouping (empty for `GroupBy::None`).
    pub groups: Vec<GroupScore>,
}

impl EvalReport {
    /// Rows that could not be predicted: `(id, reason)`.
    pub fn misses(&self) -> Vec<(&str, &str)> {
        self.rows
            .iter()
            .filter_map(|r| r.miss.as_deref().map(|m| (r.id.as_str(), m)))
            .collect()
    }

    /// `id,pred_decode_tok_s,pred_prefill_tok_s` per row (empty cells when not predicted).
    pub fn predictions_csv(&self) -> String {
        let mut out = String::from("id,pred_decode_tok_s,pred_prefill_tok_s\n");
        for r in &self.rows {
            let f = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{},{},{}",
                csv_field(&r.id),
                f(r.pred_decode_tok_s),
                f(r.pred_prefill_tok_s)
            );
        }
        out
    }

    /// Plain-text report.
    pub fn render_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{:<28} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6}   {:>5} {:>5} {:>6} {:>6} {:>6} {:>6}",
            "",
            "dec n",
            "pred",
            "1.25x",
            "1.5x",
            "2x",
            "median",
            "pre n",
            "pred",
            "1.25x",
            "1.5x",
            "2x",
            "median"
        );
        let line = |o: &mut String, g: &GroupScore| {
            let sc = |s: &Score| {
                format!(
                    "{:>5} {:>5} {:>5.0}% {:>5.0}% {:>5.0}% {:>6}",
                    s.rows,
                    s.predicted,
                    100.0 * s.share_1_25(),
                    100.0 * s.share_1_5(),
                    100.0 * s.share_2(),
                    s.median_ratio
                        .map(|m| format!("{m:.2}"))
                        .unwrap_or_else(|| "-".into())
                )
            };
            let _ = writeln!(o, "{:<28} {}   {}", g.key, sc(&g.decode), sc(&g.prefill));
        };
        line(&mut o, &self.overall);
        line(&mut o, &self.single_device);
        line(&mut o, &self.multi_device);
        let _ = writeln!(o, "\nper runtime family, single device:");
        for g in &self.by_family_single {
            line(&mut o, g);
        }
        let _ = writeln!(o, "\nper runtime family, all rows:");
        for g in &self.by_family {
            line(&mut o, g);
        }
        if !self.groups.is_empty() {
            let _ = writeln!(o, "\nby {:?}:", self.group_by);
            for g in &self.groups {
                line(&mut o, g);
            }
        }
        let misses = self.misses();
        if !misses.is_empty() {
            let _ = writeln!(o, "\nunresolved ({}):", misses.len());
            for (id, why) in misses {
                let _ = writeln!(o, "  {id}: {why}");
            }
        }
        let _ = writeln!(
            o,
            "\nshares are over ALL rows with a measurement; ratio = observed / predicted"
        );
        o
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Parse CSV text (RFC 4180: quoted fields, doubled quotes, newlines inside quotes).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push(std::mem::take(&mut row));
                } else {
                    row.clear();
                }
                if rows.len() > MAX_ROWS {
                    return rows;
                }
            }
            _ => field.push(c),
        }
    }
    if any && (!field.is_empty() || !row.is_empty()) {
        row.push(field);
        rows.push(row);
    }
    rows
}

const REQUIRED: &[&str] = &["id", "hardware", "model_hf_id", "quant", "runtime"];

/// Evaluate measured runs in `csv` against the engine.
pub fn evaluate(csv: &str, catalog: &Catalog, group_by: GroupBy) -> Result<EvalReport, EvalError> {
    let rows = csv_rows(csv, catalog, MAX_ROWS)?;
    check_unique_ids(rows.iter().map(|r| (r.id.as_str(), "the input")))?;
    Ok(report(rows, group_by))
}

/// Evaluate several measurement files as one set: `(name, csv)` pairs, each with its own
/// header (column order may differ). Row ids must be unique across the set; errors name the
/// file. The size limit holds per file, the row limit for the whole set.
pub fn evaluate_files(
    files: &[(&str, &str)],
    catalog: &Catalog,
    group_by: GroupBy,
) -> Result<EvalReport, EvalError> {
    let mut rows = Vec::new();
    let mut origin: Vec<&str> = Vec::new();
    for (name, csv) in files {
        let more =
            csv_rows(csv, catalog, MAX_ROWS - rows.len()).map_err(|e| EvalError::InFile {
                file: name.to_string(),
                error: Box::new(e),
            })?;
        origin.extend(std::iter::repeat_n(*name, more.len()));
        rows.extend(more);
    }
    check_unique_ids(rows.iter().map(|r| r.id.as_str()).zip(origin))?;
    Ok(report(rows, group_by))
}

/// The first id seen twice, with where it was seen (`(id, origin)` pairs).
fn check_unique_ids<'a>(ids: impl Iterator<Item = (&'a str, &'a str)>) -> Result<(), EvalError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, origin) in ids {
        if let Some(first) = seen.insert(id, origin) {
            return Err(EvalError::DuplicateId {
                id: id.to_string(),
                first: first.to_string(),
                second: origin.to_string(),
            });
        }
    }
    Ok(())
}

/// One file's rows, evaluated (at most `limit`).
fn csv_rows(csv: &str, catalog: &Catalog, limit: usize) -> Result<Vec<EvalRow>, EvalError> {
    if csv.len() > MAX_CSV_BYTES {
        return Err(EvalError::TooLarge { bytes: csv.len() });
    }
    let table = parse_csv(csv);
    let Some((header, body)) = table.split_first() else {
        return Err(EvalError::Empty);
    };
    let col: BTreeMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|c| !col.contains_key(**c))
        .map(|c| c.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(EvalError::MissingColumns(missing));
    }
    Ok(body
        .iter()
        .take(limit)
        .map(|r| {
            eval_row(
                &RowView {
                    col: &col,
                    cells: r,
                },
                catalog,
            )
        })
        .collect())
}

/// Scores over evaluated rows.
fn report(rows: Vec<EvalRow>, group_by: GroupBy) -> EvalReport {
    let overall = GroupScore::of("all rows".into(), rows.iter());
    let single_device = GroupScore::of("single device".into(), rows.iter().filter(|r| !r.multi()));
    let multi_device = GroupScore::of("multi device".into(), rows.iter().filter(|r| r.multi()));
    let mut families: Vec<String> = rows.iter().map(|r| r.runtime_family.clone()).collect();
    families.sort();
    families.dedup();
    let by_family_single = families
        .iter()
        .map(|f| {
            GroupScore::of(
                f.clone(),
                rows.iter().filter(|r| &r.runtime_family == f && !r.multi()),
            )
        })
        .filter(|g| g.decode.rows + g.prefill.rows > 0)
        .collect();
    let by_family = families
        .iter()
        .map(|f| GroupScore::of(f.clone(), rows.iter().filter(|r| &r.runtime_family == f)))
        .collect();
    let key_of = |r: &EvalRow| -> Option<String> {
        match group_by {
            GroupBy::None => None,
            GroupBy::Runtime => Some(r.runtime.clone()),
            GroupBy::Hardware => Some(r.device_id.clone().unwrap_or_else(|| r.hardware.clone())),
        }
    };
    let mut keys: Vec<String> = rows.iter().filter_map(key_of).collect();
    keys.sort();
    keys.dedup();
    let groups = keys
        .iter()
        .map(|k| {
            GroupScore::of(
                k.clone(),
                rows.iter().filter(|r| key_of(r).as_ref() == Some(k)),
            )
        })
        .collect();
    EvalReport {
        rows,
        overall,
        single_device,
        multi_device,
        by_family_single,
        by_family,
        group_by,
        groups,
    }
}

fn num(s: &str) -> Option<f64> {
    let t = s.trim().trim_start_matches('~').replace('_', "");
    t.parse::<f64>().ok().filter(|x| x.is_finite() && *x > 0.0)
}

/// One CSV row addressed by column name.
struct RowView<'a> {
    col: &'a BTreeMap<String, usize>,
    cells: &'a [String],
}

impl<'a> RowView<'a> {
    fn get(&self, name: &str) -> &'a str {
        self.col
            .get(name)
            .and_then(|&i| self.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

fn eval_row(row_view: &RowView<'_>, cat: &Catalog) -> EvalRow {
    let get = |name: &str| row_view.get(name);
    let notes = get("notes");
    let runtime_text = get("runtime");
    let hardware = get("hardware").to_string();
    let device = resolve_device(&hardware, cat);
    let (family, backend) = runtime_names(runtime_text, notes);
    let runtime = device
        .as_ref()
        .ok()
        .map(|d| runtime_record(&family, backend.as_deref(), d, cat));
    let model = resolve_model(get("model_hf_id"), cat);
    let quant = resolve_quant(get("quant"), cat);
    let listed = get("device_count").parse::<u32>().unwrap_or(1).max(1);
    let count = used_devices(notes).map(|u| u.min(listed)).unwrap_or(listed);
    let mut row = EvalRow {
        id: get("id").to_string(),
        hardware: hardware.clone(),
        device_id: device.as_ref().ok().map(|d| d.id.clone()),
        model_id: model.as_ref().ok().map(|m| m.id.clone()),
        quant_id: quant.as_ref().ok().map(|q| q.id.clone()),
        runtime: runtime
            .as_ref()
            .map(|r| format!("{}/{}", r.family, r.backend))
            .unwrap_or_else(|| format!("{family}/{}", backend.as_deref().unwrap_or("?"))),
        runtime_family: family.clone(),
        device_count: count,
        obs_decode_tok_s: num(get("decode_tok_s")),
        obs_prefill_tok_s: num(get("prefill_tok_s")),
        pred_decode_tok_s: None,
        pred_prefill_tok_s: None,
        miss: None,
    };
    let (device, model, quant) = match (device, model, quant) {
        (Ok(d), Ok(m), Ok(q)) => (d, m, q),
        (d, m, q) => {
            let why: Vec<String> = [d.err(), m.err(), q.err()].into_iter().flatten().collect();
            row.miss = Some(why.join("; "));
            return row;
        }
    };
    let mut quant = quant;
    // The row's measured file size (bits per weight) is more precise than the format's
    // typical figure: K-quant mixes differ per model.
    // Not where the experts are stored apart from the rest (gpt-oss MXFP4 experts): the
    // file average mixes two widths, which the engine composes from the catalog.
    let split_experts = quant.expert_bits_per_weight.is_some()
        || model
            .moe
            .as_ref()
            .is_some_and(|m| m.native_expert_format.is_some());
    if let Some(bpw) = num(get("bits_per_weight"))
        && bpw < 40.0
        && !split_experts
    {
        quant.bits_per_weight = bpw;
    }
    let Some(runtime) = runtime else {
        row.miss = Some("no runtime".into());
        return row;
    };
    let prompt_col = num(get("prompt_tokens")).map(|x| x as u64);
    let gen_tokens = num(get("gen_tokens"))
        .map(|x| x as u64)
        .unwrap_or(DEFAULT_GEN);
    let batch = num(get("batch_size")).map(|x| x as u32).unwrap_or(1).max(1);
    // Server rows record the configured context window, not a prompt, when it equals `-c`.
    let ctx_flag = flag_value(notes, &["-c", "--ctx-size", "--max-model-len"])
        .or_else(|| env_value(notes, &["CTX_SIZE", "VLLM_MAX_MODEL_LEN"]));
    let (prompt, ctx) = match (prompt_col, ctx_flag) {
        (Some(p), Some(c)) if p == c => (DEFAULT_PROMPT, Some(c)),
        (Some(p), c) => (p, c),
        (None, c) => (DEFAULT_PROMPT, c),
    };
    let kv = flag_str(notes, &["-ctk", "--cache-type-k"])
        .or_else(|| env_str(notes, &["CACHE_TYPE_K"]))
        .and_then(|k| cat.find_kv_type(&k).found().cloned())
        .or_else(|| kv_from_runtime(runtime_text, cat));
    let build = build_date(runtime_text);
    let ubatch = flag_value(notes, &["-ub", "--ubatch-size"])
        .or_else(|| env_value(notes, &["UBATCH_SIZE"]))
        .map(|u| u.clamp(1, 1 << 20) as u32);
    // llama-bench measures generation from an empty context (`tg` runs without the prompt).
    let bench_tg = notes.contains("llama-bench") || notes.contains("tg128");
    let decode_prompt = if bench_tg { 0 } else { prompt };

    // Multi-device rows: the strategy the run used (llama.cpp splits layers by default; rows
    // that say "tensor parallel" used it — "not tensor parallel" does not count) and the
    // interconnect column when it names a link.
    let text = format!("{runtime_text} {notes}").to_ascii_lowercase();
    let says_tp = (text.contains("tensor parallel") && !text.contains("not tensor parallel"))
        || text.contains("tensor-parallel-size")
        || text.contains("tp_size")
        || text.contains("tp8")
        || text.contains("-tp ");
    let strategy = if count <= 1 {
        StrategyRequest::Auto
    } else if text.contains("layer split") {
        StrategyRequest::Pipeline
    } else if says_tp {
        StrategyRequest::Tensor
    } else if runtime.family.eq_ignore_ascii_case("llama.cpp") {
        StrategyRequest::Pipeline
    } else {
        StrategyRequest::Auto
    };
    let interconnect = get("interconnect").to_ascii_lowercase();
    let link = if interconnect.contains("thunderbolt 5") && interconnect.contains("rdma") {
        cat.link_by_id("tb5-rdma").cloned()
    } else if interconnect.trim().is_empty() || interconnect.contains("not stated") {
        None
    } else {
        cat.find_link(&interconnect).found().cloned()
    };
    let build = |p: u64| -> Scenario {
        let mut group = DeviceGroup::new(device.clone(), count);
        if count > 1 {
            group.link = link.clone().map(|l| mlbn_engine::LinkSpec::new(l, false));
        }
        let mut s = Scenario::new(vec![group], model.clone(), quant.clone(), runtime.clone());
        let mut w = Workload::new(p, gen_tokens, batch);
        w.ctx_tokens = ctx.filter(|c| *c >= p.saturating_add(gen_tokens));
        w.ubatch = ubatch;
        s.workload = w;
        s.kv = kv.clone();
        s.strategy = strategy;
        s.runtime_build = build;
        s
    };
    let pre = estimate(&build(prompt));
    let dec = if decode_prompt == prompt {
        pre.clone()
    } else {
        estimate(&build(decode_prompt))
    };
    row.pred_decode_tok_s = Some(if batch > 1 {
        dec.batch.per_stream_decode_tok_s
    } else {
        dec.gen_avg_decode_tok_s
    });
    row.pred_prefill_tok_s = Some(pre.prefill_tok_s);
    row
}

fn kv_from_runtime(runtime_text: &str, cat: &Catalog) -> Option<KvType> {
    runtime_text
        .to_ascii_lowercase()
        .contains("fp8 kv")
        .then(|| cat.find_kv_type("fp8").found().cloned())
        .flatten()
}

/// Build date named by the runtime text: `Dec 2023`, `2023`, or a llama.cpp build number
/// (`b7948`, `build 9333`) mapped through known release dates.
pub fn build_date(text: &str) -> Option<BuildDate> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if let Ok(y) = w.parse::<u16>()
            && (2015..=2100).contains(&y)
        {
            let month = i
                .checked_sub(1)
                .and_then(|j| MONTHS.iter().position(|m| words[j].starts_with(m)))
                .map(|m| m as u8 + 1)
                .unwrap_or(6);
            return Some(BuildDate::new(y, month));
        }
    }
    let number = words.iter().enumerate().find_map(|(i, w)| {
        let n = w.strip_prefix('b').and_then(|d| d.parse::<u32>().ok());
        let after_build = (i > 0 && (words[i - 1] == "build" || words[i - 1] == "version"))
            .then(|| w.parse::<u32>().ok())
            .flatten();
        n.or(after_build).filter(|n| (100..100_000).contains(n))
    })?;
    // llama.cpp release tags b<N> against their dates (GitHub releases).
    const ANCHORS: [(u32, u16, u8); 7] = [
        (1000, 2023, 8),
        (1600, 2023, 12),
        (2800, 2024, 5),
        (3000, 2024, 6),
        (4000, 2024, 11),
        (5000, 2025, 4),
        (7000, 2025, 11),
    ];
    let months = |y: u16, m: u8| f64::from(y) * 12.0 + f64::from(m) - 1.0;
    let pos = ANCHORS.partition_point(|a| a.0 <= number);
    let t = match pos {
        0 => months(ANCHORS[0].1, ANCHORS[0].2),
        p if p >= ANCHORS.len() => {
            let (n, y, m) = ANCHORS[ANCHORS.len() - 1];
            // About 500 builds a month lately.
            months(y, m) + f64::from(number - n) / 500.0
        }
        p => {
            let (n0, y0, m0) = ANCHORS[p - 1];
            let (n1, y1, m1) = ANCHORS[p];
            let f = f64::from(number - n0) / f64::from(n1 - n0);
            months(y0, m0) + f * (months(y1, m1) - months(y0, m0))
        }
    };
    let t = t.round().clamp(0.0, 100.0 * 12.0 * 100.0) as u32;
    Some(BuildDate::new((t / 12) as u16, (t % 12) as u8 + 1))
}

/// Value of a command-line flag in the notes (`-c 131072`).
fn flag_str(notes: &str, flags: &[&str]) -> Option<String> {
    let toks: Vec<&str> = notes.split_whitespace().collect();
    toks.windows(2).find_map(|w| {
        flags
            .iter()
            .any(|f| w[0] == *f)
            .then(|| w[1].trim_matches(|c| c == '\'' || c == '"').to_string())
    })
}

fn flag_value(notes: &str, flags: &[&str]) -> Option<u64> {
    flag_str(notes, flags).and_then(|v| v.parse().ok())
}

/// `NAME=value` in the notes.
fn env_str(notes: &str, names: &[&str]) -> Option<String> {
    notes.split_whitespace().find_map(|t| {
        let (k, v) = t.split_once('=')?;
        names.contains(&k).then(|| v.to_string())
    })
}

fn env_value(notes: &str, names: &[&str]) -> Option<u64> {
    env_str(notes, names).and_then(|v| v.parse().ok())
}

/// Devices a run really used, from its command line: llama.cpp `-ts a/b/c` (non-zero
/// shares), `--device A,B`, `-dev X`; vLLM `--tensor-parallel-size N` / `TP_SIZE=N`.
fn used_devices(notes: &str) -> Option<u32> {
    if let Some(ts) = flag_str(notes, &["-ts", "--tensor-split"]) {
        let n = ts
            .split(['/', ','])
            .filter(|x| x.parse::<f64>().map(|v| v > 0.0).unwrap_or(false))
            .count() as u32;
        if n > 0 {
            return Some(n);
        }
    }
    if let Some(d) = flag_str(notes, &["--device", "-dev"]) {
        return Some(d.split(',').filter(|x| !x.is_empty()).count().max(1) as u32);
    }
    flag_value(notes, &["--tensor-parallel-size", "-tp"])
        .or_else(|| env_value(notes, &["TP_SIZE"]))
        .map(|n| n.clamp(1, 4096) as u32)
}

/// Runtime family and backend from the row's runtime text, its command line, or the
/// device's vendor.
pub(crate) fn runtime_names(text: &str, notes: &str) -> (String, Option<String>) {
    let t = text.to_ascii_lowercase();
    let family = if t.contains("exo") {
        "exo"
    } else if t.contains("trt") || t.contains("tensorrt") {
        "trt-llm"
    } else if t.contains("sglang") {
        "sglang"
    } else if t.contains("vllm") {
        "vllm"
    } else if t.contains("ollama") {
        "ollama"
    } else if t.contains("llama.cpp") || t.contains("llama-server") || t.contains("llama-bench") {
        "llama.cpp"
    } else if t.contains("mlx") {
        "mlx"
    } else {
        "unknown"
    };
    let n = notes.to_ascii_lowercase();
    let backend_of = |s: &str| -> Option<&'static str> {
        if s.contains("cuda") {
            Some("cuda")
        } else if s.contains("metal") {
            Some("metal")
        } else if s.contains("vulkan") || s.contains("radv") || s.contains("amdvlk") {
            Some("vulkan")
        } else if s.contains("rocm") || s.contains("hipblas") || s.contains(" hip") {
            Some("rocm")
        } else if s.contains("sycl") {
            Some("sycl")
        } else {
            None
        }
    };
    let backend = match family {
        // MLX is Apple's own array framework on Metal.
        "mlx" | "exo" => Some("metal"),
        "llama.cpp" | "ollama" => backend_of(&t).or_else(|| backend_of(&n)),
        _ => None,
    };
    (family.to_string(), backend.map(str::to_string))
}

/// The catalog's record for a family and backend; without a stated backend, the one the
/// catalog uses for the device. A backend the catalog lacks keeps the family record with the
/// backend name replaced (the engine's efficiency table is keyed by family and backend).
fn runtime_record(family: &str, backend: Option<&str>, device: &Device, cat: &Catalog) -> Runtime {
    let fam = |r: &&Runtime| r.family.eq_ignore_ascii_case(family);
    match backend {
        Some(b) => {
            if let Some(r) = cat
                .runtimes
                .iter()
                .filter(fam)
                .find(|r| r.backend.eq_ignore_ascii_case(b))
            {
                return r.clone();
            }
            let mut r = cat
                .runtimes
                .iter()
                .find(fam)
                .unwrap_or_else(|| cat.default_runtime_for(device))
                .clone();
            r.backend = b.to_string();
            r
        }
        None => cat
            .runtime_backend_for(family, device)
            .or_else(|| cat.runtimes.iter().find(fam))
            .unwrap_or_else(|| cat.default_runtime_for(device))
            .clone(),
    }
}

/// Candidate spellings of a name: as written, without parenthesised parts, and each
/// comma/slash-separated piece.
fn candidates(text: &str) -> Vec<String> {
    let mut out = vec![text.to_string()];
    let mut no_paren = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            _ if depth == 0 => no_paren.push(c),
            _ => {}
        }
    }
    let no_paren = no_paren.split_whitespace().collect::<Vec<_>>().join(" ");
    out.push(no_paren.clone());
    for piece in no_paren.split([',', '/']) {
        out.push(piece.trim().to_string());
    }
    out.retain(|s| !s.is_empty());
    out.dedup();
    out
}

fn pick<'a, T: Clone>(r: Resolution<'a, T>) -> Option<T> {
    match r {
        Resolution::Found(t) => Some(t.clone()),
        Resolution::Ambiguous(v) => v.first().map(|t| (*t).clone()),
        Resolution::NotFound { .. } => None,
    }
}

pub(crate) fn resolve_device(text: &str, cat: &Catalog) -> Result<Device, String> {
    // GPU core counts in parentheses distinguish Apple variants: try them attached first.
    let mut cands = Vec::new();
    if let Some(cores) = core_count(text) {
        let base = candidates(text).get(1).cloned().unwrap_or_default();
        cands.push(format!("{base} {cores}c"));
        cands.push(format!("{base} {cores}-core"));
        cands.push(format!("{base} {cores}-core GPU"));
    }
    cands.extend(candidates(text));
    for c in &cands {
        if let Some(d) = pick(cat.find_device(c)) {
            return Ok(d);
        }
    }
    Err(format!("hardware `{text}` not in catalog"))
}

/// `24-core GPU` → 24.
fn core_count(text: &str) -> Option<u32> {
    let i = text.find("-core GPU")?;
    let digits: String = text[..i]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

pub(crate) fn resolve_model(text: &str, cat: &Catalog) -> Result<Model, String> {
    if let Some(m) = cat
        .models
        .iter()
        .find(|m| !text.is_empty() && m.hf_id.eq_ignore_ascii_case(text))
    {
        return Ok(m.clone());
    }
    let mut cands = candidates(text);
    if let Some((_, name)) = text.rsplit_once('/') {
        cands.push(name.to_string());
        let trimmed = name.trim_end_matches("-GGUF").trim_end_matches("-gguf");
        cands.push(trimmed.to_string());
    }
    for c in &cands {
        if let Some(m) = pick(cat.find_model(c)) {
            return Ok(m);
        }
    }
    Err(format!("model `{text}` not in catalog"))
}

pub(crate) fn resolve_quant(text: &str, cat: &Catalog) -> Result<Quant, String> {
    let mut cands = candidates(text);
    let lower = text.to_ascii_lowercase();
    for prefix in ["gguf ", "mlx "] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            cands.push(rest.to_string());
        }
    }
    for c in &cands {
        if let Some(q) = pick(cat.find_quant(c)) {
            return Ok(q);
        }
    }
    Err(format!("quant `{text}` not in catalog"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_commas_and_newlines() {
        let t = "a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,\"multi\nline\",\n";
        let rows = parse_csv(t);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], vec!["1", "x, y", "he said \"hi\""]);
        assert_eq!(rows[2], vec!["2", "multi\nline", ""]);
    }

    #[test]
    fn csv_without_trailing_newline_and_crlf() {
        let rows = parse_csv("a,b\r\n1,2");
        assert_eq!(rows, vec![vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn missing_columns_is_an_error() {
        let cat = Catalog::builtin();
        let err = evaluate("id,hardware\n1,x\n", cat, GroupBy::None).unwrap_err();
        assert!(
            matches!(err, EvalError::MissingColumns(ref c) if c.contains(&"quant".to_string()))
        );
        assert_eq!(
            evaluate("", cat, GroupBy::None).unwrap_err(),
            EvalError::Empty
        );
    }

    #[test]
    fn unresolvable_rows_are_misses_counted_in_the_denominator() {
        let cat = Catalog::builtin();
        let csv = "id,hardware,device_count,model_hf_id,quant,runtime,decode_tok_s,prefill_tok_s\n\
                   x1,Quantum Toaster 9000,1,meta-llama/Meta-Llama-3-8B,Q4_K_M,llama.cpp (CUDA),100,1000\n";
        let r = evaluate(csv, cat, GroupBy::Hardware).unwrap();
        assert_eq!(r.overall.decode.rows, 1);
        assert_eq!(r.overall.decode.predicted, 0);
        assert_eq!(r.overall.decode.share_2(), 0.0);
        assert_eq!(r.misses().len(), 1);
        assert!(r.misses()[0].1.contains("Quantum Toaster"));
        assert!(
            r.predictions_csv()
                .starts_with("id,pred_decode_tok_s,pred_prefill_tok_s\nx1,,\n")
        );
    }

    #[test]
    fn resolved_row_is_scored() {
        let cat = Catalog::builtin();
        let csv = "id,hardware,device_count,model_hf_id,quant,runtime,batch_size,prompt_tokens,gen_tokens,decode_tok_s,prefill_tok_s,notes\n\
                   r1,RTX 4090,1,meta-llama/Meta-Llama-3-8B,Q4_K_M,\"llama.cpp (CUDA, 2024)\",1,512,128,125,6000,llama-bench\n";
        let r = evaluate(csv, cat, GroupBy::Runtime).unwrap();
        let row = &r.rows[0];
        assert_eq!(row.miss, None, "{row:?}");
        assert_eq!(row.runtime, "llama.cpp/cuda");
        let d = row.pred_decode_tok_s.unwrap();
        assert!(d > 50.0 && d < 300.0, "{d}");
        assert_eq!(r.overall.decode.predicted, 1);
        assert_eq!(r.groups.len(), 1);
        assert!(r.render_text().contains("llama.cpp/cuda"));
    }

    #[test]
    fn files_are_scored_as_one_set_whatever_their_column_order() {
        let cat = Catalog::builtin();
        let a = "id,hardware,device_count,model_hf_id,quant,runtime,decode_tok_s\n\
                 a1,RTX 4090,1,meta-llama/Meta-Llama-3-8B,Q4_K_M,llama.cpp (CUDA),125\n";
        let b = "runtime,quant,model_hf_id,hardware,id,decode_tok_s\n\
                 vLLM,F16,meta-llama/Meta-Llama-3-8B,H100 SXM,b1,90\n\
                 vLLM,F16,meta-llama/Meta-Llama-3-8B,Quantum Toaster,b2,90\n";
        let set = evaluate_files(&[("a.csv", a), ("b.csv", b)], cat, GroupBy::None).unwrap();
        let ids: Vec<&str> = set.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a1", "b1", "b2"]);
        assert_eq!(set.overall.decode.rows, 3);
        assert_eq!(set.misses().len(), 1);
        // The set scores the same rows as the files evaluated apart.
        let ra = evaluate(a, cat, GroupBy::None).unwrap();
        let rb = evaluate(b, cat, GroupBy::None).unwrap();
        assert_eq!(set.rows[0], ra.rows[0]);
        assert_eq!(set.rows[1..], rb.rows[..]);
    }

    #[test]
    fn duplicate_ids_are_an_error_naming_both_files() {
        let cat = Catalog::builtin();
        let a = "id,hardware,model_hf_id,quant,runtime\nx1,RTX 4090,m,Q4_K_M,llama.cpp\n";
        let err = evaluate_files(&[("a.csv", a), ("b.csv", a)], cat, GroupBy::None).unwrap_err();
        assert_eq!(
            err,
            EvalError::DuplicateId {
                id: "x1".into(),
                first: "a.csv".into(),
                second: "b.csv".into()
            }
        );
        assert!(err.to_string().contains("in both a.csv and b.csv"), "{err}");
        let twice = format!("{a}x1,RTX 3090,m,Q4_K_M,llama.cpp\n");
        let err = evaluate(&twice, cat, GroupBy::None).unwrap_err();
        assert!(err.to_string().contains("`x1` appears twice"), "{err}");
    }

    #[test]
    fn an_error_in_one_file_names_it() {
        let cat = Catalog::builtin();
        let good = "id,hardware,model_hf_id,quant,runtime\n";
        let err = evaluate_files(
            &[("good.csv", good), ("bad.csv", "id,hardware\n")],
            cat,
            GroupBy::None,
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("bad.csv: missing columns"),
            "{err}"
        );
    }

    #[test]
    fn command_line_settings_are_read() {
        assert_eq!(used_devices("llama-server -ts 0/0/1 -c 100"), Some(1));
        assert_eq!(used_devices("x --device ROCm0,ROCm2 y"), Some(2));
        assert_eq!(
            used_devices("vllm serve m --tensor-parallel-size 4"),
            Some(4)
        );
        assert_eq!(used_devices("nothing"), None);
        assert_eq!(flag_value("a -c 131072 b", &["-c"]), Some(131072));
        assert_eq!(env_value("CTX_SIZE=8192 X=1", &["CTX_SIZE"]), Some(8192));
        assert_eq!(core_count("Mac M1 Max (24-core GPU)"), Some(24));
    }

    #[test]
    fn build_dates_from_text_and_build_numbers() {
        assert_eq!(
            build_date("llama.cpp (CUDA, Dec 2023)"),
            Some(BuildDate::new(2023, 12))
        );
        assert_eq!(
            build_date("llama.cpp (Metal, 2023)"),
            Some(BuildDate::new(2023, 6))
        );
        assert_eq!(build_date("llama.cpp (CUDA, scoreboard)"), None);
        let b = build_date("llama.cpp (Metal, b7948)").unwrap();
        assert!(b > BuildDate::new(2025, 6), "{b:?}");
        let b = build_date("llama.cpp build 2900 / x").unwrap();
        assert!(
            b >= BuildDate::new(2024, 5) && b <= BuildDate::new(2024, 6),
            "{b:?}"
        );
    }

    #[test]
    fn runtime_names_read_text_then_command_line() {
        assert_eq!(
            runtime_names("llama.cpp (Metal, Nov 2023+)", ""),
            ("llama.cpp".into(), Some("metal".into()))
        );
        assert_eq!(
            runtime_names("llama.cpp b9333", "llama-bench -dev Vulkan0").1,
            Some("vulkan".to_string())
        );
        assert_eq!(runtime_names("exo 1.0 (MLX, tensor parallel)", "").0, "exo");
        assert_eq!(runtime_names("vLLM 0.16.0", "").0, "vllm");
    }
}

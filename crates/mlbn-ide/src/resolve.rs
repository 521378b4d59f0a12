//! Resolution: the syntax tree's words and quantities, checked and looked up in the catalog,
//! with defaults for what a scenario leaves out.
//!
//! Every problem becomes a [`Diagnostic`] on the words it is about; unknown names carry up to
//! three suggestions, each as a machine-applicable [`Fix`].

use crate::{AnalyzeOptions, ScenarioAnalysis};
use mlbn_catalog::{
    Catalog, Device, DeviceKind, KvType, Link, Market, Model, Precision, Quant, Resolution,
    Runtime, normalize,
};
use mlbn_syntax::ast::{
    Arg, DeviceDef, DeviceField, DeviceGroup, Directive, Hardware, KeyValue, ModelStmt, SourceFile,
    StatementKind, StrategyStmt, Unit, Value, Word,
};
use mlbn_syntax::{Diagnostic, Fix, Span, TextEdit};
use std::collections::BTreeMap;

/// Largest device count one scenario may hold; keeps every later loop bounded.
pub const MAX_DEVICES: u32 = 4096;
/// Largest token count accepted for prompt, generation and context lengths.
pub const MAX_TOKENS: f64 = 10_000_000.0;
/// Largest batch accepted.
pub const MAX_BATCH: f64 = 65_536.0;

/// One device group as resolved: `2x rtx4090 nvlink`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedDevice {
    pub device: Device,
    pub count: u32,
    /// A link written after the device name (`nvlink`), joining the group's devices.
    pub link: Option<Link>,
    /// True for a `device NAME { … }` defined in the file.
    pub custom: bool,
    pub spans: DeviceSpans,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DeviceSpans {
    /// The whole group (`2x rtx4090 nvlink`), or the hardware statement when defaulted.
    pub group: Span,
    /// The device name words.
    pub name: Span,
    pub count: Option<Span>,
    pub link: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StrategyKind {
    Auto,
    Pipeline,
    Tensor,
    Data,
    Expert,
    Sequence,
    Context,
    PhaseSplit,
    /// Degrees written without a strategy word (`tp=2 pp=2`), or `tensor pipeline`.
    Hybrid,
}

impl StrategyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StrategyKind::Auto => "auto",
            StrategyKind::Pipeline => "pipeline",
            StrategyKind::Tensor => "tensor",
            StrategyKind::Data => "data",
            StrategyKind::Expert => "expert",
            StrategyKind::Sequence => "sequence",
            StrategyKind::Context => "context",
            StrategyKind::PhaseSplit => "phase-split",
            StrategyKind::Hybrid => "hybrid",
        }
    }

    pub fn from_word(word: &str) -> Option<StrategyKind> {
        Some(match word.to_ascii_lowercase().as_str() {
            "auto" => StrategyKind::Auto,
            "pipeline" | "pp" => StrategyKind::Pipeline,
            "tensor" | "tp" => StrategyKind::Tensor,
            "data" | "dp" => StrategyKind::Data,
            "expert" | "ep" => StrategyKind::Expert,
            "sequence" | "sp" => StrategyKind::Sequence,
            "context" | "cp" => StrategyKind::Context,
            "phase-split" | "phasesplit" | "phase_split" => StrategyKind::PhaseSplit,
            "hybrid" => StrategyKind::Hybrid,
            _ => return None,
        })
    }

    /// One line on what the strategy does, for hovers.
    pub fn describe(self) -> &'static str {
        match self {
            StrategyKind::Auto => {
                "tries every valid strategy and degree and keeps the fastest that fits"
            }
            StrategyKind::Pipeline => {
                "splits the layers across devices; one stream visits them in turn"
            }
            StrategyKind::Tensor => {
                "splits every layer's weights across devices; two all-reduces per layer"
            }
            StrategyKind::Data => "runs a full replica per device for independent requests",
            StrategyKind::Expert => "spreads a mixture-of-experts model's experts across devices",
            StrategyKind::Sequence => "splits a long prompt's prefill across devices",
            StrategyKind::Context => "splits a long context's attention across devices",
            StrategyKind::PhaseSplit => {
                "runs prefill on the compute-heavy devices and decode on the bandwidth-heavy ones"
            }
            StrategyKind::Hybrid => "combines tensor, pipeline and data parallel degrees",
        }
    }
}

/// The strategy as written (or defaulted to AUTO) with any explicit degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StrategySpec {
    pub kind: Option<StrategyKind>,
    pub tp: Option<u32>,
    pub pp: Option<u32>,
    pub dp: Option<u32>,
    pub ep: Option<u32>,
    pub microbatch: Option<u32>,
}

impl StrategySpec {
    pub fn kind(&self) -> StrategyKind {
        self.kind.unwrap_or(StrategyKind::Auto)
    }

    /// `tensor tp=2`, `auto`, `tp=2 pp=2`.
    pub fn label(&self) -> String {
        let mut parts = vec![self.kind().as_str().to_string()];
        for (k, v) in [
            ("tp", self.tp),
            ("pp", self.pp),
            ("dp", self.dp),
            ("ep", self.ep),
            ("microbatch", self.microbatch),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        }
        parts.join(" ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workload {
    pub prompt_tokens: u64,
    pub gen_tokens: u64,
    pub batch: u32,
    /// Context the KV cache is sized for; `None` means prompt + generation.
    pub ctx_tokens: Option<u64>,
}

impl Workload {
    pub fn context_tokens(&self) -> u64 {
        self.ctx_tokens
            .unwrap_or(self.prompt_tokens + self.gen_tokens)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerSpec {
    pub usd_per_kwh: f64,
    pub hours_per_day: f64,
}

/// `host ddr5 96GB 89.6GB/s`: the host memory layers spill to when a model overflows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HostSpec {
    /// Memory kind as written (`ddr5`, `ddr4`, `lpddr5x`).
    pub kind: Option<String>,
    pub mem_gb: Option<f64>,
    pub bw_gbps: Option<f64>,
}

/// A value the scenario did not write, and what it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaulted {
    /// `hardware`, `model`, `quant`, `kv`, `strategy`, `runtime`, `prompt`, `gen`, `batch`, `power`.
    pub field: &'static str,
    pub value: String,
}

/// Spans of the statements and words a scenario's values came from, so findings about a value
/// can point at its text and fixes can edit it. `None` where the value was defaulted.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScenarioSpans {
    pub scenario: Span,
    pub hardware: Option<Span>,
    pub over_link: Option<Span>,
    /// The whole model statement; a quant is inserted at its name's end.
    pub model: Option<Span>,
    pub model_name: Option<Span>,
    pub quant: Option<Span>,
    pub kv: Option<Span>,
    pub strategy: Option<Span>,
    pub runtime: Option<Span>,
    pub power: Option<Span>,
    pub host: Option<Span>,
    pub prompt: Option<Span>,
    pub gen_tokens: Option<Span>,
    pub batch: Option<Span>,
    pub ctx: Option<Span>,
    pub tp: Option<Span>,
    pub pp: Option<Span>,
    /// The last statement of the scenario (where a summary hint goes).
    pub last_statement: Option<Span>,
}

/// A scenario with every value resolved or defaulted.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedScenario {
    pub devices: Vec<ResolvedDevice>,
    /// `over <link>` joining all groups.
    pub over: Option<Link>,
    pub model: Model,
    /// The path of a `model "./config.json"` the model came from.
    pub model_file: Option<String>,
    pub quant: Quant,
    pub kv: KvType,
    pub runtime: Runtime,
    pub strategy: StrategySpec,
    pub workload: Workload,
    pub power: PowerSpec,
    pub host: Option<HostSpec>,
    /// Hardware price for amortisation (`price $1599`) and its years (`years 3`).
    pub price_usd: Option<f64>,
    pub years: Option<f64>,
    /// `optimize ttft|decode|prefill|throughput|power|cost`.
    pub optimize: Option<String>,
    /// `layout grid|ring|star` for pictures.
    pub layout: Option<String>,
    pub defaulted: Vec<Defaulted>,
    pub spans: ScenarioSpans,
    /// Words that could name more than one kind of thing (a runtime and a model), with how
    /// they were read and how to write the other meaning; hover shows them.
    pub name_notes: Vec<(Span, String)>,
}

impl ResolvedScenario {
    pub fn device_count(&self) -> u32 {
        self.devices.iter().map(|d| d.count).sum()
    }

    pub fn is_defaulted(&self, field: &str) -> bool {
        self.defaulted.iter().any(|d| d.field == field)
    }

    /// `2x NVIDIA GeForce RTX 4090 + Apple Mac Studio …`.
    pub fn hardware_label(&self) -> String {
        let groups: Vec<String> = self
            .devices
            .iter()
            .map(|d| {
                if d.count > 1 {
                    format!("{}x {}", d.count, d.device.name)
                } else {
                    d.device.name.clone()
                }
            })
            .collect();
        groups.join(" + ")
    }
}

/// Every file path the text refers to (`model "./config.json"`), with the span of the path:
/// the front end reads these and hands their contents to [`crate::analyze`].
pub fn referenced_files(file: &SourceFile) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for scenario in &file.scenarios {
        for st in &scenario.statements {
            if let StatementKind::Model(m) = &st.kind
                && let Some(first) = m.words.first()
                && is_path(first)
            {
                out.push((first.text.clone(), first.span));
            }
        }
    }
    out
}

fn is_path(word: &Word) -> bool {
    let t = word.text.to_ascii_lowercase();
    t.ends_with(".json") || (word.quoted && (t.starts_with("./") || t.starts_with('/')))
}

/// Resolve every scenario of a file. `error_spans` are the syntax errors: a statement that
/// overlaps one gets no semantic diagnostics, and its scenario is not resolved.
pub(crate) fn resolve_file(
    file: &SourceFile,
    opts: &AnalyzeOptions,
    error_spans: &[Span],
    diags: &mut Vec<Diagnostic>,
) -> Vec<ScenarioAnalysis> {
    let cat = opts.catalog;
    // Custom devices are file-wide: a `device` block may sit in any scenario.
    let mut custom: BTreeMap<String, (Device, Span)> = BTreeMap::new();
    // Definitions with errors: their uses say nothing more (the error is at the definition).
    let mut broken: Vec<String> = Vec::new();
    for scenario in &file.scenarios {
        for st in &scenario.statements {
            if overlaps_any(st.span, error_spans) {
                continue;
            }
            if let StatementKind::DeviceDef(def) = &st.kind {
                let Some(dev) = custom_device(def, cat, diags) else {
                    broken.push(normalize(&def.name.text));
                    continue;
                };
                match custom.entry(normalize(&def.name.text)) {
                    std::collections::btree_map::Entry::Occupied(_) => {
                        diags.push(Diagnostic::error(
                            "duplicate_device",
                            format!("device `{}` is defined twice", def.name.text),
                            def.name.span,
                        ))
                    }
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        slot.insert((dev, def.name.span));
                    }
                }
            }
        }
    }
    file.scenarios
        .iter()
        .map(|scenario| {
            let mut r = Resolver {
                cat,
                opts,
                custom: &custom,
                broken: &broken,
                diags: Vec::new(),
                notes: Vec::new(),
            };
            let broken = scenario
                .statements
                .iter()
                .any(|st| overlaps_any(st.span, error_spans) || st.kind == StatementKind::Error);
            let resolved = r.scenario(scenario, error_spans);
            let had_errors = r
                .diags
                .iter()
                .any(|d| d.severity == mlbn_syntax::Severity::Error);
            diags.append(&mut r.diags);
            let resolved = if broken {
                Err("the scenario has syntax errors".to_string())
            } else if had_errors {
                Err("the scenario has errors".to_string())
            } else {
                resolved.ok_or_else(|| "the scenario could not be resolved".to_string())
            };
            ScenarioAnalysis {
                span: scenario.span,
                resolved,
                estimate: None,
                reference: None,
            }
        })
        .collect()
}

fn overlaps_any(span: Span, errors: &[Span]) -> bool {
    errors
        .iter()
        .any(|e| e.start < span.end.max(span.start + 1) && span.start < e.end.max(e.start + 1))
}

fn words_span(words: &[Word]) -> Span {
    match (words.first(), words.last()) {
        (Some(a), Some(b)) => a.span.cover(b.span),
        _ => Span::default(),
    }
}

fn join(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fix that replaces `span` by `text`.
pub(crate) fn replace_fix(title: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
    Fix {
        title: title.into(),
        effect: String::new(),
        edits: vec![TextEdit {
            span,
            new_text: text.into(),
        }],
    }
}

/// "unknown device `rtx4900`" with did-you-mean help and one replacing fix per suggestion.
fn unknown(code: &str, what: &str, name: &str, span: Span, suggestions: &[String]) -> Diagnostic {
    let mut d = Diagnostic::error(code, format!("unknown {what} `{name}`"), span);
    if !suggestions.is_empty() {
        let list: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
        d = d.with_help(format!("did you mean {}?", list.join(", ")));
        for s in suggestions.iter().take(3) {
            d = d.with_fix(replace_fix(format!("replace with `{s}`"), span, s.clone()));
        }
    } else {
        d = d.with_help(format!("`mlbn catalog {what}s` lists the known names"));
    }
    d
}

fn ambiguous(what: &str, name: &str, span: Span, candidates: Vec<(String, String)>) -> Diagnostic {
    let list: Vec<String> = candidates
        .iter()
        .take(8)
        .map(|(id, n)| format!("`{id}` ({n})"))
        .collect();
    let mut d = Diagnostic::error(
        format!("ambiguous_{what}"),
        format!("`{name}` could mean several {what}s"),
        span,
    )
    .with_help(format!("one of: {}", list.join(", ")));
    for (id, _) in candidates.iter().take(3) {
        d = d.with_fix(replace_fix(format!("use `{id}`"), span, id.clone()));
    }
    d
}

/// The "did you mean" list of a failed lookup (empty when it did not fail).
fn suggestions<T>(r: Resolution<'_, T>) -> Vec<String> {
    match r {
        Resolution::NotFound { suggestions } => suggestions,
        _ => Vec::new(),
    }
}

/// Catalog entries as `(id, name)` for candidate lists.
trait Entry {
    fn id_name(&self) -> (String, String);
}

macro_rules! entry {
    ($($t:ty),*) => {$(
        impl Entry for $t {
            fn id_name(&self) -> (String, String) {
                (self.id.clone(), self.name.clone())
            }
        }
    )*};
}
entry!(Device, Model, Quant, Runtime, Link);

/// `(id, name)` of what a resolution found: one, several or none.
fn candidates<T: Entry>(r: &Resolution<'_, T>) -> Vec<(String, String)> {
    match r {
        Resolution::Found(x) => vec![x.id_name()],
        Resolution::Ambiguous(many) => many.iter().map(|x| x.id_name()).collect(),
        Resolution::NotFound { .. } => Vec::new(),
    }
}

/// The longest prefix of `words` that resolves (found or ambiguous), with its length.
fn longest_prefix<'c, T>(
    words: &[Word],
    lookup: impl Fn(&str) -> Resolution<'c, T>,
) -> Option<(usize, Resolution<'c, T>)> {
    // Names are a few words at most; bounding the prefix keeps this linear on junk input.
    let max = words.len().min(8);
    (1..=max)
        .rev()
        .find_map(|n| match lookup(&join(&words[..n])) {
            Resolution::NotFound { .. } => None,
            r => Some((n, r)),
        })
}

/// Score how close `key` is to a candidate id (for merging suggestion lists).
fn closeness(key: &str, candidate: &str) -> f64 {
    strsim::jaro_winkler(&normalize(key), &normalize(candidate))
}

struct Resolver<'a> {
    cat: &'a Catalog,
    opts: &'a AnalyzeOptions<'a>,
    custom: &'a BTreeMap<String, (Device, Span)>,
    broken: &'a [String],
    diags: Vec<Diagnostic>,
    /// See [`ResolvedScenario::name_notes`].
    notes: Vec<(Span, String)>,
}

/// What a scenario's statements set, before defaults.
#[derive(Default)]
struct Draft {
    devices: Option<Vec<ResolvedDevice>>,
    over: Option<Link>,
    model: Option<(Model, Option<String>)>,
    quant: Option<Quant>,
    /// A quantized checkpoint's own format, from its config.json.
    quant_hint: Option<Quant>,
    /// The quant as written (`q4`), to tell a shorthand from an explicit format.
    quant_word: Option<String>,
    kv: Option<KvType>,
    runtime: Option<Runtime>,
    strategy: Option<StrategySpec>,
    prompt: Option<u64>,
    gen_tokens: Option<u64>,
    batch: Option<u32>,
    ctx: Option<u64>,
    power: Option<PowerSpec>,
    host: Option<HostSpec>,
    price_usd: Option<f64>,
    years: Option<f64>,
    optimize: Option<String>,
    layout: Option<String>,
    spans: ScenarioSpans,
}

impl<'a> Resolver<'a> {
    fn err(&mut self, code: &str, message: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::error(code, message, span));
    }

    /// "unknown WHAT `word`" with its did-you-mean list.
    fn unknown_word(&mut self, code: &str, what: &str, w: &Word, suggestions: Vec<String>) {
        self.diags
            .push(unknown(code, what, &w.text, w.span, &suggestions));
    }

    /// "`words` could mean several WHATs", listing them.
    fn ambiguous_words<T: Entry>(&mut self, what: &str, words: &[Word], many: &[&T]) {
        self.diags.push(ambiguous(
            what,
            &join(words),
            words_span(words),
            many.iter().map(|x| x.id_name()).collect(),
        ));
    }

    fn scenario(
        &mut self,
        scenario: &mlbn_syntax::ast::Scenario,
        error_spans: &[Span],
    ) -> Option<ResolvedScenario> {
        let mut d = Draft::default();
        d.spans.scenario = scenario.span;
        for st in &scenario.statements {
            if overlaps_any(st.span, error_spans) {
                continue;
            }
            if !matches!(st.kind, StatementKind::DeviceDef(_)) {
                d.spans.last_statement = Some(st.span);
            }
            match &st.kind {
                StatementKind::Hardware(hw) => self.hardware(hw, st.span, &mut d),
                StatementKind::Model(m) => self.model_stmt(m, st.span, &mut d),
                StatementKind::Strategy(s) => self.strategy(s, st.span, &mut d),
                StatementKind::DeviceDef(_) => {}
                StatementKind::Directive(dir) => self.directive(dir, st.span, &mut d),
                // Reverse planning statements are checked by `crate::plan`.
                StatementKind::Have(_) => {}
                StatementKind::Options(opts) => {
                    for kv in opts {
                        if !crate::plan::is_goal_option(kv) {
                            self.workload_option(kv, &mut d);
                        }
                    }
                }
                StatementKind::Phrase(p) => self.phrase(&p.words, &p.options, st.span, &mut d),
                StatementKind::Error => {}
            }
        }
        self.finish(d)
    }

    // ---- hardware -------------------------------------------------------------------------

    fn hardware(&mut self, hw: &Hardware, span: Span, d: &mut Draft) {
        if d.spans.hardware.is_some() {
            self.diags.push(
                Diagnostic::error(
                    "duplicate_statement",
                    "hardware is given twice in this scenario",
                    span,
                )
                .with_help(
                    "join device groups with `+` in one statement, or separate scenarios with `---`",
                ),
            );
            return;
        }
        d.spans.hardware = Some(span);
        let mut devices = Vec::new();
        let mut total: u64 = 0;
        for g in &hw.groups {
            if let Some(dev) = self.group(g) {
                total += u64::from(dev.count);
                devices.push(dev);
            }
        }
        if total > u64::from(MAX_DEVICES) {
            self.err(
                "too_many_devices",
                format!("{total} devices in one scenario; the limit is {MAX_DEVICES}"),
                span,
            );
        }
        if let Some((over_span, words)) = &hw.over {
            d.spans.over_link = Some(words_span(words).cover(*over_span));
            if words.is_empty() {
                self.err("missing_link", "`over` needs a link name", *over_span);
            } else if let Some(link) = self.link_words(words, None) {
                d.spans.over_link = Some(words_span(words));
                d.over = Some(link);
            }
        }
        d.devices = Some(devices);
    }

    /// A device group: count, name words, then link words.
    fn group(&mut self, g: &DeviceGroup) -> Option<ResolvedDevice> {
        let count = g.count.map(|c| c.value).unwrap_or(1);
        if count == 0 {
            self.err(
                "out_of_range",
                "a device count must be at least 1",
                g.count.map(|c| c.span).unwrap_or(g.span),
            );
            return None;
        }
        if count > MAX_DEVICES {
            self.err(
                "out_of_range",
                format!("{count} devices; the limit is {MAX_DEVICES}"),
                g.count.map(|c| c.span).unwrap_or(g.span),
            );
            return None;
        }
        for kv in &g.options {
            self.err(
                "unknown_option",
                format!("`{}` is not an option of a device group", kv.key.text),
                kv.key.span,
            );
        }
        if g.words.is_empty() {
            self.err("missing_device", "a device name is missing", g.span);
            return None;
        }
        let (device, n, custom) = self.device_words(&g.words)?;
        let rest = &g.words[n..];
        let mut link = None;
        let mut link_span = None;
        if !rest.is_empty() {
            link = self.link_words(rest, Some(&device));
            link_span = Some(words_span(rest));
            // A link the device has no port for (`rtx4090 nvlink`: GeForce 40 has no NVLink
            // connector) is modelled as written, but said plainly.
            if let Some(l) = &link
                && !custom
                && !device.interconnects.is_empty()
                && !device.interconnects.iter().any(|id| {
                    id == &l.id
                        || self.cat.link_by_id(id).is_some_and(|own| {
                            // NVLink devices reach NVSwitch on HGX/DGX baseboards.
                            own.kind == l.kind
                                || (own.kind == mlbn_catalog::LinkKind::Nvlink
                                    && l.kind == mlbn_catalog::LinkKind::Nvswitch)
                        })
                })
            {
                let own = &device.interconnects[0];
                self.diags.push(
                    Diagnostic::warning(
                        "link_not_on_device",
                        format!(
                            "{} has no {} (its links: {}); the estimate uses {} as written",
                            device.name,
                            link_kind_name(l.kind),
                            device.interconnects.join(", "),
                            l.id
                        ),
                        words_span(rest),
                    )
                    .with_fix(replace_fix(
                        format!("use `{own}`"),
                        words_span(rest),
                        own.clone(),
                    )),
                );
            }
        }
        Some(ResolvedDevice {
            device,
            count,
            link,
            custom,
            spans: DeviceSpans {
                group: g.span,
                name: words_span(&g.words[..n]),
                count: g.count.map(|c| c.span),
                link: link_span,
            },
        })
    }

    /// Resolve the device name at the start of `words`: (device, words used, custom?).
    fn device_words(&mut self, words: &[Word]) -> Option<(Device, usize, bool)> {
        // Custom devices shadow the catalog: the file's own definition wins.
        for n in (1..=words.len().min(8)).rev() {
            let key = normalize(&join(&words[..n]));
            if let Some((dev, _)) = self.custom.get(&key) {
                return Some((dev.clone(), n, true));
            }
            if self.broken.contains(&key) {
                return None;
            }
        }
        match longest_prefix(words, |s| self.cat.find_device(s)) {
            Some((n, Resolution::Found(dev))) => {
                // Token matching forgives extra words, so `rtx4090 nvlink` may resolve whole;
                // when a shorter prefix names the same device and the rest is a link, the rest
                // is the link.
                let n = (1..n)
                    .rev()
                    .find(|&m| {
                        self.cat
                            .find_device(&join(&words[..m]))
                            .found()
                            .map(|d| &d.id)
                            == Some(&dev.id)
                            && self
                                .cat
                                .link_for_device(&join(&words[m..]), dev)
                                .found()
                                .is_some()
                    })
                    .unwrap_or(n);
                Some((dev.clone(), n, false))
            }
            Some((n, Resolution::Ambiguous(many))) => {
                self.ambiguous_words("device", &words[..n], &many);
                None
            }
            _ => {
                // The name is everything before the first word that is a link.
                let n = words
                    .iter()
                    .position(|w| self.cat.find_link(&w.text).found().is_some())
                    .unwrap_or(words.len())
                    .max(1);
                let name = join(&words[..n]);
                let suggestions = suggestions(self.cat.device(&name));
                let mut suggestions = suggestions;
                for key in self.custom.keys() {
                    if closeness(&name, key) > 0.85 && suggestions.len() < 3 {
                        suggestions.insert(0, self.custom[key].0.id.clone());
                    }
                }
                suggestions.truncate(3);
                self.diags.push(unknown(
                    "unknown_device",
                    "device",
                    &name,
                    words_span(&words[..n]),
                    &suggestions,
                ));
                None
            }
        }
    }

    /// Link words; with a device, a bare family word (`nvlink`) means that device's own link.
    fn link_words(&mut self, words: &[Word], device: Option<&Device>) -> Option<Link> {
        let lookup = |s: &str| match device {
            Some(d) => self.cat.link_for_device(s, d),
            None => self.cat.find_link(s),
        };
        match longest_prefix(words, lookup) {
            Some((n, Resolution::Found(link))) => {
                if n < words.len() {
                    let extra = &words[n..];
                    self.err(
                        "unexpected_word",
                        format!(
                            "`{}` after the link `{}` means nothing here",
                            join(extra),
                            link.id
                        ),
                        words_span(extra),
                    );
                }
                Some(link.clone())
            }
            Some((n, Resolution::Ambiguous(many))) => {
                self.ambiguous_words("link", &words[..n], &many);
                None
            }
            _ => {
                self.unknown_word(
                    "unknown_link",
                    "link",
                    &words[0],
                    suggestions(self.cat.link(&words[0].text)),
                );
                None
            }
        }
    }

    // ---- phrases: a device, a model or a runtime ----------------------------------------------

    /// A statement that is only names: a device (`rtx4090`), a model (`llama3-8b q4`) or a
    /// runtime (`vllm`, `llama.cpp-rocm`). Deterministic order: a device defined in the file;
    /// then words naming a runtime exactly (its id or an alias); then the longer of a device or
    /// a model match (device on a tie); then a runtime found by forgiving matching. Where the
    /// words could also mean another kind, the scenario keeps a note hover shows.
    fn phrase(&mut self, words: &[Word], options: &[KeyValue], span: Span, d: &mut Draft) {
        if words.is_empty() {
            for kv in options {
                self.workload_option(kv, d);
            }
            return;
        }
        let custom = (1..=words.len().min(8)).any(|n| {
            let key = normalize(&join(&words[..n]));
            self.custom.contains_key(&key) || self.broken.contains(&key)
        });
        let dev = longest_prefix(words, |s| self.cat.find_device(s));
        let model = longest_prefix(words, |s| self.cat.find_model(s));
        let runtime = longest_prefix(words, |s| self.cat.find_runtime(s))
            .and_then(|(n, r)| r.found().map(|rt| (n, rt)));
        let exact_runtime = runtime.filter(|(n, rt)| names_exactly(rt, &join(&words[..*n])));
        if !custom && let Some((n, rt)) = exact_runtime {
            // What else the same words could mean, and the keyword form that says it.
            let mut also = Vec::new();
            let mut other = |m: usize, what: &str, form: &str, ids: Vec<(String, String)>| {
                let Some((id, name)) = ids.first() else {
                    return;
                };
                let words = join(&words[..m]);
                also.push(if ids.len() == 1 {
                    format!("`{words}` also names the {what} {name}; write `{form}{id}` for it")
                } else {
                    let list: Vec<String> =
                        ids.iter().take(3).map(|(i, _)| format!("`{i}`")).collect();
                    format!(
                        "`{words}` also matches {what}s ({}); write `{form}ID` for one",
                        list.join(", ")
                    )
                });
            };
            if let Some((m, r)) = &dev {
                other(*m, "device", "1x ", candidates(r));
            }
            if let Some((m, r)) = &model {
                other(*m, "model", "model ", candidates(r));
            }
            self.runtime_phrase(words, options, d);
            if !also.is_empty() {
                let span = words_span(&words[..n]);
                self.notes.push((
                    span,
                    format!("read as the runtime {}; {}", rt.name, also.join("; ")),
                ));
            }
            return;
        }
        let dev = dev.map(|(n, _)| n);
        let model = model.map(|(n, _)| n);
        let as_device = match (custom, dev, model) {
            (true, _, _) => true,
            (false, Some(a), Some(b)) => a > b,
            (false, Some(_), None) => true,
            (false, None, Some(_)) => false,
            (false, None, None) => {
                // Neither: let the words after the name decide (a quant makes it a model, a
                // link a device), else a runtime, else merge the suggestion lists.
                let tail_quant = words[1..]
                    .iter()
                    .any(|w| self.cat.find_quant(&w.text).found().is_some());
                let tail_link = words[1..]
                    .iter()
                    .any(|w| self.cat.find_link(&w.text).found().is_some());
                if tail_quant {
                    false
                } else if tail_link {
                    true
                } else if runtime.is_some() {
                    self.runtime_phrase(words, options, d);
                    return;
                } else {
                    self.unknown_name(words, options);
                    return;
                }
            }
        };
        if !custom
            && let Some((n, rt)) = runtime
            && n >= dev.max(model).unwrap_or(0)
        {
            self.notes.push((
                words_span(&words[..n]),
                format!(
                    "read as the {}; `{}` also names the runtime {}: write `runtime {}` for it",
                    if as_device { "device" } else { "model" },
                    join(&words[..n]),
                    rt.name,
                    rt.id
                ),
            ));
        }
        if as_device {
            let group = DeviceGroup {
                span,
                count: None,
                words: words.to_vec(),
                options: options.to_vec(),
            };
            self.hardware(
                &Hardware {
                    groups: vec![group],
                    over: None,
                },
                span,
                d,
            );
        } else {
            let m = ModelStmt {
                keyword: None,
                words: words.to_vec(),
                options: options.to_vec(),
            };
            self.model_stmt(&m, span, d);
        }
    }

    fn unknown_name(&mut self, words: &[Word], options: &[KeyValue]) {
        let name = words[0].text.clone();
        let mut pool: Vec<String> = Vec::new();
        if let Resolution::NotFound { suggestions } = self.cat.device(&name) {
            pool.extend(suggestions);
        }
        if let Resolution::NotFound { suggestions } = self.cat.model(&name) {
            pool.extend(suggestions);
        }
        if let Resolution::NotFound { suggestions } = self.cat.runtime(&name) {
            pool.extend(suggestions);
        }
        pool.sort_by(|a, b| closeness(&name, b).total_cmp(&closeness(&name, a)));
        pool.dedup();
        pool.truncate(3);
        let mut diag = unknown(
            "unknown_name",
            "device, model or runtime",
            &name,
            words[0].span,
            &pool,
        );
        if pool.is_empty() {
            diag.help =
                Some("`mlbn catalog devices`, `models` and `runtimes` list the known names".into());
        }
        self.diags.push(diag);
        let _ = options;
    }

    /// A bare runtime statement: as `runtime NAME`, with workload options allowed after it.
    fn runtime_phrase(&mut self, words: &[Word], options: &[KeyValue], d: &mut Draft) {
        for kv in options {
            self.workload_option(kv, d);
        }
        self.runtime_words(words, d);
    }

    // ---- model --------------------------------------------------------------------------------

    fn model_stmt(&mut self, m: &ModelStmt, span: Span, d: &mut Draft) {
        if d.spans.model.is_some() {
            self.diags.push(
                Diagnostic::error("duplicate_statement", "the model is given twice", span)
                    .with_help(
                        "a scenario runs one model; separate scenarios with `---` to compare",
                    ),
            );
            return;
        }
        d.spans.model = Some(span);
        for kv in &m.options {
            self.workload_option(kv, d);
        }
        let Some(first) = m.words.first() else {
            self.err(
                "missing_model",
                "`model` needs a name or a config.json path",
                m.keyword.unwrap_or(span),
            );
            return;
        };
        let (model, file, n) = if is_path(first) {
            match self.model_file(first) {
                Some(model) => {
                    // A pre-quantized checkpoint (AWQ, GPTQ, MLX 4-bit…) runs in its own
                    // format unless the text says otherwise; plain float dtypes are not a hint.
                    if let Some(Ok(text)) = self.opts.files.get(&first.text)
                        && let Some(id) = mlbn_catalog::quant_hint_from_hf_config(text)
                        && !matches!(id, "f16" | "bf16" | "f32")
                    {
                        d.quant_hint = self.cat.quant_by_id(id).cloned();
                    }
                    (model, Some(first.text.clone()), 1)
                }
                None => return,
            }
        } else {
            match longest_prefix(&m.words, |s| self.cat.find_model(s)) {
                Some((n, Resolution::Found(model))) => (model.clone(), None, n),
                Some((n, Resolution::Ambiguous(many))) => {
                    self.ambiguous_words("model", &m.words[..n], &many);
                    return;
                }
                _ => {
                    let n = m
                        .words
                        .iter()
                        .position(|w| self.cat.find_quant(&w.text).found().is_some())
                        .unwrap_or(m.words.len())
                        .max(1);
                    let name = join(&m.words[..n]);
                    let suggestions = suggestions(self.cat.model(&name));
                    self.diags.push(unknown(
                        "unknown_model",
                        "model",
                        &name,
                        words_span(&m.words[..n]),
                        &suggestions,
                    ));
                    return;
                }
            }
        };
        d.spans.model_name = Some(words_span(&m.words[..n]));
        d.model = Some((model, file));
        self.quant_words(&m.words[n..], d);
    }

    fn model_file(&mut self, word: &Word) -> Option<Model> {
        match self.opts.files.get(&word.text) {
            None => {
                self.err(
                    "file_not_provided",
                    format!("the contents of `{}` were not provided", word.text),
                    word.span,
                );
                None
            }
            Some(Err(why)) => {
                self.err(
                    "file_unreadable",
                    format!("cannot read `{}`: {why}", word.text),
                    word.span,
                );
                None
            }
            Some(Ok(text)) => match mlbn_catalog::model_from_hf_config(text, &word.text) {
                Ok(model) => Some(model),
                Err(why) => {
                    self.err(
                        "invalid_config",
                        format!("`{}` is not a usable Hugging Face config: {why}", word.text),
                        word.span,
                    );
                    None
                }
            },
        }
    }

    /// Quant words after a model name: the longest run resolving as a quant, once.
    fn quant_words(&mut self, words: &[Word], d: &mut Draft) {
        let mut i = 0;
        while i < words.len() {
            let rest = &words[i..];
            match longest_prefix(rest, |s| self.cat.find_quant(s)) {
                Some((n, Resolution::Found(q))) => {
                    let span = words_span(&rest[..n]);
                    if d.quant.is_some() {
                        self.err(
                            "duplicate_quant",
                            "a second quantization for the same model",
                            span,
                        );
                    } else {
                        d.quant = Some(q.clone());
                        d.spans.quant = Some(span);
                        d.quant_word = Some(join(&rest[..n]));
                    }
                    i += n;
                }
                Some((n, Resolution::Ambiguous(many))) => {
                    self.ambiguous_words("quant", &rest[..n], &many);
                    i += n;
                }
                _ => {
                    let w = &rest[0];
                    self.unknown_word(
                        "unknown_quant",
                        "quant",
                        w,
                        suggestions(self.cat.quant(&w.text)),
                    );
                    i += 1;
                }
            }
        }
    }

    // ---- strategy -----------------------------------------------------------------------------

    fn strategy(&mut self, s: &StrategyStmt, span: Span, d: &mut Draft) {
        if d.strategy.is_some() {
            self.err(
                "duplicate_statement",
                "the strategy is given twice in this scenario",
                span,
            );
            return;
        }
        d.spans.strategy = Some(span);
        let mut spec = StrategySpec::default();
        let mut kinds = Vec::new();
        for w in &s.words {
            match StrategyKind::from_word(&w.text) {
                Some(k) => kinds.push(k),
                None => {
                    let mut sug: Vec<&str> = crate::editor::STRATEGIES
                        .iter()
                        .copied()
                        .filter(|c| closeness(&w.text, c) > 0.7)
                        .collect();
                    sug.sort_by(|a, b| closeness(&w.text, b).total_cmp(&closeness(&w.text, a)));
                    let sug: Vec<String> = sug.into_iter().take(3).map(String::from).collect();
                    self.diags.push(unknown(
                        "unknown_strategy",
                        "strategy",
                        &w.text,
                        w.span,
                        &sug,
                    ));
                }
            }
        }
        spec.kind = match kinds.as_slice() {
            [] => None,
            [one] => Some(*one),
            many if many.iter().all(|k| {
                matches!(
                    k,
                    StrategyKind::Tensor | StrategyKind::Pipeline | StrategyKind::Data
                )
            }) =>
            {
                Some(StrategyKind::Hybrid)
            }
            _ => {
                self.err(
                    "conflicting_strategy",
                    "these strategy words cannot be combined; write degrees instead (`tp=2 pp=2`)",
                    words_span(&s.words),
                );
                None
            }
        };
        for kv in &s.options {
            let key = kv.key.text.to_ascii_lowercase();
            let slot = match key.as_str() {
                "tp" => &mut spec.tp,
                "pp" => &mut spec.pp,
                "dp" => &mut spec.dp,
                "ep" => &mut spec.ep,
                "microbatch" | "mb" => &mut spec.microbatch,
                _ => {
                    // Workload options may share the strategy's statement.
                    self.workload_option(kv, d);
                    continue;
                }
            };
            if let Some(v) = self.integer(kv, 1.0, f64::from(MAX_DEVICES)) {
                *slot = Some(v as u32);
                match key.as_str() {
                    "tp" => d.spans.tp = Some(kv.span),
                    "pp" => d.spans.pp = Some(kv.span),
                    _ => {}
                }
            }
        }
        if spec.kind.is_none() && (spec.tp.is_some() || spec.pp.is_some() || spec.dp.is_some()) {
            let explicit = [spec.tp, spec.pp, spec.dp]
                .iter()
                .filter(|v| v.is_some())
                .count();
            spec.kind = Some(if explicit > 1 {
                StrategyKind::Hybrid
            } else if spec.tp.is_some() {
                StrategyKind::Tensor
            } else if spec.pp.is_some() {
                StrategyKind::Pipeline
            } else {
                StrategyKind::Data
            });
        }
        d.strategy = Some(spec);
    }

    // ---- directives ---------------------------------------------------------------------------

    fn directive(&mut self, dir: &Directive, span: Span, d: &mut Draft) {
        let kw = dir.keyword.text.to_ascii_lowercase();
        match kw.as_str() {
            "runtime" => {
                let words = self.only_words(dir);
                if words.is_empty() {
                    self.err(
                        "missing_value",
                        "`runtime` needs a name (llama.cpp, mlx, vllm, …)",
                        dir.keyword.span,
                    );
                    return;
                }
                self.runtime_words(&words, d);
            }
            "kv" => {
                let words = self.only_words(dir);
                match words.as_slice() {
                    [w] => self.kv_word(w, d),
                    _ => self.err(
                        "missing_value",
                        "`kv` takes one cache type (f16, q8_0, q4_0, fp8)",
                        span,
                    ),
                }
            }
            "power" => self.power(dir, span, d),
            "host" => self.host(dir, span, d),
            "price" => {
                if let Some(v) = self.one_quantity(dir, &[Unit::Dollar], 0.0, 1e9) {
                    d.price_usd = Some(v);
                }
            }
            "years" => {
                if let Some(v) = self.one_quantity(dir, &[Unit::Years, Unit::None], 0.0, 50.0) {
                    if v == 0.0 {
                        self.err(
                            "out_of_range",
                            "amortisation needs at least a fraction of a year",
                            span,
                        );
                    } else {
                        d.years = Some(v);
                    }
                }
            }
            "optimize" => {
                if let Some(w) = self.one_choice(
                    dir,
                    &["decode", "prefill", "ttft", "throughput", "power", "cost"],
                ) {
                    d.optimize = Some(w);
                }
            }
            "layout" => {
                if let Some(w) = self.one_choice(dir, &["auto", "grid", "ring", "star"]) {
                    d.layout = Some(w);
                }
            }
            // Reverse planning goals are checked by `crate::plan`; a target's `ctx=` is the
            // context the scenario is evaluated at (diagnosed there when malformed).
            "target" => {
                for a in &dir.args {
                    if let Arg::KeyValue(kv) = a
                        && kv.key.text.eq_ignore_ascii_case("ctx")
                        && kv.op == mlbn_syntax::ast::CompareOp::Eq
                        && let Value::Quantity(q) = &kv.value
                        && q.unit == Unit::None
                        && q.value.is_finite()
                        && (1.0..=MAX_TOKENS).contains(&q.value)
                    {
                        d.ctx = Some(q.value as u64);
                        d.spans.ctx = Some(kv.span);
                    }
                }
            }
            "budget" | "prefer" => {}
            _ => self.err(
                "unknown_directive",
                format!("`{}` is not a keyword mlbn knows", dir.keyword.text),
                dir.keyword.span,
            ),
        }
    }

    /// A runtime name, from `runtime NAME` or a bare statement: the longest prefix naming a
    /// runtime, then an optional backend word (`llama.cpp vulkan`) picking the variant.
    fn runtime_words(&mut self, words: &[Word], d: &mut Draft) {
        if d.spans.runtime.is_some() {
            self.diags.push(
                Diagnostic::error(
                    "duplicate_statement",
                    "the runtime is given twice in this scenario",
                    words_span(words),
                )
                .with_help(
                    "a scenario runs on one runtime; separate scenarios with `---` to compare",
                ),
            );
            return;
        }
        match longest_prefix(words, |s| self.cat.find_runtime(s)) {
            Some((n, Resolution::Found(rt))) => {
                if n < words.len() {
                    let backend = join(&words[n..]).to_ascii_lowercase();
                    match self
                        .cat
                        .runtimes
                        .iter()
                        .find(|r| r.family == rt.family && r.backend.eq_ignore_ascii_case(&backend))
                    {
                        Some(v) => d.runtime = Some(v.clone()),
                        None => {
                            self.err(
                                "unknown_backend",
                                format!("{} has no `{backend}` backend", rt.name),
                                words_span(&words[n..]),
                            );
                            return;
                        }
                    }
                } else {
                    d.runtime = Some(rt.clone());
                }
                d.spans.runtime = Some(words_span(words));
            }
            Some((n, Resolution::Ambiguous(many))) => {
                self.ambiguous_words("runtime", &words[..n], &many)
            }
            _ => {
                self.unknown_word(
                    "unknown_runtime",
                    "runtime",
                    &words[0],
                    suggestions(self.cat.runtime(&words[0].text)),
                );
            }
        }
    }

    /// The directive's args, which must all be words.
    fn only_words(&mut self, dir: &Directive) -> Vec<Word> {
        let mut out = Vec::new();
        for a in &dir.args {
            match a {
                Arg::Word(w) => out.push(w.clone()),
                other => self.err(
                    "unexpected_value",
                    format!("`{}` takes names here, not a value", dir.keyword.text),
                    other.span(),
                ),
            }
        }
        out
    }

    fn one_choice(&mut self, dir: &Directive, choices: &[&str]) -> Option<String> {
        let words = self.only_words(dir);
        let [w] = words.as_slice() else {
            self.err(
                "missing_value",
                format!(
                    "`{}` takes one of: {}",
                    dir.keyword.text,
                    choices.join(", ")
                ),
                dir.keyword.span,
            );
            return None;
        };
        let lw = w.text.to_ascii_lowercase();
        if choices.contains(&lw.as_str()) {
            Some(lw)
        } else {
            let mut sug: Vec<String> = choices
                .iter()
                .filter(|c| closeness(&lw, c) > 0.7)
                .map(|c| c.to_string())
                .collect();
            sug.truncate(3);
            let mut diag = unknown("unknown_value", "value", &w.text, w.span, &sug);
            diag.help = Some(format!("one of: {}", choices.join(", ")));
            self.diags.push(diag);
            None
        }
    }

    fn one_quantity(&mut self, dir: &Directive, units: &[Unit], min: f64, max: f64) -> Option<f64> {
        let [Arg::Quantity(q)] = dir.args.as_slice() else {
            self.err(
                "missing_value",
                format!("`{}` takes one value", dir.keyword.text),
                dir.keyword.span,
            );
            return None;
        };
        if !units.contains(&q.unit) {
            self.err(
                "wrong_unit",
                format!("`{}` expects {}", dir.keyword.text, unit_names(units)),
                q.span,
            );
            return None;
        }
        self.in_range(q.value, min, max, q.span)
    }

    fn in_range(&mut self, v: f64, min: f64, max: f64, span: Span) -> Option<f64> {
        if !v.is_finite() || v < min || v > max {
            self.err(
                "out_of_range",
                format!(
                    "{} is out of range ({} to {})",
                    fmt_num(v),
                    fmt_num(min),
                    fmt_num(max)
                ),
                span,
            );
            None
        } else {
            Some(v)
        }
    }

    fn power(&mut self, dir: &Directive, span: Span, d: &mut Draft) {
        let mut p = d.power.unwrap_or(PowerSpec {
            usd_per_kwh: DEFAULT_USD_PER_KWH,
            hours_per_day: DEFAULT_HOURS_PER_DAY,
        });
        d.spans.power = Some(span);
        if dir.args.is_empty() {
            self.err(
                "missing_value",
                "`power` takes a price and a duty cycle: `power $0.15/kWh 8h/day`",
                dir.keyword.span,
            );
        }
        for a in &dir.args {
            match a {
                Arg::Quantity(q) if q.unit == Unit::DollarPerKwh => {
                    if let Some(v) = self.in_range(q.value, 0.0, 10.0, q.span) {
                        p.usd_per_kwh = v;
                    }
                }
                Arg::Quantity(q) if q.unit == Unit::HoursPerDay => {
                    if let Some(v) = self.in_range(q.value, 0.0, 24.0, q.span) {
                        p.hours_per_day = v;
                    }
                }
                other => self.err(
                    "wrong_unit",
                    "`power` expects `$…/kWh` and `…h/day`",
                    other.span(),
                ),
            }
        }
        d.power = Some(p);
    }

    fn host(&mut self, dir: &Directive, span: Span, d: &mut Draft) {
        let mut h = HostSpec::default();
        d.spans.host = Some(span);
        for a in &dir.args {
            match a {
                Arg::Word(w) => {
                    let t = w.text.to_ascii_lowercase();
                    if t.starts_with("ddr") || t.starts_with("lpddr") || t == "hbm" {
                        h.kind = Some(t);
                    } else {
                        self.err(
                            "unknown_value",
                            format!(
                                "`{}` is not a host memory kind (ddr4, ddr5, lpddr5x)",
                                w.text
                            ),
                            w.span,
                        );
                    }
                }
                Arg::Quantity(q) => match gb(q.unit) {
                    Some(scale) => h.mem_gb = self.in_range(q.value * scale, 0.001, 1e6, q.span),
                    None => match gbps(q.unit) {
                        Some(scale) => {
                            h.bw_gbps = self.in_range(q.value * scale, 0.001, 1e6, q.span)
                        }
                        None => self.err(
                            "wrong_unit",
                            "`host` expects a memory kind, a size in GB and a bandwidth in GB/s",
                            q.span,
                        ),
                    },
                },
                Arg::KeyValue(kv) => self.err(
                    "unknown_option",
                    format!("`{}` is not an option of `host`", kv.key.text),
                    kv.key.span,
                ),
            }
        }
        d.host = Some(h);
    }

    fn kv_word(&mut self, w: &Word, d: &mut Draft) {
        match self.cat.kv_type(&w.text) {
            Resolution::Found(k) => {
                d.kv = Some(k.clone());
                d.spans.kv = Some(w.span);
            }
            Resolution::Ambiguous(many) => self.diags.push(ambiguous(
                "kv_type",
                &w.text,
                w.span,
                many.iter().map(|k| (k.id.clone(), k.id.clone())).collect(),
            )),
            Resolution::NotFound { suggestions } => self.diags.push(unknown(
                "unknown_kv_type",
                "kv cache type",
                &w.text,
                w.span,
                &suggestions,
            )),
        }
    }

    // ---- workload options ---------------------------------------------------------------------

    fn integer(&mut self, kv: &KeyValue, min: f64, max: f64) -> Option<u64> {
        let Value::Quantity(q) = &kv.value else {
            self.err(
                "expected_number",
                format!("`{}` takes a number", kv.key.text),
                kv.value.span(),
            );
            return None;
        };
        if q.unit != Unit::None {
            self.err(
                "wrong_unit",
                format!("`{}` takes a plain count, without a unit", kv.key.text),
                q.span,
            );
            return None;
        }
        if kv.op != mlbn_syntax::ast::CompareOp::Eq {
            self.err(
                "unexpected_comparison",
                format!(
                    "write `{}=…`; comparisons belong in a `target`",
                    kv.key.text
                ),
                kv.span,
            );
            return None;
        }
        self.in_range(q.value.round(), min, max, q.span)
            .map(|v| v as u64)
    }

    fn workload_option(&mut self, kv: &KeyValue, d: &mut Draft) {
        let key = kv.key.text.to_ascii_lowercase();
        match key.as_str() {
            "prompt" | "input" | "pp_tokens" => {
                if let Some(v) = self.integer(kv, 1.0, MAX_TOKENS) {
                    d.prompt = Some(v);
                    d.spans.prompt = Some(kv.span);
                }
            }
            "gen" | "output" | "generate" => {
                if let Some(v) = self.integer(kv, 1.0, MAX_TOKENS) {
                    d.gen_tokens = Some(v);
                    d.spans.gen_tokens = Some(kv.span);
                }
            }
            "ctx" | "context" => {
                if let Some(v) = self.integer(kv, 1.0, MAX_TOKENS) {
                    d.ctx = Some(v);
                    d.spans.ctx = Some(kv.span);
                }
            }
            "batch" => {
                if let Some(v) = self.integer(kv, 1.0, MAX_BATCH) {
                    d.batch = Some(v as u32);
                    d.spans.batch = Some(kv.span);
                }
            }
            "kv" => match &kv.value {
                Value::Word(w) => self.kv_word(w, d),
                Value::Quantity(q) => self.err(
                    "expected_name",
                    "`kv=` takes a cache type (f16, q8_0, q4_0, fp8)",
                    q.span,
                ),
            },
            _ => {
                let known = ["prompt", "gen", "ctx", "batch", "kv"];
                let mut sug: Vec<String> = known
                    .iter()
                    .filter(|k| closeness(&key, k) > 0.7)
                    .map(|k| k.to_string())
                    .collect();
                sug.truncate(3);
                let mut diag = unknown("unknown_option", "option", &kv.key.text, kv.key.span, &sug);
                if sug.is_empty() {
                    diag.help = Some(format!("workload options are {}", known.join(", ")));
                }
                self.diags.push(diag);
            }
        }
    }

    // ---- defaults -----------------------------------------------------------------------------

    fn finish(&mut self, d: Draft) -> Option<ResolvedScenario> {
        let cat = self.cat;
        let mut defaulted = Vec::new();
        let devices = match d.devices {
            Some(devs) if !devs.is_empty() => devs,
            Some(_) => return None,
            None => {
                let dev = cat.find_device(DEFAULT_DEVICE).found()?.clone();
                defaulted.push(Defaulted {
                    field: "hardware",
                    value: format!("1x {}", dev.id),
                });
                vec![ResolvedDevice {
                    device: dev,
                    count: 1,
                    link: None,
                    custom: false,
                    spans: DeviceSpans::default(),
                }]
            }
        };
        let (model, model_file) = match d.model {
            Some(m) => m,
            None => {
                let m = cat.find_model(DEFAULT_MODEL).found()?.clone();
                defaulted.push(Defaulted {
                    field: "model",
                    value: m.id.clone(),
                });
                (m, None)
            }
        };
        let kv = match d.kv {
            Some(k) => k,
            None => {
                let k = cat.find_kv_type("f16").found()?.clone();
                defaulted.push(Defaulted {
                    field: "kv",
                    value: k.id.clone(),
                });
                k
            }
        };
        // A shorthand names a width, not a format: it does not pick the runtime.
        let written_format = d
            .quant
            .as_ref()
            .filter(|_| !d.quant_word.as_deref().is_some_and(is_shorthand))
            .map(|q| q.format.clone());
        let runtime = match d.runtime {
            Some(r) => {
                let r = concrete_runtime(cat, &r, &devices);
                self.check_runtime(&r, &devices, d.spans.runtime);
                r
            }
            None => {
                let r = default_runtime(cat, &devices, written_format.as_deref())?;
                defaulted.push(Defaulted {
                    field: "runtime",
                    value: r.id.clone(),
                });
                r
            }
        };
        let shorthand = d.quant_word.as_deref().is_some_and(is_shorthand);
        let quant = match d.quant {
            // A shorthand (`q4`, `8bit`) means the runtime's own format of that width.
            Some(q) if shorthand && q.format == "gguf" && runtime.family != "llama.cpp" => {
                server_or_mlx_equivalent(cat, &runtime, &devices, &q).unwrap_or(q)
            }
            Some(q) if runtime.family == "mlx" && q.format == "gguf" => {
                if let (Some(m), Some(span)) = (mlx_equivalent(cat, &q), d.spans.quant) {
                    self.diags.push(
                        Diagnostic::warning(
                            "quant_runtime_mismatch",
                            format!(
                                "MLX loads MLX weights, not GGUF {}; the estimate uses {} as written",
                                q.name, q.name
                            ),
                            span,
                        )
                        .with_fix(replace_fix(format!("use `{}`", m.id), span, m.id.clone())),
                    );
                }
                q
            }
            Some(q) => q,
            None => {
                let q = match d.quant_hint {
                    Some(q) => q,
                    // The default names a width, like a shorthand: with a runtime that does
                    // not load GGUF it becomes that runtime's own format (`vllm` → AWQ).
                    None => match default_quant(cat, &devices)? {
                        q if q.format == "gguf" && runtime.family != "llama.cpp" => {
                            server_or_mlx_equivalent(cat, &runtime, &devices, &q).unwrap_or(q)
                        }
                        q => q,
                    },
                };
                defaulted.push(Defaulted {
                    field: "quant",
                    value: q.id.clone(),
                });
                q
            }
        };
        let strategy = match d.strategy {
            Some(s) => s,
            None => {
                defaulted.push(Defaulted {
                    field: "strategy",
                    value: "auto".into(),
                });
                StrategySpec::default()
            }
        };
        let count: u32 = devices.iter().map(|g| g.count).sum();
        let degrees = [strategy.tp, strategy.pp, strategy.dp]
            .iter()
            .map(|v| u64::from(v.unwrap_or(1)))
            .product::<u64>();
        if degrees > u64::from(count) {
            self.err(
                "degree_exceeds_devices",
                format!(
                    "`{}` needs {degrees} devices; the scenario has {count}",
                    strategy.label()
                ),
                d.spans.strategy.unwrap_or(d.spans.scenario),
            );
        }
        let mut num = |field: &'static str, v: Option<u64>, default: u64| -> u64 {
            v.unwrap_or_else(|| {
                defaulted.push(Defaulted {
                    field,
                    value: default.to_string(),
                });
                default
            })
        };
        let prompt_tokens = num("prompt", d.prompt, DEFAULT_PROMPT);
        let gen_tokens = num("gen", d.gen_tokens, DEFAULT_GEN);
        let batch = num("batch", d.batch.map(u64::from), 1) as u32;
        if let Some(ctx) = d.ctx
            && ctx < prompt_tokens + gen_tokens
        {
            self.err(
                "context_too_small",
                format!(
                    "ctx={ctx} is shorter than prompt + generation ({})",
                    prompt_tokens + gen_tokens
                ),
                d.spans.ctx.unwrap_or(d.spans.scenario),
            );
        }
        let power = match d.power {
            Some(p) => p,
            None => {
                defaulted.push(Defaulted {
                    field: "power",
                    value: format!("${DEFAULT_USD_PER_KWH}/kWh {DEFAULT_HOURS_PER_DAY}h/day"),
                });
                PowerSpec {
                    usd_per_kwh: DEFAULT_USD_PER_KWH,
                    hours_per_day: DEFAULT_HOURS_PER_DAY,
                }
            }
        };
        Some(ResolvedScenario {
            devices,
            over: d.over,
            model,
            model_file,
            quant,
            kv,
            runtime,
            strategy,
            workload: Workload {
                prompt_tokens,
                gen_tokens,
                batch,
                ctx_tokens: d.ctx,
            },
            power,
            host: d.host,
            price_usd: d.price_usd,
            years: d.years,
            optimize: d.optimize,
            layout: d.layout,
            defaulted,
            spans: d.spans,
            name_notes: std::mem::take(&mut self.notes),
        })
    }

    /// A runtime written for hardware it does not run on gets a warning.
    fn check_runtime(&mut self, rt: &Runtime, devices: &[ResolvedDevice], span: Option<Span>) {
        for g in devices {
            let key = runs_on_key(&g.device);
            if g.custom || rt.runs_on.iter().any(|r| r == &key) {
                continue;
            }
            let mut diag = Diagnostic::warning(
                "runtime_mismatch",
                format!("{} does not run on {}", rt.name, g.device.name),
                span.unwrap_or_default(),
            );
            if let Some(alt) = self
                .cat
                .runtimes
                .iter()
                .find(|r| r.family == rt.family && r.runs_on.contains(&key))
                && let Some(span) = span
            {
                diag = diag.with_help(format!("{} does", alt.name));
                diag = diag.with_fix(replace_fix(
                    format!("use `{}`", alt.id),
                    span,
                    alt.id.clone(),
                ));
            }
            self.diags.push(diag);
            return;
        }
    }
}

/// True when `text` is the runtime's id, name or one of its aliases (ignoring case and
/// punctuation), not merely a forgiving match.
fn names_exactly(rt: &Runtime, text: &str) -> bool {
    let key = normalize(text);
    [&rt.id, &rt.name]
        .into_iter()
        .chain(&rt.aliases)
        .any(|n| normalize(n) == key)
}

/// `q4`, `q8`, `4bit`, `int4`: a width, not a file format.
fn is_shorthand(word: &str) -> bool {
    matches!(
        normalize(word).as_str(),
        "q2" | "q3"
            | "q4"
            | "q5"
            | "q6"
            | "q8"
            | "int4"
            | "int8"
            | "4bit"
            | "8bit"
            | "3bit"
            | "6bit"
    )
}

/// The format a runtime loads for a shorthand width: MLX's own for MLX, AWQ INT4 or FP8/INT8
/// for the serving engines (vLLM, SGLang, TensorRT-LLM).
fn server_or_mlx_equivalent(
    cat: &Catalog,
    runtime: &Runtime,
    devices: &[ResolvedDevice],
    q: &Quant,
) -> Option<Quant> {
    match runtime.family.as_str() {
        "mlx" => mlx_equivalent(cat, q),
        "vllm" | "sglang" | "trt-llm" => {
            let fp8 = devices
                .iter()
                .all(|g| g.device.native.contains(&Precision::Fp8));
            let id = if q.bits_per_weight < 6.0 {
                "awq-int4"
            } else if fp8 {
                "fp8-e4m3"
            } else {
                "int8-w8a8"
            };
            cat.quant_by_id(id).cloned()
        }
        _ => None,
    }
}

/// The MLX format of the same width as a GGUF quant (`q4_k_m` → `mlx-4bit-g64`).
fn mlx_equivalent(cat: &Catalog, q: &Quant) -> Option<Quant> {
    let bits =
        q.id.trim_start_matches("ud-")
            .trim_start_matches('i')
            .trim_start_matches('q');
    let bits = match bits.chars().next()? {
        '2' | '3' => 3,
        c @ '4'..='8' => c.to_digit(10)?,
        _ => return None,
    };
    let bits = if bits == 7 { 8 } else { bits };
    cat.quant_by_id(&format!("mlx-{bits}bit-g64")).cloned()
}

fn link_kind_name(k: mlbn_catalog::LinkKind) -> &'static str {
    use mlbn_catalog::LinkKind as K;
    match k {
        K::Pcie => "PCIe",
        K::Nvlink => "NVLink",
        K::Nvswitch => "NVSwitch",
        K::InfinityFabric => "Infinity Fabric",
        K::Ultrafusion => "UltraFusion",
        K::Thunderbolt => "Thunderbolt",
        K::Usb4 => "USB4",
        K::Oculink => "OCuLink",
        K::Ethernet => "Ethernet",
        K::Infiniband => "InfiniBand",
        _ => "such link",
    }
}

fn unit_names(units: &[Unit]) -> String {
    let names: Vec<&str> = units
        .iter()
        .map(|u| match u {
            Unit::Dollar => "a price in $",
            Unit::Years => "years",
            Unit::None => "a number",
            Unit::Gb | Unit::Gib | Unit::Tb | Unit::Mb => "a size in GB",
            Unit::GbPerS | Unit::TbPerS | Unit::GbitPerS => "a bandwidth in GB/s",
            Unit::Tflops => "TFLOPS",
            Unit::Watt | Unit::Kilowatt => "watts",
            _ => "another unit",
        })
        .collect();
    names.join(" or ")
}

pub(crate) fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Scale of a size unit to GB.
fn gb(unit: Unit) -> Option<f64> {
    Some(match unit {
        Unit::Gb => 1.0,
        Unit::Gib => 1.073_741_824,
        Unit::Tb => 1000.0,
        Unit::Mb => 0.001,
        _ => return None,
    })
}

/// A size or rate field of a device block (`mem 48GB`, `bw 960GB/s`): the value in the
/// field's base unit with its span, or the diagnostic. A bare number gets an "add UNIT" fix;
/// `[what, noun]` name the field in the message and the help ("memory", "size").
fn scaled_field(
    f: &DeviceField,
    scale: fn(Unit) -> Option<f64>,
    [what, noun]: [&str; 2],
    unit: &str,
    example: &str,
) -> Result<(f64, Span), Diagnostic> {
    match &f.value {
        Value::Quantity(q) => match scale(q.unit) {
            Some(k) => Ok((q.value * k, q.span)),
            None if q.unit == Unit::None => {
                Err(
                    Diagnostic::error("missing_unit", format!("{what} needs a unit"), q.span)
                        .with_help(format!("write the {noun} in {unit}"))
                        .with_fix(replace_fix(
                            format!("add {unit}"),
                            Span::at(q.span.end),
                            unit.to_string(),
                        )),
                )
            }
            None => Err(wrong_unit(f, example)),
        },
        Value::Word(_) => Err(wrong_unit(f, example)),
    }
}

/// "`bw` expects a bandwidth such as `960GB/s`" on a device field's value.
fn wrong_unit(f: &DeviceField, want: &str) -> Diagnostic {
    Diagnostic::error(
        "wrong_unit",
        format!("`{}` expects {want}", f.key.text),
        f.value.span(),
    )
}

/// Scale of a bandwidth unit to GB/s.
fn gbps(unit: Unit) -> Option<f64> {
    Some(match unit {
        Unit::GbPerS => 1.0,
        Unit::TbPerS => 1000.0,
        Unit::GbitPerS => 0.125,
        _ => return None,
    })
}

pub const DEFAULT_DEVICE: &str = "rtx-4090";
pub const DEFAULT_MODEL: &str = "llama-3.2-3b";
pub const DEFAULT_PROMPT: u64 = 2048;
pub const DEFAULT_GEN: u64 = 256;
pub const DEFAULT_USD_PER_KWH: f64 = 0.12;
pub const DEFAULT_HOURS_PER_DAY: f64 = 8.0;

/// The vendor key runtimes list in `runs_on`.
pub(crate) fn runs_on_key(dev: &Device) -> String {
    match dev.kind {
        DeviceKind::Cpu => "cpu".into(),
        DeviceKind::AppleSoc => "apple".into(),
        _ => dev.vendor.to_ascii_lowercase(),
    }
}

/// Q4_K_M on consumer and workstation GPUs, APUs and CPUs (what llama.cpp users run);
/// bf16 (fp16 without native bf16) on datacenter parts and Apple Silicon.
fn default_quant(cat: &Catalog, devices: &[ResolvedDevice]) -> Option<Quant> {
    let full_precision = devices.iter().all(|g| {
        g.device.kind == DeviceKind::AppleSoc
            || (g.device.market == Market::Datacenter && g.device.kind != DeviceKind::Cpu)
    });
    let id = if !full_precision {
        "q4_k_m"
    } else if devices
        .iter()
        .all(|g| g.device.native.contains(&Precision::Bf16))
        && devices
            .iter()
            .all(|g| g.device.kind != DeviceKind::AppleSoc)
    {
        "bf16"
    } else {
        "f16"
    };
    cat.find_quant(id)
        .found()
        .or_else(|| cat.find_quant("f16").found())
        .cloned()
}

/// llama.cpp for consumer hardware, MLX for Macs, vLLM for datacenter GPUs, exo for mixed
/// clusters of different vendors; the backend follows the first device.
pub(crate) fn default_runtime(
    cat: &Catalog,
    devices: &[ResolvedDevice],
    quant_format: Option<&str>,
) -> Option<Runtime> {
    let mut keys: Vec<String> = devices.iter().map(|g| runs_on_key(&g.device)).collect();
    keys.sort();
    keys.dedup();
    if keys.len() > 1
        && let Some(r) = cat.runtimes.iter().find(|r| r.family == "exo")
    {
        return Some(r.clone());
    }
    let first = &devices.first()?.device;
    let datacenter = devices
        .iter()
        .all(|g| g.device.market == Market::Datacenter && g.device.kind != DeviceKind::Cpu);
    // A GGUF file is run by llama.cpp, whatever the hardware's usual runtime.
    let family = if quant_format == Some("gguf") {
        "llama.cpp"
    } else if first.kind == DeviceKind::AppleSoc {
        "mlx"
    } else if datacenter {
        "vllm"
    } else {
        "llama.cpp"
    };
    cat.runtime_backend_for(family, first)
        .or_else(|| cat.runtimes.iter().find(|r| r.family == family))
        .or_else(|| Some(cat.default_runtime_for(first)))
        .cloned()
}

/// A family entry (`llama.cpp`, backend `auto`) becomes the concrete backend for the devices.
fn concrete_runtime(cat: &Catalog, rt: &Runtime, devices: &[ResolvedDevice]) -> Runtime {
    let devices: Vec<&Device> = devices.iter().map(|g| &g.device).collect();
    concrete_runtime_on(cat, rt, &devices)
}

/// Can `r` run on every one of `devices`? (A CPU backend only on CPUs.)
pub(crate) fn runs_on_every<'a>(
    r: &Runtime,
    mut devices: impl Iterator<Item = &'a Device>,
) -> bool {
    devices.all(|d| {
        r.runs_on
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&runs_on_key(d)))
            && (d.kind == DeviceKind::Cpu || r.backend != "cpu")
    })
}

/// The concrete member of `rt`'s family for `devices`: the first device's backend when it
/// runs on all of them, else the first backend of the family that does (an RTX card with an
/// Arc card under llama.cpp is Vulkan, not CUDA); a concrete runtime stays as written.
pub(crate) fn concrete_runtime_on(cat: &Catalog, rt: &Runtime, devices: &[&Device]) -> Runtime {
    if rt.backend != "auto" {
        return rt.clone();
    }
    let Some(first) = devices.first() else {
        return rt.clone();
    };
    let all = |r: &Runtime| runs_on_every(r, devices.iter().copied());
    if let Some(r) = cat.runtime_backend_for(&rt.family, first)
        && (devices.len() == 1 || all(r))
    {
        return r.clone();
    }
    cat.runtimes
        .iter()
        .find(|r| r.family == rt.family && r.backend != "auto" && all(r))
        .unwrap_or(rt)
        .clone()
}

/// A device from a `device NAME { … }` block; `None` (with diagnostics) when unusable.
fn custom_device(def: &DeviceDef, cat: &Catalog, diags: &mut Vec<Diagnostic>) -> Option<Device> {
    let mut mem_gb = None;
    let mut bw_gbps = None;
    let mut tflops: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut tdp_w = None;
    let mut idle_w = None;
    let mut kind = DeviceKind::Gpu;
    let mut vendor = "custom".to_string();
    let mut interconnects = Vec::new();
    let mut price = None;
    let mut ok = true;
    for f in &def.fields {
        let key = f.key.text.to_ascii_lowercase();
        let q = match &f.value {
            Value::Quantity(q) => Some(q.clone()),
            Value::Word(_) => None,
        };
        let word = match &f.value {
            Value::Word(w) => Some(w),
            Value::Quantity(_) => None,
        };
        let expect = |want: &str, diags: &mut Vec<Diagnostic>| diags.push(wrong_unit(f, want));
        let check = |v: f64, span: Span, diags: &mut Vec<Diagnostic>| -> Option<f64> {
            if v.is_finite() && v > 0.0 && v <= 1e6 {
                Some(v)
            } else {
                diags.push(Diagnostic::error(
                    "out_of_range",
                    format!("{} must be above 0 and at most 1000000", fmt_num(v)),
                    span,
                ));
                None
            }
        };
        match key.as_str() {
            "mem" | "memory" | "vram" => {
                match scaled_field(f, gb, ["memory", "size"], "GB", "a size such as `48GB`") {
                    Ok((v, span)) => mem_gb = check(v, span, diags),
                    Err(d) => {
                        diags.push(d);
                        ok = false;
                    }
                }
            }
            "bw" | "bandwidth" => {
                match scaled_field(
                    f,
                    gbps,
                    ["bandwidth", "bandwidth"],
                    "GB/s",
                    "a bandwidth such as `960GB/s`",
                ) {
                    Ok((v, span)) => bw_gbps = check(v, span, diags),
                    Err(d) => {
                        diags.push(d);
                        ok = false;
                    }
                }
            }
            "fp32" | "fp16" | "bf16" | "fp8" | "int8" | "fp4" => match q {
                Some(q) if matches!(q.unit, Unit::Tflops | Unit::None) => {
                    let name = match key.as_str() {
                        "fp32" => "fp32",
                        "fp16" => "fp16",
                        "bf16" => "bf16",
                        "fp8" => "fp8",
                        "int8" => "int8",
                        _ => "fp4",
                    };
                    if let Some(v) = check(q.value, q.span, diags) {
                        tflops.insert(name, v);
                    }
                }
                _ => {
                    expect("TFLOPS such as `165TF`", diags);
                    ok = false;
                }
            },
            "tdp" | "power" | "idle" => match q {
                Some(q) if matches!(q.unit, Unit::Watt | Unit::Kilowatt) => {
                    let w = if q.unit == Unit::Kilowatt {
                        q.value * 1000.0
                    } else {
                        q.value
                    };
                    let v = check(w, q.span, diags);
                    if key == "idle" {
                        idle_w = v;
                    } else {
                        tdp_w = v;
                    }
                }
                _ => {
                    expect("watts such as `300W`", diags);
                    ok = false;
                }
            },
            "price" => match q {
                Some(q) if q.unit == Unit::Dollar => price = check(q.value, q.span, diags),
                _ => expect("a price such as `$1599`", diags),
            },
            "kind" => match word.map(|w| w.text.to_ascii_lowercase()) {
                Some(w) if w == "gpu" => kind = DeviceKind::Gpu,
                Some(w) if w == "cpu" => kind = DeviceKind::Cpu,
                Some(w) if w == "apu" => kind = DeviceKind::Apu,
                Some(w) if w == "accelerator" || w == "npu" => kind = DeviceKind::Accelerator,
                Some(w) if w == "apple" || w == "apple-soc" => kind = DeviceKind::AppleSoc,
                _ => {
                    expect("one of gpu, cpu, apu, accelerator, apple-soc", diags);
                    ok = false;
                }
            },
            "vendor" => match word {
                Some(w) => vendor = w.text.to_ascii_lowercase(),
                None => expect("a vendor name (nvidia, amd, intel, apple)", diags),
            },
            "link" | "interconnect" => match word.map(|w| (w, cat.link(&w.text))) {
                Some((_, Resolution::Found(l))) => interconnects.push(l.id.clone()),
                Some((w, Resolution::NotFound { suggestions })) => {
                    diags.push(unknown(
                        "unknown_link",
                        "link",
                        &w.text,
                        w.span,
                        &suggestions,
                    ));
                }
                _ => expect("a link name such as `pcie4-x16`", diags),
            },
            _ => {
                let known = [
                    "mem", "bw", "fp32", "fp16", "bf16", "fp8", "int8", "fp4", "tdp", "idle",
                    "price", "kind", "vendor", "link",
                ];
                let mut sug: Vec<String> = known
                    .iter()
                    .filter(|k| closeness(&key, k) > 0.7)
                    .map(|k| k.to_string())
                    .collect();
                sug.truncate(3);
                let mut d = unknown(
                    "unknown_field",
                    "device field",
                    &f.key.text,
                    f.key.span,
                    &sug,
                );
                d.help = Some(format!("device fields are {}", known.join(", ")));
                diags.push(d);
            }
        }
    }
    let mut missing = Vec::new();
    if mem_gb.is_none() {
        missing.push("mem");
    }
    if bw_gbps.is_none() {
        missing.push("bw");
    }
    if !tflops.contains_key("fp16") && !tflops.contains_key("bf16") {
        missing.push("fp16");
    }
    if !missing.is_empty() {
        if ok {
            diags.push(
                Diagnostic::error(
                    "missing_field",
                    format!("device `{}` needs {}", def.name.text, missing.join(", ")),
                    def.name.span,
                )
                .with_help("e.g. `device lab-box { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }`"),
            );
        }
        return None;
    }
    let fp16 = tflops
        .get("fp16")
        .or_else(|| tflops.get("bf16"))
        .copied()
        .unwrap_or(1.0);
    let mut native = vec![Precision::Fp32, Precision::Fp16];
    for (name, p) in [
        ("bf16", Precision::Bf16),
        ("fp8", Precision::Fp8),
        ("int8", Precision::Int8),
        ("fp4", Precision::Fp4),
    ] {
        if tflops.contains_key(name) {
            native.push(p);
        }
    }
    let tdp = tdp_w.unwrap_or(300.0);
    Some(Device {
        id: def.name.text.clone(),
        name: def.name.text.clone(),
        aliases: Vec::new(),
        kind,
        vendor,
        market: Market::Consumer,
        year: 2025,
        mem_gb: mem_gb?,
        bw_gbps: bw_gbps?,
        fp32_tflops: tflops.get("fp32").copied().unwrap_or(fp16 / 2.0),
        fp16_tflops: fp16,
        bf16_tflops: tflops.get("bf16").copied(),
        fp8_tflops: tflops.get("fp8").copied(),
        int8_tops: tflops.get("int8").copied(),
        fp4_tflops: tflops.get("fp4").copied(),
        native,
        tdp_w: tdp,
        // Without a figure, idle is taken as a tenth of board power (typical of discrete GPUs).
        idle_w: idle_w.unwrap_or(tdp * 0.1),
        interconnects,
        family: None,
        family_default: false,
        gpu_cores: None,
        usable_mem_fraction: None,
        price_usd: price,
        price_source: price.map(|_| "given in the scenario".to_string()),
        price_date: None,
        source: "defined in the scenario file".to_string(),
        sources: BTreeMap::new(),
        notes: None,
    })
}

#[cfg(test)]
mod tests {
    use crate::{Analysis, AnalyzeOptions, analyze, completions, hover};

    fn run(text: &str) -> Analysis {
        analyze(text, &AnalyzeOptions::builtin())
    }

    fn errors(a: &Analysis) -> Vec<String> {
        a.errors().map(|d| d.message.clone()).collect()
    }

    fn resolved(a: &Analysis) -> &super::ResolvedScenario {
        a.scenarios[0].resolved.as_ref().expect("resolved")
    }

    #[test]
    fn a_family_runtime_on_mixed_vendors_is_a_backend_they_all_run() {
        // CUDA cannot drive the Arc card: llama.cpp over both is its Vulkan backend.
        let a = run("rtx4090 + arc-b580; llama3-8b q4_k_m; runtime llama.cpp");
        assert!(errors(&a).is_empty(), "{:?}", errors(&a));
        assert_eq!(resolved(&a).runtime.id, "llama.cpp-vulkan");
        // One vendor keeps the device's own backend.
        let a = run("2x rtx4090; llama3-8b q4_k_m; runtime llama.cpp");
        assert_eq!(resolved(&a).runtime.id, "llama.cpp-cuda");
    }

    #[test]
    fn a_bare_runtime_name_is_the_runtime() {
        let text = "3x radeon-ai-pro-r9700; gpt-oss-120b f16; llama.cpp-rocm";
        let a = run(text);
        // F16 does not fit three 32 GB cards: that finding is the only error.
        let codes: Vec<&str> = a.errors().map(|d| d.code.as_str()).collect();
        assert!(codes.iter().all(|c| !c.starts_with("unknown")), "{codes:?}");
        let r = resolved(&a);
        assert_eq!(r.runtime.id, "llama.cpp-rocm");
        assert!(!r.is_defaulted("runtime"));
        let at = text.find("llama.cpp-rocm").unwrap();
        assert_eq!(r.spans.runtime.map(|s| s.start), Some(at));
        let h = hover(&a, at + 3).expect("runtime hover");
        assert!(h.markdown.contains("ROCm"), "{}", h.markdown);
    }

    #[test]
    fn every_catalog_runtime_written_bare_means_what_runtime_says() {
        let cat = mlbn_catalog::Catalog::builtin();
        for rt in &cat.runtimes {
            let bare = run(&format!("rtx4090; llama3-8b q4; {}", rt.id));
            let keyword = run(&format!("rtx4090; llama3-8b q4; runtime {}", rt.id));
            assert!(errors(&bare).is_empty(), "{}: {:?}", rt.id, errors(&bare));
            assert_eq!(
                resolved(&bare).runtime,
                resolved(&keyword).runtime,
                "{}",
                rt.id
            );
        }
        for (text, id) in [
            ("vllm", "vllm"),
            ("exo", "exo"),
            ("mlx", "mlx"),
            ("tensorrt-llm", "tensorrt-llm"),
            ("ollama", "ollama"),
            ("llama.cpp vulkan", "llama.cpp-vulkan"),
            ("trt-llm", "tensorrt-llm"),
        ] {
            let a = run(&format!("rtx4090; llama3-8b q4; {text}"));
            assert!(errors(&a).is_empty(), "{text}: {:?}", errors(&a));
            let rt = &resolved(&a).runtime;
            assert!(
                rt.id == id || rt.id.starts_with(&format!("{id}-")),
                "{text}: {}",
                rt.id
            );
        }
    }

    #[test]
    fn a_bare_runtime_takes_workload_options_and_reports_unknown_backends() {
        let a = run("rtx4090; llama3-8b q4; vllm batch=8");
        assert!(errors(&a).is_empty(), "{:?}", errors(&a));
        assert_eq!(resolved(&a).workload.batch, 8);
        let a = run("rtx4090; llama3-8b q4; llama.cpp vulkan");
        assert_eq!(resolved(&a).runtime.id, "llama.cpp-vulkan");
    }

    #[test]
    fn names_of_two_kinds_resolve_in_a_fixed_order_and_hover_says_so() {
        // A runtime's id or alias that forgiving device matching also finds (`vllm-cpu` finds
        // a CPU): the runtime wins, every time, and hover names the device.
        let cat = mlbn_catalog::Catalog::builtin();
        let (name, dev) = cat
            .runtimes
            .iter()
            .flat_map(|r| std::iter::once(&r.id).chain(&r.aliases))
            .find_map(|n| match cat.find_device(n) {
                mlbn_catalog::Resolution::Found(d) => Some((n.clone(), d)),
                mlbn_catalog::Resolution::Ambiguous(many) => Some((n.clone(), many[0])),
                _ => None,
            })
            .expect("a runtime name that also finds a device");
        let text = format!("rtx4090; llama3-8b q4; {name}");
        let expected = run(&format!("rtx4090; llama3-8b q4; runtime {name}"));
        for _ in 0..3 {
            let a = run(&text);
            let r = resolved(&a);
            assert_eq!(r.runtime, resolved(&expected).runtime);
            assert_eq!(r.devices[0].device.id, "rtx-4090");
            let h = hover(&a, text.rfind(name.as_str()).unwrap() + 1).expect("hover");
            assert!(h.markdown.contains("read as the runtime"), "{}", h.markdown);
            assert!(h.markdown.contains(&dev.id), "{}", h.markdown);
        }
        // The keyword forms always mean their kind: `1x NAME` is hardware (here a device or,
        // when the words match several, the "could mean several devices" error).
        let a = run(&format!("1x {name}; llama3-8b q4"));
        let as_device = match &a.scenarios[0].resolved {
            Ok(r) => r.devices[0].device.id == dev.id,
            Err(_) => a.diagnostics.iter().any(|d| d.code == "ambiguous_device"),
        };
        assert!(as_device, "{:?}", a.diagnostics);
        // A device the file defines wins over a runtime of the same name.
        let a =
            run("device vllm { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }\nvllm\nllama3-8b q4");
        assert!(errors(&a).is_empty(), "{:?}", errors(&a));
        assert!(resolved(&a).devices[0].custom);
        assert!(resolved(&a).is_defaulted("runtime"));
    }

    #[test]
    fn devices_models_strategies_and_links_in_phrases_read_as_before() {
        let a = run("2x rtx4090 nvlink; llama3-70b q4; pipeline");
        assert!(errors(&a).is_empty(), "{:?}", errors(&a));
        let r = resolved(&a);
        assert_eq!(
            r.devices[0].link.as_ref().map(|l| l.kind),
            Some(mlbn_catalog::LinkKind::Nvlink)
        );
        assert_eq!(r.strategy.kind(), super::StrategyKind::Pipeline);
        assert!(r.name_notes.is_empty(), "{:?}", r.name_notes);
        let a = run("rtx4090\nllama3-8b q4");
        assert!(errors(&a).is_empty(), "{:?}", errors(&a));
        assert!(resolved(&a).is_defaulted("runtime"));
        let a = run("rtx4090; llama3-8b q4; frobnicator-9000");
        let e = errors(&a);
        assert_eq!(e, ["unknown device, model or runtime `frobnicator-9000`"]);
        let a = run("rtx4090; llama3-8b q4; olama");
        let d = a.errors().next().expect("typo");
        assert!(d.fixes.iter().any(|f| f.title.contains("ollama")), "{d:?}");
    }

    #[test]
    fn device_sizes_and_rates_need_units() {
        let a = run("device box { mem 48; bw 960; fp16 165TF; tdp 300W }\nbox\nllama3-8b q4");
        let got: Vec<(String, Option<String>)> = a
            .errors()
            .map(|d| (d.message.clone(), d.help.clone()))
            .collect();
        for (msg, help) in [
            ("memory needs a unit", "write the size in GB"),
            ("bandwidth needs a unit", "write the bandwidth in GB/s"),
        ] {
            assert!(got.contains(&(msg.into(), Some(help.into()))), "{got:?}");
        }
        let a = run("device box { mem lots; bw 1TB/s; fp16 165TF; tdp 300W }\nbox");
        let msgs: Vec<String> = errors(&a);
        assert_eq!(msgs, ["`mem` expects a size such as `48GB`"]);
        let a = run("device box { mem 48GB; bw 1TB/s; fp16 165TF; tdp 300W }\nbox\nllama3-8b q4");
        assert_eq!(resolved(&a).devices[0].device.bw_gbps, 1000.0);
    }

    #[test]
    fn nvlink_devices_may_sit_on_an_nvswitch() {
        let warned = |text: &str| {
            run(text)
                .diagnostics
                .iter()
                .any(|d| d.code == "link_not_on_device")
        };
        assert!(!warned("8x h100-sxm nvswitch; llama3-70b fp16"));
        assert!(!warned("8x h200 nvswitch; deepseek-r1 fp8"));
        assert!(warned("2x rtx4090 nvswitch; llama3-8b q4"));
        assert!(warned("2x rtx4090 nvlink; llama3-8b q4"));
    }

    #[test]
    fn the_default_quant_is_in_the_runtimes_own_format() {
        let quant = |text: &str| resolved(&run(text)).quant.id.clone();
        assert_eq!(quant("rtx4090; llama3-8b"), "q4_k_m");
        assert_eq!(quant("rtx4090; llama3-8b; vllm"), "awq-int4");
        assert_eq!(quant("rtx4090; llama3-8b; runtime ollama"), "q4_k_m");
        assert_eq!(quant("rtx4090; llama3-8b q4_k_m; vllm"), "q4_k_m");
    }

    #[test]
    fn a_second_runtime_is_an_error_not_a_silent_override() {
        for text in [
            "rtx4090; llama3-8b q4; vllm; mlx",
            "rtx4090; llama3-8b q4; runtime vllm; runtime mlx",
            "rtx4090; llama3-8b q4; runtime vllm\nollama",
        ] {
            let a = run(text);
            let d: Vec<&str> = a.errors().map(|d| d.code.as_str()).collect();
            assert_eq!(d, ["duplicate_statement"], "{text}");
        }
        // One per scenario is fine.
        assert!(
            errors(&run(
                "rtx4090; llama3-8b q4; vllm\n---\nrtx4090; llama3-8b q4; mlx"
            ))
            .is_empty()
        );
    }

    #[test]
    fn completion_at_a_statement_start_offers_runtimes() {
        let text = "rtx4090; llama3-8b q4; vll";
        let items = completions(text, text.len());
        assert!(
            items
                .iter()
                .any(|i| i.kind == crate::CompletionKind::Runtime && i.label == "vllm"),
            "{items:?}"
        );
    }
}

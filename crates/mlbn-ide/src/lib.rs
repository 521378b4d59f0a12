//! `mlbn-ide` is the one API the front ends call: it resolves the syntax tree against the
//! catalog, runs the engine, and maps the results back to byte spans as diagnostics, hovers,
//! completions, inlay hints and fixes.
//!
//! It may depend on syntax, catalog and engine; it does no IO, async, clock or printing.
//! Files a scenario refers to (`model "./config.json"`) arrive as text in [`AnalyzeOptions`]:
//! the front end reads them, so the same analysis runs in a terminal, an editor or a chat bot.
//!
//! # For front ends
//! - [`analyze`]`(text, &opts) -> Analysis`: the parsed file, per scenario the
//!   [`ResolvedScenario`] (or why not) and the engine [`Estimate`], and `diagnostics` (syntax
//!   first; semantic ones only for statements without syntax errors). Engine findings are
//!   diagnostics on the words they are about, with [`mlbn_syntax::Fix`]es whose
//!   [`mlbn_syntax::TextEdit`]s replace byte ranges of the text.
//! - [`referenced_files`] lists the paths to read and put in [`AnalyzeOptions::files`].
//! - Editors: [`hover`]`(&analysis, offset)`, [`completions`]`(text, offset)`,
//!   [`inlay_hints`]`(&analysis)`, [`code_fixes`]`(&analysis, span)`. Offsets are bytes;
//!   converting to UTF-16 positions is the LSP's job.
//! - [`units`] formats figures the same way everywhere (`18.2 tok/s`, `42.5 GB`).
//! - [`plan::plan`]`(&analysis, &opts, top)`: reverse planning — ranked configurations for a
//!   scenario with a goal (`target decode=30tok/s`), upgrade advice for one without.
//! - [`plan_edit`]: plans in the editor: [`plan_edit::plan_goals`] (the costly search, run
//!   when the front end can afford it), then the best plan as a hint on the `target` line and
//!   "apply plan N" fixes that rewrite the scenario.
#![forbid(unsafe_code)]

mod editor;
pub mod eval;
mod findings;
pub mod plan;
pub mod plan_edit;
pub mod references;
mod resolve;
pub mod units;

pub use editor::{
    CompletionItem, CompletionKind, DEVICE_FIELDS, Hover, InlayHint, KEYWORDS, MAX_COMPLETIONS,
    OPTIONS, STRATEGIES, code_fixes, completions, completions_with, hover, inlay_hints,
};
pub use findings::{engine_scenario, fix_edits, subject_span};
pub use mlbn_engine::Estimate;

pub use resolve::{
    DEFAULT_DEVICE, DEFAULT_GEN, DEFAULT_HOURS_PER_DAY, DEFAULT_MODEL, DEFAULT_PROMPT,
    DEFAULT_USD_PER_KWH, Defaulted, DeviceSpans, HostSpec, MAX_BATCH, MAX_DEVICES, MAX_TOKENS,
    PowerSpec, ResolvedDevice, ResolvedScenario, ScenarioSpans, StrategyKind, StrategySpec,
    Workload, referenced_files,
};

use mlbn_catalog::Catalog;
use mlbn_syntax::{Diagnostic, Parsed, Severity};
use std::collections::BTreeMap;

/// What `analyze` needs besides the text.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions<'a> {
    pub catalog: &'a Catalog,
    /// Contents of the files the text refers to, keyed by the path exactly as written in the
    /// text: `Ok(text)` or `Err(why it could not be read)`. A path missing here becomes a
    /// diagnostic; [`referenced_files`] lists the paths to read.
    pub files: BTreeMap<String, Result<String, String>>,
}

impl<'a> AnalyzeOptions<'a> {
    pub fn new(catalog: &'a Catalog) -> Self {
        AnalyzeOptions {
            catalog,
            files: BTreeMap::new(),
        }
    }

    /// The built-in catalog and no referenced files.
    pub fn builtin() -> AnalyzeOptions<'static> {
        AnalyzeOptions::new(Catalog::builtin())
    }

    pub fn with_file(mut self, path: impl Into<String>, contents: Result<String, String>) -> Self {
        self.files.insert(path.into(), contents);
        self
    }
}

/// Everything known about one text: its syntax tree, each scenario resolved (or why not) with
/// its estimate, and all diagnostics (syntax first, then semantic ones, each sorted by position).
#[derive(Debug, Clone)]
pub struct Analysis {
    pub text: String,
    pub parsed: Parsed,
    pub scenarios: Vec<ScenarioAnalysis>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct ScenarioAnalysis {
    /// Span of the scenario in the text.
    pub span: mlbn_syntax::Span,
    /// The scenario with every value resolved or defaulted; `Err` says why it could not be
    /// (the diagnostics carry the details and spans).
    pub resolved: Result<ResolvedScenario, String>,
    /// The engine's answer, when the scenario resolved.
    pub estimate: Option<Estimate>,
    /// The closest measured run from the bundled benchmarks, when one matches.
    pub reference: Option<references::Reference>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// The scenario whose span contains `offset` (the last one when past the end).
    pub fn scenario_at(&self, offset: usize) -> Option<&ScenarioAnalysis> {
        self.scenarios
            .iter()
            .find(|s| s.span.contains(offset))
            .or_else(|| self.scenarios.last())
    }
}

/// Analyse a text: parse it, resolve each scenario against the catalog and run the engine.
pub fn analyze(text: &str, opts: &AnalyzeOptions) -> Analysis {
    let parsed = mlbn_syntax::parse(text);
    analyze_parsed(text, parsed, opts)
}

/// [`analyze`] for a text already parsed (the LSP keeps the tree of the open document).
pub fn analyze_parsed(text: &str, parsed: Parsed, opts: &AnalyzeOptions) -> Analysis {
    let mut syntax = parsed.diagnostics.clone();
    syntax.sort_by_key(|d| (d.span.start, d.span.end));
    let error_spans: Vec<mlbn_syntax::Span> = syntax
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.span)
        .collect();
    let mut semantic = Vec::new();
    let mut scenarios = resolve::resolve_file(&parsed.file, opts, &error_spans, &mut semantic);
    plan::goal_diagnostics(&parsed.file, opts.catalog, &error_spans, &mut semantic);
    for s in &mut scenarios {
        if let Ok(r) = &s.resolved {
            let (estimate, diags) = findings::estimate(opts.catalog, r);
            semantic.extend(diags);
            s.reference =
                references::find_reference(&findings::engine_scenario(opts.catalog, r), &estimate);
            s.estimate = Some(estimate);
        }
    }
    semantic.sort_by_key(|d| (d.span.start, d.span.end));
    syntax.extend(semantic);
    Analysis {
        text: text.to_string(),
        parsed,
        scenarios,
        diagnostics: syntax,
    }
}

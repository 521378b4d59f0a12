//! Editor-facing queries in byte offsets: hover, completion, inlay hints and code fixes.
//!
//! The LSP converts offsets to UTF-16 positions; the bot uses completions for autocomplete
//! and fixes for its hints. Everything here is computed from an [`Analysis`] (or the text, for
//! completion) without IO.

use crate::resolve::{ResolvedScenario, StrategyKind};
use crate::units::{num, short_rate};
use crate::{Analysis, ScenarioAnalysis};
use mlbn_catalog::{Catalog, Resolution, normalize};
use mlbn_syntax::ast::{Arg, StatementKind, Value, Word};
use mlbn_syntax::{Fix, Span};

/// Markdown shown when hovering `span`.
#[derive(Debug, Clone, PartialEq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Device,
    Model,
    Quant,
    Runtime,
    Link,
    KvType,
    Strategy,
    Keyword,
    Option,
    Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompletionItem {
    /// Text to insert (a catalog id, a keyword, `prompt=`).
    pub label: String,
    /// One line for the menu: memory and bandwidth, parameters, bits per weight.
    pub detail: String,
    pub kind: CompletionKind,
    /// The partial word the completion replaces (empty at the cursor when nothing is typed).
    pub replace: Span,
}

/// A short label shown after `offset` (the end of a statement).
#[derive(Debug, Clone, PartialEq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
}

/// Keywords that start statements.
pub const KEYWORDS: &[&str] = &[
    "model", "device", "runtime", "power", "host", "kv", "layout", "optimize", "price", "years",
];
/// Strategy words.
pub const STRATEGIES: &[&str] = &[
    "auto",
    "pipeline",
    "tensor",
    "data",
    "expert",
    "sequence",
    "context",
    "phase-split",
];
/// Workload option keys (completed with `=`).
pub const OPTIONS: &[&str] = &["prompt", "gen", "ctx", "batch", "kv"];
/// Fields of a `device NAME { … }` block.
pub const DEVICE_FIELDS: &[&str] = &[
    "mem", "bw", "fp16", "bf16", "fp32", "fp8", "int8", "fp4", "tdp", "idle", "kind", "vendor",
    "link", "price",
];

fn all_words(a: &Analysis) -> Vec<(&Word, Role<'_>)> {
    let mut out = Vec::new();
    for sc in &a.parsed.file.scenarios {
        for st in &sc.statements {
            match &st.kind {
                StatementKind::Hardware(h) | StatementKind::Have(h) => {
                    for g in &h.groups {
                        out.extend(g.words.iter().map(|w| (w, Role::Name)));
                    }
                    if let Some((_, words)) = &h.over {
                        out.extend(words.iter().map(|w| (w, Role::Link)));
                    }
                }
                StatementKind::Model(m) => out.extend(m.words.iter().map(|w| (w, Role::Name))),
                StatementKind::Phrase(p) => out.extend(p.words.iter().map(|w| (w, Role::Name))),
                StatementKind::Strategy(s) => {
                    out.extend(s.words.iter().map(|w| (w, Role::Strategy)))
                }
                StatementKind::DeviceDef(d) => out.push((&d.name, Role::Custom)),
                StatementKind::Directive(d) => {
                    out.push((&d.keyword, Role::Keyword));
                    for arg in &d.args {
                        if let Arg::Word(w) = arg {
                            out.push((w, Role::Arg(&d.keyword.text)));
                        }
                    }
                }
                StatementKind::Options(kvs) => {
                    for kv in kvs {
                        if let Value::Word(w) = &kv.value {
                            out.push((w, Role::Arg(&kv.key.text)));
                        }
                    }
                }
                StatementKind::Error => {}
            }
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Role<'a> {
    Name,
    Link,
    Strategy,
    Custom,
    Keyword,
    Arg(&'a str),
}

fn device_md(d: &mlbn_catalog::Device) -> String {
    let mut s = format!("**{}**", d.name);
    s.push_str(&format!(
        "\n\n| | |\n|---|---|\n| memory | {} GB |\n| bandwidth | {} GB/s |\n| fp16 | {} TFLOPS |",
        num(d.mem_gb),
        num(d.bw_gbps),
        num(d.fp16_tflops)
    ));
    if let Some(v) = d.fp8_tflops {
        s.push_str(&format!("\n| fp8 | {} TFLOPS |", num(v)));
    }
    if let Some(v) = d.fp4_tflops {
        s.push_str(&format!("\n| fp4 | {} TFLOPS |", num(v)));
    }
    s.push_str(&format!(
        "\n| power | {} W board, {} W idle |",
        num(d.tdp_w),
        num(d.idle_w)
    ));
    if !d.interconnects.is_empty() {
        s.push_str(&format!("\n| links | {} |", d.interconnects.join(", ")));
    }
    s.push_str(&format!("\n\nid `{}` · source: {}", d.id, d.source));
    s
}

fn model_md(m: &mlbn_catalog::Model) -> String {
    let mut s = format!("**{}** (`{}`)\n\n", m.name, m.hf_id);
    let active = if (m.active_params_b - m.params_b).abs() > 1e-9 {
        format!(", {}B active", num(m.active_params_b))
    } else {
        String::new()
    };
    s.push_str(&format!(
        "{}B parameters{active} · {} layers · hidden {} · {} heads / {} KV heads (head dim {}) · {:?} · context {}",
        num(m.params_b),
        m.layers,
        m.hidden,
        m.heads,
        m.kv_heads,
        m.head_dim,
        m.attention,
        m.max_ctx
    ));
    if let Some(moe) = &m.moe {
        s.push_str(&format!(
            "\n\nMoE: {} experts, {} per token, {} shared",
            moe.experts, moe.experts_per_token, moe.shared_experts
        ));
    }
    s.push_str(&format!("\n\nsource: {}", m.source));
    s
}

fn quant_md(q: &mlbn_catalog::Quant) -> String {
    format!(
        "**{}** · {} bits per weight · {} format · computes in {:?} where native, else {:?}\n\nsource: {}",
        q.name,
        num(q.bits_per_weight),
        q.format,
        q.compute,
        q.fallback_compute,
        q.source
    )
}

fn link_md(l: &mlbn_catalog::Link) -> String {
    format!(
        "**{}** · {} GB/s per direction · {} µs latency\n\nsource: {}",
        l.name,
        num(l.bw_gbps),
        num(l.latency_us),
        l.source
    )
}

fn runtime_md(r: &mlbn_catalog::Runtime) -> String {
    format!(
        "**{}** · backend {} · runs on {} · strategies: {}\n\nsource: {}",
        r.name,
        r.backend,
        r.runs_on.join(", "),
        r.strategies.join(", "),
        r.source
    )
}

/// What the word at `offset` is: a device card, a model card, a quant, a link, a runtime, a
/// strategy with its result in this scenario; for words that could name another kind too,
/// how they were read.
pub fn hover(a: &Analysis, offset: usize) -> Option<Hover> {
    let mut h = hover_card(a, offset)?;
    let notes = a.scenario_at(offset).and_then(|s| s.resolved.as_ref().ok());
    for (span, note) in notes.map(|r| r.name_notes.as_slice()).unwrap_or_default() {
        if span.contains(offset) {
            h.markdown.push_str(&format!("\n\n*{note}*"));
        }
    }
    Some(h)
}

fn hover_card(a: &Analysis, offset: usize) -> Option<Hover> {
    let sc = a.scenario_at(offset);
    let r = sc.and_then(|s| s.resolved.as_ref().ok());
    // Resolved spans first: they know multi-word names and custom devices.
    if let Some(r) = r {
        for g in &r.devices {
            if g.spans.name.contains(offset) && !g.spans.name.is_empty() {
                return Some(Hover {
                    span: g.spans.name,
                    markdown: device_md(&g.device),
                });
            }
            if let (Some(span), Some(l)) = (g.spans.link, &g.link)
                && span.contains(offset)
            {
                return Some(Hover {
                    span,
                    markdown: link_md(l),
                });
            }
        }
        if let (Some(span), Some(l)) = (r.spans.over_link, &r.over)
            && span.contains(offset)
        {
            return Some(Hover {
                span,
                markdown: link_md(l),
            });
        }
        if let Some(span) = r.spans.model_name
            && span.contains(offset)
        {
            return Some(Hover {
                span,
                markdown: model_md(&r.model),
            });
        }
        if let Some(span) = r.spans.quant
            && span.contains(offset)
        {
            return Some(Hover {
                span,
                markdown: quant_md(&r.quant),
            });
        }
        if let Some(span) = r.spans.runtime
            && span.contains(offset)
        {
            return Some(Hover {
                span,
                markdown: runtime_md(&r.runtime),
            });
        }
    }
    let cat = Catalog::builtin();
    let (word, role) = all_words(a)
        .into_iter()
        .find(|(w, _)| w.span.start <= offset && offset <= w.span.end)?;
    let span = word.span;
    let text = word.text.as_str();
    let md = match role {
        Role::Strategy => {
            let kind = StrategyKind::from_word(text)?;
            let mut md = format!("**{}**: {}", kind.as_str(), kind.describe());
            if let Some(e) = sc.and_then(|s| s.estimate.as_ref()) {
                md.push_str(&format!(
                    "\n\nIn this scenario: {} · {} tok/s decode · {} tok/s prefill",
                    e.strategy.summary,
                    short_rate(e.decode_tok_s),
                    short_rate(e.prefill_tok_s)
                ));
            }
            md
        }
        Role::Keyword => keyword_md(&text.to_ascii_lowercase())?,
        Role::Custom => {
            let r = r?;
            let g = r
                .devices
                .iter()
                .find(|g| g.custom && normalize(&g.device.id) == normalize(text))?;
            device_md(&g.device)
        }
        Role::Link => link_md(cat.find_link(text).found()?),
        Role::Arg(kw) if kw.eq_ignore_ascii_case("runtime") => {
            runtime_md(cat.find_runtime(text).found()?)
        }
        Role::Arg(kw) if kw.eq_ignore_ascii_case("kv") => {
            let k = cat.find_kv_type(text).found()?;
            format!(
                "KV cache **{}** · {} bits per element\n\nsource: {}",
                k.id,
                num(k.bits_per_element),
                k.source
            )
        }
        Role::Arg(_) => return None,
        Role::Name => {
            if let Some(d) = cat.find_device(text).found() {
                device_md(d)
            } else if let Some(m) = cat.find_model(text).found() {
                model_md(m)
            } else if let Some(q) = cat.find_quant(text).found() {
                quant_md(q)
            } else if let Some(l) = cat.find_link(text).found() {
                link_md(l)
            } else {
                return None;
            }
        }
    };
    Some(Hover { span, markdown: md })
}

fn keyword_md(kw: &str) -> Option<String> {
    Some(
        match kw {
            "model" => "`model NAME [quant] [options]` or `model \"./config.json\"`: the model to run",
            "device" => "`device NAME { mem 48GB; bw 960GB/s; fp16 165TF; tdp 300W }`: a device the catalog lacks",
            "runtime" => "`runtime NAME [backend]`: llama.cpp, mlx, vllm, sglang, trt-llm, ollama, exo",
            "power" => "`power $0.15/kWh 8h/day`: electricity price and hours of use per day",
            "host" => "`host ddr5 96GB [89.6GB/s]`: host memory that overflowing layers run from",
            "kv" => "`kv q8_0`: the KV cache element type (f16, q8_0, q4_0, fp8)",
            "layout" => "`layout grid|ring|star`: how pictures arrange the devices",
            "optimize" => "`optimize decode|prefill|ttft|throughput|power|cost`: what AUTO ranks by",
            "price" => "`price $1599`: hardware price, amortised into $/Mtok",
            "years" => "`years 3`: years to amortise the hardware price over",
            _ => return None,
        }
        .to_string(),
    )
}

// ---- completion ---------------------------------------------------------------------------

fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, ';' | '+' | '{' | '}' | '=' | ',' | '#'))
}

/// Completions at `offset`, relevant to the position: after `2x` or `+` only devices, after
/// `over` links, after a device name links, after a model name quants and options, after
/// `runtime` runtimes, at the start of a statement everything that can start one.
pub fn completions(text: &str, offset: usize) -> Vec<CompletionItem> {
    completions_with(Catalog::builtin(), text, offset)
}

pub fn completions_with(cat: &Catalog, text: &str, offset: usize) -> Vec<CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    // Inside a comment nothing is completed.
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if before[line_start..].contains('#') {
        return Vec::new();
    }
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !is_word_char(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let prefix = &text[word_start..offset];
    let replace = Span::new(word_start, offset);
    let stmt_start = before[..word_start]
        .rfind([';', '\n', '{', '}'])
        .map_or(0, |i| i + 1);
    let in_braces = before.rfind('{') > before.rfind('}');
    let head = &text[stmt_start..word_start];
    let tokens: Vec<&str> = head
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let after_eq = head.ends_with('=');
    let mut items = Vec::new();
    let devices = |items: &mut Vec<CompletionItem>| {
        for d in &cat.devices {
            items.push(item(
                &d.id,
                format!(
                    "{} · {} GB · {} GB/s",
                    d.name,
                    num(d.mem_gb),
                    num(d.bw_gbps)
                ),
                CompletionKind::Device,
                replace,
                [d.name.as_str()]
                    .into_iter()
                    .chain(d.aliases.iter().map(String::as_str)),
            ));
        }
        // Devices defined in this text.
        let parsed = mlbn_syntax::parse(text);
        for sc in &parsed.file.scenarios {
            for st in &sc.statements {
                if let StatementKind::DeviceDef(def) = &st.kind {
                    items.push(item(
                        &def.name.text,
                        "defined in this file".into(),
                        CompletionKind::Device,
                        replace,
                        std::iter::empty(),
                    ));
                }
            }
        }
    };
    let models = |items: &mut Vec<CompletionItem>| {
        for m in &cat.models {
            items.push(item(
                &m.id,
                format!("{} · {}B params", m.name, num(m.params_b)),
                CompletionKind::Model,
                replace,
                [m.name.as_str(), m.hf_id.as_str()]
                    .into_iter()
                    .chain(m.aliases.iter().map(String::as_str)),
            ));
        }
    };
    let quants = |items: &mut Vec<CompletionItem>| {
        for q in &cat.quants {
            items.push(item(
                &q.id,
                format!("{} · {} bits/weight", q.name, num(q.bits_per_weight)),
                CompletionKind::Quant,
                replace,
                [q.name.as_str()]
                    .into_iter()
                    .chain(q.aliases.iter().map(String::as_str)),
            ));
        }
    };
    let links = |items: &mut Vec<CompletionItem>| {
        for l in &cat.links {
            items.push(item(
                &l.id,
                format!("{} · {} GB/s", l.name, num(l.bw_gbps)),
                CompletionKind::Link,
                replace,
                [l.name.as_str()]
                    .into_iter()
                    .chain(l.aliases.iter().map(String::as_str)),
            ));
        }
    };
    let kv_types = |items: &mut Vec<CompletionItem>| {
        for k in &cat.kv_types {
            items.push(item(
                &k.id,
                format!("{} bits per element", num(k.bits_per_element)),
                CompletionKind::KvType,
                replace,
                k.aliases.iter().map(String::as_str),
            ));
        }
    };
    let runtimes = |items: &mut Vec<CompletionItem>| {
        for r in &cat.runtimes {
            items.push(item(
                &r.id,
                r.name.clone(),
                CompletionKind::Runtime,
                replace,
                [r.name.as_str()]
                    .into_iter()
                    .chain(r.aliases.iter().map(String::as_str)),
            ));
        }
    };
    let simple =
        |items: &mut Vec<CompletionItem>, words: &[&str], kind: CompletionKind, detail: &str| {
            for w in words {
                items.push(item(
                    w,
                    detail.to_string(),
                    kind,
                    replace,
                    std::iter::empty(),
                ));
            }
        };
    let options = |items: &mut Vec<CompletionItem>| {
        for o in OPTIONS {
            items.push(item(
                &format!("{o}="),
                "workload option".into(),
                CompletionKind::Option,
                replace,
                std::iter::empty(),
            ));
        }
    };
    let first = tokens.first().map(|t| t.to_ascii_lowercase());
    let last = tokens.last().map(|t| t.to_ascii_lowercase());
    let is_count = |t: &str| {
        let t = t.trim_end_matches(['x', 'X', '×']);
        !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
    };
    if in_braces {
        simple(
            &mut items,
            DEVICE_FIELDS,
            CompletionKind::Keyword,
            "device field",
        );
    } else if after_eq {
        let key = head
            .trim_end_matches('=')
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if key == "kv" {
            kv_types(&mut items);
        }
    } else if head.trim_end().ends_with('+')
        || last
            .as_deref()
            .is_some_and(|l| is_count(l) || l == "x" || l == "×")
        || first.as_deref() == Some("have") && tokens.len() <= 2
    {
        devices(&mut items);
    } else if last.as_deref() == Some("over") {
        links(&mut items);
    } else if let Some(first) = first.as_deref() {
        match first {
            "runtime" => runtimes(&mut items),
            "kv" => kv_types(&mut items),
            "optimize" => simple(
                &mut items,
                &["decode", "prefill", "ttft", "throughput", "power", "cost"],
                CompletionKind::Value,
                "optimization goal",
            ),
            "layout" => simple(
                &mut items,
                &["auto", "grid", "ring", "star"],
                CompletionKind::Value,
                "picture layout",
            ),
            "host" => simple(
                &mut items,
                &["ddr4", "ddr5", "lpddr5x"],
                CompletionKind::Value,
                "host memory",
            ),
            "model" if tokens.len() == 1 => models(&mut items),
            "model" => {
                quants(&mut items);
                options(&mut items);
            }
            "power" | "price" | "years" | "device" => {}
            _ if StrategyKind::from_word(first).is_some() => {
                simple(&mut items, STRATEGIES, CompletionKind::Strategy, "strategy");
                simple(
                    &mut items,
                    &["tp=", "pp=", "dp=", "ep="],
                    CompletionKind::Option,
                    "degree",
                );
            }
            _ => {
                let words: Vec<&str> = tokens
                    .iter()
                    .copied()
                    .skip_while(|t| is_count(t) || *t == "x")
                    .collect();
                let joined = words.join(" ");
                let device = (1..=words.len().min(8)).rev().any(|n| {
                    !matches!(
                        cat.find_device(&words[..n].join(" ")),
                        Resolution::NotFound { .. }
                    )
                });
                let model = (1..=words.len().min(8)).rev().any(|n| {
                    !matches!(
                        cat.find_model(&words[..n].join(" ")),
                        Resolution::NotFound { .. }
                    )
                });
                if device || tokens.iter().any(|t| is_count(t)) {
                    links(&mut items);
                    simple(
                        &mut items,
                        &["over"],
                        CompletionKind::Keyword,
                        "link between groups",
                    );
                } else if model || joined.contains('/') {
                    quants(&mut items);
                    options(&mut items);
                }
            }
        }
    } else {
        simple(&mut items, KEYWORDS, CompletionKind::Keyword, "keyword");
        simple(&mut items, STRATEGIES, CompletionKind::Strategy, "strategy");
        options(&mut items);
        devices(&mut items);
        models(&mut items);
        runtimes(&mut items);
    }
    rank(items, prefix)
}

/// An item with the names it can be found by (kept only for filtering).
fn item<'n>(
    label: &str,
    detail: String,
    kind: CompletionKind,
    replace: Span,
    names: impl Iterator<Item = &'n str>,
) -> CompletionItem {
    let mut detail = detail;
    // Stash the search names after a NUL for `rank`; removed before returning.
    for n in names {
        detail.push('\0');
        detail.push_str(n);
    }
    CompletionItem {
        label: label.to_string(),
        detail,
        kind,
        replace,
    }
}

/// Most items a completion list returns; clients filter further as the user types.
pub const MAX_COMPLETIONS: usize = 200;

fn rank(items: Vec<CompletionItem>, prefix: &str) -> Vec<CompletionItem> {
    let p = normalize(prefix);
    let mut scored: Vec<(u8, CompletionItem)> = items
        .into_iter()
        .filter_map(|mut it| {
            let mut parts = it.detail.split('\0');
            let detail = parts.next().unwrap_or("").to_string();
            let names: Vec<String> = std::iter::once(it.label.as_str())
                .chain(parts)
                .map(normalize)
                .collect();
            let score = if p.is_empty() {
                1
            } else if names.iter().any(|n| n.starts_with(&p)) {
                0
            } else if names.iter().any(|n| n.contains(&p)) {
                1
            } else {
                return None;
            };
            it.detail = detail;
            Some((score, it))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.label.cmp(&b.1.label)));
    scored.dedup_by(|a, b| a.1.label == b.1.label && a.1.kind == b.1.kind);
    scored
        .into_iter()
        .take(MAX_COMPLETIONS)
        .map(|(_, it)| it)
        .collect()
}

// ---- inlay hints --------------------------------------------------------------------------

/// Short hints at the ends of lines: memory and bandwidth on the hardware line, weights and
/// fit on the model line, the result on the strategy (or last) line.
pub fn inlay_hints(a: &Analysis) -> Vec<InlayHint> {
    let mut out = Vec::new();
    for s in &a.scenarios {
        if let Ok(r) = &s.resolved {
            scenario_hints(s, r, &mut out);
        }
    }
    out
}

fn scenario_hints(s: &ScenarioAnalysis, r: &ResolvedScenario, out: &mut Vec<InlayHint>) {
    if let Some(span) = r.spans.hardware {
        let groups: Vec<String> = r
            .devices
            .iter()
            .map(|g| {
                let count = if g.count > 1 {
                    format!("{}x ", g.count)
                } else {
                    String::new()
                };
                format!(
                    "{count}{} GB · {} GB/s",
                    num(g.device.mem_gb),
                    num(g.device.bw_gbps)
                )
            })
            .collect();
        let label = if groups.len() > 2 {
            let mem: f64 = r
                .devices
                .iter()
                .map(|g| g.device.mem_gb * f64::from(g.count))
                .sum();
            format!("{} devices · {} GB", r.device_count(), num(mem))
        } else {
            groups.join(" + ")
        };
        out.push(InlayHint {
            offset: span.end,
            label,
        });
    }
    let Some(e) = &s.estimate else {
        return;
    };
    if let Some(span) = r.spans.model {
        let label = if e.fits {
            let used: f64 = e.memory.iter().map(|m| m.total_gb).sum();
            let usable: f64 = e.memory.iter().map(|m| m.usable_gb).sum();
            format!(
                "{} GB · fits {:.0}%",
                num(e.model.weights_gb),
                100.0 * used / usable.max(1e-9)
            )
        } else {
            let over: f64 = e.memory.iter().map(|m| m.overflow_gb).sum();
            format!(
                "{} GB · overflows {} GB",
                num(e.model.weights_gb),
                num(over)
            )
        };
        out.push(InlayHint {
            offset: span.end,
            label,
        });
    }
    let at = r.spans.strategy.or(r.spans.last_statement);
    if let Some(span) = at {
        let chosen = crate::findings::strategy_name(e.strategy.kind);
        let requested = r.strategy.kind().as_str();
        let head = if requested == chosen {
            requested.to_string()
        } else {
            format!("{requested} → {chosen}")
        };
        out.push(InlayHint {
            offset: span.end,
            label: format!(
                "{head} · {} tok/s decode · {} tok/s prefill · TTFT {} · {:.0} W · ${:.2}/day",
                short_rate(e.decode_tok_s),
                short_rate(e.prefill_tok_s),
                short_time(e.ttft_ms),
                e.power.decode_w,
                e.power.usd_per_day
            ),
        });
    }
}

fn short_time(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

// ---- fixes --------------------------------------------------------------------------------

/// Every fix of every diagnostic overlapping `span` (an empty span at the cursor included):
/// the LSP's code actions and the bot's hints.
pub fn code_fixes(a: &Analysis, span: Span) -> Vec<Fix> {
    a.diagnostics
        .iter()
        .filter(|d| d.span.start <= span.end && span.start <= d.span.end)
        .flat_map(|d| d.fixes.iter().cloned())
        .collect()
}

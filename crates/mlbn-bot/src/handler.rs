//! What the bot does with an interaction, independent of how it arrived (gateway or HTTP):
//! [`Incoming`] in, a [`Step`] out. The `/bottleneck` work itself ([`prepare`], [`finish`],
//! [`bottleneck`]) is synchronous and pure; the front ends run it off the async runtime.

use crate::picture::{stacked_png, topology_view};
use crate::report::{
    Detail, MAX_INPUT_CHARS, compare_embed, diagnostics_of, error_message, notice, outcome_colour,
    resolved, scenario_embed, scenario_title, too_long,
};
use crate::view::{Choice, EmbedView, FileView, MessageView, callback, colour, limits, truncate};
use mlbn_catalog::Catalog;
use mlbn_ide::units::{ms, tok_s};
use mlbn_ide::{Analysis, AnalyzeOptions, Estimate, ResolvedScenario, analyze};
use mlbn_render::image::Theme;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Command names.
pub const CMD_BOTTLENECK: &str = "bottleneck";
pub const CMD_PLAN: &str = "bottleneck-plan";
pub const CMD_HELP: &str = "bottleneck-help";
pub const CMD_CATALOG: &str = "bottleneck-catalog";
pub const CMD_ANALYZE_MESSAGE: &str = "Analyze with mlbn";

/// Name of the attached picture.
pub const TOPOLOGY_FILE: &str = "topology.png";

/// Interaction types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ping,
    Command,
    Autocomplete,
    Other(u64),
}

/// The parts of an interaction the bot reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub kind: Kind,
    pub id: String,
    pub token: String,
    pub application_id: String,
    /// The invoking user (guild member or DM user).
    pub user_id: String,
    pub command: String,
    /// String options by name (autocomplete's partial value included).
    pub options: Vec<(String, String)>,
    /// The option being typed, for autocomplete.
    pub focused: Option<String>,
    /// The target message's text, for the message command.
    pub target_text: Option<String>,
}

impl Incoming {
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Parse Discord's interaction JSON (HTTP endpoint). Unknown shapes give `None`.
    pub fn from_json(v: &Value) -> Option<Incoming> {
        let s = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let kind = match v.get("type")?.as_u64()? {
            1 => Kind::Ping,
            2 => Kind::Command,
            4 => Kind::Autocomplete,
            k => Kind::Other(k),
        };
        let user_id = v
            .pointer("/member/user/id")
            .or_else(|| v.pointer("/user/id"))
            .and_then(s)
            .unwrap_or_default();
        let data = v.get("data");
        let mut options = Vec::new();
        let mut focused = None;
        if let Some(opts) = data
            .and_then(|d| d.get("options"))
            .and_then(Value::as_array)
        {
            for o in opts.iter().take(25) {
                let (Some(name), Some(value)) =
                    (o.get("name").and_then(Value::as_str), o.get("value"))
                else {
                    continue;
                };
                let value = match value {
                    Value::String(x) => x.clone(),
                    other => other.to_string(),
                };
                if o.get("focused").and_then(Value::as_bool) == Some(true) {
                    focused = Some(name.to_string());
                }
                options.push((name.to_string(), value));
            }
        }
        let target_text = data.and_then(|d| {
            let target = d.get("target_id").and_then(s)?;
            d.pointer(&format!("/resolved/messages/{target}/content"))
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        Some(Incoming {
            kind,
            id: v.get("id").and_then(s).unwrap_or_default(),
            token: v
                .get("token")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            application_id: v.get("application_id").and_then(s).unwrap_or_default(),
            user_id,
            command: data
                .and_then(|d| d.get("name"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            options,
            focused,
            target_text,
        })
    }
}

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// `/bottleneck` and the message command: the analysis with its picture.
    #[default]
    Analyze,
    /// `/bottleneck-plan`: ranked plans for a goal, or upgrade advice.
    Plan,
}

impl Mode {
    /// The slash command that runs this mode (named in error footers).
    pub fn command(self) -> &'static str {
        match self {
            Mode::Analyze => CMD_BOTTLENECK,
            Mode::Plan => CMD_PLAN,
        }
    }
}

/// A `/bottleneck`, `/bottleneck-plan` (or message command) request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub mode: Mode,
    pub config: String,
    pub compare: Option<String>,
    pub detail: Detail,
    pub theme: Theme,
}

impl Request {
    pub fn new(config: impl Into<String>) -> Self {
        Request {
            mode: Mode::Analyze,
            config: config.into(),
            compare: None,
            detail: Detail::Brief,
            theme: Theme::Dark,
        }
    }

    /// A `/bottleneck-plan` request.
    pub fn plan(config: impl Into<String>) -> Self {
        Request {
            mode: Mode::Plan,
            ..Request::new(config)
        }
    }
}

/// What to do with an interaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Answer with this callback body; nothing follows.
    Respond(Value),
    /// Analyse (off the runtime, with a timeout), then answer: an error at once, or a
    /// deferral followed by the result.
    Bottleneck(Request),
}

/// The result of analysing a request, before the picture is drawn.
#[derive(Debug)]
pub enum Prepared {
    /// Errors (or nothing to analyse): an ephemeral answer, no picture.
    Reject(MessageView),
    Ready(Box<Ready>),
}

#[derive(Debug)]
pub struct Ready {
    pub request: Request,
    pub a: Analysis,
    pub b: Option<Analysis>,
}

/// The bot's state: the catalog, the cooldown book, the limits.
#[derive(Debug)]
pub struct Bot {
    pub catalog: &'static Catalog,
    pub cooldown: Duration,
    pub timeout: Duration,
    last_use: Mutex<HashMap<String, Instant>>,
}

/// Users remembered for the cooldown before old entries are swept.
const COOLDOWN_BOOK: usize = 10_000;

impl Bot {
    pub fn new(cooldown: Duration, timeout: Duration) -> Bot {
        Bot {
            catalog: Catalog::builtin(),
            cooldown,
            timeout,
            last_use: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(wait)` when `user` must wait; otherwise records the use.
    pub fn cooldown_wait(&self, user: &str, now: Instant) -> Option<Duration> {
        if self.cooldown.is_zero() || user.is_empty() {
            return None;
        }
        let mut book = self.last_use.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&t) = book.get(user) {
            let since = now.saturating_duration_since(t);
            if since < self.cooldown {
                return Some(self.cooldown - since);
            }
        }
        if book.len() >= COOLDOWN_BOOK {
            let cd = self.cooldown;
            book.retain(|_, t| now.saturating_duration_since(*t) < cd);
        }
        book.insert(user.to_string(), now);
        None
    }

    /// Decide what to do with `inc`.
    pub fn step(&self, inc: &Incoming, now: Instant) -> Step {
        match inc.kind {
            Kind::Ping => Step::Respond(callback::pong()),
            Kind::Autocomplete => Step::Respond(callback::autocomplete(&self.autocomplete(inc))),
            Kind::Command => self.command(inc, now),
            Kind::Other(_) => Step::Respond(callback::message(&notice(
                "Not supported",
                "mlbn answers slash commands and the message command.",
                colour::WARN,
            ))),
        }
    }

    fn command(&self, inc: &Incoming, now: Instant) -> Step {
        let request = match inc.command.as_str() {
            CMD_HELP => {
                return Step::Respond(callback::message(&finish_view(
                    crate::report::help_message(),
                )));
            }
            CMD_CATALOG => {
                let q = inc.option("query").unwrap_or("");
                let q: String = q.chars().take(100).collect();
                return Step::Respond(callback::message(&finish_view(
                    crate::report::catalog_message(self.catalog, &q),
                )));
            }
            CMD_BOTTLENECK => {
                let mut r = Request::new(inc.option("config").unwrap_or(""));
                r.compare = inc.option("compare").map(str::to_string);
                r.detail = match inc.option("detail") {
                    Some("full") => Detail::Full,
                    _ => Detail::Brief,
                };
                r.theme = match inc.option("theme") {
                    Some("light") => Theme::Light,
                    _ => Theme::Dark,
                };
                r
            }
            CMD_PLAN => Request::plan(inc.option("config").unwrap_or("")),
            CMD_ANALYZE_MESSAGE => {
                Request::new(extract_config(inc.target_text.as_deref().unwrap_or("")))
            }
            _ => {
                return Step::Respond(callback::message(&finish_view(notice(
                    "Unknown command",
                    "This command is not one of mlbn's. Try /bottleneck-help.",
                    colour::WARN,
                ))));
            }
        };
        let chars = request.config.chars().count()
            + request.compare.as_deref().map_or(0, |c| c.chars().count());
        if chars > MAX_INPUT_CHARS {
            return Step::Respond(callback::message(&finish_view(too_long(chars))));
        }
        if request.config.trim().is_empty() {
            return Step::Respond(callback::message(&finish_view(notice(
                "Nothing to analyse",
                "Give a config such as `2x rtx4090 nvlink; llama3-70b q4; auto`, or a message \
                 with a ```mlbn code block. /bottleneck-help shows more.",
                colour::WARN,
            ))));
        }
        if let Some(wait) = self.cooldown_wait(&inc.user_id, now) {
            return Step::Respond(callback::message(&finish_view(cooldown_notice(wait))));
        }
        Step::Bottleneck(request)
    }

    /// Up to 25 completions for the word being typed in the focused option; each choice's
    /// value is the whole option text with that word completed.
    pub fn autocomplete(&self, inc: &Incoming) -> Vec<Choice> {
        let Some(name) = inc.focused.as_deref() else {
            return Vec::new();
        };
        if name != "config" && name != "compare" {
            return Vec::new();
        }
        let text = inc.option(name).unwrap_or("");
        if text.chars().count() > MAX_INPUT_CHARS {
            return Vec::new();
        }
        mlbn_ide::completions_with(self.catalog, text, text.len())
            .into_iter()
            .filter_map(|c| {
                let start = c.replace.start.min(text.len());
                let head = text.get(..start)?;
                let value = format!("{head}{}", c.label);
                if value.len() > limits::CHOICE_VALUE {
                    return None;
                }
                let name = if c.detail.is_empty() {
                    c.label.clone()
                } else {
                    format!("{} — {}", c.label, c.detail)
                };
                Some(Choice {
                    name: truncate(&name, limits::CHOICE_NAME),
                    value,
                })
            })
            .take(limits::CHOICES)
            .collect()
    }
}

fn cooldown_notice(wait: Duration) -> MessageView {
    notice(
        "One moment, please",
        &format!(
            "You can run another analysis in {:.1} s — this keeps the bot quick for everyone.",
            wait.as_secs_f64().max(0.1)
        ),
        colour::INFO,
    )
}

/// The answer when the analysis or the picture takes too long.
pub fn timeout_notice() -> MessageView {
    finish_view(notice(
        "That took too long",
        "The analysis did not finish in time. Try fewer devices or scenarios.",
        colour::WARN,
    ))
}

/// Clamp a view for sending.
pub fn finish_view(mut m: MessageView) -> MessageView {
    m.clamp();
    m
}

/// The config in a message: the first ```mlbn block, else the first ``` block, else the text.
pub fn extract_config(text: &str) -> String {
    let block = |lang: Option<&str>| -> Option<String> {
        let mut rest = text;
        while let Some(i) = rest.find("```") {
            let after = &rest[i + 3..];
            let end = after.find("```")?;
            let inner = &after[..end];
            let (first, body) = inner.split_once('\n').unwrap_or(("", inner));
            let tag = first.trim();
            let matches = match lang {
                Some(l) => tag.eq_ignore_ascii_case(l),
                None => true,
            };
            if matches {
                // `tag` is a language when it is one word; otherwise the block has none and
                // its first line is content.
                let is_lang = !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric());
                let body = if is_lang || tag.is_empty() {
                    body
                } else {
                    inner
                };
                return Some(body.trim().to_string());
            }
            rest = &after[end + 3..];
        }
        None
    };
    block(Some("mlbn"))
        .or_else(|| block(None))
        .unwrap_or_else(|| text.trim().to_string())
}

/// True when a chat message carries a ```mlbn block (the opt-in message listener).
pub fn has_mlbn_block(text: &str) -> bool {
    text.to_ascii_lowercase().contains("```mlbn")
}

/// True when the text itself is wrong: a syntax error, or a scenario that could not be
/// resolved (unknown names). "Does not fit" and other engine findings are results, not this.
fn rejected(a: &Analysis) -> bool {
    a.parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == mlbn_syntax::Severity::Error)
        || a.scenarios.iter().any(|s| s.resolved.is_err())
}

/// Errors in the goal statements (`target`, `budget`, `have`, …): they stop a plan.
fn goal_errors(cat: &Catalog, a: &Analysis) -> Vec<mlbn_syntax::Diagnostic> {
    let mut diags = Vec::new();
    for sc in &a.parsed.file.scenarios {
        mlbn_ide::plan::goal_spec(sc, cat, &mut diags);
    }
    diags.retain(|d| d.severity == mlbn_syntax::Severity::Error);
    diags
}

/// Analyse a request: errors (or nothing resolvable) reject it with an ephemeral answer.
pub fn prepare(cat: &Catalog, request: Request) -> Prepared {
    let opts = AnalyzeOptions::new(cat);
    let a = analyze(&request.config, &opts);
    let command = request.mode.command();
    if rejected(&a) {
        let errors: Vec<_> = a.errors().cloned().collect();
        return Prepared::Reject(finish_view(error_message(&a, &errors, "config", command)));
    }
    if request.mode == Mode::Plan {
        let errors = goal_errors(cat, &a);
        if !errors.is_empty() {
            return Prepared::Reject(finish_view(error_message(&a, &errors, "config", command)));
        }
    }
    let b = match request.compare.as_deref() {
        Some(t) if !t.trim().is_empty() => {
            let b = analyze(t, &opts);
            if rejected(&b) {
                let errors: Vec<_> = b.errors().cloned().collect();
                return Prepared::Reject(finish_view(error_message(
                    &b, &errors, "compare", command,
                )));
            }
            Some(b)
        }
        _ => None,
    };
    if resolved(&a).is_empty() || b.as_ref().is_some_and(|b| resolved(b).is_empty()) {
        return Prepared::Reject(finish_view(notice(
            "Nothing to analyse",
            "The config has no scenario the engine could run. /bottleneck-help shows examples.",
            colour::WARN,
        )));
    }
    Prepared::Ready(Box::new(Ready { request, a, b }))
}

/// The result message: embeds and the topology picture, or for `/bottleneck-plan` the
/// plans (no picture).
pub fn finish(cat: &Catalog, ready: &Ready) -> MessageView {
    if ready.request.mode == Mode::Plan {
        let (items, skipped) = crate::plan_report::plan_analysis(cat, &ready.a);
        return crate::plan_report::plan_message(&items, skipped);
    }
    let a_res = resolved(&ready.a);
    let detail = ready.request.detail;
    let theme = ready.request.theme;
    // A compare: `compare:` given, or two scenarios in the config.
    let pair = match &ready.b {
        Some(b) => resolved(b).first().copied().map(|x| (a_res[0], x)),
        None if a_res.len() >= 2 => Some((a_res[0], a_res[1])),
        None => None,
    };
    let mut m = MessageView::default();
    // The pictures to draw: both scenarios of a compare (A over B), else the one.
    let pictures: Vec<(&ResolvedScenario, &Estimate, String)> = match pair {
        Some(((sa, ra, ea), (sb, rb, eb))) => {
            let ab = ready.b.as_ref().unwrap_or(&ready.a);
            let ca = outcome_colour(ea, &diagnostics_of(&ready.a, sa));
            let cb = outcome_colour(eb, &diagnostics_of(ab, sb));
            m.embeds.push(compare_embed((ra, ea, ca), (rb, eb, cb)));
            vec![
                (ra, ea, format!("A: {}", scenario_title(ra))),
                (rb, eb, format!("B: {}", scenario_title(rb))),
            ]
        }
        None => {
            let (s, r, e) = a_res[0];
            m.embeds
                .push(scenario_embed(cat, &ready.a, s, r, e, detail));
            vec![(r, e, scenario_title(r))]
        }
    };
    let views: Vec<_> = pictures
        .iter()
        .map(|(r, e, title)| topology_view(cat, r, e, title, &picture_headline(r, e), theme))
        .collect();
    let titles: Vec<&str> = pictures.iter().map(|(_, _, t)| t.as_str()).collect();
    match stacked_png(&views.iter().collect::<Vec<_>>()) {
        Ok(bytes) => {
            if let Some(first) = m.embeds.first_mut() {
                first.image = Some(TOPOLOGY_FILE.to_string());
            }
            m.files.push(FileView {
                filename: TOPOLOGY_FILE.to_string(),
                description: format!("Topology: {}", titles.join(" / ")),
                bytes,
            });
        }
        Err(err) => {
            m.embeds.push(EmbedView {
                description: format!("(no picture: {})", crate::view::escape_markdown(&err)),
                colour: colour::WARN,
                ..Default::default()
            });
        }
    }
    finish_view(m)
}

/// The line under a picture's title: the strategy and the headline rates.
fn picture_headline(r: &ResolvedScenario, e: &Estimate) -> String {
    let strategy = match &e.auto {
        Some(au) => format!("auto → {}", au.winner),
        None => r.strategy.label(),
    };
    format!(
        "{strategy} · {} decode · {} prefill · TTFT {}",
        tok_s(e.decode_tok_s),
        tok_s(e.prefill_tok_s),
        ms(e.ttft_ms)
    )
}

/// [`prepare`] then [`finish`]: the whole synchronous work of one `/bottleneck`.
pub fn bottleneck(cat: &Catalog, request: Request) -> MessageView {
    match prepare(cat, request) {
        Prepared::Reject(m) => m,
        Prepared::Ready(r) => finish(cat, &r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_from_a_message() {
        let m = "look:\n```mlbn\n2x rtx4090; llama3-70b q4\n```\nthanks";
        assert_eq!(extract_config(m), "2x rtx4090; llama3-70b q4");
        let plain = "```\nrtx4090; llama3-8b q4\n```";
        assert_eq!(extract_config(plain), "rtx4090; llama3-8b q4");
        let inline = "```rtx4090 + rtx3090; llama3-8b```";
        assert_eq!(extract_config(inline), "rtx4090 + rtx3090; llama3-8b");
        assert_eq!(
            extract_config("  rtx4090; llama3-8b  "),
            "rtx4090; llama3-8b"
        );
        // An unclosed fence is text.
        assert_eq!(extract_config("```mlbn\nrtx4090"), "```mlbn\nrtx4090");
        assert!(has_mlbn_block("see ```MLBN\nx```"));
        assert!(!has_mlbn_block("```rust\nx```"));
    }

    #[test]
    fn cooldown_is_per_user() {
        let bot = Bot::new(Duration::from_secs(3), Duration::from_secs(5));
        let t0 = Instant::now();
        assert_eq!(bot.cooldown_wait("a", t0), None);
        assert!(
            bot.cooldown_wait("a", t0 + Duration::from_secs(1))
                .is_some()
        );
        assert_eq!(bot.cooldown_wait("b", t0 + Duration::from_secs(1)), None);
        assert_eq!(bot.cooldown_wait("a", t0 + Duration::from_secs(4)), None);
    }

    #[test]
    fn too_long_input_is_refused_politely() {
        let bot = Bot::new(Duration::ZERO, Duration::from_secs(5));
        let inc = Incoming {
            kind: Kind::Command,
            id: "1".into(),
            token: "t".into(),
            application_id: "2".into(),
            user_id: "3".into(),
            command: CMD_BOTTLENECK.into(),
            options: vec![("config".into(), "x".repeat(MAX_INPUT_CHARS + 1))],
            focused: None,
            target_text: None,
        };
        let Step::Respond(v) = bot.step(&inc, Instant::now()) else {
            panic!("refused at once");
        };
        assert_eq!(v["data"]["flags"], 64);
        let d = v["data"]["embeds"][0]["description"].as_str().unwrap();
        assert!(d.contains("4001") && d.contains("4000"), "{d}");
    }

    #[test]
    fn message_command_json() {
        let v = serde_json::json!({
            "type": 2, "id": "5", "application_id": "6", "token": "tk",
            "user": {"id": "7"},
            "data": {"name": CMD_ANALYZE_MESSAGE, "type": 3, "target_id": "8",
                "resolved": {"messages": {"8": {"content": "hi"}}}}
        });
        let inc = Incoming::from_json(&v).unwrap();
        assert_eq!(inc.kind, Kind::Command);
        assert_eq!(inc.user_id, "7");
        assert_eq!(inc.target_text.as_deref(), Some("hi"));
        assert!(Incoming::from_json(&serde_json::json!({"no": "type"})).is_none());
    }
}

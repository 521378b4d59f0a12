//! The pure view layer: messages and embeds as plain data, clamped to Discord's limits and
//! serialized to the JSON Discord expects. No serenity types, no IO: snapshot tests read it.
//!
//! Lengths are counted in UTF-16 code units, which is never fewer than the characters Discord
//! counts, so a clamped value is always accepted.

use serde_json::{Value, json};

/// Discord's limits for embeds and messages.
pub mod limits {
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    /// Sum of titles, descriptions, field names and values and footers of all embeds.
    pub const TOTAL: usize = 6000;
    pub const EMBEDS: usize = 10;
    pub const CONTENT: usize = 2000;
    /// Autocomplete: choices per answer, and a choice's name.
    pub const CHOICES: usize = 25;
    pub const CHOICE_NAME: usize = 100;
    pub const CHOICE_VALUE: usize = 6000;
}

/// Message flag: only the invoking user sees the message.
pub const EPHEMERAL: u64 = 1 << 6;

/// Embed colours, chosen to read on Discord's dark background (#313338) as well as the light
/// one: the seed palette's green, amber and red, and a neutral blue for help and catalog.
pub mod colour {
    pub const FITS: u32 = 0x4ADE80;
    pub const WARN: u32 = 0xFBBF24;
    pub const FAIL: u32 = 0xF87171;
    pub const INFO: u32 = 0x60A5FA;
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldView {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

impl FieldView {
    pub fn new(name: impl Into<String>, value: impl Into<String>, inline: bool) -> Self {
        FieldView {
            name: name.into(),
            value: value.into(),
            inline,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmbedView {
    pub title: String,
    pub description: String,
    pub colour: u32,
    pub fields: Vec<FieldView>,
    pub footer: String,
    /// File name of an attachment shown as the embed's image (`topology.png`).
    pub image: Option<String>,
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq)]
pub struct FileView {
    pub filename: String,
    pub description: String,
    pub bytes: Vec<u8>,
}

/// A whole message: text, embeds and attachments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageView {
    pub content: String,
    pub embeds: Vec<EmbedView>,
    pub files: Vec<FileView>,
    pub ephemeral: bool,
}

/// Length as Discord may count it (UTF-16 code units: an upper bound on characters).
pub fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `s` cut to at most `max` UTF-16 units, ending with `…` when cut. A cut never splits a
/// character or leaves a dangling escape backslash.
pub fn truncate(s: &str, max: usize) -> String {
    if units(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.len_utf16();
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    // An odd run of trailing backslashes would escape the ellipsis.
    let trailing = out.chars().rev().take_while(|&c| c == '\\').count();
    if trailing % 2 == 1 {
        out.pop();
    }
    out.push('…');
    out
}

/// Escape user text for Discord Markdown and defuse mentions: `*_~`|><[]\` are
/// backslash-escaped, `#`/`-` at the start of a line too (headings, lists), and `@` is followed
/// by a zero-width space so `@everyone` reads as text even where mentions would render.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut line_start = true;
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                out.push('\u{200B}');
            }
            _ => out.push(c),
        }
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
    }
    out
}

/// Text made safe to sit inside a ``` code block: a run of three backticks would close it
/// early, so backticks get a zero-width space after them.
pub fn escape_code_block(s: &str) -> String {
    s.replace('`', "`\u{200B}")
}

/// A code block of `body`, clamped so the closing fence survives: at most `max` units in all.
pub fn code_block(lang: &str, body: &str, max: usize) -> String {
    let open = format!("```{lang}\n");
    let close = "\n```";
    let room = max.saturating_sub(units(&open) + units(close));
    let body = truncate(escape_code_block(body).trim_end(), room);
    format!("{open}{body}{close}")
}

impl EmbedView {
    /// Characters counted against the 6000 total.
    pub fn total_units(&self) -> usize {
        units(&self.title)
            + units(&self.description)
            + units(&self.footer)
            + self
                .fields
                .iter()
                .map(|f| units(&f.name) + units(&f.value))
                .sum::<usize>()
    }

    /// Each part cut to its own limit; at most 25 fields (the rest dropped and counted in the
    /// footer). Empty names and values become a zero-width space: Discord rejects empty ones.
    pub fn clamp_parts(&mut self) {
        self.title = truncate(&self.title, limits::TITLE);
        self.description = truncate(&self.description, limits::DESCRIPTION);
        if self.fields.len() > limits::FIELDS {
            let dropped = self.fields.len() - (limits::FIELDS - 1);
            self.fields.truncate(limits::FIELDS - 1);
            self.fields.push(FieldView::new(
                "…",
                format!("{dropped} more not shown (Discord allows 25 fields)"),
                false,
            ));
        }
        for f in &mut self.fields {
            f.name = truncate(&f.name, limits::FIELD_NAME);
            f.value = truncate(&f.value, limits::FIELD_VALUE);
            if f.name.trim().is_empty() {
                f.name = "\u{200B}".into();
            }
            if f.value.trim().is_empty() {
                f.value = "\u{200B}".into();
            }
        }
        self.footer = truncate(&self.footer, limits::FOOTER);
    }

    pub fn to_json(&self) -> Value {
        let mut e = serde_json::Map::new();
        if !self.title.is_empty() {
            e.insert("title".into(), json!(self.title));
        }
        if !self.description.is_empty() {
            e.insert("description".into(), json!(self.description));
        }
        e.insert("color".into(), json!(self.colour & 0xFF_FFFF));
        if !self.fields.is_empty() {
            let fields: Vec<Value> = self
                .fields
                .iter()
                .map(|f| json!({"name": f.name, "value": f.value, "inline": f.inline}))
                .collect();
            e.insert("fields".into(), Value::Array(fields));
        }
        if !self.footer.is_empty() {
            e.insert("footer".into(), json!({ "text": self.footer }));
        }
        if let Some(img) = &self.image {
            e.insert(
                "image".into(),
                json!({ "url": format!("attachment://{img}") }),
            );
        }
        Value::Object(e)
    }
}

impl MessageView {
    pub fn embed(e: EmbedView) -> Self {
        MessageView {
            embeds: vec![e],
            ..Default::default()
        }
    }

    pub fn ephemeral(mut self) -> Self {
        self.ephemeral = true;
        self
    }

    /// Clamp every embed to its limits, keep at most 10 embeds, then bring the sum under the
    /// 6000 total by dropping trailing fields and then shortening descriptions, last embed
    /// first. A footer note says what was left out.
    pub fn clamp(&mut self) {
        self.content = truncate(&self.content, limits::CONTENT);
        self.embeds.truncate(limits::EMBEDS);
        for e in &mut self.embeds {
            e.clamp_parts();
        }
        let total = |m: &MessageView| m.embeds.iter().map(EmbedView::total_units).sum::<usize>();
        const NOTE: &str = "Some details were left out to fit Discord's size limit.";
        if total(self) <= limits::TOTAL {
            return;
        }
        // Room for the note in the first embed's footer.
        if let Some(first) = self.embeds.first_mut() {
            let footer = if first.footer.is_empty() {
                NOTE.to_string()
            } else {
                format!("{NOTE} · {}", first.footer)
            };
            first.footer = truncate(&footer, limits::FOOTER);
        }
        while total(self) > limits::TOTAL {
            let over = total(self) - limits::TOTAL;
            let Some(last) = self.embeds.iter().rposition(|e| e.total_units() > 0) else {
                break;
            };
            let e = &mut self.embeds[last];
            if !e.fields.is_empty() {
                // Drop a trailing field, or shorten it when it alone covers the excess.
                let f = e.fields.last_mut().expect("non-empty");
                let fu = units(&f.value);
                if fu > over + 16 {
                    f.value = truncate(&f.value, fu - over);
                } else {
                    e.fields.pop();
                }
            } else if units(&e.description) > 1 {
                let du = units(&e.description);
                e.description = truncate(&e.description, du.saturating_sub(over).max(1));
            } else if last > 0 {
                self.embeds.remove(last);
            } else {
                let fu = units(&e.footer);
                e.footer = truncate(&e.footer, fu.saturating_sub(over));
                let tu = units(&e.title);
                if total(self) > limits::TOTAL {
                    let e = &mut self.embeds[last];
                    e.title = truncate(&e.title, tu.saturating_sub(over));
                }
            }
        }
    }

    /// The JSON body of a message (interaction callback `data`, webhook edit, channel message):
    /// embeds, attachments with string ids matching `files[N]`, mentions disabled, and the
    /// ephemeral flag. Call [`MessageView::clamp`] first.
    pub fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        m.insert("content".into(), json!(self.content));
        m.insert(
            "embeds".into(),
            Value::Array(self.embeds.iter().map(EmbedView::to_json).collect()),
        );
        m.insert("allowed_mentions".into(), json!({ "parse": [] }));
        let attachments: Vec<Value> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                json!({
                    "id": i.to_string(),
                    "filename": f.filename,
                    "description": truncate(&f.description, 1024),
                })
            })
            .collect();
        m.insert("attachments".into(), Value::Array(attachments));
        if self.ephemeral {
            m.insert("flags".into(), json!(EPHEMERAL));
        }
        Value::Object(m)
    }
}

/// One autocomplete choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// Interaction callback bodies (`POST /interactions/{id}/{token}/callback`).
pub mod callback {
    use super::{Choice, MessageView, limits, truncate};
    use serde_json::{Value, json};

    pub const PONG: u64 = 1;
    pub const MESSAGE: u64 = 4;
    pub const DEFERRED: u64 = 5;
    pub const AUTOCOMPLETE: u64 = 8;

    pub fn pong() -> Value {
        json!({ "type": PONG })
    }

    /// An immediate message (no files: callbacks here never carry pictures).
    pub fn message(m: &MessageView) -> Value {
        json!({ "type": MESSAGE, "data": m.to_json() })
    }

    /// "Thinking…", edited later; `ephemeral` decides who sees the final message.
    pub fn deferred(ephemeral: bool) -> Value {
        if ephemeral {
            json!({ "type": DEFERRED, "data": { "flags": super::EPHEMERAL } })
        } else {
            json!({ "type": DEFERRED })
        }
    }

    pub fn autocomplete(choices: &[Choice]) -> Value {
        let choices: Vec<Value> = choices
            .iter()
            .take(limits::CHOICES)
            .filter(|c| !c.name.is_empty() && c.value.len() <= limits::CHOICE_VALUE)
            .map(|c| json!({ "name": truncate(&c.name, limits::CHOICE_NAME), "value": c.value }))
            .collect();
        json!({ "type": AUTOCOMPLETE, "data": { "choices": choices } })
    }
}

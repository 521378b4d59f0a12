//! The application commands as Discord's JSON (`PUT /applications/{id}/commands`).

use crate::handler::{CMD_ANALYZE_MESSAGE, CMD_BOTTLENECK, CMD_CATALOG, CMD_HELP, CMD_PLAN};
use crate::report::MAX_INPUT_CHARS;
use serde_json::{Value, json};

const STRING: u64 = 3;
const CHAT_INPUT: u64 = 1;
const MESSAGE: u64 = 3;

/// Every command mlbn registers.
pub fn definitions() -> Value {
    json!([
        {
            "type": CHAT_INPUT,
            "name": CMD_BOTTLENECK,
            "description": "Will this LLM run on this hardware? Speeds, memory fit, strategy, cost.",
            "options": [
                {
                    "type": STRING, "name": "config", "required": true, "autocomplete": true,
                    "max_length": MAX_INPUT_CHARS,
                    "description": "e.g. 2x rtx4090 nvlink; llama3-70b q4; auto"
                },
                {
                    "type": STRING, "name": "compare", "required": false, "autocomplete": true,
                    "max_length": MAX_INPUT_CHARS,
                    "description": "A second scenario to compare side by side"
                },
                {
                    "type": STRING, "name": "detail", "required": false,
                    "description": "How much to show",
                    "choices": [
                        { "name": "brief", "value": "brief" },
                        { "name": "full", "value": "full" }
                    ]
                },
                {
                    "type": STRING, "name": "theme", "required": false,
                    "description": "Picture colours",
                    "choices": [
                        { "name": "dark", "value": "dark" },
                        { "name": "light", "value": "light" }
                    ]
                }
            ]
        },
        {
            "type": CHAT_INPUT,
            "name": CMD_PLAN,
            "description": "What to buy or change to reach a speed: ranked plans with cost.",
            "options": [
                {
                    "type": STRING, "name": "config", "required": true, "autocomplete": true,
                    "max_length": MAX_INPUT_CHARS,
                    "description": "e.g. llama3-70b; target decode=30tok/s ttft<2s; budget $6000"
                }
            ]
        },
        {
            "type": CHAT_INPUT,
            "name": CMD_HELP,
            "description": "The mlbn language in five examples"
        },
        {
            "type": CHAT_INPUT,
            "name": CMD_CATALOG,
            "description": "Search devices, models, quants, runtimes and links",
            "options": [
                {
                    "type": STRING, "name": "query", "required": false, "max_length": 100,
                    "description": "A name or part of one: 4090, llama3 70b, q4"
                }
            ]
        },
        {
            "type": MESSAGE,
            "name": CMD_ANALYZE_MESSAGE
        }
    ])
}

/// The invite URL: the `bot` and `applications.commands` scopes, and the permissions the bot
/// uses (View Channel 1024, Send Messages 2048, Embed Links 16384, Attach Files 32768, Read
/// Message History 65536, Add Reactions 64).
pub fn invite_url(application_id: &str) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope=bot%20applications.commands&permissions={PERMISSIONS}"
    )
}

/// Sum of the permission bits listed on [`invite_url`].
pub const PERMISSIONS: u64 = 1024 | 2048 | 16384 | 32768 | 65536 | 64;

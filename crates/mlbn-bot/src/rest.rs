//! REST calls through serenity's HTTP client: the follow-up edit of a deferred response,
//! immediate callbacks (gateway mode), channel replies and command registration. `api_base`
//! sends every call to another base URL (a proxy or a local mock) via `HttpBuilder::proxy`.

use crate::view::MessageView;
use serde_json::Value;
use serenity::all::{
    ApplicationId, ChannelId, CreateAttachment, GuildId, InteractionId, MessageId,
};
use serenity::http::{Http, HttpBuilder};
use std::sync::Arc;

/// The client. The token is handed to serenity and never printed.
pub fn client(token: &str, api_base: Option<&str>) -> Arc<Http> {
    let mut b = HttpBuilder::new(token);
    if let Some(base) = api_base {
        // A proxy (or mock) does its own rate limiting.
        b = b.proxy(base).ratelimiter_disabled(true);
    }
    Arc::new(b.build())
}

fn attachments(m: &MessageView) -> Vec<CreateAttachment> {
    // serenity names raw uploads `files[0]`; the payload's attachment ids follow that, so one
    // file per message (the topology picture).
    m.files
        .iter()
        .take(1)
        .map(|f| CreateAttachment::bytes(f.bytes.clone(), f.filename.clone()))
        .collect()
}

fn payload(m: &MessageView) -> Value {
    let mut v = m.to_json();
    if let Some(a) = v.get_mut("attachments").and_then(Value::as_array_mut) {
        a.truncate(1);
    }
    v
}

/// Set the application id used in webhook routes (HTTP mode learns it from the interaction).
pub fn set_application_id(http: &Http, id: &str) -> Result<(), String> {
    let id: u64 = id
        .parse()
        .map_err(|_| format!("application id `{id}` is not a snowflake"))?;
    if id == 0 {
        return Err("application id is 0".into());
    }
    http.set_application_id(ApplicationId::new(id));
    Ok(())
}

/// `PATCH /webhooks/{application.id}/{token}/messages/@original` with the message (multipart
/// when it carries the picture).
pub async fn edit_original(
    http: &Http,
    application_id: &str,
    token: &str,
    m: &MessageView,
) -> Result<(), String> {
    set_application_id(http, application_id)?;
    http.edit_original_interaction_response(token, &payload(m), attachments(m))
        .await
        .map(|_| ())
        .map_err(|e| format!("editing the response failed: {e}"))
}

/// `POST /interactions/{id}/{token}/callback` (gateway mode; HTTP mode answers in the body).
pub async fn callback(http: &Http, id: &str, token: &str, body: &Value) -> Result<(), String> {
    let id: u64 = id.parse().map_err(|_| "bad interaction id".to_string())?;
    if id == 0 {
        return Err("interaction id is 0".into());
    }
    http.create_interaction_response(InteractionId::new(id), token, body, Vec::new())
        .await
        .map_err(|e| format!("answering the interaction failed: {e}"))
}

/// Reply to a channel message (the opt-in ```mlbn listener).
pub async fn reply(
    http: &Http,
    channel: ChannelId,
    to: MessageId,
    m: &MessageView,
) -> Result<(), String> {
    let mut body = payload(m);
    if let Some(o) = body.as_object_mut() {
        o.remove("flags");
        o.insert(
            "message_reference".into(),
            serde_json::json!({ "message_id": to.to_string(), "fail_if_not_exists": false }),
        );
    }
    http.send_message(channel, attachments(m), &body)
        .await
        .map(|_| ())
        .map_err(|e| format!("replying failed: {e}"))
}

/// Register the commands globally, or in one guild (instant, for development).
pub async fn register(http: &Http, guild: Option<u64>) -> Result<usize, String> {
    let cmds = crate::commands::definitions();
    let r = match guild {
        Some(g) if g != 0 => http.create_guild_commands(GuildId::new(g), &cmds).await,
        _ => http.create_global_commands(&cmds).await,
    };
    r.map(|v| v.len())
        .map_err(|e| format!("registering commands failed: {e}"))
}

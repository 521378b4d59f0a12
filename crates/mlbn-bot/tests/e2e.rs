//! End to end over HTTP: the interactions endpoint on 127.0.0.1 with a test Ed25519 key,
//! signed interactions posted to it, and serenity's REST client pointed (via
//! `HttpBuilder::proxy`) at a local mock of Discord that captures the follow-up. Payloads are
//! validated against Discord's OpenAPI spec (vendored in tests/data).

mod common;

use common::openapi::{self, callback_schema, webhook_edit_schema};
use mlbn_bot::handler::Bot;
use mlbn_bot::server::{Endpoint, MAX_SKEW, serve, verifier};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

const APP_ID: &str = "111122223333444455";

async fn start(api_base: &str) -> SocketAddr {
    let key = common::test_key();
    let ep = Arc::new(Endpoint {
        bot: Arc::new(Bot::new(Duration::from_secs(3), Duration::from_secs(30))),
        verifier: verifier(&common::public_key_hex(&key)).expect("key"),
        http: mlbn_bot::rest::client("test-token-not-real", Some(api_base)),
        max_skew: MAX_SKEW,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, ep));
    addr
}

/// The spec, the mock of Discord, the endpoint's address and its signing key.
async fn setup() -> (
    Value,
    Arc<common::Mock>,
    SocketAddr,
    ed25519_dalek::SigningKey,
) {
    let (base, mock) = common::start_mock().await;
    let addr = start(&base).await;
    (openapi::load_spec(), mock, addr, common::test_key())
}

fn command(id: &str, user: &str, name: &str, options: Value) -> Value {
    json!({
        "type": 2, "id": id, "application_id": APP_ID, "token": format!("tok-{id}"),
        "version": 1,
        "member": { "user": { "id": user, "username": "u" } },
        "data": { "id": "9", "name": name, "type": 1, "options": options }
    })
}

fn assert_valid(spec: &Value, schema: impl Fn(&Value) -> &Value, v: &Value) {
    let errs = openapi::validate(spec, schema(spec), v);
    assert!(errs.is_empty(), "{v}\n{errs:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_endpoint_end_to_end() {
    let (spec, mock, addr, key) = setup().await;
    let spec = &spec;

    // PING → PONG.
    let (status, v) = common::post_signed(
        addr,
        &key,
        &json!({"type": 1, "id": "1", "application_id": APP_ID, "token": "t", "version": 1}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v, json!({"type": 1}));
    assert_valid(spec, callback_schema, &v);

    // Bad signature → 401.
    let body = json!({"type": 1}).to_string();
    let ts = common::now_unix().to_string();
    let mut sig = common::sign(&key, &ts, body.as_bytes());
    sig.replace_range(0..2, if sig.starts_with("00") { "11" } else { "00" });
    let (status, _) = common::post(
        addr,
        &[("X-Signature-Ed25519", sig), ("X-Signature-Timestamp", ts)],
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 401);

    // Correctly signed but stale timestamp → 401.
    let old = (common::now_unix() - MAX_SKEW.as_secs() - 60).to_string();
    let sig = common::sign(&key, &old, body.as_bytes());
    let (status, _) = common::post(
        addr,
        &[("X-Signature-Ed25519", sig), ("X-Signature-Timestamp", old)],
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 401);

    // No signature headers → 401.
    let (status, _) = common::post(addr, &[], body.as_bytes()).await;
    assert_eq!(status, 401);

    // Autocomplete: up to 25 choices completing the word being typed.
    let auto = json!({
        "type": 4, "id": "2", "application_id": APP_ID, "token": "t2", "version": 1,
        "member": { "user": { "id": "42" } },
        "data": { "id": "9", "name": "bottleneck", "type": 1, "options": [
            { "type": 3, "name": "config", "value": "2x rtx40", "focused": true }
        ]}
    });
    let (status, v) = common::post_signed(addr, &key, &auto).await;
    assert_eq!(status, 200);
    assert_eq!(v["type"], 8);
    let choices = v["data"]["choices"].as_array().expect("choices");
    assert!(!choices.is_empty() && choices.len() <= 25);
    for c in choices {
        let value = c["value"].as_str().unwrap();
        assert!(value.starts_with("2x "), "{value}");
        assert!(c["name"].as_str().unwrap().chars().count() <= 100);
    }
    assert!(
        choices
            .iter()
            .any(|c| c["value"].as_str().unwrap().contains("4090")),
        "{choices:?}"
    );
    assert_valid(spec, callback_schema, &v);

    // Invalid config → an ephemeral error at once, no follow-up.
    let bad = command(
        "3",
        "7",
        "bottleneck",
        json!([{ "type": 3, "name": "config", "value": "2x rtx4900; llama3-70b q4" }]),
    );
    let (status, v) = common::post_signed(addr, &key, &bad).await;
    assert_eq!(status, 200);
    assert_eq!(v["type"], 4);
    assert_eq!(v["data"]["flags"], 64);
    let desc = v["data"]["embeds"][0]["description"].as_str().unwrap();
    assert!(desc.contains('^') && desc.contains("rtx4900"), "{desc}");
    assert_valid(spec, callback_schema, &v);

    // Valid /bottleneck with 8 devices → deferral, then the follow-up edit with embed + PNG.
    let ok = command(
        "4",
        "8",
        "bottleneck",
        json!([
            { "type": 3, "name": "config", "value": "8x h100-sxm nvswitch; llama3-70b fp16; auto" },
            { "type": 3, "name": "theme", "value": "dark" }
        ]),
    );
    let (status, v) = common::post_signed(addr, &key, &ok).await;
    assert_eq!(status, 200);
    assert_eq!(v, json!({"type": 5}));
    assert_valid(spec, callback_schema, &v);
    let captured = mock.wait_for(1).await;
    let first = captured.first().expect("a follow-up reached the mock");
    check_followup(spec, first, "tok-4");

    // The same user again at once → a polite cooldown answer.
    let again = command(
        "5",
        "8",
        "bottleneck",
        json!([{ "type": 3, "name": "config", "value": "rtx4090; llama3-8b q4" }]),
    );
    let (_, v) = common::post_signed(addr, &key, &again).await;
    assert_eq!(v["type"], 4);
    assert_eq!(v["data"]["flags"], 64);
    assert!(
        v["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("another analysis in")
    );

    // Message command on a message with a ```mlbn block (no message-content intent needed:
    // the message arrives in the interaction's resolved data).
    let msg = json!({
        "type": 2, "id": "6", "application_id": APP_ID, "token": "tok-6", "version": 1,
        "user": { "id": "9" },
        "data": { "id": "10", "name": "Analyze with mlbn", "type": 3, "target_id": "77",
            "resolved": { "messages": { "77": {
                "id": "77", "channel_id": "1",
                "content": "will this run?\n```mlbn\n2x rtx4090 nvlink; llama3-70b q4; auto\n```\n@everyone"
            }}}
        }
    });
    let (status, v) = common::post_signed(addr, &key, &msg).await;
    assert_eq!(status, 200);
    assert_eq!(v, json!({"type": 5}));
    let captured = mock.wait_for(2).await;
    let second = captured
        .iter()
        .find(|c| c.path.contains("tok-6"))
        .expect("message command follow-up");
    check_followup(spec, second, "tok-6");

    // Help and catalog answer at once.
    let (_, v) = common::post_signed(
        addr,
        &key,
        &command("11", "12", "bottleneck-help", json!([])),
    )
    .await;
    assert_eq!(v["type"], 4);
    assert_eq!(
        v["data"]["embeds"][0]["fields"].as_array().unwrap().len(),
        5
    );
    assert_valid(spec, callback_schema, &v);
    let (_, v) = common::post_signed(
        addr,
        &key,
        &command(
            "13",
            "12",
            "bottleneck-catalog",
            json!([{ "type": 3, "name": "query", "value": "h100" }]),
        ),
    )
    .await;
    assert_eq!(v["type"], 4);
    assert_valid(spec, callback_schema, &v);
}

/// An edit of the deferred response: the method, the webhook route and the body's type.
fn check_edit_request(c: &common::Captured, token: &str, content_type: &str) {
    assert_eq!(c.method, "PATCH");
    assert_eq!(
        c.path,
        format!("/api/v10/webhooks/{APP_ID}/{token}/messages/@original")
    );
    assert!(
        c.content_type.starts_with(content_type),
        "{}",
        c.content_type
    );
}

/// The follow-up: `PATCH /api/v10/webhooks/{app}/{token}/messages/@original`, multipart with
/// `payload_json` (embed, attachment id as a string) and `files[0]` a decodable PNG.
fn check_followup(spec: &Value, c: &common::Captured, token: &str) {
    check_edit_request(c, token, "multipart/form-data");
    let parts = common::multipart(&c.content_type, &c.body);
    let payload = parts
        .iter()
        .find(|p| p.name == "payload_json")
        .expect("payload_json part");
    let payload: Value = serde_json::from_slice(&payload.body).expect("payload is JSON");
    let embed = &payload["embeds"][0];
    assert!(
        embed["title"].as_str().unwrap().contains("RTX 4090")
            || embed["title"].as_str().unwrap().contains("H100")
    );
    assert_eq!(embed["image"]["url"], "attachment://topology.png");
    assert_eq!(payload["attachments"][0]["id"], "0");
    assert_eq!(payload["allowed_mentions"], json!({"parse": []}));
    let file = parts
        .iter()
        .find(|p| p.name == "files[0]")
        .expect("files[0] part");
    assert_eq!(file.filename.as_deref(), Some("topology.png"));
    assert!(file.body.starts_with(b"\x89PNG\r\n\x1a\n"), "PNG signature");
    let img = image::load_from_memory_with_format(&file.body, image::ImageFormat::Png)
        .expect("PNG decodes");
    assert_eq!(
        (img.width(), img.height()),
        (mlbn_bot::picture::PNG_WIDTH, mlbn_bot::picture::PNG_HEIGHT)
    );
    assert_valid(spec, webhook_edit_schema, &payload);
}

/// `/bottleneck-plan` over the endpoint: a deferral, then the follow-up edit with the plans
/// embed as a JSON body (no picture), valid against the spec.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_command_end_to_end() {
    let (spec, mock, addr, key) = setup().await;
    let spec = &spec;
    let plan = command(
        "21",
        "31",
        mlbn_bot::handler::CMD_PLAN,
        json!([{ "type": 3, "name": "config",
            "value": "llama3-70b q4_k_m; target decode=20tok/s ttft<3s; budget $8000" }]),
    );
    let (status, v) = common::post_signed(addr, &key, &plan).await;
    assert_eq!(status, 200);
    assert_eq!(v, json!({"type": 5}));
    assert_valid(spec, callback_schema, &v);
    let captured = mock.wait_for(1).await;
    let c = captured.first().expect("a follow-up reached the mock");
    check_edit_request(c, "tok-21", "application/json");
    let payload: Value = serde_json::from_slice(&c.body).expect("JSON body");
    let embed = &payload["embeds"][0];
    assert!(
        embed["title"].as_str().unwrap().starts_with("Plans for"),
        "{embed}"
    );
    assert!(!embed["fields"].as_array().unwrap().is_empty(), "{embed}");
    assert_eq!(payload["attachments"], json!([]));
    assert_eq!(payload["allowed_mentions"], json!({"parse": []}));
    assert_valid(spec, webhook_edit_schema, &payload);

    // A goal error is answered at once, ephemeral, with the caret.
    let bad = command(
        "22",
        "32",
        mlbn_bot::handler::CMD_PLAN,
        json!([{ "type": 3, "name": "config", "value": "llama3-70b; target decod=30tok/s" }]),
    );
    let (status, v) = common::post_signed(addr, &key, &bad).await;
    assert_eq!(status, 200);
    assert_eq!(v["type"], 4);
    assert_eq!(v["data"]["flags"], 64);
    assert!(
        v["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains('^')
    );
    assert_valid(spec, callback_schema, &v);
}

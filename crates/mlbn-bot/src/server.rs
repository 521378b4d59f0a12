//! Discord's HTTP interactions endpoint: a small HTTP/1.1 server (hyper) that verifies the
//! Ed25519 signature and the timestamp's freshness of every request (401 otherwise), answers
//! PING with PONG, and answers commands in the response body: errors at once, results as a
//! deferral followed by an edit of the original response over REST.

use crate::handler::{Bot, Incoming, Prepared, Step, finish, prepare, timeout_notice};
use crate::view::callback;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use serenity::http::Http;
use serenity::interactions_endpoint::Verifier;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

/// Largest request body accepted (Discord's interactions are a few KB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// How far a request's timestamp may be from our clock.
pub const MAX_SKEW: Duration = Duration::from_secs(300);

/// Everything the endpoint needs.
pub struct Endpoint {
    pub bot: Arc<Bot>,
    pub verifier: Verifier,
    pub http: Arc<Http>,
    pub max_skew: Duration,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint").finish_non_exhaustive()
    }
}

/// Parse a hex Ed25519 public key (64 hex digits) into a verifier.
pub fn verifier(public_key_hex: &str) -> Result<Verifier, String> {
    let hex = public_key_hex.trim();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(
            "the public key must be 64 hex digits (Developer Portal → General Information)".into(),
        );
    }
    let mut key = [0u8; 32];
    for (i, k) in key.iter_mut().enumerate() {
        *k = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Verifier::try_new(key).map_err(|_| "the public key is not a valid Ed25519 key".to_string())
}

/// Serve until the listener fails.
pub async fn serve(listener: TcpListener, ep: Arc<Endpoint>) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let ep = ep.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(ep.clone(), req));
            // A broken connection concerns only that client.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn text(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *r.status_mut() = status;
    r
}

fn json(v: &Value) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

/// Seconds since the epoch now.
fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// True when `timestamp` (Unix seconds) is within `max_skew` of `now`.
pub fn fresh(timestamp: &str, now: u64, max_skew: Duration) -> bool {
    timestamp
        .trim()
        .parse::<u64>()
        .is_ok_and(|t| t.abs_diff(now) <= max_skew.as_secs())
}

async fn handle(
    ep: Arc<Endpoint>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != Method::POST {
        return Ok(text(
            StatusCode::METHOD_NOT_ALLOWED,
            "POST interactions here\n",
        ));
    }
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (Some(sig), Some(ts)) = (
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
    ) else {
        return Ok(text(StatusCode::UNAUTHORIZED, "missing signature\n"));
    };
    let body = match Limited::new(req.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(text(StatusCode::PAYLOAD_TOO_LARGE, "body too large\n")),
    };
    if ep.verifier.verify(&sig, &ts, &body).is_err() {
        return Ok(text(
            StatusCode::UNAUTHORIZED,
            "invalid request signature\n",
        ));
    }
    if !fresh(&ts, now_unix(), ep.max_skew) {
        return Ok(text(StatusCode::UNAUTHORIZED, "stale request timestamp\n"));
    }
    let Some(inc) = serde_json::from_slice::<Value>(&body)
        .ok()
        .as_ref()
        .and_then(Incoming::from_json)
    else {
        return Ok(text(StatusCode::BAD_REQUEST, "not an interaction\n"));
    };
    Ok(json(&respond(&ep, inc).await))
}

/// The callback body for `inc`; a deferred result's follow-up is spawned.
pub async fn respond(ep: &Endpoint, inc: Incoming) -> Value {
    let request = match ep.bot.step(&inc, Instant::now()) {
        Step::Respond(v) => return v,
        Step::Bottleneck(r) => r,
    };
    let bot = ep.bot.clone();
    let cat = bot.catalog;
    let prepared = tokio::time::timeout(
        bot.timeout,
        tokio::task::spawn_blocking(move || prepare(cat, request)),
    )
    .await;
    let ready = match prepared {
        Ok(Ok(Prepared::Ready(r))) => r,
        Ok(Ok(Prepared::Reject(m))) => return callback::message(&m),
        _ => return callback::message(&timeout_notice()),
    };
    let http = ep.http.clone();
    let timeout = bot.timeout;
    tokio::spawn(async move {
        let work = tokio::task::spawn_blocking(move || finish(cat, &ready));
        let m = match tokio::time::timeout(timeout, work).await {
            Ok(Ok(m)) => m,
            _ => timeout_notice(),
        };
        // The deferral travels in our HTTP response; the edit can overtake it, so a failed
        // edit is retried briefly.
        for attempt in 0..3u32 {
            match crate::rest::edit_original(&http, &inc.application_id, &inc.token, &m).await {
                Ok(()) => break,
                Err(e) => {
                    if attempt == 2 {
                        eprintln!("mlbn bot: {e}");
                    } else {
                        tokio::time::sleep(Duration::from_millis(300 * u64::from(attempt + 1)))
                            .await;
                    }
                }
            }
        }
    });
    callback::deferred(false)
}

//! A guard in front of tower-lsp-server's reader.
//!
//! tower-lsp-server 0.23 reads stdin through a `FramedRead`, which ends its stream after the
//! first undecodable message: one body that is not UTF-8 or not a JSON-RPC message would stop
//! the server. This filter re-frames the client's bytes and passes on only messages that the
//! server can decode; anything else is logged to stderr and dropped. It also bounds what a
//! client can make the server hold: header lines and message bodies have maximum sizes.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Longest header line kept; longer lines are garbage.
const MAX_HEADER_LINE: u64 = 1024;
/// Largest message body accepted (a 1 MiB document is at most ~6 MiB as escaped JSON).
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// Why a frame was dropped (for the log).
#[derive(Debug, PartialEq, Eq)]
pub enum Dropped {
    TooLarge(usize),
    NotUtf8,
    NotJsonRpc(String),
}

/// Whether tower-lsp-server would decode `body` as a message.
pub fn check_body(body: &[u8]) -> Result<(), Dropped> {
    let text = std::str::from_utf8(body).map_err(|_| Dropped::NotUtf8)?;
    if serde_json::from_str::<Request>(text).is_ok()
        || serde_json::from_str::<Response>(text).is_ok()
    {
        return Ok(());
    }
    let why = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => "valid JSON but not a JSON-RPC 2.0 message".to_string(),
        Err(e) => format!("not JSON: {e}"),
    };
    Err(Dropped::NotJsonRpc(why))
}

/// Copies well-formed messages from `input` to `output` until `input` ends, calling `log`
/// for each dropped frame. Returns when the input ends or the output is closed.
pub async fn filter<R, W>(input: R, mut output: W, mut log: impl FnMut(String))
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        // Headers: lines up to an empty one. Only Content-Length matters.
        let mut content_len: Option<usize> = None;
        let mut garbage = false;
        loop {
            line.clear();
            match (&mut reader)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)
                .await
            {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if content_len.is_some() || !garbage {
                    break;
                }
                garbage = false;
                continue;
            }
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    content_len = value.trim().parse().ok();
                    if content_len.is_none() {
                        garbage = true;
                    }
                }
                Some((name, _)) if name.trim().eq_ignore_ascii_case("content-type") => {}
                _ => {
                    if !garbage {
                        log(format!(
                            "dropped a malformed header line ({} bytes)",
                            line.len()
                        ));
                    }
                    garbage = true;
                    content_len = None;
                }
            }
        }
        let Some(len) = content_len else {
            continue;
        };
        if len > MAX_MESSAGE_BYTES {
            log(format!("dropped a message: {:?}", Dropped::TooLarge(len)));
            let skipped =
                tokio::io::copy(&mut (&mut reader).take(len as u64), &mut tokio::io::sink())
                    .await
                    .unwrap_or(0);
            if skipped < len as u64 {
                return;
            }
            continue;
        }
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        if let Err(why) = check_body(&body) {
            log(format!("dropped a message: {why:?}"));
            continue;
        }
        let header = format!("Content-Length: {len}\r\n\r\n");
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        v.extend_from_slice(body);
        v
    }

    async fn run(input: Vec<u8>) -> (String, Vec<String>) {
        let mut out = Vec::new();
        let mut logs = Vec::new();
        filter(&input[..], &mut out, |m| logs.push(m)).await;
        (String::from_utf8(out).unwrap(), logs)
    }

    const OK: &[u8] = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
    const NOTE: &[u8] = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;

    #[tokio::test(flavor = "current_thread")]
    async fn passes_good_messages_unchanged() {
        let mut input = frame(OK);
        input.extend(frame(NOTE));
        let (out, logs) = run(input.clone()).await;
        assert_eq!(out.as_bytes(), &input[..]);
        assert!(logs.is_empty());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn drops_bad_bodies_and_keeps_going() {
        let mut input = frame(b"{not json");
        input.extend(frame(&[0xff, 0xfe, 0x80]));
        input.extend(frame(b"[1,2,3]"));
        input.extend(frame(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#));
        input.extend(frame(OK));
        let (out, logs) = run(input).await;
        assert_eq!(out.as_bytes(), &frame(OK)[..]);
        assert_eq!(logs.len(), 4, "{logs:?}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn resynchronises_after_garbage_headers() {
        let mut input = b"hello there\r\nrandom \x00 bytes\r\n\r\n".to_vec();
        input.extend(b"Content-Length: nope\r\n\r\n");
        input.extend(frame(OK));
        input.extend(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
        input.extend(frame(NOTE));
        let (out, _) = run(input).await;
        let mut want = frame(OK);
        want.extend(frame(NOTE));
        assert_eq!(out.as_bytes(), &want[..]);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn oversized_messages_are_skipped_not_buffered() {
        let mut input = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1).into_bytes();
        input.extend(std::iter::repeat_n(b' ', MAX_MESSAGE_BYTES + 1));
        input.extend(frame(OK));
        let (out, logs) = run(input).await;
        assert_eq!(out.as_bytes(), &frame(OK)[..]);
        assert_eq!(logs.len(), 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn truncated_input_ends_quietly() {
        let mut input = frame(OK);
        input.extend(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
        let (out, _) = run(input).await;
        assert_eq!(out.as_bytes(), &frame(OK)[..]);
    }
}

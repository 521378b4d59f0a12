//! End-to-end tests of `mlbn lsp`: the real binary, JSON-RPC with Content-Length framing over
//! its stdin/stdout, as an editor would drive it.
//!
//! Waits are bounded (a server that stops answering fails the test instead of hanging it);
//! round-trip times are printed, never asserted.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Longest wait for one message before the test gives up (generous: CI machines are slow).
const TIMEOUT: Duration = Duration::from_secs(60);

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else, in arrival order.
    notifications: Vec<Value>,
    /// Methods of the requests the server sent us (each answered with `null`), in order.
    server_requests: Vec<String>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mlbn"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mlbn lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            rx,
            next_id: 0,
            notifications: Vec::new(),
            server_requests: Vec::new(),
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.stdin.write_all(header.as_bytes()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(msg.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        match self.rx.recv_timeout(TIMEOUT) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its stdout"),
        }
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    fn response(&mut self, id: i64) -> Value {
        loop {
            let msg = self.recv();
            if self.file_server_message(&msg) {
                continue;
            }
            if msg["id"] == json!(id) {
                return msg;
            }
        }
    }

    /// Keeps a notification, or records and answers a request from the server (so it never
    /// waits on us); false for a response.
    fn file_server_message(&mut self, msg: &Value) -> bool {
        let Some(method) = msg.get("method").and_then(Value::as_str) else {
            return false;
        };
        if let Some(req_id) = msg.get("id") {
            let reply = json!({"jsonrpc": "2.0", "id": req_id, "result": null});
            self.server_requests.push(method.to_string());
            self.send(&reply);
        } else {
            self.notifications.push(msg.clone());
        }
        true
    }

    /// Waits until the server has sent a request with this method.
    fn wait_server_request(&mut self, method: &str) {
        while !self.server_requests.iter().any(|m| m == method) {
            let msg = self.recv();
            self.file_server_message(&msg);
        }
    }

    /// Sends a request and returns its `result`, failing on an error response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.call(method, params);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// The next `publishDiagnostics` for `uri` that satisfies `pred`; earlier ones are dropped.
    fn diagnostics_where(&mut self, uri: &str, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            if let Some(i) = self.notifications.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                let n = self.notifications.remove(i);
                if pred(&n["params"]) {
                    return n["params"].clone();
                }
                continue;
            }
            let msg = self.recv();
            self.file_server_message(&msg);
        }
    }

    fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "mlbn", "version": version, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// A change, then its diagnostics: later requests then see this version for sure.
    fn change_and_wait(&mut self, uri: &str, version: i64, text: &str) -> Value {
        self.change(uri, version, text);
        self.diagnostics_where(uri, |p| p["version"] == version)
    }

    /// shutdown, exit, and the process's exit code.
    fn shutdown(mut self) -> i32 {
        let r = self.call("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            if started.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("the server did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn pos(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

fn doc_pos(uri: &str, line: u64, character: u64) -> Value {
    json!({"textDocument": {"uri": uri}, "position": pos(line, character)})
}

fn whole_range() -> Value {
    json!({"start": pos(0, 0), "end": pos(10_000, 0)})
}

/// UTF-16 column of byte `offset` within its line.
fn utf16_col(text: &str, offset: usize) -> u64 {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].encode_utf16().count() as u64
}

fn codes(diags: &Value) -> Vec<String> {
    diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

const GOOD: &str = "# desktop\n2x rtx4090\nllama3-8b q4_k_m prompt=512 gen=128\nauto\n";

#[test]
fn initialize_announces_capabilities_and_exit_is_clean() {
    let mut s = Server::start();
    let t = Instant::now();
    let init = s.initialize(json!({}));
    println!("initialize round trip: {:?}", t.elapsed());
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["inlayHintProvider"], true);
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "refactor.rewrite"])
    );
    let triggers = caps["completionProvider"]["triggerCharacters"]
        .as_array()
        .unwrap();
    assert!(triggers.contains(&json!(" ")));
    let legend = &caps["semanticTokensProvider"]["legend"]["tokenTypes"];
    assert!(legend.as_array().unwrap().contains(&json!("keyword")));
    assert_eq!(caps["semanticTokensProvider"]["full"], true);
    assert_eq!(init["serverInfo"]["name"], "mlbn");
    assert_eq!(s.shutdown(), 0);
}

#[test]
fn editing_session_over_stdio() {
    let uri = "file:///tmp/mlbn-e2e/session.mlbn";
    let mut s = Server::start();
    s.initialize(json!({}));

    // Diagnostics of a clean scenario: published for version 1, no errors.
    let t = Instant::now();
    s.open(uri, 1, GOOD);
    let d = s.diagnostics_where(uri, |_| true);
    println!(
        "didOpen -> publishDiagnostics round trip: {:?}",
        t.elapsed()
    );
    assert_eq!(d["version"], 1);
    assert!(
        d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] != 1),
        "{d}"
    );

    // Inlay hints: one on the hardware line, one on the model line, one on the strategy.
    let t = Instant::now();
    let hints = s.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": whole_range()}),
    );
    println!("inlayHint round trip: {:?}", t.elapsed());
    let hints = hints.as_array().unwrap();
    let on_line = |line: u64| {
        hints
            .iter()
            .filter(|h| h["position"]["line"] == line)
            .map(|h| h["label"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(on_line(1).iter().any(|l| l.contains("GB")), "{hints:?}");
    assert!(on_line(2).iter().any(|l| l.contains("GB")), "{hints:?}");
    assert!(on_line(3).iter().any(|l| l.contains("tok/s")), "{hints:?}");
    // Hints sit at the end of their line.
    let hw = hints.iter().find(|h| h["position"]["line"] == 1).unwrap();
    assert_eq!(hw["position"]["character"], "2x rtx4090".len());

    // Hover on the device name: a spec card with its source.
    let t = Instant::now();
    let hover = s.request("textDocument/hover", doc_pos(uri, 1, 5));
    println!("hover round trip: {:?}", t.elapsed());
    assert_eq!(hover["contents"]["kind"], "markdown");
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("GB/s") && md.contains("source"), "{md}");
    assert_eq!(hover["range"]["start"], pos(1, 3));
    // Hover on the model name: parameters.
    let hover = s.request("textDocument/hover", doc_pos(uri, 2, 3));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("parameters")
    );

    // Completion after `2x `: devices only, each with a detail line.
    s.change_and_wait(uri, 2, "2x \nllama3-8b q4_k_m\nauto\n");
    let list = s.request("textDocument/completion", doc_pos(uri, 0, 3));
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["kind"] == 7), "only devices (Class)");
    assert!(items.iter().any(|i| i["label"] == "rtx-4090"), "{list}");
    assert!(
        items
            .iter()
            .all(|i| i["detail"].as_str().is_some_and(|d| d.contains("GB")))
    );
    // A partial word is replaced, not appended to.
    s.change_and_wait(uri, 3, "2x rtx40\nllama3-8b q4_k_m\nauto\n");
    let list = s.request("textDocument/completion", doc_pos(uri, 0, 8));
    let first = &list["items"][0];
    assert_eq!(first["textEdit"]["range"]["start"], pos(0, 3));
    assert_eq!(first["textEdit"]["range"]["end"], pos(0, 8));

    // A misspelt device: an error on that word with a fix in `data`, and a code action.
    let bad = "2x rtx4900 nvlink\nllama3-70b q4\nauto\n";
    s.change(uri, 4, bad);
    let d = s.diagnostics_where(uri, |p| p["version"] == 4);
    let diag = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown_device")
        .unwrap_or_else(|| panic!("no unknown_device in {d}"))
        .clone();
    assert_eq!(diag["severity"], 1);
    assert_eq!(diag["range"]["start"], pos(0, 3));
    assert_eq!(diag["range"]["end"], pos(0, 10));
    assert!(
        diag["data"]["fixes"][0]["edits"][0]["newText"].is_string(),
        "{diag}"
    );
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
    );
    let action = &actions.as_array().unwrap()[0];
    assert_eq!(action["kind"], "quickfix");
    assert!(
        action["title"].as_str().unwrap().contains("4090"),
        "{action}"
    );
    let edit = &action["edit"]["changes"][uri][0];
    assert!(edit["newText"].as_str().unwrap().contains("4090"), "{edit}");
    assert_eq!(action["diagnostics"][0]["code"], "unknown_device");

    // Formatting: one whole-document edit producing the canonical text.
    let messy = "2x   rtx4090 ;llama3-8b    q4_k_m\n\n\nauto";
    s.change_and_wait(uri, 5, messy);
    let edits = s.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["range"]["start"], pos(0, 0));
    assert_eq!(edits[0]["range"]["end"], pos(3, 4));
    assert_eq!(edits[0]["newText"], mlbn_syntax::format(messy));
    assert!(
        edits[0]["newText"]
            .as_str()
            .unwrap()
            .starts_with("2x rtx4090; llama3-8b q4_k_m\n")
    );

    // Document symbols: each scenario with its statements.
    s.change_and_wait(
        uri,
        6,
        "2x rtx4090\nllama3-8b q4\n---\nm3-ultra-512\nllama3-70b q4\nauto\n",
    );
    let syms = s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let syms = syms.as_array().unwrap();
    assert_eq!(syms.len(), 2);
    assert_eq!(syms[0]["children"].as_array().unwrap().len(), 2);
    assert_eq!(syms[1]["children"].as_array().unwrap().len(), 3);
    assert_eq!(syms[1]["children"][2]["name"], "auto");
    // Several scenarios each get their own hints.
    let hints = s.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": whole_range()}),
    );
    let lines: Vec<u64> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["position"]["line"].as_u64().unwrap())
        .collect();
    assert!(
        lines.iter().any(|&l| l < 2) && lines.iter().any(|&l| l > 2),
        "{hints}"
    );

    // Semantic tokens: relative 5-tuples, the first being `2x` (a number) on line 0.
    let toks = s.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let data = toks["data"].as_array().unwrap();
    assert!(!data.is_empty() && data.len() % 5 == 0);
    assert_eq!(&data[..3], &[json!(0), json!(0), json!(2)]);

    assert_eq!(s.shutdown(), 0);
}

#[test]
fn positions_are_utf16_after_accents_cjk_and_emoji() {
    let uri = "file:///tmp/mlbn-e2e/unicode.mlbn";
    let text = "# café 显卡 🚀\nrtx4090; \"é 显卡 🚀\" llama3-8b, q4\nauto\n";
    let mut s = Server::start();
    s.initialize(json!({}));
    s.open(uri, 1, text);
    let d = s.diagnostics_where(uri, |_| true);
    let comma = text.find(',').unwrap();
    let want = pos(1, utf16_col(text, comma));
    let diags = d["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["range"]["start"] == want),
        "no diagnostic at {want} (UTF-16) in {d}"
    );
    // The same text with UTF-8 negotiated reports byte columns.
    let mut s8 = Server::start();
    let init = s8.initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    s8.open(uri, 1, text);
    let d8 = s8.diagnostics_where(uri, |_| true);
    let line_start = text.find('\n').unwrap() + 1;
    let want8 = pos(1, (comma - line_start) as u64);
    assert_ne!(want, want8);
    assert!(
        d8["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["range"]["start"] == want8),
        "no diagnostic at {want8} (UTF-8) in {d8}"
    );
    // Hover past the emoji lands on the right word in both encodings.
    let model_at = text.find("llama3-8b").unwrap();
    let h = s.request(
        "textDocument/hover",
        doc_pos(uri, 1, utf16_col(text, model_at) + 1),
    );
    assert!(
        h.is_null() || h["range"]["start"] == pos(1, utf16_col(text, model_at)),
        "{h}"
    );
    assert_eq!(s.shutdown(), 0);
    assert_eq!(s8.shutdown(), 0);
}

#[test]
fn rapid_changes_end_with_the_last_versions_diagnostics() {
    let uri = "file:///tmp/mlbn-e2e/rapid.mlbn";
    let mut s = Server::start();
    s.initialize(json!({}));
    s.open(uri, 1, GOOD);
    let last = 60;
    for v in 2..=last {
        // Alternate clean and broken texts; the last one has a misspelt quant.
        let text = if v == last {
            "rtx4090\nllama3-8b q4_k_x\n".to_string()
        } else if v % 2 == 0 {
            format!("{v}x rtx4900\nllama3-8b q4\n")
        } else {
            format!("{v}x rtx4090\nllama3-8b q4\n")
        };
        s.change(uri, v, &text);
    }
    let t = Instant::now();
    let d = s.diagnostics_where(uri, |p| p["version"] == last);
    println!(
        "last of {last} rapid edits -> diagnostics: {:?}",
        t.elapsed()
    );
    assert_eq!(codes(&d), vec!["unknown_quant".to_string()], "{d}");
    // Requests answer for the last text too, and nothing older is published afterwards.
    let h = s.request("textDocument/hover", doc_pos(uri, 0, 2));
    assert!(h["contents"]["value"].as_str().unwrap().contains("GB/s"));
    let _ = s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let later: Vec<&Value> = s
        .notifications
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics")
        .collect();
    assert!(
        later.iter().all(|n| n["params"]["version"] == last),
        "{later:?}"
    );
    assert_eq!(s.shutdown(), 0);
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let uri = "file:///tmp/mlbn-e2e/close.mlbn";
    let mut s = Server::start();
    s.initialize(json!({}));
    s.open(uri, 1, "2x rtx4900\nllama3-8b q4\n");
    let d = s.diagnostics_where(uri, |_| true);
    assert!(!d["diagnostics"].as_array().unwrap().is_empty());
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let d = s.diagnostics_where(uri, |_| true);
    assert_eq!(d["diagnostics"], json!([]));
    // Requests on the closed document answer with nothing rather than failing.
    let h = s.request("textDocument/hover", doc_pos(uri, 0, 4));
    assert!(h.is_null());
    assert_eq!(s.shutdown(), 0);
}

/// Deterministic "random" text: any char, including controls, surrogates-free high planes
/// and line breaks.
fn noise(len_chars: usize, mut seed: u64) -> String {
    let mut s = String::new();
    for _ in 0..len_chars {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (seed >> 33) as u32;
        let c = match r % 8 {
            0 => char::from_u32(r % 0x80),
            1 => char::from_u32(0x80 + r % 0x780),
            2 => char::from_u32(0x4E00 + r % 0x5000),
            3 => char::from_u32(0x1F300 + r % 0x300),
            4 => Some('\n'),
            5 => Some(['\r', ';', '{', '}', '"', '=', '#', '+'][(r % 8) as usize]),
            _ => char::from_u32(u32::from(b'a') + r % 26),
        };
        s.push(c.unwrap_or('?'));
    }
    s
}

#[test]
fn malformed_input_never_kills_the_server() {
    let uri = "file:///tmp/mlbn-e2e/robust.mlbn";
    let mut s = Server::start();
    s.initialize(json!({}));

    // Not JSON at all, and a body of invalid UTF-8: the server answers with a parse error
    // (or stays silent) and keeps going.
    s.send_raw(b"{this is not json");
    s.send_raw(&[0xff, 0xfe, 0x00, 0x80, 0xc3]);
    // Well-formed JSON with parameters of the wrong shape.
    let r = s.call(
        "textDocument/hover",
        json!({"textDocument": 42, "position": "x"}),
    );
    assert!(r["error"].is_object(), "{r}");
    let r = s.call("textDocument/inlayHint", json!([1, 2, 3]));
    assert!(r["error"].is_object(), "{r}");
    // An unknown method.
    let r = s.call("mlbn/noSuchThing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // A change and requests for a document that was never opened.
    s.change("file:///tmp/mlbn-e2e/never.mlbn", 3, "rtx4090");
    for method in ["textDocument/hover", "textDocument/completion"] {
        let r = s.request(method, doc_pos("file:///tmp/mlbn-e2e/never.mlbn", 0, 0));
        assert!(r.is_null(), "{method}: {r}");
    }

    // Positions past the end of lines and of the document.
    s.open(uri, 1, GOOD);
    s.diagnostics_where(uri, |_| true);
    for (line, ch) in [(0, 10_000), (10_000, 0), (4_294_967_295, 4_294_967_295)] {
        s.request("textDocument/hover", doc_pos(uri, line, ch));
        s.request("textDocument/completion", doc_pos(uri, line, ch));
    }
    s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": pos(99, 0), "end": pos(0, 0)}, "context": {"diagnostics": []}}),
    );

    // Random text and a 1 MiB document: every request answers.
    let mut texts = vec![noise(20_000, 7), noise(3_000, 99)];
    // A file of just under 1 MiB (one scenario, then comment lines, analysed in full) and
    // one just over the parser's 1 MiB limit.
    let filler = "# é 显卡 🚀 notes notes notes notes notes notes notes notes notes notes\n";
    let head = "2x rtx4090 nvlink; llama3-70b q4_k_m prompt=2k gen=256; auto\n";
    let n = ((1 << 20) - head.len()) / filler.len();
    texts.push(format!("{head}{}", filler.repeat(n)));
    texts.push(format!("{head}{}", filler.repeat(n + 1)));
    for (k, text) in texts.iter().enumerate() {
        let version = 10 + k as i64;
        s.change(uri, version, text);
        let t = Instant::now();
        let d = s.diagnostics_where(uri, |p| p["version"] == version);
        println!(
            "text {k} ({} bytes): {} diagnostics in {:?}",
            text.len(),
            d["diagnostics"].as_array().unwrap().len(),
            t.elapsed()
        );
        for (line, ch) in [(0, 0), (3, 5), (50, 1), (100_000, 0)] {
            s.request("textDocument/hover", doc_pos(uri, line, ch));
            s.request("textDocument/completion", doc_pos(uri, line, ch));
        }
        for method in [
            "textDocument/formatting",
            "textDocument/documentSymbol",
            "textDocument/semanticTokens/full",
        ] {
            s.request(
                method,
                json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
            );
        }
        s.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": whole_range()}),
        );
        s.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": whole_range(), "context": {"diagnostics": []}}),
        );
    }

    // Still fully working afterwards.
    s.change(uri, 20, GOOD);
    s.diagnostics_where(uri, |p| p["version"] == 20);
    let hover = s.request("textDocument/hover", doc_pos(uri, 1, 5));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("GB/s")
    );
    assert_eq!(s.shutdown(), 0);
}

/// `text` with LSP text edits applied (ASCII text: characters are bytes). Edits at one
/// position apply in array order, as the protocol says.
fn apply_lsp_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        (start + ch).min(text.len())
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| s.0);
    let mut out = String::new();
    let mut at = 0;
    for (a, b, new) in spans {
        out.push_str(&text[at..a]);
        out.push_str(new);
        at = b;
    }
    out.push_str(&text[at..]);
    out
}

/// `61.2` from a hint `auto → tensor · 61.2 tok/s decode · …` (`1.4k` is 1400).
fn decode_in_hint(label: &str) -> Option<f64> {
    let before = label.split(" tok/s decode").next()?;
    let word = before.rsplit(' ').next()?;
    match word.strip_suffix('k') {
        Some(k) => k.parse::<f64>().ok().map(|v| v * 1000.0),
        None => word.parse().ok(),
    }
}

#[test]
fn target_line_gets_the_best_plan_and_apply_actions() {
    let uri = "file:///tmp/mlbn-e2e/plan.mlbn";
    let target = "target decode=60tok/s ttft<1s";
    let text = format!("llama3-8b q4_k_m\n{target}\nbudget $2500\n");
    let mut s = Server::start();
    s.initialize(json!({"workspace": {"inlayHint": {"refreshSupport": true}}}));

    // Diagnostics come first; the plan search starts only after they are published.
    let t = Instant::now();
    s.open(uri, 1, &text);
    let d = s.diagnostics_where(uri, |_| true);
    println!("didOpen -> publishDiagnostics: {:?}", t.elapsed());
    assert!(codes(&d).iter().all(|c| c != "unknown_target_key"), "{d}");
    assert!(
        !s.server_requests
            .iter()
            .any(|m| m == "workspace/inlayHint/refresh"),
        "diagnostics before the plan"
    );
    s.wait_server_request("workspace/inlayHint/refresh");
    println!(
        "didOpen -> plan ready (inlayHint/refresh): {:?}",
        t.elapsed()
    );

    // The hint at the end of the target line.
    let t = Instant::now();
    let hints = s.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": whole_range()}),
    );
    println!("inlayHint round trip with a plan: {:?}", t.elapsed());
    let best = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["label"].as_str().unwrap().starts_with("best: "))
        .unwrap_or_else(|| panic!("no plan hint: {hints}"));
    assert_eq!(best["position"], pos(1, target.len() as u64), "{best}");
    let label = best["label"].as_str().unwrap();
    assert!(label.contains("tok/s") && label.contains('$'), "{label}");

    // Code actions on the target line: "apply plan N", each one workspace edit.
    let t = Instant::now();
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": pos(1, 3), "end": pos(1, 3)},
               "context": {"diagnostics": []}}),
    );
    println!("codeAction round trip on a target line: {:?}", t.elapsed());
    let apply: Vec<&Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"].as_str().unwrap().starts_with("apply plan"))
        .collect();
    assert!((1..=3).contains(&apply.len()), "{actions}");
    assert_eq!(apply[0]["kind"], "refactor.rewrite");
    // None on a line without a target.
    let elsewhere = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": pos(0, 1), "end": pos(0, 1)},
               "context": {"diagnostics": []}}),
    );
    assert!(
        elsewhere.as_array().is_none_or(|a| a
            .iter()
            .all(|x| !x["title"].as_str().unwrap().starts_with("apply plan"))),
        "{elsewhere}"
    );

    // Applying the best plan gives a scenario without errors whose decode meets the target.
    let edits = apply[0]["edit"]["changes"][uri].as_array().unwrap();
    let applied = apply_lsp_edits(&text, edits);
    assert_ne!(applied, text);
    let d = s.change_and_wait(uri, 2, &applied);
    assert!(
        d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] != 1),
        "{applied}\n{d}"
    );
    let hints = s.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": whole_range()}),
    );
    let decode = hints
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| decode_in_hint(h["label"].as_str().unwrap()))
        .next()
        .unwrap_or_else(|| panic!("{applied}\n{hints}"));
    assert!(decode >= 60.0, "{applied}: {decode} tok/s");
    assert_eq!(s.shutdown(), 0);
}

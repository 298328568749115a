//! `cardlint lsp` at the wire: messages written as bytes to a real process, so malformed ones
//! can be sent; what a client library would not let a test do. The editor features are
//! tested through a real client in tests/lsp_e2e.rs.

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cardlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            stdout.read_exact(&mut body).unwrap();
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        });
        Server {
            child,
            stdin,
            messages,
        }
    }

    fn raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        self.raw(&v.to_string());
    }

    fn next(&self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(20))
            .expect("the server answers")
    }

    /// The answer to request `id` (notifications before it are passed over).
    fn answer(&self, id: i64) -> Value {
        loop {
            let m = self.next();
            if m["id"] == json!(id) {
                return m;
            }
        }
    }

    fn initialize(&mut self, options: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"capabilities": {}, "initializationOptions": options}}));
        let init = self.answer(1);
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
        self.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    }

    fn exit_code(mut self) -> i32 {
        self.send(json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}));
        assert_eq!(self.answer(99)["result"], Value::Null);
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        self.child.wait().unwrap().code().unwrap()
    }
}

fn card() -> String {
    std::fs::read_to_string(
        common::root().join("fixtures/endpoints/card.create/valid-groupon.json"),
    )
    .unwrap()
}

fn open(s: &mut Server, uri: &str, text: &str) {
    s.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
        {"uri": uri, "languageId": "json", "version": 1, "text": text}}}),
    );
}

fn change(s: &mut Server, uri: &str, version: i32, text: &str) {
    s.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"text": text}]}}),
    );
}

#[test]
fn malformed_messages_and_unknown_methods_do_not_stop_the_server() {
    let mut s = Server::start();
    s.raw("{this is not json");
    let m = s.next();
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (Value::Null, json!(-32700))
    );
    s.send(json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {}}));
    assert_eq!(s.answer(2)["error"]["code"], -32002, "not initialized yet");
    s.initialize(json!({"debounceMs": 0}));
    s.send(json!({"jsonrpc": "2.0", "id": 3, "method": "cardlint/nothing", "params": {}}));
    assert_eq!(s.answer(3)["error"]["code"], -32601);
    s.send(json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": 7}));
    assert_eq!(s.answer(4)["error"]["code"], -32602);
    s.raw(r#"{"jsonrpc":"2.0","id":5}"#);
    assert_eq!(s.answer(5)["error"]["code"], -32600);
    // still serving: a document is checked
    let broken = card().replace("\"Color010\"", "\"red\"");
    open(&mut s, "file:///tmp/cardlint-lsp-test/a.json", &broken);
    let m = s.next();
    assert_eq!(m["method"], "textDocument/publishDiagnostics");
    let codes: Vec<&str> = m["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SCHEMA004"]);
    assert_eq!(s.exit_code(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut s = Server::start();
    s.initialize(json!({}));
    s.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(s.child.wait().unwrap().code(), Some(1));
}

#[test]
fn only_the_newest_version_is_published() {
    let mut s = Server::start();
    s.initialize(json!({"debounceMs": 300}));
    let uri = "file:///tmp/cardlint-lsp-test/b.json";
    let text = card();
    open(&mut s, uri, &text);
    assert_eq!(s.next()["params"]["version"], 1);
    // twenty changes, each a different finding, faster than the debounce
    for v in 2..=20 {
        change(
            &mut s,
            uri,
            v,
            &text.replace("\"Color010\"", &format!("\"Color{v}\"")),
        );
    }
    let m = s.next();
    assert_eq!(m["params"]["version"], 20, "{m}");
    let d = &m["params"]["diagnostics"][0];
    assert!(d["message"].as_str().unwrap().contains("Color20"), "{d}");
    // and nothing else was published
    std::thread::sleep(Duration::from_millis(500));
    assert!(s.messages.try_recv().is_err());
    assert_eq!(s.exit_code(), 0);
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn memory_stays_flat_over_10000_changes() {
    let mut s = Server::start();
    s.initialize(json!({"debounceMs": 0}));
    let uri = "file:///tmp/cardlint-lsp-test/c.json";
    let text = card();
    let texts = [
        text.clone(),
        text.replace("\"Color010\"", "\"red\""),
        text.replace("\"quantity\": 10000", "\"quantity\": \"10000\""),
        text.replace("\"card_type\": \"GROUPON\",", "\"card_type\": \"GROUPON\""),
    ];
    open(&mut s, uri, &text);
    s.next();
    let pid = s.child.id();
    let mut after_1000 = 0;
    for v in 2..=10_001 {
        change(&mut s, uri, v, &texts[v as usize % texts.len()]);
        // the answer to each change, so the pipe never fills and each version is checked
        let m = s.next();
        assert_eq!(m["params"]["version"], v);
        if v == 1_001 {
            after_1000 = rss_kib(pid);
        }
    }
    let after_10000 = rss_kib(pid);
    assert!(
        after_10000 <= after_1000 + 4 * 1024,
        "RSS grew from {after_1000} KiB to {after_10000} KiB over 9 000 changes"
    );
    assert_eq!(s.exit_code(), 0);
}

//! Helpers shared by the integration tests: fixture discovery and a plain-text rendering of
//! findings for snapshots.
#![allow(dead_code)]

use cardlint::{Lang, Options, Report};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/<CODE>/` folders (rule fixtures), sorted.
pub fn rule_fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().unwrap() != "endpoints")
        .collect();
    dirs.sort();
    dirs
}

pub fn files_with_prefix(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    files.sort();
    files
}

/// "Now" for every test: 2026-11-18 (UTC+8), so that dates in fixtures age predictably.
pub const NOW: i64 = 1_795_000_000;

/// A fixture folder's options: an `endpoint` file, or `options.toml` with `endpoint`,
/// `cards = { ID = "path relative to the folder" }`, `api_ticket`, `jsapi_ticket`, `card_id`.
pub fn options_of(dir: &Path, lang: Lang) -> Options {
    #[derive(serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct File {
        endpoint: Option<String>,
        #[serde(default)]
        cards: std::collections::BTreeMap<String, String>,
        api_ticket: Option<String>,
        jsapi_ticket: Option<String>,
        card_id: Option<String>,
    }
    let file: File = match std::fs::read_to_string(dir.join("options.toml")) {
        Ok(t) => toml::from_str(&t).unwrap_or_else(|e| panic!("{}: {e}", dir.display())),
        Err(_) => File {
            endpoint: endpoint_of(dir),
            ..File::default()
        },
    };
    let mut book = cardlint::rules::CardBook::new();
    for (id, rel) in file.cards {
        let path = dir.join(&rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        book.insert(
            id,
            cardlint::rules::CardDef::from_text(&rel, &text).unwrap(),
        );
    }
    Options {
        endpoint: file.endpoint,
        lang: Some(lang),
        cards: std::sync::Arc::new(book),
        signing: cardlint::rules::Signing {
            api_ticket: file.api_ticket,
            jsapi_ticket: file.jsapi_ticket,
            card_id: file.card_id,
        },
        now: Some(NOW),
    }
}

pub fn endpoint_of(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("endpoint"))
        .ok()
        .map(|s| s.trim().to_string())
}

pub fn lint_file(path: &Path, endpoint: Option<String>, lang: Lang) -> Report {
    let options = Options {
        endpoint,
        lang: Some(lang),
        now: Some(NOW),
        ..Options::default()
    };
    lint_with(path, &options)
}

/// Lints a file (or, for `.url` files, the page URL it holds) with the given options; a
/// folder's `endpoints.toml` (`"file name" = "endpoint"`) overrides the endpoint per file, for
/// corpus payloads kept next to the rule they were built into.
pub fn lint_with(path: &Path, options: &Options) -> Report {
    let overrides: std::collections::BTreeMap<String, String> = path
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("endpoints.toml")).ok())
        .map(|t| toml::from_str(&t).unwrap())
        .unwrap_or_default();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let owned;
    let options = match overrides.get(&name) {
        Some(e) => {
            owned = Options {
                endpoint: Some(e.clone()),
                ..options.clone()
            };
            &owned
        }
        None => options,
    };
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "url") {
        let url = String::from_utf8(bytes).unwrap();
        return cardlint::lint_url(url.trim(), options.lang.unwrap_or(Lang::En));
    }
    let name = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    cardlint::lint_bytes(options, &name, &bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Findings as plain text: position, severity, code, pointer, then message / why / help.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&format!(
            "{}:{}-{}:{} {} {} {} at {:?}\n  message: {}\n  why: {}\n  help: {}\n",
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            f.severity.as_str(),
            f.code,
            f.name,
            f.pointer,
            f.message,
            f.explanation,
            f.help
        ));
        for r in &f.related {
            out.push_str(&format!(
                "  related {}:{}: {}\n",
                r.line, r.column, r.message
            ));
        }
    }
    out
}

/// The text of a file after fixing it to the end (a `.url` file: its URL fixed).
pub fn fix_with(path: &Path, options: &Options, allow_unsafe: bool) -> String {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "url") {
        let url = String::from_utf8(bytes).unwrap();
        let url = url.trim();
        let r = cardlint::lint_url(url, Lang::En);
        return cardlint::fix::apply(url, &r.findings, allow_unsafe).0;
    }
    let name = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let overrides: std::collections::BTreeMap<String, String> = path
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("endpoints.toml")).ok())
        .map(|t| toml::from_str(&t).unwrap())
        .unwrap_or_default();
    let file = path.file_name().unwrap().to_string_lossy().to_string();
    let options = Options {
        endpoint: overrides.get(&file).cloned().or(options.endpoint.clone()),
        ..options.clone()
    };
    cardlint::fix::fix_bytes(&options, &name, &bytes, allow_unsafe, &|_| {})
        .unwrap()
        .text
}

/// A fresh folder under the system temp dir, unique per process, test and call.
pub fn tempdir(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("cardlint-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A cardlint server process on loopback (the sandbox or the proxy), its log kept.
pub struct Server {
    child: Child,
    pub addr: String,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `cardlint --lang en <command>` (a command that announces a `listening` JSON
    /// line with its address on stderr, `serve` or `proxy`) and waits for that line.
    pub fn start(command: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cardlint"))
            .args(["--lang", "en"])
            .args(command)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("\"listening\"") {
                    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                    let _ = tx.send(
                        v["addr"]
                            .as_str()
                            .unwrap()
                            .trim_start_matches("http://")
                            .to_string(),
                    );
                }
                lines.lock().unwrap().push(line);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the server announces its address");
        Server { child, addr, log }
    }

    /// Sends raw bytes, returns (status, body) of the answer.
    pub fn raw(&self, request: &[u8]) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(request).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).to_string();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    pub fn post(&self, path_and_query: &str, body: &str) -> (u16, serde_json::Value) {
        let req = format!(
            "POST {path_and_query} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let (status, body) = self.raw(req.as_bytes());
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// SIGTERM, then the exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill().unwrap();
        panic!("the server did not stop within 5 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The folder `.ci/run` installs the pinned SDK and LSP clients into (CARDLINT_SDK_CLIENTS);
/// `None` outside CI, where the tests that need them say they skip. Under CI a missing
/// folder is a broken CI, not a skip.
pub fn sdk_clients() -> Option<PathBuf> {
    let dir = std::env::var_os("CARDLINT_SDK_CLIENTS").map(PathBuf::from);
    if dir.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but CARDLINT_SDK_CLIENTS is not: .ci/run installs the clients"
        );
        eprintln!("skipped: set CARDLINT_SDK_CLIENTS (.ci/run installs the clients there)");
    }
    dir
}

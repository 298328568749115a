//! `cardlint serve` as a process on loopback: restarts with --state, request limits, malformed
//! HTTP, masked tokens in the log, shutdown on SIGTERM.

mod common;

use common::Server;

/// The sandbox on a free port, with these flags.
fn serve(args: &[&str]) -> Server {
    Server::start(&[&["serve", "--addr", "127.0.0.1:0"], args].concat())
}

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn groupon() -> String {
    std::fs::read_to_string(
        common::root().join("fixtures/endpoints/card.create/valid-groupon.json"),
    )
    .unwrap()
}

#[test]
fn a_card_survives_a_restart_with_state() {
    let dir = common::tempdir("serve-restart");
    let file = dir.join("sandbox.redb");
    let file = file.to_str().unwrap();
    let server = serve(&["--state", file]);
    let (status, created) = server.post("/card/create?access_token=T", &groupon());
    assert_eq!(status, 200);
    let id = created["card_id"].as_str().expect("a card_id").to_string();
    assert!(server.stop().success());

    let server = serve(&["--state", file]);
    let (_, got) = server.post(
        "/card/get?access_token=T",
        &format!(r#"{{"card_id":"{id}"}}"#),
    );
    assert_eq!(got["errcode"], 0, "{got}");
    assert_eq!(got["card"]["groupon"]["base_info"]["id"], id.as_str());
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn limits_and_malformed_http_get_clean_answers() {
    let server = serve(&["--max-body", "4096", "--timeout", "1"]);
    // declared too large
    let big = "x".repeat(5000);
    let (status, body) = server.post("/card/create?access_token=T", &big);
    assert_eq!(status, 413, "{body}");
    // chunked, no length declared, too large
    let mut chunked = b"POST /card/create?access_token=T HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..3 {
        chunked.extend_from_slice(b"800\r\n");
        chunked.extend_from_slice(&[b' '; 0x800]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(server.raw(&chunked).0, 413);
    // not HTTP at all
    let (status, _) = server.raw(b"\x00\x01\x02 hello\r\n\r\n");
    assert_eq!(status, 400);
    // headers that never end: closed after --timeout
    let started = std::time::Instant::now();
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"POST /card/create HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // and it still answers
    let (status, v) = server.post("/card/getcolors?access_token=T", "");
    assert_eq!(status, 200);
    assert_eq!(v["errcode"], 0, "{v}");
}

#[test]
fn the_log_masks_tokens_and_secrets() {
    let server = serve(&[]);
    let token = "SECRET_TOKEN_VALUE_1234567890";
    server.post(
        &format!("/card/get?access_token={token}"),
        r#"{"card_id":"x"}"#,
    );
    server.raw(b"GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=APP_SECRET_VALUE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let (_, t) = server.raw(b"GET /cgi-bin/ticket/getticket?access_token=T&type=wx_card HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let ticket: serde_json::Value = serde_json::from_str(&t).unwrap();
    let ticket = ticket["ticket"].as_str().unwrap().to_string();
    // stop first so that every line has been written
    let log = {
        let log = server.log.clone();
        assert!(server.stop().success());
        std::thread::sleep(Duration::from_millis(200));
        let l = log.lock().unwrap().join("\n");
        l
    };
    assert!(log.contains("/card/get"), "{log}");
    for secret in [token, "APP_SECRET_VALUE", ticket.as_str()] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

/// wechatpy and wechat-api, unchanged but for their base URLs, against the sandbox. The clients
/// are installed (pinned, tests/sdk/) by `.ci/run` into the folder CARDLINT_SDK_CLIENTS names.
#[test]
fn real_sdks_drive_the_sandbox() {
    let Some(dir) = common::sdk_clients() else {
        return;
    };
    let server = serve(&["--quiet"]);
    let base = format!("http://{}", server.addr);
    let fixture = common::root().join("fixtures/endpoints/card.create/valid-groupon.json");
    let sdk = common::root().join("tests/sdk");
    let runs = [
        (
            Command::new(dir.join("venv/bin/python"))
                .arg(sdk.join("wechatpy_flow.py"))
                .args([base.as_str(), fixture.to_str().unwrap()])
                .output()
                .unwrap(),
            "wechatpy: all steps passed",
        ),
        (
            Command::new("node")
                .env("NODE_PATH", dir.join("node/node_modules"))
                .arg(sdk.join("wechat_api_flow.js"))
                .args([base.as_str(), fixture.to_str().unwrap()])
                .output()
                .unwrap(),
            "wechat-api: all steps passed",
        ),
    ];
    for (out, done) in runs {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{stdout}");
        assert!(
            out.status.success() && stdout.contains(done),
            "{stdout}\n{stderr}\nserver log:\n{}",
            server.log()
        );
    }
}

/// A state file cut short (a disk that filled up, a copy interrupted) ends the start with a
/// clear exit 2 that says what to do, never a panic, and the file is left as it was.
#[test]
fn a_truncated_state_file_is_an_error_not_a_panic() {
    let dir = common::tempdir("state-cut");
    let file = dir.join("state.redb");
    {
        let s = cardlint::serve::Sandbox::open(cardlint::serve::Config::default(), &file).unwrap();
        let body = std::fs::read("fixtures/endpoints/card.create/valid-groupon.json").unwrap();
        let r = s.handle(&cardlint::serve::Request {
            method: "POST",
            path: "/card/create",
            query: "access_token=T",
            body: &body,
        });
        assert!(r.body.contains("card_id"), "{}", r.body);
    }
    let whole = std::fs::read(&file).unwrap();
    for cut in [whole.len() / 2, 100, 7] {
        std::fs::write(&file, &whole[..cut]).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_cardlint"))
            .args(["--lang", "en", "serve", "--addr", "127.0.0.1:0", "--state"])
            .arg(&file)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "cut at {cut}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("state file"), "{stderr}");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            &whole[..cut],
            "cut at {cut}: file changed"
        );
    }
}

/// The page and its assets come from the binary with a Content-Security-Policy; the page's
/// API refuses other origins; off loopback, a state change needs the token printed at start.
#[test]
fn the_page_is_served_and_guarded() {
    let server = common::Server::start(&["serve", "--addr", "127.0.0.1:0"]);
    for (path, kind) in [
        ("/", "text/html"),
        ("/inspector", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
    ] {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        );
        let (status, head) = raw_head(&server, &req);
        assert_eq!(status, 200, "{path}");
        assert!(head.contains(&format!("content-type: {kind}")), "{head}");
        assert!(
            head.contains("content-security-policy: default-src 'none'; script-src 'self'"),
            "{head}"
        );
    }
    let cross = format!(
        "POST /cardlint/check HTTP/1.1\r\nHost: {}\r\nOrigin: http://evil.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
        server.addr
    );
    let (status, body) = server.raw(cross.as_bytes());
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("cross-origin"), "{body}");
    // the card API itself answers any client, as the live one does
    let (status, _) = server.post("/card/code/consume?access_token=T", r#"{"code":"1"}"#);
    assert_eq!(status, 200);

    let open = common::Server::start(&["serve", "--addr", "0.0.0.0:0"]);
    let log = open.log();
    let token_line = log
        .lines()
        .find(|l| l.contains(r#""event":"token""#))
        .expect(&log);
    let v: serde_json::Value = serde_json::from_str(token_line).unwrap();
    let token = v["url"]
        .as_str()
        .unwrap()
        .split("#token=")
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 32);
    let scan = |extra: &str| {
        let body = r#"{"ticket":"no"}"#;
        let req = format!(
            "POST /cardlint/scan HTTP/1.1\r\nHost: {}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            open.addr,
            body.len()
        );
        open.raw(req.as_bytes())
    };
    assert_eq!(scan("").0, 403);
    assert_eq!(scan("X-Cardlint-Token: wrong\r\n").0, 403);
    let (status, body) = scan(&format!("X-Cardlint-Token: {token}\r\n"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("40097"), "the scan ran: {body}");
}

/// Status and lower-cased head of a raw request's answer.
fn raw_head(server: &common::Server, req: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(&server.addr).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_lowercase();
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head)
}

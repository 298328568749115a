//! `cardlint proxy` as a process, in front of three upstreams: `cardlint serve`, a small
//! upstream in the test that answers real WeChat errcodes and records what reached it (plain
//! and over TLS with a CA made here by rcgen), and nothing at all. wechatpy and wechat-api
//! drive it when their clients are installed (CARDLINT_SDK_CLIENTS, as for the sandbox).

mod common;

use common::Server;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn proxy(upstream: &str, args: &[&str]) -> Server {
    let mut command = vec!["proxy", "--addr", "127.0.0.1:0", "--upstream", upstream];
    command.extend_from_slice(args);
    Server::start(&command)
}

fn sandbox() -> Server {
    Server::start(&["serve", "--addr", "127.0.0.1:0", "--quiet"])
}

fn groupon() -> String {
    std::fs::read_to_string(
        common::root().join("fixtures/endpoints/card.create/valid-groupon.json"),
    )
    .unwrap()
}

fn broken() -> String {
    groupon().replace("\"quantity\": 10000", "\"quantity\": \"10000\"")
}

/// What reached an upstream: the request's head and body, byte for byte.
type Seen = Arc<Mutex<Vec<Vec<u8>>>>;

/// Reads one HTTP/1.1 request (head and Content-Length body) from a stream.
fn read_request(s: &mut impl Read) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    s.read_exact(&mut body).ok()?;
    buf.extend(body);
    Some(buf)
}

fn write_answer(s: &mut impl Write, body: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; encoding=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = s.flush();
}

/// An upstream that answers every request with `answer` after `delay`, keeping what it got.
fn upstream(answer: &'static str, delay: Duration) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let keep = keep.clone();
            std::thread::spawn(move || {
                if let Some(req) = read_request(&mut s) {
                    keep.lock().unwrap().push(req);
                    std::thread::sleep(delay);
                    write_answer(&mut s, answer);
                }
            });
        }
    });
    (addr, seen)
}

const SERIAL: &str =
    r#"{"errcode":40056,"errmsg":"invalid serial code hint: [D2Vcja0000ab21] rid: 6567c4a3-1b2c"}"#;

fn post(server: &Server, path: &str, body: &str) -> (u16, Value) {
    server.post(path, body)
}

#[test]
fn a_broken_card_is_blocked_and_never_reaches_the_upstream() {
    let (up, seen) = upstream(
        r#"{"errcode":0,"errmsg":"ok","card_id":"pUP"}"#,
        Duration::ZERO,
    );
    let p = proxy(&up, &[]);
    let (status, answer) = post(
        &p,
        "/card/create?access_token=ACCESS_TOKEN_0123456789",
        &broken(),
    );
    assert_eq!(status, 200);
    assert_eq!(answer["errcode"], 40053, "{answer}");
    assert!(answer["errmsg"].as_str().unwrap().contains("TYPE001"));
    assert_eq!(
        answer["cardlint"]["files"][0]["findings"][0]["code"],
        "TYPE001"
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "a blocked request was sent"
    );
    // --block never forwards it, and the upstream's answer comes back
    let p = proxy(&up, &["--block", "never"]);
    let (_, answer) = post(
        &p,
        "/card/create?access_token=ACCESS_TOKEN_0123456789",
        &broken(),
    );
    assert_eq!(answer["card_id"], "pUP", "{answer}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn a_forwarded_request_is_the_request_that_came() {
    let (up, seen) = upstream(
        r#"{"errcode":0,"errmsg":"ok","card_id":"pUP"}"#,
        Duration::ZERO,
    );
    let p = proxy(&up, &[]);
    let body = groupon();
    let request = format!(
        "POST /card/create?access_token=ACCESS_TOKEN_0123456789&x=%E5%8D%A1 HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\nX-Custom: Keep Me\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, text) = p.raw(request.as_bytes());
    assert_eq!(status, 200, "{text}");
    let got = seen.lock().unwrap()[0].clone();
    let got = String::from_utf8(got).unwrap();
    let (head, sent_body) = got.split_once("\r\n\r\n").unwrap();
    assert_eq!(sent_body, body, "the body changed");
    assert!(
        head.starts_with(
            "POST /card/create?access_token=ACCESS_TOKEN_0123456789&x=%E5%8D%A1 HTTP/1.1\r\n"
        ),
        "{head}"
    );
    let lower = head.to_ascii_lowercase();
    assert!(
        head.contains("x-custom: Keep Me") || head.contains("X-Custom: Keep Me"),
        "{head}"
    );
    assert!(lower.contains("content-type: application/json"));
    assert!(
        lower.contains(&format!("host: {}", up.trim_start_matches("http://"))),
        "{head}"
    );
    // a clean answer passes unchanged
    assert_eq!(text, r#"{"errcode":0,"errmsg":"ok","card_id":"pUP"}"#);
}

#[test]
fn an_upstream_errcode_comes_back_explained_and_captured_without_secrets() {
    let (up, _) = upstream(SERIAL, Duration::ZERO);
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("x.jsonl");
    let p = proxy(&up, &["--capture", capture.to_str().unwrap()]);
    let body = r#"{"card_id":"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K","code":"D2Vcja0000ab21"}"#;
    let request = format!(
        "POST /card/code/get?access_token=ACCESS_TOKEN_0123456789 HTTP/1.1\r\nHost: p\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut s = TcpStream::connect(&p.addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, text) = out.split_once("\r\n\r\n").unwrap();
    assert!(
        head.to_ascii_lowercase().contains("x-cardlint-findings: 0"),
        "{head}"
    );
    let answer: Value = serde_json::from_str(text).unwrap();
    // what the SDK reads is the upstream's
    assert_eq!(answer["errcode"], 40056);
    assert!(answer["errmsg"]
        .as_str()
        .unwrap()
        .starts_with("invalid serial code"));
    let causes = answer["cardlint"]["explain"]["causes"].as_array().unwrap();
    assert!(!causes.is_empty(), "{answer}");
    assert_eq!(answer["cardlint"]["explain"]["errcode"], 40056);
    // the failing exchange was captured, masked
    let captured = std::fs::read_to_string(&capture).unwrap();
    assert_eq!(captured.lines().count(), 1, "{captured}");
    let line: Value = serde_json::from_str(captured.lines().next().unwrap()).unwrap();
    assert_eq!(line["path"], "/card/code/get");
    assert!(line["answer"].as_str().unwrap().contains("40056"));
    let log = p.log();
    for text in [captured.as_str(), log.as_str()] {
        assert!(!text.contains("ACCESS_TOKEN_0123456789"), "{text}");
    }
    // --annotate never passes the answer byte for byte
    let p = proxy(&up, &["--annotate", "never"]);
    let (_, answer) = post(
        &p,
        "/card/code/get?access_token=ACCESS_TOKEN_0123456789",
        body,
    );
    assert_eq!(
        answer.to_string(),
        serde_json::from_str::<Value>(SERIAL).unwrap().to_string()
    );
}

#[test]
fn through_the_sandbox_a_valid_card_gets_its_card_id() {
    let up = sandbox();
    let p = proxy(&format!("http://{}", up.addr), &[]);
    let (_, answer) = post(
        &p,
        "/card/create?access_token=ACCESS_TOKEN_0123456789",
        &groupon(),
    );
    assert_eq!(answer["errcode"], 0, "{answer}");
    let card_id = answer["card_id"].as_str().unwrap().to_string();
    assert_eq!(card_id.len(), 28);
    // an upstream refusal of the sandbox's own (40073) is explained
    let (_, answer) = post(
        &p,
        "/card/get?access_token=ACCESS_TOKEN_0123456789",
        r#"{"card_id":"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}"#,
    );
    assert_eq!(answer["errcode"], 40073);
    assert_eq!(answer["cardlint"]["explain"]["errcode"], 40073);
    // metrics and health
    let (status, text) =
        p.raw(b"GET /cardlint/metrics HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    assert!(
        text.contains("cardlint_proxy_upstream_errcode_total{errcode=\"40073\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("cardlint_proxy_added_seconds_count 2"),
        "{text}"
    );
    let (status, text) =
        p.raw(b"GET /cardlint/health HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n");
    assert_eq!((status, text.as_str()), (200, r#"{"status":"ok"}"#));
}

#[test]
fn faults_answer_at_once_with_a_clear_errcode() {
    // nothing listens there
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let p = proxy(&gone, &[]);
    let (status, answer) = post(
        &p,
        "/card/get?access_token=ACCESS_TOKEN_0123456789",
        r#"{"card_id":"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}"#,
    );
    assert_eq!(
        (status, answer["errcode"].clone()),
        (502, Value::from(-1)),
        "{answer}"
    );
    assert!(answer["errmsg"]
        .as_str()
        .unwrap()
        .contains("cannot reach the upstream"));
    // an upstream slower than --timeout
    let (slow, _) = upstream(SERIAL, Duration::from_secs(5));
    let p = proxy(&slow, &["--timeout", "1"]);
    let started = std::time::Instant::now();
    let (status, answer) = post(
        &p,
        "/card/get?access_token=ACCESS_TOKEN_0123456789",
        r#"{"card_id":"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}"#,
    );
    assert_eq!(
        (status, answer["errcode"].clone()),
        (504, Value::from(-1)),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(4));
    // too large, and malformed HTTP
    let p = proxy(&gone, &["--max-body", "100"]);
    let (status, _) = post(&p, "/card/create", &groupon());
    assert_eq!(status, 413);
    let (status, _) = p.raw(b"NOT HTTP AT ALL\r\n\r\n");
    assert_eq!(status, 400);
    // SIGTERM stops it
    assert!(p.stop().success());
}

#[test]
fn a_tls_upstream_is_trusted_through_upstream_ca() {
    // a CA and a certificate for 127.0.0.1 it signs, made here
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, &ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();

    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { continue };
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            if let Some(req) = read_request(&mut tls) {
                keep.lock().unwrap().push(req);
                write_answer(&mut tls, r#"{"errcode":0,"errmsg":"ok","card_id":"pTLS"}"#);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    let upstream = format!("https://127.0.0.1:{port}");
    let p = proxy(&upstream, &["--upstream-ca", ca_file.to_str().unwrap()]);
    let (_, answer) = post(
        &p,
        "/card/create?access_token=ACCESS_TOKEN_0123456789",
        &groupon(),
    );
    assert_eq!(answer["card_id"], "pTLS", "{answer}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    // without the CA, the certificate is not trusted: 502, nothing sent
    let p = proxy(&upstream, &[]);
    let (status, answer) = post(
        &p,
        "/card/create?access_token=ACCESS_TOKEN_0123456789",
        &groupon(),
    );
    assert_eq!(status, 502, "{answer}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    // a CA file that holds no certificate stops the start with exit 2
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "nothing here").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cardlint"))
        .args([
            "proxy",
            "--addr",
            "127.0.0.1:0",
            "--upstream-ca",
            empty.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// wechatpy and wechat-api, unchanged but for their base URLs, through the proxy in front of
/// the sandbox (tests/sdk/proxy_flow.*): the broken card is answered by the proxy, the valid
/// one gets the sandbox's card_id, the sandbox's 40056 comes back with `cardlint.explain`.
#[test]
fn real_sdks_through_the_proxy() {
    let Some(dir) = common::sdk_clients() else {
        return;
    };
    let sandbox = sandbox();
    let fixture = common::root().join("fixtures/endpoints/card.create/valid-groupon.json");
    let sdk = common::root().join("tests/sdk");
    for (name, program, script) in [
        (
            "wechatpy",
            dir.join("venv/bin/python"),
            sdk.join("proxy_flow.py"),
        ),
        ("wechat-api", "node".into(), sdk.join("proxy_flow.js")),
    ] {
        let p = proxy(&format!("http://{}", sandbox.addr), &[]);
        let out = std::process::Command::new(program)
            .arg(&script)
            .arg(format!("http://{}", p.addr))
            .arg(&fixture)
            .env("NODE_PATH", dir.join("node/node_modules"))
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{name}:\n{text}");
        assert!(
            text.contains("ok   the answer carries cardlint.explain.causes"),
            "{name}:\n{text}"
        );
    }
}

/// A POST over a fresh connection; the answer's JSON body.
fn http_post(addr: &str, path: &str, body: &str) -> Value {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: p\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    serde_json::from_str(out.split_once("\r\n\r\n").unwrap().1).unwrap()
}

/// The proxy and the sandbox in this process, each on its own loopback socket: what the
/// library offers to embed them, counted by the proxy's metrics.
#[test]
fn in_process_the_proxy_blocks_and_forwards_to_the_sandbox() {
    use cardlint::proxy::{Annotate, Block, Config, Proxy};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (proxy, addr) = rt.block_on(async {
        let up = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let up_addr = up.local_addr().unwrap();
        let sandbox = cardlint::serve::Sandbox::new(cardlint::serve::Config {
            strict_token: false,
            token_ttl: 7200,
            lang: cardlint::Lang::En,
            max_cards: 1000,
            now: None,
        });
        let limits = cardlint::serve::http::Limits {
            log: false,
            ..Default::default()
        };
        tokio::spawn(cardlint::serve::http::serve(
            up,
            Arc::new(sandbox),
            limits,
            std::future::pending(),
        ));
        let proxy = Arc::new(
            Proxy::new(Config {
                upstream: format!("http://{up_addr}").parse().unwrap(),
                block: Block::Error,
                annotate: Annotate::Errors,
                capture: None,
                lang: cardlint::Lang::En,
                timeout: Duration::from_secs(10),
                max_body: 1 << 20,
                upstream_ca: None,
                log: false,
            })
            .unwrap(),
        );
        let px = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = px.local_addr().unwrap().to_string();
        tokio::spawn(cardlint::proxy::server::serve(
            px,
            proxy.clone(),
            64,
            std::future::pending(),
        ));
        (proxy, addr)
    });
    let path = "/card/create?access_token=ACCESS_TOKEN_0123456789";
    let blocked = http_post(&addr, path, &broken());
    assert_eq!(blocked["errcode"], 40053, "{blocked}");
    assert!(blocked["errmsg"]
        .as_str()
        .unwrap()
        .contains("rid: cardlint-proxy"));
    let created = http_post(&addr, path, &groupon());
    assert_eq!(created["errcode"], 0, "{created}");
    assert!(created["errmsg"].as_str().unwrap() == "ok" && created["card_id"].is_string());
    use std::sync::atomic::Ordering;
    assert_eq!(proxy.metrics.requests.load(Ordering::Relaxed), 2);
    assert_eq!(proxy.metrics.blocked.load(Ordering::Relaxed), 1);
    rt.shutdown_background();
}

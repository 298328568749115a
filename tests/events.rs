//! `cardlint serve --callback`: the card events pushed to a callback as WeChat pushes them.
//! A callback server in the test records every push (and can fail, hang or answer wrongly);
//! in the SDK test, a handler written with wechatpy verifies, decrypts and parses each one.

mod common;

use cardlint::serve::wxcrypt::{signature, Crypto};
use common::Server;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "callback-token-of-the-test";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx0123456789abcdef";

/// How the test's callback answers one push.
#[derive(Clone, Copy)]
enum Reply {
    Success,
    Status(u16),
    Text(&'static str),
    /// Reads the push and never answers.
    Hang,
}

/// One push as the callback received it.
#[derive(Debug, Clone)]
struct Push {
    query: String,
    body: String,
}

impl Push {
    fn param(&self, name: &str) -> String {
        self.query
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .unwrap_or("")
            .to_string()
    }
}

struct Callback {
    url: String,
    pushes: Arc<Mutex<Vec<Push>>>,
    plan: Arc<Mutex<VecDeque<Reply>>>,
}

impl Callback {
    /// A callback that answers by `plan`, then `success`.
    fn start(plan: &[Reply]) -> Callback {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/wechat/callback", listener.local_addr().unwrap());
        let pushes = Arc::new(Mutex::new(Vec::new()));
        let plan = Arc::new(Mutex::new(plan.iter().copied().collect::<VecDeque<_>>()));
        let (p, q) = (pushes.clone(), plan.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (p, q) = (p.clone(), q.clone());
                std::thread::spawn(move || serve_one(stream, &p, &q));
            }
        });
        Callback { url, pushes, plan }
    }

    /// The pushes received so far, once there are at least `n` (within 20 s).
    fn wait_for(&self, n: usize) -> Vec<Push> {
        let start = Instant::now();
        loop {
            let got = self.pushes.lock().unwrap().clone();
            if got.len() >= n || start.elapsed() > Duration::from_secs(20) {
                return got;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn serve_one(
    mut stream: std::net::TcpStream,
    pushes: &Mutex<Vec<Push>>,
    plan: &Mutex<VecDeque<Reply>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut length = 0;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let query = target
        .split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_default();
    pushes.lock().unwrap().push(Push {
        query,
        body: String::from_utf8(body).unwrap(),
    });
    let reply = plan.lock().unwrap().pop_front().unwrap_or(Reply::Success);
    let (status, text) = match reply {
        Reply::Success => (200, "success"),
        Reply::Status(s) => (s, "busy"),
        Reply::Text(t) => (200, t),
        Reply::Hang => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

fn element(xml: &str, name: &str) -> String {
    cardlint::serve::events::element(xml, name)
        .unwrap_or_default()
        .to_string()
}

fn groupon() -> Value {
    let path = common::root().join("fixtures/endpoints/card.create/valid-groupon.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn post(s: &Server, path: &str, body: &Value) -> Value {
    let (status, v) = s.post(&format!("{path}?access_token=T"), &body.to_string());
    assert_eq!(status, 200, "{path}: {v}");
    assert_eq!(v["errcode"], 0, "{path}: {v}\n{}", s.log());
    v
}

/// A card, its QR code and a scan by `openid`: (card_id, code).
fn create_and_scan(s: &Server, card: &Value, openid: &str) -> (String, String) {
    let card_id = post(s, "/card/create", card)["card_id"]
        .as_str()
        .unwrap()
        .to_string();
    let code = scan(s, &card_id, openid);
    (card_id, code)
}

fn scan(s: &Server, card_id: &str, openid: &str) -> String {
    let qr = json!({"action_name": "QR_CARD", "action_info": {"card": {"card_id": card_id, "outer_str": "from-the-test"}}});
    let ticket = post(s, "/card/qrcode/create", &qr)["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let got = post(
        s,
        "/cardlint/scan",
        &json!({"ticket": ticket, "openid": openid}),
    );
    got["code"].as_str().unwrap().to_string()
}

fn serve(callback: &str, extra: &[&str]) -> Server {
    let mut args = vec![
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--callback",
        callback,
        "--callback-token",
        TOKEN,
    ];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// The loop of the README: create → card_pass_check, scan → user_get_card, consume →
/// user_consume_card; each push signed, addressed and shaped as documented, in order.
#[test]
fn the_whole_loop_is_pushed_in_plain_mode() {
    let cb = Callback::start(&[]);
    let s = serve(&cb.url, &["--account", "gh_0123456789ab"]);
    let (card_id, code) = create_and_scan(&s, &groupon(), "o_user_1");
    post(&s, "/card/code/consume", &json!({"code": code}));
    let pushes = cb.wait_for(3);
    let kinds: Vec<String> = pushes.iter().map(|p| element(&p.body, "Event")).collect();
    assert_eq!(
        kinds,
        ["card_pass_check", "user_get_card", "user_consume_card"],
        "{}",
        s.log()
    );
    for p in &pushes {
        let (ts, nonce) = (p.param("timestamp"), p.param("nonce"));
        assert_eq!(
            p.param("signature"),
            signature(&[TOKEN, &ts, &nonce]),
            "{p:?}"
        );
        assert_eq!(element(&p.body, "ToUserName"), "gh_0123456789ab");
        assert_eq!(element(&p.body, "MsgType"), "event");
        assert_eq!(element(&p.body, "CardId"), card_id);
        assert!(p.param("encrypt_type").is_empty());
    }
    let got = &pushes[1];
    assert_eq!(got.param("openid"), "o_user_1");
    assert_eq!(element(&got.body, "FromUserName"), "o_user_1");
    assert_eq!(element(&got.body, "UserCardCode"), code);
    assert_eq!(element(&got.body, "IsGiveByFriend"), "0");
    assert_eq!(element(&got.body, "OuterStr"), "from-the-test");
    let consumed = &pushes[2];
    assert_eq!(element(&consumed.body, "ConsumeSource"), "FROM_API");
    assert_eq!(element(&consumed.body, "UserCardCode"), code);
    assert!(s.log().contains(r#""result":"delivered""#), "{}", s.log());
}

/// WeChat's delivery: a callback that fails twice gets the event on the third try; one that
/// answers something other than success, empty or XML is logged, not tried again; one that
/// never answers is given up after 3 tries.
#[test]
fn retries_and_answers_are_judged_like_wechat() {
    let cb = Callback::start(&[
        Reply::Status(500),
        Reply::Status(503),
        Reply::Success,
        Reply::Text("ok"),
    ]);
    let s = serve(&cb.url, &[]);
    let card_id = post(&s, "/card/create", &groupon())["card_id"]
        .as_str()
        .unwrap()
        .to_string();
    let pushes = cb.wait_for(3);
    assert_eq!(pushes.len(), 3, "{}", s.log());
    assert!(pushes.iter().all(|p| element(&p.body, "CardId") == card_id));
    // each try is signed afresh
    assert_ne!(pushes[0].param("nonce"), pushes[2].param("nonce"));
    post(
        &s,
        "/cardlint/review",
        &json!({"card_id": card_id, "pass": false, "reason": "图片模糊"}),
    );
    let pushes = cb.wait_for(4);
    assert_eq!(element(&pushes[3].body, "Event"), "card_not_pass_check");
    assert_eq!(element(&pushes[3].body, "RefuseReason"), "图片模糊");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        cb.pushes.lock().unwrap().len(),
        4,
        "an invalid answer is not tried again"
    );
    let log = s.log();
    assert_eq!(log.matches(r#""result":"retry""#).count(), 2, "{log}");
    assert_eq!(log.matches(r#""result":"delivered""#).count(), 1, "{log}");
    assert!(
        log.contains(r#""result":"refused""#) && log.contains("neither success"),
        "{log}"
    );
    drop(cb.plan);
}

/// Safe mode: the `<Encrypt>` envelope, `encrypt_type=aes`, a `msg_signature` over the
/// ciphertext; it decrypts to the event with the appid after it.
#[test]
fn safe_mode_encrypts_each_event_with_the_appid() {
    let cb = Callback::start(&[]);
    let s = serve(&cb.url, &["--encoding-aes-key", KEY, "--appid", APPID]);
    post(&s, "/card/create", &groupon());
    let p = &cb.wait_for(1)[0];
    assert_eq!(p.param("encrypt_type"), "aes");
    let encrypted = element(&p.body, "Encrypt");
    let (ts, nonce) = (p.param("timestamp"), p.param("nonce"));
    assert_eq!(
        p.param("msg_signature"),
        signature(&[TOKEN, &ts, &nonce, &encrypted])
    );
    assert!(
        element(&p.body, "Event").is_empty(),
        "nothing in clear: {}",
        p.body
    );
    let (xml, appid) = Crypto::new(KEY, APPID)
        .unwrap()
        .decrypt(&encrypted)
        .unwrap();
    assert_eq!(appid, APPID);
    assert_eq!(element(&xml, "Event"), "card_pass_check");
}

#[test]
fn a_bad_key_or_a_missing_appid_stops_the_start() {
    for args in [
        vec!["--encoding-aes-key", "short", "--appid", APPID],
        vec!["--encoding-aes-key", KEY, "--appid", ""],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_cardlint"))
            .args([
                "--lang",
                "en",
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--callback",
                "http://127.0.0.1:9/",
                "--callback-token",
                "t",
            ])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains(KEY),
            "the key is not printed"
        );
    }
}

/// With --state, an event not yet delivered when the sandbox stops is delivered after the
/// restart, with the CreateTime it had.
#[test]
fn undelivered_events_survive_a_restart() {
    let dir = common::tempdir("events-state");
    let state = dir.join("sandbox.redb");
    let state = state.to_str().unwrap();
    let hung = Callback::start(&[Reply::Hang]);
    let s = serve(&hung.url, &["--state", state]);
    let card_id = post(&s, "/card/create", &groupon())["card_id"]
        .as_str()
        .unwrap()
        .to_string();
    let first = hung.wait_for(1);
    assert_eq!(first.len(), 1);
    drop(s); // killed while the push waits for its answer
    let cb = Callback::start(&[]);
    let again = serve(&cb.url, &["--state", state]);
    let pushes = cb.wait_for(1);
    assert_eq!(pushes.len(), 1, "{}", again.log());
    assert_eq!(element(&pushes[0].body, "CardId"), card_id);
    assert_eq!(
        element(&pushes[0].body, "CreateTime"),
        element(&first[0].body, "CreateTime")
    );
    std::thread::sleep(Duration::from_millis(300));
    drop(again);
    // delivered: a third start has nothing left to send
    let quiet = Callback::start(&[]);
    let third = serve(&quiet.url, &["--state", state]);
    std::thread::sleep(Duration::from_millis(800));
    assert!(quiet.pushes.lock().unwrap().is_empty(), "{}", third.log());
}

/// Every event type, pushed by the sandbox after the action that causes it, verified,
/// decrypted and parsed by a handler written with wechatpy; plain and safe mode.
#[test]
fn wechatpy_parses_every_event() {
    let Some(dir) = common::sdk_clients() else {
        return;
    };
    for safe in [false, true] {
        let mut handler = Command::new(dir.join("venv/bin/python"));
        handler
            .arg(common::root().join("tests/sdk/event_handler.py"))
            .arg(TOKEN);
        if safe {
            handler.args([KEY, APPID]);
        }
        let mut child = handler.stdout(Stdio::piped()).spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let port = first.strip_prefix("listening ").expect(&first).to_string();
        let url = format!("http://127.0.0.1:{port}/wx");
        let extra: &[&str] = if safe {
            &["--encoding-aes-key", KEY, "--appid", APPID]
        } else {
            &[]
        };
        let s = serve(&url, extra);
        let expected = drive_every_event(&s);
        let mut seen = Vec::new();
        for line in lines.by_ref().take(expected.len()) {
            let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
            assert!(
                v.get("error").is_none(),
                "wechatpy refused a push: {v}\n{}",
                s.log()
            );
            seen.push(v);
        }
        let _ = child.kill();
        let _ = child.wait();
        let kinds: Vec<&str> = seen.iter().map(|v| v["event"].as_str().unwrap()).collect();
        assert_eq!(kinds, expected, "safe={safe}\n{}", s.log());
        for v in &seen {
            let class = v["class"].as_str().unwrap();
            assert!(class != "BaseEvent" && !class.starts_with("Unknown"), "{v}");
        }
        let gift = seen
            .iter()
            .filter(|v| v["event"] == "user_get_card")
            .nth(2)
            .unwrap();
        assert_eq!(gift["fields"]["is_given_by_friend"], 1, "{gift}");
        assert_eq!(gift["fields"]["friend"], "o_giver");
        let member = seen
            .iter()
            .find(|v| v["event"] == "update_member_card")
            .unwrap();
        assert_eq!(member["fields"]["modify_bonus"], 30, "{member}");
        let remind = seen
            .iter()
            .find(|v| v["event"] == "card_sku_remind")
            .unwrap();
        assert!(
            remind["fields"]["detail"]
                .as_str()
                .unwrap()
                .ends_with("equal to 99"),
            "{remind}"
        );
    }
}

/// Causes every event the sandbox pushes, in this order.
fn drive_every_event(s: &Server) -> Vec<&'static str> {
    let mut card = groupon();
    card["card"]["groupon"]["base_info"]["sku"]["quantity"] = json!(300);
    let card_id = post(s, "/card/create", &card)["card_id"]
        .as_str()
        .unwrap()
        .to_string();
    let update = json!({"card_id": card_id, "groupon": {"base_info": {"title": "双人套餐新版"}}});
    assert_eq!(post(s, "/card/update", &update)["send_check"], true);
    post(
        s,
        "/cardlint/review",
        &json!({"card_id": card_id, "pass": false, "reason": "标题不符"}),
    );
    post(
        s,
        "/card/modifystock",
        &json!({"card_id": card_id, "reduce_stock_value": 200}),
    );
    let code = scan(s, &card_id, "o_user_1");
    let holder = json!({"code": code});
    post(s, "/cardlint/view", &holder);
    post(s, "/cardlint/enter-session", &holder);
    post(
        s,
        "/cardlint/pay",
        &json!({"code": code, "fee": 9900, "original_fee": 12800}),
    );
    post(s, "/card/code/consume", &holder);
    let second = scan(s, &card_id, "o_giver");
    let given = post(
        s,
        "/cardlint/gift",
        &json!({"code": second, "openid": "o_friend"}),
    );
    post(s, "/cardlint/delete", &json!({"code": given["code"]}));
    let member: Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::root().join("fixtures/endpoints/card.create/valid-member_card.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let (member_id, member_code) = create_and_scan(s, &member, "o_member");
    post(s, "/cardlint/activate", &json!({"code": member_code}));
    let mut update = json!({"code": member_code, "card_id": member_id, "add_bonus": 30, "bonus": 130,
        "record_bonus": "消费30元，获得30积分"});
    update["notify_optional"] = json!({"is_notify_bonus": true});
    post(s, "/card/membercard/updateuser", &update);
    vec![
        "card_pass_check",
        "card_pass_check",
        "card_not_pass_check",
        "user_get_card",
        "card_sku_remind",
        "user_view_card",
        "user_enter_session_from_card",
        "user_pay_from_pay_cell",
        "user_consume_card",
        "user_get_card",
        "user_gifting_card",
        "user_get_card",
        "user_del_card",
        "card_pass_check",
        "user_get_card",
        "submit_membercard_user_info",
        "update_member_card",
    ]
}

/// The same safe-mode pushes decrypted on Node.js by wechat-crypto (node-webot's 消息加解密
/// library), unchanged.
#[test]
fn node_wechat_crypto_decrypts_the_pushes() {
    let Some(dir) = common::sdk_clients() else {
        return;
    };
    let mut child = Command::new("node")
        .env("NODE_PATH", dir.join("node/node_modules"))
        .arg(common::root().join("tests/sdk/event_handler.js"))
        .args([TOKEN, KEY, APPID])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let port = first.strip_prefix("listening ").expect(&first).to_string();
    let url = format!("http://127.0.0.1:{port}/wx");
    let s = serve(&url, &["--encoding-aes-key", KEY, "--appid", APPID]);
    let (_, code) = create_and_scan(&s, &groupon(), "o_node_user");
    post(&s, "/card/code/consume", &json!({"code": code}));
    let seen: Vec<Value> = lines
        .by_ref()
        .take(3)
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    let kinds: Vec<&str> = seen
        .iter()
        .map(|v| v["event"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        ["card_pass_check", "user_get_card", "user_consume_card"],
        "{seen:?}\n{}",
        s.log()
    );
    assert_eq!(seen[1]["from"], "o_node_user");
}

//! The sandbox's handler in-process: errcodes for broken requests, state-backed answers,
//! cross-request checks, card_ext verification, strict tokens and the state file.

mod common;

use cardlint::serve::{Config, Request, Sandbox};
use cardlint::signature::{card_ext_json, CardExtInput};
use serde_json::{json, Value};

fn sandbox() -> Sandbox {
    Sandbox::new(Config {
        now: Some(common::NOW),
        ..Config::default()
    })
}

fn call(s: &Sandbox, method: &str, path: &str, query: &str, body: &str) -> Value {
    let r = s.handle(&Request {
        method,
        path,
        query,
        body: body.as_bytes(),
    });
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", r.body))
}

fn post(s: &Sandbox, path: &str, body: &Value) -> Value {
    call(s, "POST", path, "access_token=T", &body.to_string())
}

fn errcode(v: &Value) -> i64 {
    v["errcode"]
        .as_i64()
        .unwrap_or_else(|| panic!("no errcode: {v}"))
}

fn groupon() -> Value {
    let text = std::fs::read_to_string(
        common::root().join("fixtures/endpoints/card.create/valid-groupon.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A deposit-mode card: custom codes imported with card/code/deposit, created with no stock.
fn deposit_card() -> Value {
    let mut v = groupon();
    let base = &mut v["card"]["groupon"]["base_info"];
    base["use_custom_code"] = json!(true);
    base["get_custom_code_mode"] = json!("GET_CUSTOM_CODE_MODE_DEPOSIT");
    base["sku"]["quantity"] = json!(0);
    v
}

/// A card/qrcode/create body for one card.
fn qr_for(card_id: &str) -> Value {
    json!({"action_name": "QR_CARD", "action_info": {"card": {"card_id": card_id}}})
}

fn create(s: &Sandbox, card: &Value) -> String {
    let r = post(s, "/card/create", card);
    assert_eq!(errcode(&r), 0, "{r}");
    r["card_id"].as_str().unwrap().to_string()
}

#[test]
fn broken_requests_get_the_errcode_of_their_most_important_finding() {
    let s = sandbox();
    // (body, errcode, rule named in the hint)
    let mut quoted = groupon();
    quoted["card"]["groupon"]["base_info"]["sku"]["quantity"] = json!("100");
    let mut hex = groupon();
    hex["card"]["groupon"]["base_info"]["color"] = json!("#63b359");
    let mut type_name = groupon();
    type_name["card"]["card_type"] = json!("GROUPONS");
    let mut long_title = groupon();
    long_title["card"]["groupon"]["base_info"]["title"] =
        json!("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十");
    let mut missing = groupon();
    missing["card"]["groupon"]["base_info"]
        .as_object_mut()
        .unwrap()
        .remove("brand_name");
    let mut ms = groupon();
    ms["card"]["groupon"]["base_info"]["date_info"] = json!({"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 1_795_000_000_000i64, "end_timestamp": 1_797_000_000_000i64});
    let cases: Vec<(String, i64, &str)> = vec![
        (
            r#"{"card": {"card_type": "GROUPON",}}"#.to_string(),
            47001,
            "JSON",
        ),
        (quoted.to_string(), 40053, "TYPE001"),
        (hex.to_string(), 40076, "CARD009"),
        (type_name.to_string(), 40071, ""),
        (long_title.to_string(), 45021, "SCHEMA005"),
        (missing.to_string(), 41011, "SCHEMA002"),
        (ms.to_string(), 40079, ""),
    ];
    for (body, want, rule) in cases {
        let r = call(&s, "POST", "/card/create", "access_token=T", &body);
        assert_eq!(errcode(&r), want, "{body}\n{r}");
        let msg = r["errmsg"].as_str().unwrap();
        assert!(msg.contains(" hint: [") && msg.contains(rule), "{msg}");
        let findings = r["cardlint"]["files"][0]["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{r}");
        assert!(findings[0]["line"].as_u64().unwrap() >= 1);
    }
    // a malformed action_info in a QR code
    let r = post(
        &s,
        "/card/qrcode/create",
        &json!({"action_name": "QR_CARD", "action_info": {"multiple_card": {"card_list": [{"card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}]}}}),
    );
    assert_eq!(errcode(&r), 40053, "{r}");
    // the errmsg pasted into `cardlint explain` is understood as 40053
    let (text, hint) = cardlint::explain::split_errmsg(r["errmsg"].as_str().unwrap());
    assert_eq!(text, "invalid action info, please check document");
    assert!(hint.is_some());
    // nothing was created by any of these
    let list = post(&s, "/card/batchget", &json!({"offset": 0, "count": 50}));
    assert_eq!(list["total_num"], 0, "{list}");
}

#[test]
fn transport_level_errors_answer_like_the_server() {
    let s = sandbox();
    let body = groupon().to_string();
    assert_eq!(errcode(&call(&s, "POST", "/card/create", "", &body)), 41001);
    assert_eq!(
        errcode(&call(&s, "GET", "/card/create", "access_token=T", "")),
        43002
    );
    assert_eq!(
        errcode(&call(&s, "POST", "/card/create", "access_token=T", "")),
        44002
    );
    let unknown = s.handle(&Request {
        method: "POST",
        path: "/card/craete",
        query: "access_token=T",
        body: b"{}",
    });
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("card/create"), "{}", unknown.body);
}

#[test]
fn create_qrcode_deposit_scan_consume_twice() {
    let s = sandbox();
    let id = create(&s, &deposit_card());
    let qr = post(&s, "/card/qrcode/create", &qr_for(&id));
    assert_eq!(errcode(&qr), 0, "{qr}");
    let ticket = qr["ticket"].as_str().unwrap();
    assert!(qr["show_qrcode_url"].as_str().unwrap().ends_with(ticket));
    // no stock yet: nobody can receive it
    let scan = |s: &Sandbox| {
        call(
            s,
            "POST",
            "/cardlint/scan",
            "",
            &json!({"ticket": ticket, "openid": "o_user"}).to_string(),
        )
    };
    assert_eq!(errcode(&scan(&s)), 40122);
    // 101 codes in one call
    let many: Vec<String> = (0..101).map(|i| format!("C{i:05}")).collect();
    let r = post(
        &s,
        "/card/code/deposit",
        &json!({"card_id": id, "code": many}),
    );
    assert_eq!(errcode(&r), 40109, "{r}");
    // the same code twice in one call
    let r = post(
        &s,
        "/card/code/deposit",
        &json!({"card_id": id, "code": ["A001", "A002", "A002"]}),
    );
    assert_eq!(errcode(&r), 40111, "{r}");
    let r = post(
        &s,
        "/card/code/deposit",
        &json!({"card_id": id, "code": ["A001", "A002"]}),
    );
    assert_eq!(errcode(&r), 0, "{r}");
    assert_eq!(r["succ_code"], json!(["A001", "A002"]));
    // a code deposited before
    let r = post(
        &s,
        "/card/code/deposit",
        &json!({"card_id": id, "code": ["A002"]}),
    );
    assert_eq!(r["succ_code"], json!([]), "{r}");
    assert_eq!(r["duplicate_code"], json!(["A002"]));
    let count = post(&s, "/card/code/getdepositcount", &json!({"card_id": id}));
    assert_eq!(count["count"], 2);
    // stock may not exceed the deposited codes, and may not go below zero
    let up = |n: i64| {
        post(
            &s,
            "/card/modifystock",
            &json!({"card_id": id, "increase_stock_value": n}),
        )
    };
    assert_eq!(errcode(&up(3)), 40136);
    assert_eq!(errcode(&up(2)), 0);
    let down = post(
        &s,
        "/card/modifystock",
        &json!({"card_id": id, "reduce_stock_value": 5}),
    );
    assert_eq!(errcode(&down), 40122, "{down}");
    // deposited but not received: not issued yet
    let get = post(
        &s,
        "/card/code/get",
        &json!({"card_id": id, "code": "A001"}),
    );
    assert_eq!(errcode(&get), 40056, "{get}");
    let got = scan(&s);
    assert_eq!(errcode(&got), 0, "{got}");
    let code = got["code"].as_str().unwrap().to_string();
    assert_eq!(code, "A001");
    let consume = || {
        post(
            &s,
            "/card/code/consume",
            &json!({"card_id": id, "code": code}),
        )
    };
    assert_eq!(errcode(&consume()), 0);
    assert_eq!(errcode(&consume()), 40099);
    let get = post(&s, "/card/code/get", &json!({"card_id": id, "code": code}));
    assert_eq!(errcode(&get), 40099);
    let get = post(
        &s,
        "/card/code/get",
        &json!({"card_id": id, "code": code, "check_consume": false}),
    );
    assert_eq!(get["user_card_status"], "CONSUMED", "{get}");
    let unknown = post(
        &s,
        "/card/code/get",
        &json!({"card_id": id, "code": "NOPE"}),
    );
    assert_eq!(errcode(&unknown), 40056);
    // the code a user got decrypts back
    let dec = post(
        &s,
        "/card/code/decrypt",
        &json!({"encrypt_code": got["encrypt_code"]}),
    );
    assert_eq!(dec["code"], "A001", "{dec}");
    let card = post(&s, "/card/get", &json!({"card_id": id}));
    assert_eq!(
        card["card"]["groupon"]["base_info"]["sku"]["quantity"], 1,
        "{card}"
    );
}

#[test]
fn deleted_cards_are_still_found_but_no_longer_handed_out() {
    let s = sandbox();
    let id = create(&s, &groupon());
    let qr = qr_for(&id);
    assert_eq!(errcode(&post(&s, "/card/qrcode/create", &qr)), 0);
    assert_eq!(
        errcode(&post(&s, "/card/delete", &json!({"card_id": id}))),
        0
    );
    let get = post(&s, "/card/get", &json!({"card_id": id}));
    assert_eq!(errcode(&get), 0);
    assert_eq!(
        get["card"]["groupon"]["base_info"]["status"],
        "CARD_STATUS_DELETE"
    );
    assert_eq!(errcode(&post(&s, "/card/qrcode/create", &qr)), 40078);
    let missing = post(
        &s,
        "/card/get",
        &json!({"card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}),
    );
    assert_eq!(errcode(&missing), 40073);
}

#[test]
fn cross_request_rules_use_the_cards_created_earlier() {
    let s = sandbox();
    let plain = create(&s, &groupon());
    // a code in the QR code of a card that does not use custom codes
    let r = post(
        &s,
        "/card/qrcode/create",
        &json!({"action_name": "QR_CARD", "action_info": {"card": {"card_id": plain, "code": "123456"}}}),
    );
    assert_eq!(errcode(&r), 40053, "{r}");
    assert!(r["errmsg"].as_str().unwrap().contains("CODE001"), "{r}");
    // a custom-code card (not deposit mode) needs the code
    let mut custom = groupon();
    custom["card"]["groupon"]["base_info"]["use_custom_code"] = json!(true);
    let custom = create(&s, &custom);
    let r = post(&s, "/card/qrcode/create", &qr_for(&custom));
    assert!(r["errmsg"].as_str().unwrap().contains("CODE002"), "{r}");
}

/// The card a call names, as the sandbox created it (and updated it), decides like WeChat: the
/// deciding finding's errcode is the answer; warnings ride along in the `cardlint` field.
#[test]
fn calls_are_checked_against_the_card_they_name() {
    let s = sandbox();
    let found = |r: &Value, code: &str| {
        r["cardlint"]["files"][0]["findings"]
            .as_array()
            .is_some_and(|l| l.iter().any(|f| f["code"] == code))
    };
    // the groupon has stores (location_id_list) and WeChat-made codes
    let plain = create(&s, &groupon());
    let update = |card_id: Option<&str>| {
        let mut body = json!({"code": "301948572615", "new_code": "301948572699"});
        if let Some(id) = card_id {
            body["card_id"] = json!(id);
        }
        post(&s, "/card/code/update", &body)
    };
    let r = update(Some(&plain));
    assert_eq!(errcode(&r), 40056, "{r}");
    assert!(r["errmsg"].as_str().unwrap().contains("CODE009"), "{r}");
    // without card_id no card can change its code
    let r = update(None);
    assert_eq!(errcode(&r), 41011, "{r}");
    assert!(r["errmsg"].as_str().unwrap().contains("SCHEMA002"), "{r}");
    // PayCell and self-consume cell need stores
    let mut no_stores = groupon();
    no_stores["card"]["groupon"]["base_info"]
        .as_object_mut()
        .unwrap()
        .remove("location_id_list");
    let no_stores = create(&s, &no_stores);
    for path in ["/card/paycell/set", "/card/selfconsumecell/set"] {
        let r = post(&s, path, &json!({"card_id": no_stores, "is_open": true}));
        assert_eq!(errcode(&r), 43017, "{path}: {r}");
        assert!(r["errmsg"].as_str().unwrap().contains("CODE014"), "{r}");
        let r = post(&s, path, &json!({"card_id": plain, "is_open": true}));
        assert_eq!(errcode(&r), 0, "{path}: {r}");
    }
    // stores added with card/update count from then on
    let r = post(
        &s,
        "/card/update",
        &json!({"card_id": no_stores, "groupon": {"base_info": {"location_id_list": [290617235]}}}),
    );
    assert_eq!(errcode(&r), 0, "{r}");
    let r = post(
        &s,
        "/card/paycell/set",
        &json!({"card_id": no_stores, "is_open": true}),
    );
    assert_eq!(errcode(&r), 0, "{r}");
    // member-card calls take member cards only
    let r = post(
        &s,
        "/card/membercard/updateuser",
        &json!({"card_id": plain, "code": "301948572615", "add_bonus": 10}),
    );
    assert_eq!(errcode(&r), 72003, "{r}");
    assert!(r["errmsg"].as_str().unwrap().contains("CODE011"), "{r}");
    let member: Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::root().join("fixtures/endpoints/card.create/valid-member_card.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let member = create(&s, &member);
    // it supplies bonus but no balance: a warning, and the call goes through
    let r = post(
        &s,
        "/card/membercard/updateuser",
        &json!({"card_id": member, "code": "301948572615", "add_bonus": 10, "add_balance": 100}),
    );
    assert_eq!(errcode(&r), 0, "{r}");
    assert!(found(&r, "CODE013") && !found(&r, "CODE011"), "{r}");
    // deposits for a card outside deposit mode: a warning next to the sandbox's own answer
    let r = post(&s, "/card/code/getdepositcount", &json!({"card_id": plain}));
    assert_eq!(errcode(&r), 0, "{r}");
    assert!(found(&r, "CODE010"), "{r}");
}

#[test]
fn card_ext_is_verified_with_the_ticket_the_sandbox_hands_out() {
    let s = sandbox();
    let id = create(&s, &groupon());
    let got = call(
        &s,
        "GET",
        "/cgi-bin/ticket/getticket",
        "access_token=T&type=wx_card",
        "",
    );
    assert_eq!(errcode(&got), 0);
    let ticket = got["ticket"].as_str().unwrap().to_string();
    let mut input = CardExtInput {
        api_ticket: ticket,
        card_id: id.clone(),
        timestamp: "1795000000".into(),
        nonce_str: "k0hGdSXKZEj3Min5".into(),
        code: String::new(),
        openid: String::new(),
        balance: String::new(),
    };
    let add_card = |ext: String| json!({"cardList": [{"cardId": id, "cardExt": ext}]}).to_string();
    let ok = call(
        &s,
        "POST",
        "/cardlint/verify-card-ext",
        "",
        &add_card(card_ext_json(&input)),
    );
    assert_eq!(errcode(&ok), 0, "{ok}");
    // signed with another ticket
    input.api_ticket = "another-ticket".into();
    let bad = call(
        &s,
        "POST",
        "/cardlint/verify-card-ext",
        "",
        &add_card(card_ext_json(&input)),
    );
    assert_eq!(errcode(&bad), 40080, "{bad}");
    assert!(bad["errmsg"].as_str().unwrap().contains("EXT008"), "{bad}");
    // the ticket itself never appears in an answer about it
    assert!(!bad.to_string().contains(&s.wx_card_ticket()));
}

#[test]
fn strict_tokens_refuse_unknown_and_expired_ones() {
    let s = Sandbox::new(Config {
        strict_token: true,
        token_ttl: 60,
        now: Some(common::NOW),
        ..Config::default()
    });
    let body = json!({"card_id": "x"}).to_string();
    assert_eq!(
        errcode(&call(
            &s,
            "POST",
            "/card/get",
            "access_token=made-up",
            &body
        )),
        40001
    );
    let t = call(
        &s,
        "GET",
        "/cgi-bin/token",
        "grant_type=client_credential&appid=wx1&secret=s",
        "",
    );
    let token = t["access_token"].as_str().unwrap();
    assert_eq!(t["expires_in"], 60);
    let q = format!("access_token={token}");
    assert_eq!(errcode(&call(&s, "POST", "/card/get", &q, &body)), 40073);
    // a minute later, from a sandbox that shares the clock but not the tokens: 40001; with the
    // same sandbox and a later clock the token expires
    let later = Sandbox::new(Config {
        strict_token: true,
        token_ttl: 60,
        now: Some(common::NOW + 61),
        ..Config::default()
    });
    assert_eq!(
        errcode(&call(&later, "POST", "/card/get", &q, &body)),
        40001
    );
    let no_grant = call(&s, "GET", "/cgi-bin/token", "appid=wx1&secret=s", "");
    assert_eq!(errcode(&no_grant), 40002);
}

#[test]
fn expired_tokens_get_42001() {
    let dir = common::tempdir("serve-ttl");
    let file = dir.join("state.redb");
    let config = |now| Config {
        strict_token: true,
        token_ttl: 60,
        now: Some(now),
        ..Config::default()
    };
    let token = {
        let s = Sandbox::open(config(common::NOW), &file).unwrap();
        let t = call(
            &s,
            "GET",
            "/cgi-bin/token",
            "grant_type=client_credential&appid=wx1&secret=s",
            "",
        );
        t["access_token"].as_str().unwrap().to_string()
    };
    let s = Sandbox::open(config(common::NOW + 61), &file).unwrap();
    let r = call(
        &s,
        "POST",
        "/card/get",
        &format!("access_token={token}"),
        r#"{"card_id":"x"}"#,
    );
    assert_eq!(errcode(&r), 42001, "{r}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_state_file_keeps_cards_codes_and_tickets() {
    let dir = common::tempdir("serve-state");
    let file = dir.join("state.redb");
    let config = || Config {
        now: Some(common::NOW),
        ..Config::default()
    };
    let (id, ticket, qr) = {
        let s = Sandbox::open(config(), &file).unwrap();
        let id = create(&s, &deposit_card());
        let codes = json!({"card_id": id, "code": ["K1", "K2"]});
        post(&s, "/card/code/deposit", &codes);
        let stock = json!({"card_id": id, "increase_stock_value": 2});
        post(&s, "/card/modifystock", &stock);
        let qr = qr_for(&id);
        let qr = post(&s, "/card/qrcode/create", &qr);
        let qr = qr["ticket"].as_str().unwrap().to_string();
        (id, s.wx_card_ticket(), qr)
    };
    let s = Sandbox::open(config(), &file).unwrap();
    assert_eq!(s.wx_card_ticket(), ticket);
    let get = post(&s, "/card/get", &json!({"card_id": id}));
    assert_eq!(errcode(&get), 0, "{get}");
    let count = post(&s, "/card/code/getdepositcount", &json!({"card_id": id}));
    assert_eq!(count["count"], 2);
    // the QR code made before the restart still hands out the card
    let scan = json!({"ticket": qr, "openid": "o1"}).to_string();
    let got = call(&s, "POST", "/cardlint/scan", "", &scan);
    assert_eq!(got["code"], "K1", "{got}");
    // new ids do not collide with the ones made before the restart
    let other = create(&s, &groupon());
    assert_ne!(other, id);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_sandbox_hint_is_written_in_both_languages() {
    let terms: toml::Table =
        toml::from_str(&std::fs::read_to_string(common::root().join("rules/terms.toml")).unwrap())
            .unwrap();
    let key = regex::Regex::new(r#"fail\(\s*-?\d+,\s*"([a-z_]+)"\s*\)"#).unwrap();
    let mut used = 0;
    for file in ["state.rs", "mod.rs", "http.rs"] {
        let src = std::fs::read_to_string(common::root().join("src/serve").join(file)).unwrap();
        for c in key.captures_iter(&src) {
            used += 1;
            let name = format!("serve.hint.{}", &c[1]);
            for lang in ["zh", "en"] {
                let text = terms[lang].get(&name).and_then(|v| v.as_str());
                let text = text.unwrap_or_else(|| panic!("{name} missing in [{lang}]"));
                assert!(
                    !text.ends_with('.') && !text.ends_with('。'),
                    "{name}: {text}"
                );
            }
        }
    }
    assert!(
        used > 30,
        "only {used} hints found: has the call shape changed?"
    );
    // and the sandbox answers in the language it was started with
    let zh = Sandbox::new(Config {
        lang: cardlint::Lang::Zh,
        now: Some(common::NOW),
        ..Config::default()
    });
    let r = post(&zh, "/card/get", &json!({"card_id": "pNOPE"}));
    assert!(
        r["errmsg"]
            .as_str()
            .unwrap()
            .contains("本沙盒中没有创建过卡券"),
        "{r}"
    );
}

/// Every fixture (broken ones included) and the fuzz corpus, posted to every endpoint in
/// turn against one sandbox that accumulates state: each gets a JSON answer with an errcode.
#[test]
fn any_body_at_any_endpoint_gets_an_answer() {
    let s = sandbox();
    create(&s, &groupon());
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    for dir in ["fixtures", "fuzz/corpus/check"] {
        let mut stack = vec![common::root().join(dir)];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(b) = std::fs::read(&p) {
                    bodies.push(b);
                }
            }
        }
    }
    assert!(bodies.len() > 100, "{}", bodies.len());
    let paths: Vec<String> = cardlint::endpoint::ENDPOINTS
        .iter()
        .map(|e| format!("/{e}"))
        .chain(["/cardlint/scan".into(), "/cardlint/verify-card-ext".into()])
        .collect();
    for (i, body) in bodies.iter().enumerate() {
        // each body to a few endpoints, all endpoints covered many times over
        for path in paths.iter().skip(i % 7).step_by(7) {
            let r = s.handle(&Request {
                method: "POST",
                path,
                query: "access_token=T",
                body,
            });
            let v: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(v["errcode"].is_i64(), "{path}: {v}");
        }
    }
}

/// Stock changes near the largest integer are an answer, never an overflow.
#[test]
fn modifystock_does_not_overflow() {
    let s = sandbox();
    let card_id = post(&s, "/card/create", &groupon())["card_id"]
        .as_str()
        .unwrap()
        .to_string();
    for (up, down) in [(i64::MAX, 0), (i64::MAX, i64::MAX), (0, i64::MAX)] {
        let body = serde_json::json!({
            "card_id": card_id,
            "increase_stock_value": up,
            "reduce_stock_value": down,
        });
        let r = post(&s, "/card/modifystock", &body);
        assert!(r["errcode"].is_i64(), "{r}");
    }
    let big = serde_json::json!({"card_id": card_id, "increase_stock_value": i64::MAX});
    post(&s, "/card/modifystock", &big);
    let r = post(&s, "/card/modifystock", &big);
    assert_eq!(errcode(&r), 40053, "{r}");
}

/// The JSON API the web page builds on: check, explain, sign.
#[test]
fn the_json_api_checks_explains_and_signs() {
    let s = sandbox();
    // check: the `check --format json` document, in the language asked
    let mut broken = groupon();
    broken["card"]["groupon"]["base_info"]["sku"]["quantity"] = json!("100");
    let doc = call(
        &s,
        "POST",
        "/cardlint/check",
        "endpoint=card%2Fcreate&lang=en",
        &broken.to_string(),
    );
    let f = &doc["files"][0]["findings"][0];
    assert_eq!(f["code"], "TYPE001", "{doc}");
    assert!(f["line"].as_u64().unwrap() >= 1 && f["message"].as_str().unwrap().is_ascii());
    let zh = call(
        &s,
        "POST",
        "/cardlint/check",
        "lang=zh",
        &broken.to_string(),
    );
    assert_eq!(zh["files"][0]["endpoint"], "card/create", "inferred: {zh}");
    assert!(!zh["files"][0]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .is_ascii());
    let unknown = call(&s, "POST", "/cardlint/check", "endpoint=card%2Fcreat", "{}");
    assert_eq!(errcode(&unknown), -1);
    assert!(
        unknown["errmsg"].as_str().unwrap().contains("card/create"),
        "{unknown}"
    );
    // explain: an errcode, a response, a symptom
    let e = call(&s, "GET", "/cardlint/explain", "q=40053&lang=en", "");
    assert_eq!(e["errcode"], 40053);
    assert!(!e["causes"].as_array().unwrap().is_empty());
    let q = "q=%7B%22errcode%22%3A40056%2C%22errmsg%22%3A%22invalid+serial+code%22%7D";
    assert_eq!(
        call(&s, "GET", "/cardlint/explain", q, "")["errcode"],
        40056
    );
    let symptom = call(
        &s,
        "GET",
        "/cardlint/explain",
        "q=%E7%AD%BE%E5%90%8D%E9%94%99%E8%AF%AF",
        "",
    );
    assert!(symptom["symptom"].is_string(), "{symptom}");
    assert_eq!(
        errcode(&call(
            &s,
            "GET",
            "/cardlint/explain",
            "q=nothing+like+it",
            ""
        )),
        -1
    );
    // sign: what `cardlint sign card-ext` computes, the ticket never echoed
    let ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3";
    let body = json!({"api_ticket": ticket, "card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K",
        "timestamp": "1795000000", "nonce_str": "n0nce"});
    let r = s.handle(&Request {
        method: "POST",
        path: "/cardlint/sign/card-ext",
        query: "",
        body: body.to_string().as_bytes(),
    });
    assert!(!r.body.contains(ticket), "{}", r.body);
    let signed: Value = serde_json::from_str(&r.body).unwrap();
    let input = CardExtInput {
        api_ticket: ticket.into(),
        card_id: "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K".into(),
        timestamp: "1795000000".into(),
        nonce_str: "n0nce".into(),
        ..CardExtInput::default()
    };
    assert_eq!(signed["card_ext"], card_ext_json(&input));
    assert_eq!(signed["sorted"].as_array().unwrap().len(), 4);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cardlint"))
        .args([
            "sign",
            "card-ext",
            "--card-id",
            "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K",
            "--timestamp",
            "1795000000",
            "--nonce-str",
            "n0nce",
        ])
        .env("CARDLINT_API_TICKET", ticket)
        .output()
        .unwrap();
    let cli = String::from_utf8_lossy(&out.stdout);
    assert!(cli.contains(signed["signature"].as_str().unwrap()), "{cli}");
    assert_eq!(
        errcode(&call(&s, "POST", "/cardlint/sign/card-ext", "", "{}")),
        -1
    );
}

/// The calls the page's playground makes: one finding's fix and all of them (the bytes
/// `check --fix` writes), the explanation with the request's causes found, a pasted cardExt
/// verified.
#[test]
fn the_page_api_fixes_explains_a_request_and_verifies_a_card_ext() {
    let s = sandbox();
    let text = "{\"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",\n \"code\": 1434008071}";
    let doc = call(
        &s,
        "POST",
        "/cardlint/check",
        "endpoint=card%2Fcode%2Fconsume",
        text,
    );
    let f = &doc["files"][0]["findings"][0];
    assert_eq!(f["code"], "TYPE002", "{doc}");
    let q = format!(
        "endpoint=card%2Fcode%2Fconsume&code=TYPE002&line={}&column={}",
        f["line"], f["column"]
    );
    let one = call(&s, "POST", "/cardlint/fix", &q, text);
    assert_eq!(
        one["text"],
        text.replace("1434008071", "\"1434008071\""),
        "{one}"
    );
    let all = call(
        &s,
        "POST",
        "/cardlint/fix",
        "endpoint=card%2Fcode%2Fconsume",
        text,
    );
    let dir = common::tempdir("page-fix");
    let file = dir.join("consume.json");
    std::fs::write(&file, text).unwrap();
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_cardlint"))
        .args(["check", "--fix", "--endpoint", "card/code/consume"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(cli.status.code().is_some());
    assert_eq!(all["text"], std::fs::read_to_string(&file).unwrap());
    // a finding without a fix, or one the text does not have: 422, nothing changed
    let none = s.handle(&Request {
        method: "POST",
        path: "/cardlint/fix",
        query: "endpoint=card%2Fcode%2Fconsume&code=TYPE001&line=1&column=1",
        body: text.as_bytes(),
    });
    assert_eq!(none.status, 422, "{}", none.body);
    // explain with the request: the cause its finding shows is found and ranked first
    let e = call(
        &s,
        "POST",
        "/cardlint/explain",
        "q=40053&endpoint=card%2Fcode%2Fconsume",
        text,
    );
    assert_eq!(e["causes"][0]["found"], true, "{e}");
    assert!(
        e["causes"][0]["rules"].to_string().contains("TYPE002"),
        "{e}"
    );
    // a pasted cardExt: its signature recomputed with the ticket
    let ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3";
    let input = CardExtInput {
        api_ticket: ticket.into(),
        card_id: "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K".into(),
        timestamp: "1795000000".into(),
        nonce_str: "n0nce".into(),
        ..CardExtInput::default()
    };
    let good = card_ext_json(&input);
    let check = |card_ext: &str| {
        let body = json!({"api_ticket": ticket, "card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K",
            "card_ext": card_ext});
        call(
            &s,
            "POST",
            "/cardlint/sign/card-ext/check",
            "",
            &body.to_string(),
        )
    };
    let codes = |doc: &Value| doc["files"][0]["findings"].to_string();
    assert!(!codes(&check(&good)).contains("EXT008"), "{}", check(&good));
    let wrong = good.replace("1795000000", "1795000001");
    let doc = check(&wrong);
    assert!(codes(&doc).contains("EXT008"), "{doc}");
    assert!(!doc.to_string().contains(ticket));
}

/// What the inspector reads: the requests the sandbox answered (newest first, tokens masked,
/// its own page calls left out) and the cards with their codes and QR tickets.
#[test]
fn the_journal_and_the_state_show_what_the_sandbox_did() {
    let s = sandbox();
    let mut broken = groupon();
    broken["card"]["groupon"]["base_info"]["sku"]["quantity"] = json!("100");
    let token = "access_token=TOKEN_OF_THE_TEST";
    call(&s, "POST", "/card/create", token, &broken.to_string());
    let created = call(&s, "POST", "/card/create", token, &groupon().to_string());
    let card_id = created["card_id"].as_str().unwrap().to_string();
    let qr = json!({"action_name": "QR_CARD", "action_info": {"card": {"card_id": card_id}}});
    let ticket = call(&s, "POST", "/card/qrcode/create", token, &qr.to_string())["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    call(&s, "POST", "/cardlint/check", "", "{}");
    let scan = json!({"ticket": ticket, "openid": "o_the_user"});
    assert_eq!(
        errcode(&call(&s, "POST", "/cardlint/scan", "", &scan.to_string())),
        0
    );

    let all = call(&s, "GET", "/cardlint/requests", "", "");
    assert!(!all.to_string().contains("TOKEN_OF_THE_TEST"), "{all}");
    let requests = all["requests"].as_array().unwrap();
    let paths: Vec<&str> = requests
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/cardlint/scan",
            "/card/qrcode/create",
            "/card/create",
            "/card/create"
        ],
        "newest first, the page's own calls left out"
    );
    let refused = &requests[3];
    assert_eq!(refused["errcode"], 40053);
    assert_eq!(refused["endpoint"], "card/create");
    assert!(
        refused["codes"].to_string().contains("TYPE001"),
        "{refused}"
    );
    assert!(refused["answer"]["cardlint"]["files"][0]["findings"].is_array());
    let last = all["last"].as_u64().unwrap();
    let none = call(
        &s,
        "GET",
        "/cardlint/requests",
        &format!("after={last}"),
        "",
    );
    assert_eq!(none["requests"].as_array().unwrap().len(), 0);

    let state = call(&s, "GET", "/cardlint/state", "", "");
    let card = &state["cards"][0];
    assert_eq!(card["card_id"], card_id.as_str(), "{state}");
    assert_eq!(card["card_type"], "GROUPON");
    assert_eq!(card["codes"][0]["openid"], "o_the_user");
    assert_eq!(card["codes"][0]["status"], "NORMAL");
    assert_eq!(state["qrs"][0]["ticket"], ticket.as_str());
    assert_eq!(state["qrs"][0]["card_id"], card_id.as_str());
}

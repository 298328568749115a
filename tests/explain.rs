//! `cardlint explain`: the catalogue's size and links to the rules, the seed's causes for the
//! classic errcodes, responses with hints, symptoms, and ranking next to the failed request.

mod common;

use assert_cmd::Command;
use cardlint::explain;
use serde_json::Value;

fn cardlint() -> Command {
    let mut c = Command::cargo_bin("cardlint").unwrap();
    c.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c.current_dir(common::root());
    c
}

fn explain_json(args: &[&str]) -> Value {
    let out = cardlint()
        .arg("explain")
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn catalogue_is_large_bilingual_and_linked_to_existing_rules() {
    let cat = explain::catalogue();
    assert!(cat.code.len() >= 120, "{} codes", cat.code.len());
    let mut seen = std::collections::BTreeSet::new();
    for c in &cat.code {
        assert!(seen.insert(c.errcode), "{} twice", c.errcode);
        assert!(!c.meaning.is_empty(), "{} has no meaning", c.errcode);
        for m in &c.meaning {
            assert!(
                !m.zh.trim().is_empty() && !m.en.trim().is_empty(),
                "{}",
                c.errcode
            );
            assert!(["mp", "wecom", "miniprogram"].contains(&m.platform.as_str()));
        }
        for cause in &c.cause {
            for r in &cause.rules {
                assert!(
                    cardlint::registry::lookup(r).is_some(),
                    "{}: unknown rule {r}",
                    c.errcode
                );
            }
        }
    }
    for s in &cat.symptom {
        for cause in &s.cause {
            for r in &cause.rules {
                assert!(
                    cardlint::registry::lookup(r).is_some(),
                    "{}: unknown rule {r}",
                    s.id
                );
            }
        }
    }
    for rule in cardlint::registry::all() {
        for e in &rule.errcodes {
            assert!(
                explain::code(*e).is_some(),
                "{} names errcode {e}, not in the catalogue",
                rule.code
            );
        }
    }
}

#[test]
fn collisions_carry_every_platform_meaning_card_first() {
    for code in [
        "40056", "40072", "40080", "41011", "45009", "45033", "47001", "50003",
    ] {
        let e = explain_json(&[code]);
        let meanings = e["meanings"].as_array().unwrap();
        assert!(meanings.len() >= 2, "{code}: {meanings:?}");
        assert_eq!(meanings[0]["platform"], "mp", "{code}");
    }
    let e = explain_json(&["40056", "--platform", "wecom"]);
    assert_eq!(e["meanings"].as_array().unwrap().len(), 1);
    assert_eq!(e["meanings"][0]["platform"], "wecom");
}

#[test]
fn the_seed_causes_come_first_for_the_classic_codes() {
    // (errcode, a rule its seed causes link to, a word of the first cause in zh)
    for (code, rule, zh) in [
        ("40053", "TYPE001", "引号"),
        ("47001", "CARD003", "时间"),
        ("48001", "", "权限"),
        ("42005", "", "appid"),
    ] {
        for lang in ["zh", "en"] {
            let out = cardlint()
                .args(["--lang", lang, "explain", code, "-f", "json"])
                .output()
                .unwrap();
            let e: Value = serde_json::from_slice(&out.stdout).unwrap();
            let causes = e["causes"].as_array().unwrap();
            assert!(!causes.is_empty(), "{code}");
            for c in causes {
                assert!(!c["fix"].as_str().unwrap().is_empty());
            }
            if !rule.is_empty() {
                assert!(
                    causes
                        .iter()
                        .any(|c| c["rules"].as_array().unwrap().iter().any(|r| r == rule)),
                    "{code}: no cause links {rule}"
                );
            }
            if lang == "zh" {
                let all: String = causes
                    .iter()
                    .map(|c| c["cause"].as_str().unwrap())
                    .collect();
                assert!(all.contains(zh), "{code}: {all}");
            }
        }
    }
}

#[test]
fn language_is_chosen() {
    let en = cardlint()
        .args(["--lang", "en", "explain", "40099"])
        .output()
        .unwrap();
    let zh = cardlint()
        .args(["--lang", "zh", "explain", "40099"])
        .output()
        .unwrap();
    let (en, zh) = (
        String::from_utf8(en.stdout).unwrap(),
        String::from_utf8(zh.stdout).unwrap(),
    );
    assert!(en.contains("Meaning") && !en.contains("含义"), "{en}");
    assert!(zh.contains("含义"), "{zh}");
}

#[test]
fn a_response_with_a_hint() {
    let e = explain_json(&[r#"{"errcode":40056,"errmsg":"invalid serial code hint: [Xy12]"}"#]);
    assert_eq!(e["errcode"], 40056);
    assert_eq!(e["hint"], "Xy12");
    assert_eq!(e["errmsg"], "invalid serial code");
    let causes = e["causes"].as_array().unwrap();
    assert!(
        causes.iter().any(|c| c["cause"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("deposit")),
        "{causes:#?}"
    );
    // from stdin too
    let out = cardlint()
        .args(["explain", "-", "-f", "json"])
        .write_stdin(r#"{"errcode":40056,"errmsg":"invalid serial code hint: [Xy12]"}"#)
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["hint"],
        "Xy12"
    );
}

#[test]
fn signature_error_symptom() {
    let out = cardlint()
        .args(["--lang", "en", "explain", "签名错误"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in ["EXT008", "EXT001", "cardlint sign", "--api-ticket"] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
    let e = explain_json(&["iOS 不行"]);
    assert!(
        e["causes"][0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "EXT001"),
        "{e:#}"
    );
}

#[test]
fn unknown_errcode_is_exit_2_with_nearby_codes() {
    cardlint()
        .args(["explain", "40054"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("40053"));
}

#[test]
fn next_to_the_request_the_matching_finding_comes_first() {
    let dir = std::env::temp_dir().join(format!("cardlint-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let req = dir.join("qr.json");
    std::fs::write(
        &req,
        r#"{"action_name": "QR_CARD", "expire_seconds": "1800", "action_info": {"multiple_card": {"card_list": [{"card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}]}}}"#,
    )
    .unwrap();
    let e = explain_json(&["40053", "--request", req.to_str().unwrap()]);
    assert_eq!(e["findings"][0]["code"], "QR001", "{e:#}");
    assert_eq!(e["causes"][0]["found"], true);
}

#[test]
fn an_http_file_holding_request_and_response() {
    let dir = std::env::temp_dir().join(format!("cardlint-explain-http-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("consume.http");
    std::fs::write(
        &file,
        "POST https://api.weixin.qq.com/card/code/consume?access_token=TOKEN_SECRET_1\n\n{\"code\": 1434008071, \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"errcode\":40053,\"errmsg\":\"invalid action info, please check document hint: [aB9] rid: 64f0\"}\n",
    )
    .unwrap();
    let out = cardlint()
        .args(["explain", "-f", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("TOKEN_SECRET_1"));
    let e: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(e["hint"], "aB9");
    assert_eq!(e["findings"][0]["code"], "TYPE002", "{e:#}");
}

#[test]
fn a_field_named_in_the_errmsg_is_pointed_out() {
    assert_eq!(
        explain::field_in("invalid card id").as_deref(),
        Some("card_id")
    );
    assert_eq!(
        explain::field_in("invalid serial code").as_deref(),
        Some("code")
    );
    assert_eq!(explain::field_in("system error"), None);
}

/// `tests/failure-corpus/`: real failures (the request sent, WeChat's answer, the cause the
/// source names); the cause must rank no lower than `expect.toml` records.
#[test]
fn real_failures_keep_their_cause_in_place() {
    #[derive(serde::Deserialize)]
    struct Pair {
        endpoint: String,
        cause_rule: String,
        rank: usize,
    }
    let dir = common::root().join("tests/failure-corpus");
    let text = std::fs::read_to_string(dir.join("expect.toml")).unwrap();
    let pairs: std::collections::BTreeMap<String, Pair> = toml::from_str(&text).unwrap();
    assert!(!pairs.is_empty());
    let mut problems = Vec::new();
    for (name, pair) in &pairs {
        let response = std::fs::read_to_string(dir.join(format!("{name}.response.json"))).unwrap();
        let request = format!("tests/failure-corpus/{name}.request.json");
        let e = explain_json(&[
            response.trim(),
            "--request",
            &request,
            "-e",
            &pair.endpoint,
            "--lang",
            "en",
        ]);
        let rank = e["causes"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| {
                c["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == pair.cause_rule.as_str())
            })
            .map_or(0, |i| i + 1);
        if pair.rank > 0 && (rank == 0 || rank > pair.rank) {
            problems.push(format!(
                "{name}: {} ranks {rank}, expected {} or better",
                pair.cause_rule, pair.rank
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn error_before_is_found_in_the_request_and_its_finding_comes_first() {
    let e = explain_json(&[
        r#"{"errcode":47001,"errmsg":"data format error hint: [_U0zEa0644e569] Error before \":0,\"balance_url\":null,\"custom_field1\":null,\"custom_field2\":null,\"custom_field3\":null,\"custom_cell1\":null,\"backgrou...\""}"#,
        "--request",
        "tests/failure-corpus/senparc-issue479-47001.request.json",
        "--lang",
        "en",
    ]);
    assert_eq!(
        e["error_before"],
        r#":0,"balance_url":null,"custom_field1":null,"custom_field2":null,"custom_field3":null,"custom_cell1":null,"backgrou"#
    );
    assert_eq!(e["stopped_at"]["line"], 4);
    assert_eq!(e["stopped_at"]["column"], 26);
    assert_eq!(e["findings"][0]["code"], "SCHEMA003");
    assert_eq!(
        e["findings"][0]["pointer"],
        "/member_card/init_increase_bonus"
    );
    assert_eq!(e["causes"][0]["rules"][0], "SCHEMA003");
}

#[test]
fn a_signature_error_is_checked_against_the_request_with_the_ticket() {
    let args = [
        "签名错误",
        "--request",
        "tests/failure-corpus/easywechat-issue1096-sign.request.json",
        "--lang",
        "en",
    ];
    let codes = |e: &Value| -> Vec<String> {
        e["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    // without the ticket the signature cannot be recomputed
    let without = explain_json(&args);
    assert!(!codes(&without).contains(&"EXT008".to_string()));
    let mut with = args.to_vec();
    with.extend(["--api-ticket", "API_TICKET_PLACEHOLDER"]);
    let e = explain_json(&with);
    assert!(codes(&e).contains(&"EXT008".to_string()), "{e:#}");
    assert_eq!(e["causes"][0]["found"], true);
    assert!(!e.to_string().contains("API_TICKET_PLACEHOLDER"));
}

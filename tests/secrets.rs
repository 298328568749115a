//! Secrets never leave cardlint: access tokens, tickets and app secrets in a request are
//! masked in every output format, in explain, and sign never prints the ticket.

mod common;

use assert_cmd::Command;

const SECRETS: &[&str] = &[
    "TOKENtoken1234567",
    "APITICKETvalue98765",
    "JSAPITICKETvalue55",
    "APPSECRETvalue4242",
    "WXCARDTICKET0001",
];

fn cardlint(dir: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("cardlint").unwrap();
    c.current_dir(dir).env_remove("LANG").env_remove("LC_ALL");
    c
}

fn assert_clean(what: &str, out: &std::process::Output) {
    for s in SECRETS {
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(s), "{what} leaks {s} on {stream}:\n{text}");
        }
    }
}

#[test]
fn no_output_carries_a_secret() {
    let dir = std::env::temp_dir().join(format!("cardlint-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let card_ext = r#"{\"api_ticket\":\"APITICKETvalue98765\",\"timestamp\":\"1767236521\",\"signature\":\"2c489c2d530849d8ebc2d3f049c852d3aa606484\"}"#;
    std::fs::write(
        dir.join("add.http"),
        format!(
            "POST https://api.weixin.qq.com/card/qrcode/create?access_token=TOKENtoken1234567\n\n{{\"cardList\": [{{\"cardId\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\", \"cardExt\": \"{card_ext}\"}}], \"jsapi_ticket\": \"JSAPITICKETvalue55\", \"appsecret\": \"APPSECRETvalue4242\"}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("obj.json"),
        r#"{"cardList": [{"cardId": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K", "cardExt": {"api_ticket": "APITICKETvalue98765", "timestamp": "1", "signature": "x"}}]}"#,
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github", "junit", "gitlab"] {
        let out = cardlint(&dir)
            .args([
                "check",
                "-f",
                format,
                "-e",
                "wx.addCard",
                "--api-ticket",
                "WXCARDTICKET0001",
                "add.http",
                "obj.json",
            ])
            .output()
            .unwrap();
        assert_clean(format, &out);
    }
    for args in [
        vec!["check", "--diff", "-e", "wx.addCard", "obj.json"],
        vec!["explain", "40080", "--request", "add.http"],
        vec!["explain", "40080", "--request", "add.http", "-f", "json"],
        vec![
            "sign",
            "card-ext",
            "--card-id",
            "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K",
            "--api-ticket",
            "WXCARDTICKET0001",
        ],
        vec![
            "sign",
            "choose-card",
            "--appid",
            "wx1",
            "--api-ticket",
            "WXCARDTICKET0001",
        ],
    ] {
        let out = cardlint(&dir).args(&args).output().unwrap();
        assert_clean(&args.join(" "), &out);
    }
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cardlint-secrets-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A wx.addCard body whose fixes rewrite secret values: a bare appsecret (quoted by the fix),
/// typographic quotes around a jsapi_ticket and inside a cardExt string around an api_ticket.
const FIXABLE: &str = "{\"cardList\": [{\"cardId\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\", \"cardExt\": \"{\\\"api_ticket\\\": “APITICKETvalue98765”, \\\"timestamp\\\": \\\"1767236521\\\"}\"}], \"appsecret\": APPSECRETvalue4242, \"jsapi_ticket\": “JSAPITICKETvalue55”}\n";

/// Item 12: the replacements of fixes (`--format json`) and the sandbox's `cardlint` field
/// carry no secret, also where the secret sits inside a cardExt string.
#[test]
fn fix_replacements_and_sandbox_answers_mask_secrets() {
    let dir = tempdir("fixes");
    std::fs::write(dir.join("add.json"), FIXABLE).unwrap();
    let out = cardlint(&dir)
        .args(["check", "-f", "json", "-e", "wx.addCard", "add.json"])
        .output()
        .unwrap();
    assert_clean("json", &out);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let replacements: Vec<String> = doc["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["fix"]["edits"].as_array().cloned().unwrap_or_default())
        .map(|e| e["replacement"].as_str().unwrap().to_string())
        .collect();
    assert!(
        replacements.iter().any(|r| r.contains("**********")),
        "{replacements:?}"
    );

    let sandbox = cardlint::serve::Sandbox::new(cardlint::serve::Config::default());
    let body = FIXABLE.replace("cardList", "card");
    for (path, body) in [
        ("card/create", body.as_str()),
        ("card/qrcode/create", FIXABLE),
    ] {
        let answer = sandbox.handle(&cardlint::serve::Request {
            method: "POST",
            path,
            query: "access_token=TOKENtoken1234567",
            body: body.as_bytes(),
        });
        for s in SECRETS {
            assert!(
                !answer.body.contains(s),
                "{path} answers {s}:\n{}",
                answer.body
            );
        }
        let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        assert!(v["cardlint"]["files"][0]["findings"].is_array(), "{v}");
    }
}

/// Item 13: an array value, a REST Client `@token = …` variable, a file name with
/// `ticket=…` are masked in every format.
#[test]
fn arrays_http_variables_and_paths_are_masked() {
    let dir = tempdir("smaller");
    std::fs::write(
        dir.join("vars.http"),
        "@token = TOKENtoken1234567\n@host = https://api.weixin.qq.com\n\nPOST {{host}}/card/code/get?access_token={{token}}\n\n{\"code\": 1434008071, \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("array.json"),
        "{\"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\", \"code\": 1434008071, \"access_token\": [\"TOKENtoken1234567\", 'APPSECRETvalue4242']}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ticket=WXCARDTICKET0001.json"),
        "{\"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\", \"code\": 1434008071}\n",
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github", "junit", "gitlab"] {
        let out = cardlint(&dir)
            .args(["check", "-f", format, "-e", "card/code/get", "."])
            .output()
            .unwrap();
        assert_clean(format, &out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("ticket="),
            "{format}: the path's key stays\n{stdout}"
        );
    }
}

/// Item 14: masking changes values only: JUnit stays XML, help and explain texts read as
/// written (placeholders such as ACCESS_TOKEN are no secrets).
#[test]
fn masking_keeps_words_and_documents_valid() {
    let dir = tempdir("words");
    std::fs::write(dir.join("add.json"), FIXABLE).unwrap();
    let run = |args: &[&str]| {
        let out = cardlint(&dir).args(args).output().unwrap();
        assert_clean(&args.join(" "), &out);
        String::from_utf8(out.stdout).unwrap()
    };
    let explain = run(&["explain", "41001"]);
    assert!(explain.contains("?access_token=ACCESS_TOKEN"), "{explain}");
    let junit = run(&["check", "-f", "junit", "-e", "wx.addCard", "add.json"]);
    let doc = roxmltree::Document::parse(&junit).unwrap_or_else(|e| panic!("{e}\n{junit}"));
    let messages: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("message"))
        .collect();
    assert!(
        messages.contains(&"card_ext carries api_ticket"),
        "{messages:?}"
    );
    let human = run(&["check", "-e", "wx.addCard", "add.json"]);
    assert!(human.contains("Remove api_ticket from card_ext"), "{human}");
    for format in ["json", "sarif", "gitlab"] {
        let text = run(&["check", "-f", format, "-e", "wx.addCard", "add.json"]);
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{format}: {e}"));
    }
    let explain = run(&["explain", "40080", "--request", "add.json", "-f", "json"]);
    serde_json::from_str::<serde_json::Value>(&explain).unwrap();
}

/// `url --fix` prints the repaired URL with its credential masked and says so on stderr; the
/// URL's own check names the leak (URL008).
#[test]
fn url_fix_prints_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "https://m.example.com/card.html?access_token={}&id=1",
        SECRETS[0]
    );
    let out = cardlint(dir.path())
        .args(["url", "--fix", &url])
        .output()
        .unwrap();
    assert_clean("url --fix", &out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("access_token=*") && stdout.contains("wechat_card_js=1"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("masked"));
    let out = cardlint(dir.path())
        .args(["url", "-f", "json", &url])
        .output()
        .unwrap();
    assert_clean("url", &out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("URL008"));
}

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
            "POST https://api.weixin.qq.com/card/qrcode/create?access_token=TOKENtoken1234567\n\n{{\"cardList\": [{{\"cardId\": \"pFS7Fjg8kV1IdDz01r4SQwMkuCKc\", \"cardExt\": \"{card_ext}\"}}], \"jsapi_ticket\": \"JSAPITICKETvalue55\", \"appsecret\": \"APPSECRETvalue4242\"}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("obj.json"),
        r#"{"cardList": [{"cardId": "pFS7Fjg8kV1IdDz01r4SQwMkuCKc", "cardExt": {"api_ticket": "APITICKETvalue98765", "timestamp": "1", "signature": "x"}}]}"#,
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
            "pFS7Fjg8kV1IdDz01r4SQwMkuCKc",
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

//! Secrets, as a property: for every kind of credential (access tokens, api and jsapi tickets,
//! app secrets, in each spelling of their key) in every place a payload can carry one (a JSON
//! value, bare or quoted any way, an array item, a nested key, the URL of an .http request, a
//! REST Client `@name = …` variable, a cardExt string or object, the file name), no output
//! prints any part of the secret: the six report formats (in-process, with and without the
//! source text, as the CLI holds it), `--diff`, `explain`, the sandbox's answers and its log.
//! And every machine format stays valid: SARIF against the official 2.1.0 schema (formats
//! checked), JSON and GitLab as JSON, JUnit as XML.

mod common;

use cardlint::report::{self, Outcome};
use cardlint::{Lang, Options};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// Keys whose values are credentials, as payloads spell them.
const KINDS: &[&str] = &[
    "access_token",
    "component_access_token",
    "api_ticket",
    "apiTicket",
    "jsapi_ticket",
    "ticket",
    "appsecret",
    "app_secret",
    "appSecret",
    "secret",
    "ACCESS_TOKEN",
];

/// Places a payload carries a credential.
#[derive(Clone, Copy, Debug)]
enum Place {
    Quoted,
    Bare,
    Array,
    Typographic,
    SingleQuoted,
    Nested,
    Url,
    Variable,
    CardExtString,
    CardExtObject,
    FileName,
}

const PLACES: &[Place] = &[
    Place::Quoted,
    Place::Bare,
    Place::Array,
    Place::Typographic,
    Place::SingleQuoted,
    Place::Nested,
    Place::Url,
    Place::Variable,
    Place::CardExtString,
    Place::CardExtObject,
    Place::FileName,
];

/// A value no output could show by chance: letters and digits drawn from a fixed-seed
/// generator, mixed case (so that it is never taken for a placeholder such as ACCESS_TOKEN).
fn secret(seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::from("Sk");
    for _ in 0..18 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push(ALPHABET[(x >> 33) as usize % ALPHABET.len()] as char);
    }
    out
}

const CARD: &str = "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K";

/// One input: its file name, its bytes, the endpoint to lint it as (None: from the file), the
/// secret it carries.
struct Case {
    name: String,
    text: String,
    endpoint: Option<&'static str>,
    secret: String,
}

fn case(kind_index: usize, place: Place) -> Case {
    let k = KINDS[kind_index];
    let v = secret(kind_index as u64 * 100 + place as u64);
    // every body also has an unquoted code (a fix) and a trailing comma (a syntax error)
    let body =
        |member: &str| format!("{{\"card_id\": \"{CARD}\", \"code\": 1434008071, {member},}}\n");
    let stem = format!("{k}-{place:?}");
    let json = |member: String| (format!("{stem}.json"), body(&member), Some("card/code/get"));
    let (name, text, endpoint) = match place {
        Place::Quoted => json(format!("\"{k}\": \"{v}\"")),
        Place::Bare => json(format!("\"{k}\": {v}")),
        Place::Array => json(format!("\"{k}\": [\"{v}\", 1]")),
        Place::Typographic => json(format!("\"{k}\"： “{v}”")),
        Place::SingleQuoted => json(format!("'{k}': '{v}'")),
        Place::Nested => json(format!("\"outer\": {{\"{k}\": \"{v}\"}}")),
        Place::Url => (
            format!("{stem}.http"),
            format!(
                "POST https://api.weixin.qq.com/card/code/get?{k}={v}&x=1\n\n{}",
                body("\"a\": 1")
            ),
            None,
        ),
        Place::Variable => (
            format!("{stem}.http"),
            format!(
                "@{k} = {v}\n@host = https://api.weixin.qq.com\n\nPOST {{{{host}}}}/card/code/get?access_token={{{{{k}}}}}\n\n{}",
                body("\"a\": 1")
            ),
            None,
        ),
        Place::CardExtString => (
            format!("{stem}.json"),
            format!(
                "{{\"cardList\": [{{\"cardId\": \"{CARD}\", \"cardExt\": \"{{\\\"{k}\\\": “{v}”, \\\"timestamp\\\": 1767236521}}\"}}],}}\n"
            ),
            Some("wx.addCard"),
        ),
        Place::CardExtObject => (
            format!("{stem}.json"),
            format!(
                "{{\"cardList\": [{{\"cardId\": \"{CARD}\", \"cardExt\": {{\"{k}\": \"{v}\", \"timestamp\": \"1767236521\"}}}}]}}\n"
            ),
            Some("wx.addCard"),
        ),
        Place::FileName => (
            format!("{k}={v}.json"),
            body("\"a\": 1"),
            Some("card/code/get"),
        ),
    };
    Case {
        name,
        text,
        endpoint,
        secret: v,
    }
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for k in 0..KINDS.len() {
        for p in PLACES {
            out.push(case(k, *p));
        }
    }
    out
}

/// Fails when `out` shows the secret or any six characters of it in a row.
fn assert_hidden(what: &str, secret: &str, out: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(6) {
        let part: String = w.iter().collect();
        if let Some(at) = out.find(&part) {
            let from = out[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
            let to = (at + 120).min(out.len());
            let to = (to..=out.len()).find(|i| out.is_char_boundary(*i)).unwrap();
            panic!("{what} shows {part} of {secret}:\n…{}…", &out[from..to]);
        }
    }
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Every machine format parses (SARIF also against its schema).
fn assert_valid(format: &str, what: &str, out: &str, sarif: &jsonschema::Validator) {
    match format {
        "json" | "gitlab" => {
            serde_json::from_str::<Value>(out)
                .unwrap_or_else(|e| panic!("{what}: {format} is not JSON: {e}\n{out}"));
        }
        "sarif" => {
            let doc: Value = serde_json::from_str(out)
                .unwrap_or_else(|e| panic!("{what}: SARIF is not JSON: {e}\n{out}"));
            let errors: Vec<String> = sarif
                .iter_errors(&doc)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{what}: {errors:#?}");
        }
        "junit" => {
            roxmltree::Document::parse(out)
                .unwrap_or_else(|e| panic!("{what}: JUnit is not XML: {e}\n{out}"));
        }
        _ => {}
    }
}

fn writer(format: &str) -> Box<dyn report::Stream> {
    match format {
        "human" => Box::new(report::human::Human::new(report::human::Style {
            color: false,
            width: 100,
            lang: Lang::En,
        })),
        "json" => Box::new(report::json::Json::default()),
        "sarif" => Box::new(report::sarif::Sarif::new(Lang::En)),
        "github" => Box::new(report::github::Github::default()),
        "junit" => Box::new(report::junit::Junit::default()),
        "gitlab" => Box::new(report::gitlab::Gitlab::default()),
        _ => unreachable!(),
    }
}

const FORMATS: &[&str] = &["human", "json", "sarif", "github", "junit", "gitlab"];

/// In-process: each case through each format, with its text and (as the CLI writes machine
/// formats) without it, and as an input that could not be read.
#[test]
fn no_report_format_shows_a_secret_and_machine_formats_stay_valid() {
    let sarif = sarif_validator();
    for c in cases() {
        let options = Options {
            endpoint: c.endpoint.map(str::to_string),
            lang: Some(Lang::En),
            now: Some(common::NOW),
            ..Options::default()
        };
        let lint = || {
            cardlint::lint_bytes(&options, &c.name, c.text.as_bytes())
                .unwrap_or_else(|e| panic!("{}: {e}", c.name))
        };
        let report = lint();
        assert!(
            report.findings.iter().any(|f| f.fix.is_some()),
            "{} has no fix to report",
            c.name
        );
        let mut textless = lint();
        textless.source.text = String::new();
        let failed = Outcome::Failed {
            path: c.name.clone(),
            error: format!("{}: cannot read (No such file or directory)", c.name),
        };
        let outcomes = [Outcome::Checked(report), Outcome::Checked(textless), failed];
        for format in FORMATS {
            let out = report::render(&mut *writer(format), &outcomes, &[]);
            let what = format!("{format} of {}", c.name);
            assert_hidden(&what, &c.secret, &out);
            assert_valid(format, &what, &out, &sarif);
        }
    }
}

fn tempdir(tag: &str) -> PathBuf {
    common::tempdir(tag)
}

fn cardlint(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("cardlint")
        .unwrap()
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .args(args)
        .output()
        .unwrap()
}

/// The command line: every case in one folder, each format, `--diff`, and `explain` with
/// each case as its request (text and JSON).
#[test]
fn no_command_prints_a_secret() {
    let dir = tempdir("secrets-property");
    let cases = cases();
    for c in &cases {
        std::fs::write(dir.join(&c.name), &c.text).unwrap();
    }
    let sarif = sarif_validator();
    let all = |out: &std::process::Output, what: &str| {
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        for c in &cases {
            assert_hidden(what, &c.secret, &text);
        }
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    for format in FORMATS {
        let out = cardlint(&dir, &["check", "-f", format, "."]);
        assert!(matches!(out.status.code(), Some(0..=2)), "{out:?}");
        let stdout = all(&out, format);
        assert_valid(format, format, &stdout, &sarif);
    }
    let out = cardlint(&dir, &["check", "--diff", "."]);
    all(&out, "--diff");
    for c in &cases {
        let mut args = vec!["explain", "40080", "--request", c.name.as_str()];
        if let Some(e) = c.endpoint {
            args.extend(["-e", e]);
        }
        for json in [false, true] {
            let mut args = args.clone();
            if json {
                args.extend(["-f", "json"]);
            }
            let out = cardlint(&dir, &args);
            let what = args.join(" ");
            let text = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            assert_hidden(&what, &c.secret, &text);
            if json && out.status.success() {
                serde_json::from_slice::<Value>(&out.stdout)
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
            }
        }
    }
}

/// The JSON bodies of the cases, as a card API request would carry them.
fn bodies() -> Vec<(String, String)> {
    cases()
        .into_iter()
        .filter(|c| c.name.ends_with(".json"))
        .map(|c| (c.text, c.secret))
        .collect()
}

/// The sandbox in-process: answers (errmsg hints and the `cardlint` field) to every body,
/// sent to its endpoint with the secret in the URL too.
#[test]
fn sandbox_answers_show_no_secret() {
    let sandbox = cardlint::serve::Sandbox::new(cardlint::serve::Config {
        now: Some(common::NOW),
        ..cardlint::serve::Config::default()
    });
    for (i, (body, secret)) in bodies().into_iter().enumerate() {
        let path = if body.contains("cardList") {
            "card/qrcode/create"
        } else {
            "card/code/get"
        };
        let query = format!("access_token={secret}&x={i}");
        let answer = sandbox.handle(&cardlint::serve::Request {
            method: "POST",
            path,
            query: &query,
            body: body.as_bytes(),
        });
        assert_hidden(&format!("{path} answer to {body}"), &secret, &answer.body);
        let v: Value = serde_json::from_str(&answer.body).unwrap();
        assert!(v["errcode"].as_i64().is_some(), "{v}");
    }
}

/// The sandbox as a process: its log of requests whose URL and body carry secrets.
#[test]
fn the_sandbox_log_shows_no_secret() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cardlint"))
        .args(["--lang", "en", "serve", "--addr", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut log = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("\"listening\"") {
                let v: Value = serde_json::from_str(&line).unwrap();
                let addr = v["addr"].as_str().unwrap().trim_start_matches("http://");
                let _ = tx.send(addr.to_string());
            }
            log.push(line);
        }
        log.join("\n")
    });
    let addr = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the server announces its address");
    let cases = cases();
    for (k, c) in cases.iter().enumerate() {
        let key = KINDS[k % KINDS.len()];
        let body = if c.name.ends_with(".json") {
            c.text.clone()
        } else {
            "{\"card_id\": 1}".to_string()
        };
        let request = format!(
            "POST /card/code/get?{key}={}&x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            c.secret,
            body.len()
        );
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert_hidden(&format!("answer to {}", c.name), &c.secret, &answer);
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let log = reader.join().unwrap();
    assert!(log.contains("/card/code/get"), "{log}");
    for c in &cases {
        assert_hidden("the sandbox log", &c.secret, &log);
    }
}

//! CI-facing behaviour: SARIF (against the official 2.1.0 schema), GitHub annotations, JUnit
//! and GitLab output, the config file, baselines, .gitignore and large parallel runs.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn cardlint_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("cardlint").unwrap();
    c.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c.current_dir(dir);
    c
}

fn tempdir(tag: &str) -> PathBuf {
    common::tempdir(tag)
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const CONSUME_BAD: &str =
    "{\n  \"code\": 1434008071,\n  \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"\n}\n";
const CONSUME_OK: &str =
    "{\n  \"code\": \"1434008071\",\n  \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"\n}\n";

fn two_bad_files() -> PathBuf {
    let dir = tempdir("two");
    write(
        &dir,
        "a/consume.http",
        &format!(
            "POST https://api.weixin.qq.com/card/code/consume?access_token=T\n\n{CONSUME_BAD}"
        ),
    );
    write(
        &dir,
        "b/update.json",
        "{\n  \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",\n  \"code\": \"110201207318\",\n  \"newcode\": \"3495731062\",\n}\n",
    );
    dir
}

#[test]
fn sarif_is_valid_and_agrees_with_the_json_format() {
    let dir = two_bad_files();
    let run = |format: &str| -> Value {
        let out = cardlint_in(&dir)
            .args(["check", "-f", format, "a", "b"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let sarif = run("sarif");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let json = run("json");
    let mut from_json = Vec::new();
    for f in json["files"].as_array().unwrap() {
        for x in f["findings"].as_array().unwrap() {
            from_json.push((
                x["code"].clone(),
                x["line"].clone(),
                x["column"].clone(),
                x["end_line"].clone(),
                x["end_column"].clone(),
            ));
        }
    }
    let from_sarif: Vec<_> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["ruleId"].clone(),
                region["startLine"].clone(),
                region["startColumn"].clone(),
                region["endLine"].clone(),
                region["endColumn"].clone(),
            )
        })
        .collect();
    assert!(!from_json.is_empty());
    assert_eq!(from_json, from_sarif);
    // each result's ruleIndex points at its rule, and fingerprints are stable across runs
    for r in run0["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run0["tool"]["driver"]["rules"][i]["id"], r["ruleId"]);
    }
    assert_eq!(run("sarif")["runs"][0]["results"], run0["results"]);
}

#[test]
fn github_annotations_for_two_files() {
    let dir = two_bad_files();
    let out = cardlint_in(&dir)
        .args(["check", "-f", "github", "a", "b"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=a/consume.http,line=4,col=11,endLine=4,endColumn=21,title=TYPE002 unquoted-string::code is a string and must be quoted: 1434008071 (Quote it: \"1434008071\"; keep any leading zeros)",
            "::error file=b/update.json,line=4,col=3,endLine=4,endColumn=12,title=SCHEMA003 unknown-key::Unknown field newcode; did you mean new_code? (Rename it to new_code; otherwise remove newcode if it is not needed)",
            "::error file=b/update.json,line=4,col=26,endLine=4,endColumn=27,title=JSON001 trailing-comma::Trailing comma after the last element (Delete this comma)",
            "cardlint: 2 file(s), 3 error(s), 0 warning(s), 0 info",
        ]
    );
}

#[test]
fn junit_and_gitlab_formats_and_several_outputs_in_one_run() {
    let dir = two_bad_files();
    cardlint_in(&dir)
        .args([
            "check",
            "-f",
            "junit",
            "-o",
            "report.xml",
            "-f",
            "gitlab",
            "-o",
            "quality.json",
            "-f",
            "json",
            "a",
            "b",
        ])
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert!(
        xml.contains("<testsuites name=\"cardlint\" tests=\"3\" failures=\"3\" errors=\"0\">"),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 3);
    let gl: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("quality.json")).unwrap()).unwrap();
    let issues = gl.as_array().unwrap();
    assert_eq!(issues.len(), 3);
    assert_eq!(issues[0]["location"]["path"], "a/consume.http");
    assert_eq!(issues[0]["location"]["positions"]["begin"]["line"], 4);
    assert_eq!(issues[0]["severity"], "major");
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempdir("failon");
    // only a warning: a \uXXXX-escaped reason
    write(&dir, "w.json", "{\"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\", \"code\": \"1\", \"reason\": \"\\u9000\\u6b3e\"}");
    let run = |extra: &[&str]| {
        cardlint_in(&dir)
            .args(["check", "-e", "card/code/unavailable", "w.json"])
            .args(extra)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&[]), Some(0));
    assert_eq!(run(&["--fail-on", "warning"]), Some(1));
    assert_eq!(run(&["--fail-on", "never", "--select", "JSON"]), Some(0));
}

#[test]
fn config_file_overrides_severity_paths_ignores_and_endpoints() {
    let dir = tempdir("config");
    // qr/*.json are card/qrcode/create by glob; legacy/ has its own severity; CARD013 is ignored
    write(
        &dir,
        "cardlint.toml",
        r#"
ignore = ["CARD013"]

[rules]
QR003 = "error"

[endpoints]
"qr/*.json" = "card/qrcode/create"

[[overrides]]
files = ["legacy/**"]
rules = { QR003 = "off" }
"#,
    );
    let qr = r#"{"action_name": "QR_CARD", "action_info": {"card": {"card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K", "outer_id": 7}}}"#;
    write(&dir, "qr/poster.json", qr);
    write(&dir, "legacy/qr/old.json", qr);
    let out = cardlint_in(&dir)
        .args([
            "check",
            "-f",
            "json",
            "qr/poster.json",
            "legacy/qr/old.json",
            "-e",
            "card/qrcode/create",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = |i: usize| -> Vec<(String, String)> {
        doc["files"][i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().into(),
                    f["severity"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    // QR003 is a warning by default, an error by the config, and off under legacy/
    assert_eq!(codes(0), [("QR003".to_string(), "error".to_string())]);
    assert!(codes(1).is_empty(), "{:?}", codes(1));
    assert_eq!(out.status.code(), Some(1));
    // the endpoint glob: without -e, qr/poster.json is still checked as a QR request
    let out = cardlint_in(&dir)
        .args(["check", "-f", "json", "qr/poster.json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"][0]["endpoint"], "card/qrcode/create");
    // a low stock card: CARD013 is ignored by the config
    let mut cash: Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::root().join("fixtures/endpoints/card.create/valid-cash.json"),
        )
        .unwrap(),
    )
    .unwrap();
    cash["card"]["cash"]["base_info"]["sku"]["quantity"] = 3.into();
    cash["card"]["cash"]["base_info"]["get_limit"] = 1.into();
    write(&dir, "cards/low.json", &cash.to_string());
    let out = cardlint_in(&dir)
        .args(["check", "-f", "json", "cards/low.json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"][0]["findings"], serde_json::json!([]));
    let out = cardlint_in(&dir)
        .args([
            "check",
            "-f",
            "json",
            "--config",
            "/dev/null",
            "cards/low.json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"][0]["findings"][0]["code"], "CARD013");
}

#[test]
fn a_typo_in_the_config_is_a_did_you_mean_error() {
    let dir = tempdir("typo");
    write(&dir, "cardlint.toml", "ignroe = [\"CARD013\"]\n");
    write(&dir, "a.json", CONSUME_OK);
    cardlint_in(&dir)
        .args(["check", "-e", "card/code/consume", "a.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("ignroe").and(predicates::str::contains("ignore")));
    write(&dir, "cardlint.toml", "[rules]\nCARD0133 = \"off\"\n");
    cardlint_in(&dir)
        .args(["check", "-e", "card/code/consume", "a.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("CARD013"));
}

use predicates::prelude::PredicateBooleanExt;

#[test]
fn baselines_accept_known_findings_and_report_stale_ones() {
    let dir = tempdir("baseline");
    write(&dir, "t/one.json", CONSUME_BAD);
    write(&dir, "t/two.json", CONSUME_BAD);
    let check = || {
        let out = cardlint_in(&dir)
            .args(["check", "-e", "card/code/consume", "-f", "json", "t"])
            .output()
            .unwrap();
        (
            out.status.code(),
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        )
    };
    assert_eq!(check().0, Some(1));
    cardlint_in(&dir)
        .args(["check", "-e", "card/code/consume", "--write-baseline", "t"])
        .assert()
        .code(0);
    assert!(dir.join(".cardlint-baseline.json").is_file());
    let (code, doc) = check();
    assert_eq!(code, Some(0));
    assert_eq!(doc["summary"]["errors"], 0);
    // a new problem in one file is reported, the accepted one is not
    write(
        &dir,
        "t/one.json",
        "{\n  \"code\": 1434008071,\n  \"card_id\": 42\n}\n",
    );
    let (code, doc) = check();
    assert_eq!(code, Some(1));
    let findings: Vec<&Value> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .collect();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["pointer"], "/card_id");
    // fixing a baselined problem leaves its entry stale
    write(&dir, "t/two.json", CONSUME_OK);
    let (_, doc) = check();
    let stale = doc["stale_baseline"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["path"], "t/two.json");
    assert_eq!(stale[0]["code"], "TYPE002");
}

#[test]
fn gitignored_files_are_skipped_and_big_runs_are_ordered() {
    let dir = tempdir("walk");
    write(&dir, ".gitignore", "ignored/\n*.tmp.json\n");
    write(&dir, "ignored/bad.json", CONSUME_BAD);
    write(&dir, "scratch.tmp.json", CONSUME_BAD);
    for i in 0..2000 {
        let text = if i % 7 == 0 { CONSUME_BAD } else { CONSUME_OK };
        write(&dir, &format!("t/{:02}/p{i:04}.json", i % 13), text);
    }
    let run = || {
        cardlint_in(&dir)
            .args(["check", "-e", "card/code/consume", "-f", "json", "."])
            .output()
            .unwrap()
    };
    let first = run();
    let doc: Value = serde_json::from_slice(&first.stdout).unwrap();
    let paths: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2000);
    assert!(paths
        .iter()
        .all(|p| !p.contains("ignored") && !p.contains(".tmp.")));
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(doc["summary"]["errors"], 286);
    for _ in 0..2 {
        assert_eq!(run().stdout, first.stdout);
    }
}

#[test]
fn init_completions_and_man_page() {
    let dir = tempdir("init");
    cardlint_in(&dir).arg("init").assert().code(0);
    let text = std::fs::read_to_string(dir.join("cardlint.toml")).unwrap();
    assert!(text.contains("[rules]") && text.contains("[[overrides]]"));
    // the starter config loads as it is
    write(&dir, "a.json", CONSUME_OK);
    cardlint_in(&dir)
        .args(["check", "-e", "card/code/consume", "a.json"])
        .assert()
        .code(0);
    cardlint_in(&dir).arg("init").assert().code(2);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        cardlint_in(&dir)
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicates::str::contains("cardlint"));
    }
    cardlint_in(&dir)
        .arg("man")
        .assert()
        .code(0)
        .stdout(predicates::str::contains(".TH"));
}

#[test]
fn stdin_filename_is_matched_by_the_config() {
    let dir = tempdir("stdin");
    write(
        &dir,
        "cardlint.toml",
        "[endpoints]\n\"qr/*.json\" = \"card/qrcode/create\"\n",
    );
    let out = cardlint_in(&dir)
        .args(["check", "-f", "json", "--stdin-filename", "qr/new.json", "-"])
        .write_stdin(r#"{"action_name": "QR_CARD", "action_info": {"card": {"card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}}}"#)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"][0]["path"], "qr/new.json");
    assert_eq!(doc["files"][0]["endpoint"], "card/qrcode/create");
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

/// Item 15: file names that are not URI references as they stand (a colon before any slash
/// reads as a scheme; `%`, spaces, `#`, `?`, CJK and line breaks) are percent-encoded in
/// SARIF, which then passes the 2.1.0 schema with formats checked; JUnit stays well-formed
/// XML with U+FFFF in a file name and in a message.
#[test]
fn sarif_uris_are_percent_encoded_and_junit_stays_xml() {
    let dir = tempdir("names");
    let names = [
        "a:b,c%d.json",
        "sp ace#frag?q.json",
        "卡券.json",
        "cr\rlf\n.json",
        "bad\u{FFFF}.json",
    ];
    for name in names {
        write(&dir, name, "{\"card_id\": 1, \"x\u{FFFF}\": 2,}\n");
    }
    let run = |format: &str| {
        let out = cardlint_in(&dir)
            .args(["check", "-e", "card/get", "-f", format])
            .args(names)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    for want in [
        "a%3Ab,c%25d.json",
        "sp%20ace%23frag%3Fq.json",
        "%E5%8D%A1%E5%88%B8.json",
        "cr%0Dlf%0A.json",
        "bad%EF%BF%BF.json",
    ] {
        assert!(uris.contains(&want), "{want} not in {uris:?}");
    }
    let junit = run("junit");
    let doc = roxmltree::Document::parse(&junit).unwrap_or_else(|e| panic!("{e}\n{junit}"));
    let suites: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert_eq!(suites.len(), names.len());
    // line breaks in a name survive as character references
    assert!(suites.contains(&"cr\rlf\n.json"), "{suites:?}");
    assert!(junit.contains("\\u{ffff}"), "{junit}");
}

/// Item 16: two findings of one rule at one pointer (two comments in one object, two
/// single-quoted strings in one member) get distinct fingerprints in SARIF and GitLab; the
/// fingerprints stay the same from run to run.
#[test]
fn distinct_findings_have_distinct_fingerprints() {
    let dir = tempdir("fingerprints");
    write(
        &dir,
        "comments.json",
        "{\n  \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\", // one\n  \"code\": \"1434008071\" // two\n}\n",
    );
    write(
        &dir,
        "quotes.json",
        "{'card_id': 'pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K', 'code': '1434008071'}\n",
    );
    let run = |format: &str| -> Value {
        let out = cardlint_in(&dir)
            .args([
                "check",
                "-e",
                "card/code/get",
                "-f",
                format,
                "comments.json",
                "quotes.json",
            ])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let distinct = |prints: Vec<String>| {
        let mut unique = prints.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), prints.len(), "{prints:#?}");
        prints
    };
    let sarif = |v: Value| {
        let results = v["runs"][0]["results"].as_array().unwrap().clone();
        assert!(results.len() >= 6, "{results:#?}");
        distinct(
            results
                .iter()
                .map(|r| {
                    r["partialFingerprints"]["cardlint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect(),
        )
    };
    let gitlab = |v: Value| {
        distinct(
            v.as_array()
                .unwrap()
                .iter()
                .map(|i| i["fingerprint"].as_str().unwrap().to_string())
                .collect(),
        )
    };
    assert_eq!(sarif(run("sarif")), sarif(run("sarif")));
    assert_eq!(gitlab(run("gitlab")), gitlab(run("gitlab")));
}

//! `scripts/new-rule` in a copy of rules/, fixtures/ and scripts/: it scaffolds a rule TOML
//! that parses and both fixtures, and refuses (exit 2) a code that exists or is malformed.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn new_rule(root: &Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg("scripts/new-rule")
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn new_rule_scaffolds_a_rule_and_refuses_clashes_and_bad_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for dir in ["rules", "fixtures", "scripts"] {
        copy_dir(&common::root().join(dir), &root.join(dir));
    }

    let out = new_rule(root, &["CARD099", "demo-rule"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("code::CARD099") && stdout.contains("cargo insta review"),
        "{stdout}"
    );

    let source = std::fs::read_to_string(root.join("rules/CARD099-demo-rule.toml")).unwrap();
    let rule: toml::Table = toml::from_str(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
    let field = |key: &str| rule.get(key).and_then(|v| v.as_str());
    assert_eq!(field("code"), Some("CARD099"));
    assert_eq!(field("name"), Some("demo-rule"));
    assert_eq!(field("severity"), Some("warning"));
    assert_eq!(field("fix"), Some("none"));
    assert_eq!(field("check"), Some("rules::TODO"));
    for key in ["errcodes", "symptoms"] {
        assert!(rule.get(key).is_some_and(|v| v.is_array()), "{key}");
    }
    assert!(source.contains("evidence = ["), "{source}");
    for lang in ["zh", "en"] {
        let table = rule.get(lang).and_then(|v| v.as_table()).expect(lang);
        for key in ["message", "why", "help"] {
            let value = table.get(key).and_then(|v| v.as_str()).unwrap_or_default();
            assert!(value.starts_with("TODO"), "[{lang}] {key}: {value:?}");
        }
    }
    for name in ["valid.json", "invalid.json"] {
        let path = root.join("fixtures/CARD099").join(name);
        let bytes = std::fs::read(&path).unwrap();
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(value.get("TODO").is_some(), "{name}: {value}");
    }

    let again = new_rule(root, &["CARD099", "demo-rule"]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("CARD099"));

    let bad = new_rule(root, &["card99", "demo-rule"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(!text(&bad.stderr).is_empty());
    assert!(!root.join("fixtures/card99").exists());
}

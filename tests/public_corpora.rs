//! Two corpora of payloads from public repositories, each `NAME.json` beside a `NAME.src.txt`
//! that names the repository, commit and files it was read from:
//! - `tests/sdk-corpus/`: for each SDK request class, one payload that sets every field the SDK
//!   sends, written the way the SDK serializes it;
//! - `tests/wild-corpus/`: bodies developers wrote by hand in their own applications (PHP arrays,
//!   JS objects, Python dicts, JSON string templates), as their code sends them.
//!
//! A payload must have no error finding but the ones its `expect.toml` lists: those are real
//! mistakes, each with the reason WeChat rejects it, and must still be reported. Anything else
//! at error level is a false positive, the one thing a linter cannot afford.

use cardlint::{Lang, Options, Report, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// "Now" for the corpora, as in the other tests: 2026-11-18 (UTC+8).
const NOW: i64 = 1_795_000_000;

/// One `["file.json"]` table of expect.toml.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    endpoint: String,
    /// `"CODE /json/pointer"` of each real mistake the payload carries.
    findings: Vec<String>,
}

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

fn expectations(dir: &Path) -> BTreeMap<String, Expect> {
    let path = dir.join("expect.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Pages and scripts that call wx.addCard, checked as a page (their `endpoint` is "page").
const PAGE_EXTENSIONS: &[&str] = &["html", "js", "ts", "vue"];

/// The file name without its extension.
fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

fn is_page(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| PAGE_EXTENSIONS.contains(&ext))
}

/// The payload files (`*.json` and pages), sorted.
fn payloads(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || is_page(n))
        .collect();
    names.sort();
    names
}

fn lint(dir: &Path, name: &str, endpoint: &str) -> Report {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let options = Options {
        // a page's calls are found in it, each checked as what it is
        endpoint: (endpoint != "page").then(|| endpoint.to_string()),
        lang: Some(Lang::En),
        now: Some(NOW),
        ..Default::default()
    };
    cardlint::lint_bytes(&options, name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The errors not in expect.toml, and the listed mistakes no longer reported.
fn unexpected_findings(dir: &Path) -> Vec<String> {
    let expect = expectations(dir);
    let mut problems = Vec::new();
    for name in payloads(dir) {
        if !expect.contains_key(&name) {
            problems.push(format!("{name}: no entry in expect.toml"));
        }
    }
    for (name, want) in &expect {
        if !dir.join(name).is_file() {
            problems.push(format!(
                "{name}: listed in expect.toml but not in the corpus"
            ));
            continue;
        }
        let report = lint(dir, name, &want.endpoint);
        let key = |f: &cardlint::Finding| format!("{} {}", f.code, f.pointer);
        for f in &report.findings {
            if f.severity == Severity::Error && !want.findings.contains(&key(f)) {
                problems.push(format!(
                    "{name}: unexpected error {} at {}: {}",
                    f.code, f.pointer, f.message
                ));
            }
        }
        for bug in &want.findings {
            if !report.findings.iter().any(|f| &key(f) == bug) {
                problems.push(format!("{name}: {bug} is no longer reported"));
            }
        }
    }
    problems
}

/// Every payload names its origin (a `.src.txt` with the repository, commit and files), is
/// listed in the corpus's README, and is named `PREFIX-ENDPOINT[-variant].json` after the
/// endpoint it is linted as.
fn unnamed_sources(dir: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let mut problems = Vec::new();
    for (name, want) in expectations(dir) {
        let stem = stem(&name);
        match std::fs::read_to_string(dir.join(format!("{stem}.src.txt"))) {
            Ok(src) => {
                for field in ["repository: https://github.com/", "commit: ", "files:"] {
                    if !src.contains(field) {
                        problems.push(format!("{stem}.src.txt: no `{field}`"));
                    }
                }
            }
            Err(_) => problems.push(format!("{name}: no {stem}.src.txt")),
        }
        if !manifest.contains(&format!("`{name}`")) {
            problems.push(format!("{name}: not in README.md"));
        }
        let endpoint = want.endpoint.replace('/', ".");
        let after_prefix = stem.split_once('-').map(|(_, rest)| rest).unwrap_or("");
        if !(after_prefix == endpoint || after_prefix.starts_with(&format!("{endpoint}-"))) {
            problems.push(format!(
                "{name}: named for another endpoint than {}",
                want.endpoint
            ));
        }
    }
    problems
}

/// The README's table names each payload's real mistakes (its last column) as expect.toml does.
fn table_out_of_date(dir: &Path) -> Vec<String> {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let mut problems = Vec::new();
    for (name, want) in expectations(dir) {
        let mut codes: Vec<&str> = want
            .findings
            .iter()
            .filter_map(|f| f.split(' ').next())
            .collect();
        codes.sort();
        codes.dedup();
        let listed = if codes.is_empty() {
            "—".to_string()
        } else {
            codes.join(", ")
        };
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")));
        match row.and_then(|r| r.trim_end_matches('|').rsplit('|').next()) {
            Some(cell) if cell.trim() == listed => {}
            Some(cell) => problems.push(format!(
                "{name}: the README lists {}, expect.toml {listed}",
                cell.trim()
            )),
            None => problems.push(format!("{name}: no row in README.md's table")),
        }
    }
    problems
}

fn assert_none(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s) in {what}:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn sdk_payloads_have_no_errors_but_their_known_sdk_bugs() {
    assert_none("the SDK corpus", unexpected_findings(&corpus("sdk-corpus")));
}

#[test]
fn sdk_payloads_name_their_source() {
    assert_none("the SDK corpus", unnamed_sources(&corpus("sdk-corpus")));
}

#[test]
fn hand_written_payloads_have_no_errors_but_their_real_mistakes() {
    assert_none(
        "the wild corpus",
        unexpected_findings(&corpus("wild-corpus")),
    );
}

#[test]
fn hand_written_payloads_name_their_source() {
    let dir = corpus("wild-corpus");
    let mut problems = unnamed_sources(&dir);
    problems.extend(table_out_of_date(&dir));
    assert_none("the wild corpus", problems);
}

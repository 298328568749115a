//! The SDK-differential corpus (`tests/sdk-corpus/`): for each SDK request class, one payload
//! that sets every field the SDK sends, written the way the SDK serializes it. A field an SDK
//! sends with the right type must never be an error; the SDK bugs the corpus meets are listed in
//! `tests/sdk-corpus/expect.toml` and must still be reported.

use cardlint::{Lang, Options, Report, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// "Now" for the corpus, as in the other tests: 2026-11-18 (UTC+8).
const NOW: i64 = 1_795_000_000;

/// One `["file.json"]` table of expect.toml.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    endpoint: String,
    /// `"CODE /json/pointer"` of each SDK bug the payload carries.
    findings: Vec<String>,
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sdk-corpus")
}

fn expectations() -> BTreeMap<String, Expect> {
    let path = corpus().join("expect.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The payload files (`*.json`), sorted.
fn payloads(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

fn lint(name: &str, endpoint: &str) -> Report {
    let bytes = std::fs::read(corpus().join(name)).unwrap();
    let options = Options {
        endpoint: Some(endpoint.to_string()),
        lang: Some(Lang::En),
        now: Some(NOW),
        ..Default::default()
    };
    cardlint::lint_bytes(&options, name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn sdk_payloads_have_no_errors_but_their_known_sdk_bugs() {
    let expect = expectations();
    let mut problems = Vec::new();
    for name in payloads(&corpus()) {
        if !expect.contains_key(&name) {
            problems.push(format!("{name}: no entry in expect.toml"));
        }
    }
    for (name, want) in &expect {
        if !corpus().join(name).is_file() {
            problems.push(format!(
                "{name}: listed in expect.toml but not in the corpus"
            ));
            continue;
        }
        let report = lint(name, &want.endpoint);
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
                problems.push(format!("{name}: SDK bug {bug} is no longer reported"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) in the SDK corpus:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every payload names its origin (a `.src.txt` with the repository, commit and the SDK's
/// fields), is listed in the manifest, and is named after the endpoint it is linted as.
#[test]
fn sdk_payloads_name_their_source() {
    let manifest = std::fs::read_to_string(corpus().join("README.md")).unwrap();
    let mut problems = Vec::new();
    for (name, want) in expectations() {
        let stem = name.trim_end_matches(".json");
        match std::fs::read_to_string(corpus().join(format!("{stem}.src.txt"))) {
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
        let after_sdk = stem.split_once('-').map(|(_, rest)| rest).unwrap_or("");
        if !(after_sdk == endpoint || after_sdk.starts_with(&format!("{endpoint}-"))) {
            problems.push(format!(
                "{name}: named for another endpoint than {}",
                want.endpoint
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

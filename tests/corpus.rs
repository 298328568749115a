//! The real-world corpus (`../shared/corpus/realworld/`), enabled by `CARDLINT_CORPUS=<dir>`:
//! every defect a payload's `.src.txt` names is either reported where `tests/corpus-expect.toml`
//! says, listed there as not detected yet (at most 7), or as something the payload cannot show
//! (server state, the account, signing inputs); payloads marked clean have no error finding.

mod common;

use cardlint::{Lang, Severity};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    file: Vec<File>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    endpoint: Option<String>,
    #[serde(default)]
    clean: bool,
    #[serde(default)]
    found: Vec<Found>,
    #[serde(default)]
    missing: Vec<Missing>,
    #[serde(default)]
    not_in_payload: Vec<Missing>,
    #[serde(default)]
    not_a_defect: Vec<Missing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Found {
    defect: String,
    code: String,
    line: usize,
    column: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Missing {
    defect: String,
    reason: String,
}

#[test]
fn corpus_defects_are_reported_where_expected() {
    let Some(dir) = std::env::var_os("CARDLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("corpus test skipped: set CARDLINT_CORPUS to ../shared/corpus/realworld");
        return;
    };
    let expect: Expect = toml::from_str(
        &std::fs::read_to_string(common::root().join("tests/corpus-expect.toml")).unwrap(),
    )
    .unwrap();
    let mut payloads: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| (n.ends_with(".json") || n.ends_with(".jsonc")) && !n.ends_with(".src.txt"))
        .collect();
    payloads.sort();
    let mut problems = Vec::new();
    for name in &payloads {
        if !expect.file.iter().any(|f| &f.name == name) {
            problems.push(format!("{name}: no entry in tests/corpus-expect.toml"));
        }
    }
    let (mut named, mut found, mut missing, mut unseen, mut accepted) = (0, 0, 0, 0, 0);
    for entry in &expect.file {
        let path = dir.join(&entry.name);
        if !path.exists() {
            problems.push(format!("{}: listed but not in the corpus", entry.name));
            continue;
        }
        let report = common::lint_file(&path, entry.endpoint.clone(), Lang::En);
        named += entry.found.len() + entry.missing.len();
        missing += entry.missing.len();
        unseen += entry.not_in_payload.len();
        accepted += entry.not_a_defect.len();
        for want in &entry.found {
            let hit = report
                .findings
                .iter()
                .any(|f| f.code == want.code && f.line == want.line && f.column == want.column);
            if hit {
                found += 1;
            } else {
                problems.push(format!(
                    "{}: expected {} at {}:{} ({}), got:\n{}",
                    entry.name,
                    want.code,
                    want.line,
                    want.column,
                    want.defect,
                    common::render(&report)
                ));
            }
        }
        if entry.clean {
            let errors: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            if !errors.is_empty() {
                problems.push(format!(
                    "{}: marked clean but has errors:\n{}",
                    entry.name,
                    common::render(&report)
                ));
            }
        }
    }
    println!(
        "corpus: {} payloads, {found} of {named} named defects found at their location, \
         {missing} not detected yet; {unseen} more need what no payload shows; \
         {accepted} named ones WeChat accepts",
        payloads.len()
    );
    if missing > 7 {
        problems.push(format!(
            "{missing} named defects are listed as missing: at most 7, each with its reason"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

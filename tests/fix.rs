//! `--fix` over every fixture and every corpus payload: the result still parses as well as
//! before, the fixed findings are gone, no new error appears, fixing again changes nothing,
//! and the bytes outside the edited ranges are untouched. `--diff` output applies with patch.

mod common;

use cardlint::finding::Severity;
use cardlint::fix;
use cardlint::{Lang, Options};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn syntax_errors(r: &cardlint::Report) -> usize {
    r.findings
        .iter()
        .filter(|f| f.code.starts_with("JSON") && f.severity == Severity::Error)
        .count()
}

fn error_codes(r: &cardlint::Report) -> BTreeSet<String> {
    r.findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.clone())
        .collect()
}

/// Checks one payload at one safety level; returns a description of what went wrong.
fn check(path: &Path, options: &Options, allow_unsafe: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let bytes = std::fs::read(path).unwrap();
    let name = path.display().to_string();
    let before = match cardlint::lint_bytes(options, &name, &bytes) {
        Ok(r) => r,
        Err(_) => return problems,
    };
    if before.findings.iter().any(|f| f.code == "JSON011") {
        return problems; // not written back: invalid UTF-8 cannot round-trip
    }
    // one pass: only edited ranges change
    let (once, _, edits) = fix::apply_edits(&before.source.text, &before.findings, allow_unsafe);
    let text = &before.source.text;
    let mut at_old = 0;
    let mut at_new = 0;
    for (r, replacement) in &edits {
        let same = &text[at_old..r.start];
        if once.get(at_new..at_new + same.len()) != Some(same) {
            problems.push(format!("{name}: bytes before {r:?} changed"));
        }
        at_new += same.len() + replacement.len();
        at_old = r.end;
    }
    if once.get(at_new..) != Some(&text[at_old..]) {
        problems.push(format!("{name}: bytes after the last edit changed"));
    }
    // to the end
    let fixed = fix::fix_bytes(options, &name, &bytes, allow_unsafe, &|_| {}).unwrap();
    let after = &fixed.report;
    if syntax_errors(after) > syntax_errors(&before) {
        problems.push(format!("{name}: more syntax errors after fixing"));
    }
    if syntax_errors(&before) > 0
        && before
            .findings
            .iter()
            .filter(|f| f.code.starts_with("JSON") && f.severity == Severity::Error)
            .all(|f| f.fix.is_some())
        && syntax_errors(after) > 0
    {
        problems.push(format!(
            "{name}: every syntax error had a fix, yet some remain"
        ));
    }
    let allowed = |f: &cardlint::Finding| {
        f.fix.as_ref().is_some_and(|x| match x.safety {
            cardlint::finding::FixSafety::Safe => true,
            cardlint::finding::FixSafety::Unsafe => allow_unsafe,
            cardlint::finding::FixSafety::None => false,
        })
    };
    for f in after.findings.iter().filter(|f| allowed(f)) {
        problems.push(format!(
            "{name}: still fixable after fixing: {} at {}:{}",
            f.code, f.line, f.column
        ));
    }
    let new_errors: Vec<_> = error_codes(after)
        .difference(&error_codes(&before))
        .cloned()
        .collect();
    if !new_errors.is_empty() {
        problems.push(format!(
            "{name}: new errors after fixing: {new_errors:?}\n{}",
            fixed.text
        ));
    }
    let again =
        fix::fix_bytes(options, &name, fixed.text.as_bytes(), allow_unsafe, &|_| {}).unwrap();
    if again.text != fixed.text || again.fixed != 0 {
        problems.push(format!("{name}: a second --fix changed something"));
    }
    problems
}

fn payloads(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && ["json", "jsonc", "http"]
                    .contains(&p.extension().and_then(|e| e.to_str()).unwrap_or(""))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn fixing_every_fixture_is_sound() {
    let mut problems = Vec::new();
    let mut dirs = common::rule_fixture_dirs();
    let endpoints = common::root().join("fixtures/endpoints");
    dirs.extend(
        std::fs::read_dir(&endpoints)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path())),
    );
    for dir in dirs {
        let options = common::options_of(&dir, Lang::En);
        let endpoint_dir = dir.starts_with(&endpoints);
        // rule folders also hold card definitions for --card: only fixtures are payloads there
        let fixtures = payloads(&dir).into_iter().filter(|p| {
            endpoint_dir || {
                let n = p.file_name().unwrap().to_string_lossy();
                n.starts_with("valid") || n.starts_with("invalid")
            }
        });
        for file in fixtures {
            let mut options = options.clone();
            if endpoint_dir {
                options.endpoint = Some(
                    dir.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .replace("card.", "card/")
                        .replace('.', "/")
                        .replace("wx/addCard", "wx.addCard"),
                );
            }
            if let Some(e) = std::fs::read_to_string(dir.join("endpoints.toml"))
                .ok()
                .and_then(|t| toml::from_str::<std::collections::BTreeMap<String, String>>(&t).ok())
                .and_then(|m| {
                    m.get(&file.file_name().unwrap().to_string_lossy().to_string())
                        .cloned()
                })
            {
                options.endpoint = Some(e);
            }
            for allow_unsafe in [false, true] {
                problems.extend(check(&file, &options, allow_unsafe));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fixing_every_corpus_payload_is_sound() {
    let Some(dir) = std::env::var_os("CARDLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("corpus fix test skipped: set CARDLINT_CORPUS");
        return;
    };
    let expect: toml::Table = toml::from_str(
        &std::fs::read_to_string(common::root().join("tests/corpus-expect.toml")).unwrap(),
    )
    .unwrap();
    let endpoints: std::collections::BTreeMap<String, String> = expect["file"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            Some((
                f.get("name")?.as_str()?.to_string(),
                f.get("endpoint")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let mut problems = Vec::new();
    // the corpus payloads with quoted integers, full-width punctuation or trailing commas
    let targeted = ["TYPE001", "JSON002", "JSON001"];
    let (mut had, mut clean) = (0, 0);
    for file in payloads(&dir) {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let options = Options {
            endpoint: endpoints.get(&name).cloned(),
            lang: Some(Lang::En),
            now: Some(common::NOW),
            ..Options::default()
        };
        for allow_unsafe in [false, true] {
            problems.extend(check(&file, &options, allow_unsafe));
        }
        let before = cardlint::lint_bytes(&options, &name, &std::fs::read(&file).unwrap()).unwrap();
        if before
            .findings
            .iter()
            .any(|f| targeted.contains(&f.code.as_str()))
        {
            had += 1;
            let fixed = fix::fix_bytes(
                &options,
                &name,
                &std::fs::read(&file).unwrap(),
                false,
                &|_| {},
            )
            .unwrap();
            if fixed
                .report
                .findings
                .iter()
                .all(|f| !targeted.contains(&f.code.as_str()))
            {
                clean += 1;
            } else {
                problems.push(format!(
                    "{name}: still has {targeted:?} findings after --fix"
                ));
            }
        }
    }
    println!("corpus --fix: {clean} of {had} payloads with quoted integers, full-width punctuation or trailing commas are clean of them after --fix");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn diff_applies_with_patch_and_fix_writes_the_same() {
    let dir = std::env::temp_dir().join(format!("cardlint-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken =
        std::fs::read_to_string(common::root().join("examples/card-create-broken.json")).unwrap();
    std::fs::write(dir.join("a.json"), &broken).unwrap();
    std::fs::write(dir.join("b.json"), &broken).unwrap();
    let run = |args: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("cardlint").unwrap();
        c.current_dir(&dir)
            .env_remove("LANG")
            .args(args)
            .output()
            .unwrap()
    };
    let diff = run(&["check", "--diff", "a.json"]);
    assert_eq!(diff.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.join("a.json")).unwrap(),
        broken,
        "--diff wrote the file"
    );
    std::fs::write(dir.join("a.patch"), &diff.stdout).unwrap();
    let patched = std::process::Command::new("patch")
        .current_dir(&dir)
        .args(["-p0", "-i", "a.patch"])
        .output()
        .unwrap();
    assert!(
        patched.status.success(),
        "{}",
        String::from_utf8_lossy(&patched.stderr)
    );
    let fix = run(&["check", "--fix", "b.json"]);
    assert!(String::from_utf8_lossy(&fix.stderr).contains("fixed"));
    let a = std::fs::read_to_string(dir.join("a.json")).unwrap();
    let b = std::fs::read_to_string(dir.join("b.json")).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, broken);
    // nothing left to fix: --diff is empty and exits 0
    let again = run(&["check", "--diff", "b.json"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
    // stdin: the fixed payload on stdout
    let mut c = assert_cmd::Command::cargo_bin("cardlint").unwrap();
    let out = c
        .args(["check", "--fix", "-e", "card/code/consume", "-"])
        .write_stdin("{\"code\": 1434008071, \"card_id\": \"pFS7Fjg8kV1IdDz01r4SQwMkuCKc\",}")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"code\": \"1434008071\", \"card_id\": \"pFS7Fjg8kV1IdDz01r4SQwMkuCKc\"}"
    );
}

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
        .write_stdin("{\"code\": 1434008071, \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",}")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"code\": \"1434008071\", \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}"
    );
}

/// The text after `--fix` (with `--unsafe-fixes` when asked), linted as `endpoint`.
fn fixed(endpoint: &str, text: &str, allow_unsafe: bool) -> String {
    let options = Options {
        endpoint: Some(endpoint.into()),
        now: Some(common::NOW),
        ..Options::default()
    };
    fix::fix_bytes(&options, "t.json", text.as_bytes(), allow_unsafe, &|_| {})
        .unwrap()
        .text
}

const CARD: &str = "\"card_id\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"";

#[test]
fn a_quoting_fix_writes_exactly_the_text_written() {
    for written in [
        "123456789012345678901234",
        "012345678901",
        "1.50",
        "12e3",
        "123abc",
        "192.168.1.1",
        "1E400",
        "0x1F",
        "1.",
        "+1",
        "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        "021-62781234",
    ] {
        let text = format!("{{\"code\":{written},{CARD}}}");
        let want = format!("{{\"code\":\"{written}\",{CARD}}}");
        for allow_unsafe in [false, true] {
            assert_eq!(
                fixed("card/code/get", &text, allow_unsafe),
                want,
                "{written}"
            );
        }
    }
    // a key written as a number is that text, quoted
    assert_eq!(
        fixed(
            "card/code/get",
            &format!("{{007:\"1\",1e2:\"2\",{CARD}}}"),
            true
        ),
        format!("{{\"007\":\"1\",\"1e2\":\"2\",{CARD}}}")
    );
}

#[test]
fn a_number_becomes_a_boolean_only_when_written_plainly() {
    for (written, want) in [("1", "true"), ("0", "false"), ("01", "01"), ("+1", "+1")] {
        let text = format!("{{\"code\":\"1\",{CARD},\"check_consume\":{written}}}");
        let want = format!("{{\"code\":\"1\",{CARD},\"check_consume\":{want}}}");
        assert_eq!(fixed("card/code/get", &text, true), want, "{written}");
    }
}

#[test]
fn a_quoted_integer_is_unquoted_only_when_its_text_is_json() {
    for (written, want) in [
        ("\"100\"", "100"),
        ("\"007\"", "\"007\""),
        ("\"0100\"", "\"0100\""),
        ("\" 100\"", "\" 100\""),
        ("\"-0\"", "\"-0\""),
    ] {
        let text = format!("{{{CARD},\"increase_stock_value\":{written}}}");
        let want = format!("{{{CARD},\"increase_stock_value\":{want}}}");
        assert_eq!(fixed("card/modifystock", &text, true), want, "{written}");
    }
}

#[test]
fn a_card_ext_object_becomes_the_string_of_its_own_text() {
    // spacing, a line break and escapes are the author's: the string carries them as written
    let object = "{\"outer_str\": \"x\\/y \\u0041\",\n  \"timestamp\": \"1767236521\",  \"nonce_str\":\"k0hG\"}";
    let text = format!(
        "{{\"cardList\":[{{\"cardId\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",\"cardExt\":{object}}}]}}"
    );
    let want = format!(
        "{{\"cardList\":[{{\"cardId\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",\"cardExt\":{}}}]}}",
        serde_json::to_string(object).unwrap()
    );
    assert_eq!(fixed("wx.addCard", &text, false), want);
    // with a syntax problem inside (a lone surrogate), the object is left as it was
    let broken = "{\"outer_str\": \"x\", \"nonce_str\": \"\\ud83d\"}";
    let text = format!(
        "{{\"cardList\":[{{\"cardId\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",\"cardExt\":{broken}}}]}}"
    );
    assert_eq!(fixed("wx.addCard", &text, true), text);
    let options = Options {
        endpoint: Some("wx.addCard".into()),
        ..Options::default()
    };
    let report = cardlint::lint_bytes(&options, "t.json", text.as_bytes()).unwrap();
    let ext001 = report.findings.iter().find(|f| f.code == "EXT001").unwrap();
    assert!(ext001.fix.is_none());
}

#[test]
fn hash_and_slashes_in_a_value_position_are_never_deleted() {
    let text = "{\"card\":{\"card_type\":\"CASH\",\"cash\":{\"base_info\":{\"color\":#63b359,\"title\":\"x\",\"custom_url\":http://www.qq.com/a,\"logo_url\": //mmbiz.qpic.cn/a.png}}}}";
    let want = "{\"card\":{\"card_type\":\"CASH\",\"cash\":{\"base_info\":{\"color\":\"#63b359\",\"title\":\"x\",\"custom_url\":\"http://www.qq.com/a\",\"logo_url\": \"//mmbiz.qpic.cn/a.png\"}}}}";
    assert_eq!(fixed("card/create", text, false), want);
    let pretty = "{\n  \"color\": #63b359\n  \"title\": \"x\", # note\n  \"list\": [\n    \"a\", // the first\n    \"b\"\n  ]\n}\n";
    let want = "{\n  \"color\": \"#63b359\",\n  \"title\": \"x\",\n  \"list\": [\n    \"a\",\n    \"b\"\n  ]\n}\n";
    assert_eq!(fixed("card/create", pretty, false), want);
}

#[test]
fn string_rewrites_keep_every_escape_as_written() {
    // nothing to carry over safely: left as written
    for text in [
        "{\"code\":\"\\u4e2d\\ud83dx\\u12\",\"card_id\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}",
        "{\"code\":'a\\x41',\"card_id\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}",
    ] {
        assert_eq!(fixed("card/code/get", text, true), text);
    }
    assert_eq!(
        fixed(
            "card/code/get",
            "{\"code\":'it\\'s \"q\" \\u4e2d\\/',\"card_id\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}",
            false
        ),
        "{\"code\":\"it's \\\"q\\\" 中\\/\",\"card_id\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}"
    );
}

#[test]
fn no_fix_splits_a_value_or_makes_a_duplicate_key() {
    // quotes inside a string, unquoted text with an enumeration comma
    let text = "{\"card\":{\"card_type\":\"CASH\",\"cash\":{\"base_info\":{\"title\":2个面包、蛋糕,\"description\":\"20元\"新春\"代金券\"}}}}";
    let want = "{\"card\":{\"card_type\":\"CASH\",\"cash\":{\"base_info\":{\"title\":\"2个面包、蛋糕\",\"description\":\"20元\"新春\"代金券\"}}}}";
    assert_eq!(fixed("card/create", text, true), want);
    // renaming a key onto one that is there already
    for (endpoint, text) in [
        (
            "card/code/get",
            format!("{{\" code\":\"1\",\"code\":\"2\",{CARD}}}"),
        ),
        (
            "card/code/get",
            format!("{{\"cod\":\"1\",\"code\":\"2\",{CARD}}}"),
        ),
        (
            "card_ext",
            "{\"nonceStr\":\"a\",\"nonce_str\":\"b\",\"timestamp\":\"1\",\"signature\":\"x\"}"
                .to_string(),
        ),
    ] {
        assert_eq!(fixed(endpoint, &text, true), text);
    }
    // the key on its own is still renamed
    assert_eq!(
        fixed(
            "card/code/get",
            &format!("{{\" code\":\"1\",{CARD}}}"),
            false
        ),
        format!("{{\"code\":\"1\",{CARD}}}")
    );
}

/// A ticket next to a fixed line: the diff leaves its line out instead of masking it, so
/// `git apply` and `patch` both apply it and reach what --fix writes, and the ticket is never
/// printed; a fix on the ticket's own line gives no diff and says why.
#[test]
fn a_diff_applies_and_prints_no_secret() {
    let ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3";
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{{\n  \"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\",\n  \"api_ticket\": \"{ticket}\",\n  \"code\": 12345678\n}}\n"
    );
    let run = |args: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("cardlint").unwrap();
        c.current_dir(dir.path())
            .env_remove("LANG")
            .args(args)
            .output()
            .unwrap()
    };
    for f in ["a.json", "b.json", "c.json"] {
        std::fs::write(dir.path().join(f), &text).unwrap();
    }
    for f in ["a.json", "b.json"] {
        let diff = run(&["check", "-e", "card/code/get", "--diff", f]);
        assert_eq!(diff.status.code(), Some(1));
        let patch = String::from_utf8(diff.stdout).unwrap();
        assert!(!patch.contains(ticket) && !patch.contains("***"), "{patch}");
        std::fs::write(dir.path().join(format!("{f}.patch")), &patch).unwrap();
    }
    // a.json with git, b.json with GNU patch
    for (tool, args) in [
        ("git", ["apply", "-p0", "a.json.patch"]),
        ("patch", ["-p0", "-i", "b.json.patch"]),
    ] {
        let out = std::process::Command::new(tool)
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    run(&["check", "-e", "card/code/get", "--fix", "c.json"]);
    let fixed = std::fs::read_to_string(dir.path().join("c.json")).unwrap();
    assert_ne!(fixed, text);
    for f in ["a.json", "b.json"] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(f)).unwrap(),
            fixed,
            "{f}"
        );
    }
    // the ticket on the changed line: no diff, a note, the same exit code
    let one = format!("{{\"api_ticket\":\"{ticket}\",\"code\":12345678,\"card_id\":\"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}}");
    std::fs::write(dir.path().join("d.json"), &one).unwrap();
    let out = run(&["check", "-e", "card/code/get", "--diff", "d.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no diff shown") && !err.contains(ticket),
        "{err}"
    );
}

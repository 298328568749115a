//! Every rule's fixtures: `valid*` files lint clean, `invalid*` files trigger the rule, and the
//! findings of every invalid fixture are snapshotted in English and Chinese.

mod common;

use cardlint::Lang;

#[test]
fn rule_fixtures() {
    let mut failures = Vec::new();
    for dir in common::rule_fixture_dirs() {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        let en_options = common::options_of(&dir, Lang::En);
        let zh_options = common::options_of(&dir, Lang::Zh);
        for valid in common::files_with_prefix(&dir, "valid") {
            let report = common::lint_with(&valid, &en_options);
            if !report.findings.is_empty() {
                failures.push(format!(
                    "{} should be clean:\n{}",
                    valid.display(),
                    common::render(&report)
                ));
            }
        }
        let invalid = common::files_with_prefix(&dir, "invalid");
        if invalid.is_empty() {
            failures.push(format!("{code} has no invalid fixture"));
        }
        for file in invalid {
            let en = common::lint_with(&file, &en_options);
            if !en.findings.iter().any(|f| f.code == code) {
                failures.push(format!(
                    "{} should trigger {code}:\n{}",
                    file.display(),
                    common::render(&en)
                ));
                continue;
            }
            let zh = common::lint_with(&file, &zh_options);
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            // a fixture with hundreds of findings (EP004's) shows the input's size and only
            // the findings of the rule under test
            let (en_text, zh_text, input) = if en.findings.len() > 100 {
                let only = |r: &cardlint::Report| {
                    let mut r2 = cardlint::Report {
                        source: cardlint::Source::from_bytes(&r.source.path, b"").unwrap(),
                        endpoint: r.endpoint,
                        findings: r
                            .findings
                            .iter()
                            .filter(|f| f.code == code)
                            .cloned()
                            .collect(),
                    };
                    r2.source.text.clear();
                    format!(
                        "({} findings in all)\n{}",
                        r.findings.len(),
                        common::render(&r2)
                    )
                };
                (
                    only(&en),
                    only(&zh),
                    format!("({} bytes)", en.source.text.len()),
                )
            } else {
                (
                    common::render(&en),
                    common::render(&zh),
                    en.source.text.trim_end().to_string(),
                )
            };
            let mut snapshot = format!(
                "input {} (endpoint {})\n----\n{}\n----\n[en]\n{}[zh]\n{}",
                en.source.path,
                en.endpoint.unwrap_or("?"),
                input,
                en_text,
                zh_text,
            );
            // a fixable rule shows the payload after every fix (safe and unsafe)
            if en
                .findings
                .iter()
                .any(|f| f.code == code && f.fix.is_some())
            {
                let fixed = common::fix_with(&file, &en_options, true);
                snapshot.push_str(&format!(
                    "----\nafter --fix --unsafe-fixes:\n{}\n",
                    fixed.trim_end()
                ));
            }
            insta::assert_snapshot!(format!("{code}__{stem}"), snapshot);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

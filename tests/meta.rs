//! Registry invariants: every rule TOML is registered and complete in both languages, has
//! fixtures, is emitted by the code, and docs/rules.md is current.

mod common;

use cardlint::registry;

fn rule_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::root().join("rules"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".toml") && n != "terms.toml")
        .collect();
    names.sort();
    names
}

#[test]
fn every_toml_is_registered_under_its_file_name() {
    let files = rule_files();
    assert_eq!(files.len(), registry::all().len());
    for rule in registry::all() {
        let expected = format!("{}-{}.toml", rule.code, rule.name);
        assert!(files.contains(&expected), "{expected} missing");
        let family_ok = [
            "JSON", "SCHEMA", "TYPE", "EP", "QUERY", "CARD", "QR", "EXT", "CODE", "URL", "MEM",
        ]
        .iter()
        .any(|f| {
            rule.code.starts_with(f) && rule.code[f.len()..].chars().all(|c| c.is_ascii_digit())
        });
        assert!(family_ok, "{}: code must be FAMILY + digits", rule.code);
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name must be kebab-case",
            rule.code
        );
    }
}

#[test]
fn both_languages_are_complete_and_agree_on_placeholders() {
    for rule in registry::all() {
        let pairs = [
            ("message", &rule.zh.message, &rule.en.message),
            ("why", &rule.zh.why, &rule.en.why),
            ("help", &rule.zh.help, &rule.en.help),
        ];
        for (field, zh, en) in pairs {
            assert!(
                !zh.trim().is_empty() && !en.trim().is_empty(),
                "{} {field} empty",
                rule.code
            );
            assert_eq!(
                registry::placeholders(zh),
                registry::placeholders(en),
                "{} {field}: placeholders differ between zh and en",
                rule.code
            );
            for text in [zh, en] {
                assert!(
                    !text.trim_end().ends_with(['.', '。']),
                    "{} {field} ends with a period: {text}",
                    rule.code
                );
                assert!(!text.contains("TODO"), "{} {field} has a TODO", rule.code);
            }
        }
        assert_eq!(
            rule.zh.related.is_some(),
            rule.en.related.is_some(),
            "{}",
            rule.code
        );
        assert!(
            ["syntax", "source", "schema", "endpoint"].contains(&rule.check.as_str())
                || rule.check.starts_with("rules::"),
            "{}: unknown check {}",
            rule.code,
            rule.check
        );
    }
}

#[test]
fn fix_metadata_is_complete_and_real() {
    use cardlint::finding::FixSafety;
    for rule in registry::all() {
        let unsafe_fix = rule.fix == FixSafety::Unsafe;
        assert_eq!(
            rule.zh.fix_safety.is_some(),
            unsafe_fix,
            "{}: zh fix_safety",
            rule.code
        );
        assert_eq!(
            rule.en.fix_safety.is_some(),
            unsafe_fix,
            "{}: en fix_safety",
            rule.code
        );
        // a declared fix must really be produced by one of the rule's invalid fixtures
        if rule.fix != FixSafety::None {
            let dir = common::root().join("fixtures").join(&rule.code);
            let options = common::options_of(&dir, cardlint::Lang::En);
            let produced = common::files_with_prefix(&dir, "invalid").iter().any(|f| {
                common::lint_with(f, &options)
                    .findings
                    .iter()
                    .any(|x| x.code == rule.code && x.fix.is_some())
            });
            assert!(
                produced,
                "{} declares fix = {:?} but no fixture gets one",
                rule.code, rule.fix
            );
        }
    }
}

#[test]
fn terms_exist_in_both_languages() {
    for (key, both) in registry::term_keys() {
        assert!(both, "term {key} is missing in one language");
        assert_eq!(
            registry::placeholders(&registry::term(cardlint::Lang::Zh, &key)),
            registry::placeholders(&registry::term(cardlint::Lang::En, &key)),
            "term {key}: placeholders differ"
        );
    }
}

#[test]
fn every_rule_has_valid_and_invalid_fixtures() {
    for rule in registry::all() {
        let dir = common::root().join("fixtures").join(&rule.code);
        assert!(dir.is_dir(), "fixtures/{} missing", rule.code);
        assert!(
            !common::files_with_prefix(&dir, "valid").is_empty(),
            "fixtures/{}/valid*.json missing",
            rule.code
        );
        assert!(
            !common::files_with_prefix(&dir, "invalid").is_empty(),
            "fixtures/{}/invalid* missing",
            rule.code
        );
    }
}

#[test]
fn docs_rules_md_is_current() {
    let path = common::root().join("docs/rules.md");
    let fresh = cardlint::registry::docs::markdown();
    if std::env::var_os("CARDLINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "docs/rules.md is stale: run `CARDLINT_UPDATE_DOCS=1 cargo test --test meta`"
    );
}

/// What `scripts/new-rule` leaves to write: no TODO in a rule TOML or a fixture, and every
/// invalid fixture has its reviewed snapshot.
#[test]
fn scaffolded_rules_are_filled_in() {
    let root = common::root();
    let mut problems = Vec::new();
    let mut tomls: Vec<_> = std::fs::read_dir(root.join("rules"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    tomls.sort();
    for path in tomls {
        let file = format!("rules/{}", path.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&path).unwrap();
        // "[zh] " while inside the [zh] table, so that the two languages are told apart
        let mut table = String::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    table = format!("[{name}] ");
                }
            }
            // the last TODO of a line is followed by what to write
            let Some(at) = line.rfind("TODO") else {
                continue;
            };
            let key: String = line
                .trim_start_matches(['#', ' '])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let what = if key.is_empty() {
                format!("line {}", i + 1)
            } else {
                format!("{table}{key}")
            };
            let hint = line[at + "TODO".len()..]
                .trim_start_matches([':', ' '])
                .trim_end_matches(['"', ' ']);
            if hint.is_empty() {
                problems.push(format!("{file}: {what} is still TODO"));
            } else {
                problems.push(format!("{file}: {what} is still TODO — {hint}"));
            }
        }
    }
    for dir in common::rule_fixture_dirs() {
        let code = dir.file_name().unwrap().to_string_lossy().to_string();
        for prefix in ["valid", "invalid"] {
            for path in common::files_with_prefix(&dir, prefix) {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(4).any(|w| w == b"TODO") {
                    let want = if prefix == "valid" {
                        "a real request body that lints clean".to_string()
                    } else {
                        format!("a real request body that triggers {code}")
                    };
                    problems.push(format!(
                        "fixtures/{code}/{name} still contains TODO — replace it with {want}"
                    ));
                }
                if prefix == "invalid" {
                    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
                    let snap = format!("tests/snapshots/rules__{code}__{stem}.snap");
                    if !root.join(&snap).is_file() {
                        problems.push(format!(
                            "fixtures/{code}/{name} has no snapshot {snap}: run cargo test --test rules, then cargo insta review"
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Each TOML's `check` names where the rule is emitted, and the rule's constant is used
/// there: `syntax`, `source`, `schema` and `endpoint` (the pipeline's endpoint step, in
/// lib.rs) are stages; `rules::NAME` is src/rules/NAME.rs.
#[test]
fn every_rule_is_emitted_where_its_check_says() {
    let src = common::root().join("src");
    let read_all = |paths: Vec<std::path::PathBuf>| -> String {
        let mut text = String::new();
        let mut stack = paths;
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().flatten().map(|e| e.path()));
            } else if p.extension().is_some_and(|x| x == "rs") {
                text.push_str(&std::fs::read_to_string(&p).unwrap());
            }
        }
        text
    };
    let mut bad = Vec::new();
    for rule in registry::all() {
        let places = match rule.check.as_str() {
            "syntax" => vec![src.join("syntax")],
            "source" => vec![src.join("source.rs")],
            "schema" => vec![src.join("schema")],
            "endpoint" => vec![src.join("lib.rs"), src.join("endpoint.rs")],
            other => match other.strip_prefix("rules::") {
                Some(m) if src.join("rules").join(format!("{m}.rs")).is_file() => {
                    vec![src.join("rules").join(format!("{m}.rs"))]
                }
                _ => {
                    bad.push(format!(
                        "{}: check = {other:?} names no stage or rules module",
                        rule.code
                    ));
                    continue;
                }
            },
        };
        let constant = format!("code::{}", rule.code);
        let text = read_all(places);
        let used = text
            .match_indices(&constant)
            .any(|(i, _)| !text[i + constant.len()..].starts_with(|c: char| c.is_ascii_digit()));
        if !used {
            bad.push(format!(
                "{}: not emitted in {} (check = {:?})",
                rule.code, rule.check, rule.check
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every rule names what it rests on, and its severity follows: an `error` needs an entry of
/// a kind that can show WeChat rejects the request (doc, errcode, sdk-issue, seed); an
/// errcode entry names an errcode the rule lists or the catalogue knows; links are https; a
/// corpus entry's title starts with a file name of the corpus (checked when `CARDLINT_CORPUS`
/// is set).
#[test]
fn every_rule_has_evidence_and_errors_rest_on_a_rejection() {
    use cardlint::finding::Severity;
    use cardlint::registry::EvidenceKind;
    let catalogue = cardlint::explain::catalogue();
    let corpus = std::env::var_os("CARDLINT_CORPUS").map(std::path::PathBuf::from);
    let mut bad = Vec::new();
    for rule in registry::all() {
        let code = &rule.code;
        if rule.evidence.is_empty() {
            bad.push(format!("{code}: no evidence"));
        }
        if rule.severity == Severity::Error
            && !rule.evidence.iter().any(|e| e.kind.shows_rejection())
        {
            bad.push(format!(
                "{code}: an error needs evidence of kind doc, errcode, sdk-issue or seed that \
                 shows WeChat rejects the request; without it the rule is a warning"
            ));
        }
        for e in &rule.evidence {
            if e.kind == EvidenceKind::Todo || e.title.contains("TODO") {
                bad.push(format!("{code}: evidence is still TODO"));
            }
            if e.title.trim().is_empty() {
                bad.push(format!(
                    "{code}: {} evidence without a title",
                    e.kind.as_str()
                ));
            }
            match (e.kind, e.errcode) {
                (EvidenceKind::Errcode, None) => {
                    bad.push(format!("{code}: errcode evidence without `errcode = N`"))
                }
                (EvidenceKind::Errcode, Some(n)) => {
                    let known =
                        rule.errcodes.contains(&n) || catalogue.code.iter().any(|c| c.errcode == n);
                    if !known {
                        bad.push(format!(
                            "{code}: errcode {n} is neither in the rule's errcodes nor in errcodes/catalogue.toml"
                        ));
                    }
                }
                (kind, Some(n)) => bad.push(format!(
                    "{code}: `errcode = {n}` on {} evidence; only kind = \"errcode\" takes one",
                    kind.as_str()
                )),
                (_, None) => {}
            }
            if let Some(url) = &e.url {
                if !url.starts_with("https://") || url.contains(char::is_whitespace) {
                    bad.push(format!(
                        "{code}: evidence url {url:?} is not an https:// link"
                    ));
                }
            }
            // the title starts with the file's name, maybe followed by `: what it shows`
            // a payload of the project's own corpora (`tests/wild-corpus/...`) is checked always
            let file = e.title.split([':', ' ']).next().unwrap_or_default();
            if e.kind == EvidenceKind::Corpus && file.starts_with("tests/") {
                if !common::root().join(file).is_file() {
                    bad.push(format!("{code}: corpus evidence names no file {file}"));
                }
            } else if let (EvidenceKind::Corpus, Some(dir)) = (e.kind, &corpus) {
                if file.is_empty() || !dir.join(file).is_file() {
                    bad.push(format!(
                        "{code}: corpus evidence {:?} names no file of {}",
                        e.title,
                        dir.display()
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `registry::cross_card` (which bodies the sandbox looks cards up for, and the cross-card
/// table of docs/rules.md) names exactly the rules `rules::card_book` emits, and every invalid
/// fixture of such a rule is an endpoint the table lists for it.
#[test]
fn cross_card_table_matches_the_card_book_rules() {
    use cardlint::registry::cross_card;
    let card_book: Vec<&str> = registry::all()
        .iter()
        .filter(|r| r.check == "rules::card_book")
        .map(|r| r.code.as_str())
        .collect();
    let mut bad = Vec::new();
    for (endpoint, codes) in cross_card::CHECKS {
        for c in codes.iter() {
            if !card_book.contains(&c.as_str()) {
                bad.push(format!(
                    "{endpoint}: {} is not a rules::card_book rule",
                    c.as_str()
                ));
            }
        }
    }
    for code in &card_book {
        let dir = common::root().join("fixtures").join(code);
        let options = common::options_of(&dir, cardlint::Lang::En);
        for file in common::files_with_prefix(&dir, "invalid") {
            let report = common::lint_with(&file, &options);
            let endpoint = report.endpoint.unwrap_or("?");
            if !cross_card::checks_for(endpoint)
                .iter()
                .any(|c| c.as_str() == *code)
            {
                bad.push(format!(
                    "{}: {code} is reported for {endpoint}, which registry::cross_card does not list for it",
                    file.display()
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

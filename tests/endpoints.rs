//! Every endpoint has a schema that compiles and a correct example in
//! `fixtures/endpoints/<endpoint>/valid*.json` that lints without errors (card/create: one per
//! card type); shape inference finds the same endpoint whenever it names one.

mod common;

use cardlint::endpoint::{self, Detected};
use cardlint::{Lang, Severity};

#[test]
fn every_endpoint_has_a_schema_and_a_clean_example() {
    let mut problems = Vec::new();
    for name in endpoint::ENDPOINTS {
        if cardlint::schema::compile(name).is_none() {
            problems.push(format!("{name}: no schema"));
            continue;
        }
        let dir = common::root()
            .join("fixtures/endpoints")
            .join(name.replace('/', "."));
        let files = if dir.is_dir() {
            common::files_with_prefix(&dir, "valid")
        } else {
            Vec::new()
        };
        if files.is_empty() {
            problems.push(format!("{name}: no valid example in {}", dir.display()));
        }
        for file in files {
            let report = common::lint_file(&file, Some(name.to_string()), Lang::En);
            if !report.findings.is_empty() {
                problems.push(format!(
                    "{} is not clean:\n{}",
                    file.display(),
                    common::render(&report)
                ));
            }
            let value: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            match endpoint::detect(&value) {
                Detected::One(e) if e != *name => {
                    problems.push(format!("{}: inferred as {e}", file.display()))
                }
                Detected::Ambiguous(c) if !c.contains(name) => {
                    problems.push(format!("{}: inferred as one of {c:?}", file.display()))
                }
                // `{}` (a list of every gift card gallery, the invoice platform's own id)
                // names no endpoint
                Detected::Unknown if value.as_object().is_some_and(|o| o.is_empty()) => {}
                Detected::Unknown => {
                    problems.push(format!("{}: shape not recognised", file.display()))
                }
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every endpoint is checked by at least one invalid fixture of a rule (`fixtures/<CODE>/`,
/// linted as its folder lints it), so a new endpoint comes with a mistake its schema catches.
#[test]
fn every_endpoint_has_an_invalid_example() {
    let mut named = std::collections::BTreeSet::new();
    for dir in common::rule_fixture_dirs() {
        let options = common::options_of(&dir, Lang::En);
        for file in common::files_with_prefix(&dir, "invalid") {
            if let Some(e) = common::lint_with(&file, &options).endpoint {
                named.insert(e);
            }
        }
    }
    let missing: Vec<&str> = endpoint::ENDPOINTS
        .iter()
        .copied()
        .filter(|e| !named.contains(e))
        .collect();
    assert!(
        missing.is_empty(),
        "no invalid fixture under fixtures/<CODE>/ is linted as {missing:?}"
    );
}

/// Every schema file belongs to an endpoint (`defs.json` holds the shared pieces).
#[test]
fn every_schema_has_an_endpoint() {
    let orphans: Vec<&str> = cardlint::registry::SCHEMA_FILES
        .iter()
        .map(|(stem, _)| *stem)
        .filter(|stem| *stem != "defs" && endpoint::canonical(stem).is_none())
        .collect();
    assert!(
        orphans.is_empty(),
        "schemas without an endpoint: {orphans:?}"
    );
}

#[test]
fn card_create_has_an_example_per_card_type() {
    let dir = common::root().join("fixtures/endpoints/card.create");
    for t in cardlint::model::facts::INNER_KEYS {
        let file = dir.join(format!("valid-{t}.json"));
        let report = common::lint_file(&file, Some("card/create".into()), Lang::En);
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.severity != Severity::Error),
            "{t}: {}",
            common::render(&report)
        );
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains(&format!("\"card_type\": \"{}\"", t.to_uppercase())),
            "{t}"
        );
    }
}

/// The schema keywords whose errors `schema.rs` turns into findings; a schema using any other
/// keyword would fail silently there.
#[test]
fn schemas_use_only_keywords_with_findings() {
    const KNOWN: &[&str] = &[
        "$schema",
        "title",
        "type",
        "properties",
        "additionalProperties",
        "required",
        "enum",
        "const",
        "maxBytes",
        "maxLength",
        "minLength",
        "minimum",
        "maximum",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "pattern",
        "if",
        "then",
        "else",
        "allOf",
        "not",
        "$ref",
        "$defs",
        "minProperties",
    ];
    for (stem, text) in cardlint::registry::SCHEMA_FILES {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut bad = Vec::new();
        let mut path = cardlint::model::path::Path::default();
        cardlint::model::path::visit(&v, &mut path, &mut |path, node| {
            let Some(obj) = node.as_object() else { return };
            // names under `properties` / `$defs` are field names, not keywords
            if path.ends_with_keys(&["properties"]) || path.ends_with_keys(&["$defs"]) {
                return;
            }
            let ptr = path.pointer();
            for k in obj.keys() {
                if !KNOWN.contains(&k.as_str()) {
                    bad.push(format!("{ptr}/{k}"));
                }
            }
        });
        assert!(bad.is_empty(), "{stem}: unsupported keywords {bad:?}");
    }
}

/// The calls without a JSON body (the GET endpoints and the PDF upload) are checked by their
/// query: each has a query schema of its own, a valid `.http` example in
/// `fixtures/endpoints/<endpoint>/` that lints clean as that endpoint, and an invalid fixture
/// of a rule linted as it.
#[test]
fn every_call_without_a_body_has_a_query_schema_and_examples() {
    let mut invalid = std::collections::BTreeSet::new();
    for dir in common::rule_fixture_dirs() {
        let options = common::options_of(&dir, Lang::En);
        for file in common::files_with_prefix(&dir, "invalid") {
            let report = common::lint_with(&file, &options);
            if let (Some(e), false) = (report.endpoint, report.findings.is_empty()) {
                invalid.insert(e);
            }
        }
    }
    let mut problems = Vec::new();
    for name in endpoint::WITHOUT_JSON_BODY {
        if !cardlint::schema::query::has_own_schema(name) {
            problems.push(format!("{name}: no schemas/query schema"));
        }
        let file = common::root()
            .join("fixtures/endpoints")
            .join(name.replace('/', "."))
            .join("valid.http");
        let report = common::lint_file(&file, None, Lang::En);
        if report.endpoint != Some(*name) || !report.findings.is_empty() {
            problems.push(format!(
                "{}: linted as {:?}\n{}",
                file.display(),
                report.endpoint,
                common::render(&report)
            ));
        }
        if !invalid.contains(name) {
            problems.push(format!("{name}: no invalid fixture is linted as it"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

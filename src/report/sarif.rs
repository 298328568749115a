//! `--format sarif`: SARIF 2.1.0 for code scanning; every rule in tool.driver.rules, columns in
//! Unicode code points, and fingerprints from rule + pointer so reruns de-duplicate.

use super::Outcome;
use crate::rules::registry::{self, Lang};
use serde_json::{json, Value};

fn level(s: crate::Severity) -> &'static str {
    match s {
        crate::Severity::Error => "error",
        crate::Severity::Warning => "warning",
        crate::Severity::Info => "note",
    }
}

/// Stable across runs and line moves: the file, the rule and where in the document.
pub fn fingerprint(path: &str, code: &str, pointer: &str) -> String {
    sha1_smol::Sha1::from(format!("{path}\u{0}{code}\u{0}{pointer}"))
        .digest()
        .to_string()
}

pub fn uri(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

pub fn render(outcomes: &[Outcome], lang: Lang) -> String {
    let rules = registry::all();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            let t = r.text(lang);
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": crate::rules::docs::strip_placeholders(&t.message)},
                "fullDescription": {"text": crate::rules::docs::strip_placeholders(&t.why)},
                "help": {"text": crate::rules::docs::strip_placeholders(&t.help)},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"errcodes": r.errcodes, "symptoms": r.symptoms},
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Checked(r) => {
                let path = uri(&r.source.path);
                for f in &r.findings {
                    let index = rules.iter().position(|x| x.code == f.code).unwrap_or(0);
                    let region = |l, c, el, ec| json!({"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec});
                    let mut result = json!({
                        "ruleId": f.code,
                        "ruleIndex": index,
                        "level": level(f.severity),
                        "message": {"text": format!("{} ({})", f.message, f.help)},
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": {"uri": path},
                                "region": region(f.line, f.column, f.end_line, f.end_column),
                            }
                        }],
                        "partialFingerprints": {"cardlint/v1": fingerprint(&path, &f.code, &f.pointer)},
                        "properties": {"pointer": f.pointer, "errcodes": f.errcodes},
                    });
                    if !f.related.is_empty() {
                        result["relatedLocations"] = f
                            .related
                            .iter()
                            .enumerate()
                            .map(|(i, rel)| {
                                json!({
                                    "id": i,
                                    "message": {"text": rel.message},
                                    "physicalLocation": {
                                        "artifactLocation": {"uri": path},
                                        "region": region(rel.line, rel.column, rel.end_line, rel.end_column),
                                    }
                                })
                            })
                            .collect();
                    }
                    results.push(result);
                }
            }
            Outcome::Failed { path, error } => notifications.push(json!({
                "level": "error",
                "message": {"text": error},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(path)}}}],
            })),
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cardlint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("serializable");
    out.push('\n');
    out
}

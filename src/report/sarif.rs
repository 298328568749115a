//! `--format sarif`: SARIF 2.1.0 for code scanning; every rule in tool.driver.rules, columns in
//! Unicode code points, fingerprints from rule + pointer (+ occurrence) so reruns de-duplicate,
//! file names percent-encoded as URI references.

use super::{pretty_at, put, Outcome, Shown, Spill, Stream};
use crate::registry::{self, Lang};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{self, Write};

fn level(s: crate::Severity) -> &'static str {
    match s {
        crate::Severity::Error => "error",
        crate::Severity::Warning => "warning",
        crate::Severity::Info => "note",
    }
}

/// Stable across runs and line moves: the file, the rule, where in the document and, for the
/// second and later findings of one rule at one place (two comments in one object), which
/// of them it is, so that distinct findings never share one.
pub fn fingerprint(path: &str, code: &str, pointer: &str, occurrence: usize) -> String {
    let mut key = format!("{path}\u{0}{code}\u{0}{pointer}");
    if occurrence > 0 {
        key.push_str(&format!("\u{0}{occurrence}"));
    }
    sha1_smol::Sha1::from(key).digest().to_string()
}

/// For each finding, how many findings of the same rule at the same pointer come before it.
pub fn occurrences(findings: &[crate::Finding]) -> Vec<usize> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let n = seen.entry((&f.code, &f.pointer)).or_insert(0);
            *n += 1;
            *n - 1
        })
        .collect()
}

/// A path as reports name it: relative paths without `./`, `/` between folders.
pub fn relative(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

/// A path as a URI reference: [`relative`], each byte outside the unreserved characters, the
/// sub-delimiters, `@` and `/` percent-encoded (so `a:b.json` is no scheme, `#` no fragment).
pub fn uri(path: &str) -> String {
    let path = relative(path);
    let mut out = String::with_capacity(path.len());
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b);
        // a leading `//` would start an authority
        let slash = b == b'/' && !(i == 1 && path.starts_with("//"));
        if keep || slash {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The results are held back (in a [`Spill`]) because the document names the files that
/// could not be checked before them.
pub struct Sarif {
    lang: Lang,
    results: Spill,
    count: usize,
    notifications: Vec<Value>,
}

impl Sarif {
    pub fn new(lang: Lang) -> Sarif {
        Sarif {
            lang,
            results: Spill::default(),
            count: 0,
            notifications: Vec::new(),
        }
    }
}

/// How the document ends after the (empty) results array.
const TAIL: &str = "\"results\": []\n    }\n  ]\n}";

impl Stream for Sarif {
    fn file(&mut self, o: &Outcome, _: &mut dyn Write) -> io::Result<()> {
        let r = match o {
            Outcome::Checked(r) => r,
            Outcome::Failed { path, error } => {
                let (path, error) = super::failed(path, error);
                self.notifications.push(json!({
                    "level": "error",
                    "message": {"text": error},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&path)}}}],
                }));
                return Ok(());
            }
        };
        let rules = registry::all();
        let shown = Shown::of(r);
        let path = uri(&shown.path);
        let key = relative(&shown.path);
        let mut text = String::new();
        let occurrences = occurrences(&shown.findings);
        for (f, n) in shown.findings.iter().zip(occurrences) {
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
                "partialFingerprints": {"cardlint/v1": fingerprint(&key, &f.code, &f.pointer, n)},
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
            text.push_str(if self.count == 0 { "[" } else { "," });
            text.push_str("\n        ");
            text.push_str(&pretty_at(&result, 4));
            self.count += 1;
        }
        put(&mut self.results, &text)
    }

    fn finish(&mut self, _: &[crate::baseline::Entry], out: &mut dyn Write) -> io::Result<()> {
        let rules = registry::all();
        let lang = self.lang;
        let descriptors: Vec<Value> = rules
            .iter()
            .map(|r| {
                let t = r.text(lang);
                json!({
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": crate::registry::docs::strip_placeholders(&t.message)},
                    "fullDescription": {"text": crate::registry::docs::strip_placeholders(&t.why)},
                    "help": {"text": crate::registry::docs::strip_placeholders(&t.help)},
                    "defaultConfiguration": {"level": level(r.severity)},
                    "properties": {"errcodes": r.errcodes, "symptoms": r.symptoms},
                })
            })
            .collect();
        let notifications = std::mem::take(&mut self.notifications);
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
                "results": [],
            }],
        });
        let whole = serde_json::to_string_pretty(&doc).expect("serializable");
        let head = whole
            .strip_suffix(TAIL)
            .expect("results is the last member of the last run");
        put(out, &format!("{head}\"results\": "))?;
        if self.count == 0 {
            put(out, "[]")?;
        } else {
            self.results.copy_to(out)?;
            put(out, "\n      ]")?;
        }
        put(out, "\n    }\n  ]\n}\n")
    }
}

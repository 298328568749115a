//! `--format gitlab`: GitLab code quality JSON (an array of issues with fingerprints).

use super::Outcome;
use crate::Severity;
use serde_json::json;

pub fn render(outcomes: &[Outcome]) -> String {
    let mut issues = Vec::new();
    for o in outcomes {
        if let Outcome::Checked(r) = o {
            let path = super::sarif::uri(&r.source.path);
            for f in &r.findings {
                let severity = match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                };
                issues.push(json!({
                    "type": "issue",
                    "check_name": format!("{} {}", f.code, f.name),
                    "description": format!("{} ({})", f.message, f.help),
                    "categories": ["Bug Risk"],
                    "severity": severity,
                    "fingerprint": super::sarif::fingerprint(&path, &f.code, &f.pointer),
                    "location": {
                        "path": path,
                        "positions": {
                            "begin": {"line": f.line, "column": f.column},
                            "end": {"line": f.end_line, "column": f.end_column},
                        }
                    },
                }));
            }
        }
    }
    let mut out = serde_json::to_string_pretty(&issues).expect("serializable");
    out.push('\n');
    out
}

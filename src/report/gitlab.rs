//! `--format gitlab`: GitLab code quality JSON (an array of issues with fingerprints),
//! written file by file.

use super::sarif::{fingerprint, occurrences, relative};
use super::{pretty_at, put, Outcome, Shown, Stream};
use crate::Severity;
use serde_json::json;
use std::io::{self, Write};

#[derive(Default)]
pub struct Gitlab {
    issues: usize,
}

impl Stream for Gitlab {
    fn file(&mut self, o: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        let Outcome::Checked(r) = o else {
            return Ok(());
        };
        let shown = Shown::of(r);
        let path = relative(&shown.path);
        let mut text = String::new();
        let occurrences = occurrences(&shown.findings);
        for (f, n) in shown.findings.iter().zip(occurrences) {
            let severity = match f.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            };
            let issue = json!({
                "type": "issue",
                "check_name": format!("{} {}", f.code, f.name),
                "description": format!("{} ({})", f.message, f.help),
                "categories": ["Bug Risk"],
                "severity": severity,
                "fingerprint": fingerprint(&path, &f.code, &f.pointer, n),
                "location": {
                    "path": path,
                    "positions": {
                        "begin": {"line": f.line, "column": f.column},
                        "end": {"line": f.end_line, "column": f.end_column},
                    }
                },
            });
            text.push_str(if self.issues == 0 { "[" } else { "," });
            text.push_str("\n  ");
            text.push_str(&pretty_at(&issue, 1));
            self.issues += 1;
        }
        put(out, &text)
    }

    fn finish(&mut self, _: &[crate::baseline::Entry], out: &mut dyn Write) -> io::Result<()> {
        put(out, if self.issues == 0 { "[]\n" } else { "\n]\n" })
    }
}

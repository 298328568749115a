//! `--format github`: workflow commands that GitHub shows as annotations, most severe first
//! (a job shows only the first 10 of each kind), then a summary line.

use super::{Outcome, Summary};
use crate::Severity;

/// Escapes for the message part of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes for a property value (`file=`, `title=`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(outcomes: &[Outcome]) -> String {
    let mut lines: Vec<(Severity, String, usize, usize, String)> = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Checked(r) => {
                let path = super::sarif::uri(&r.source.path);
                for f in &r.findings {
                    let kind = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "notice",
                    };
                    let line = format!(
                        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                        property(&path),
                        f.line,
                        f.column,
                        f.end_line,
                        f.end_column,
                        property(&format!("{} {}", f.code, f.name)),
                        data(&format!("{} ({})", f.message, f.help)),
                    );
                    lines.push((f.severity, path.clone(), f.line, f.column, line));
                }
            }
            Outcome::Failed { path, error } => lines.push((
                Severity::Error,
                path.clone(),
                0,
                0,
                format!("::error file={}::{}", property(path), data(error)),
            )),
        }
    }
    lines.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| (&a.1, a.2, a.3).cmp(&(&b.1, b.2, b.3)))
    });
    let mut out: String = lines.into_iter().map(|l| l.4 + "\n").collect();
    let s = Summary::of(outcomes);
    out.push_str(&format!(
        "cardlint: {} file(s), {} error(s), {} warning(s), {} info\n",
        s.files, s.errors, s.warnings, s.infos
    ));
    out
}

//! `--format github`: workflow commands that GitHub shows as annotations, most severe first
//! (a job shows only the first 10 of each kind), then a summary line.

use super::{put, Outcome, Shown, Stream, Summary};
use crate::Severity;
use std::io::{self, Write};

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

/// Annotations go most severe first across all files, so this one format keeps its lines
/// (only the lines: no source text, no findings) until the end.
#[derive(Default)]
pub struct Github {
    lines: Vec<(Severity, String, usize, usize, String)>,
    summary: Summary,
}

impl Stream for Github {
    fn file(&mut self, o: &Outcome, _: &mut dyn Write) -> io::Result<()> {
        self.summary.add(o);
        match o {
            Outcome::Checked(r) => {
                let shown = Shown::of(r);
                let path = super::sarif::relative(&shown.path);
                for f in shown.findings.iter() {
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
                    self.lines
                        .push((f.severity, path.clone(), f.line, f.column, line));
                }
            }
            Outcome::Failed { path, error } => {
                let (path, error) = super::failed(path, error);
                self.lines.push((
                    Severity::Error,
                    path.to_string(),
                    0,
                    0,
                    format!("::error file={}::{}", property(&path), data(&error)),
                ))
            }
        }
        Ok(())
    }

    fn finish(&mut self, _: &[crate::baseline::Entry], out: &mut dyn Write) -> io::Result<()> {
        let mut lines = std::mem::take(&mut self.lines);
        lines.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| (&a.1, a.2, a.3).cmp(&(&b.1, b.2, b.3)))
        });
        let mut text: String = lines.into_iter().map(|l| l.4 + "\n").collect();
        let s = self.summary;
        text.push_str(&format!(
            "cardlint: {} file(s), {} error(s), {} warning(s), {} info\n",
            s.files, s.errors, s.warnings, s.infos
        ));
        put(out, &text)
    }
}

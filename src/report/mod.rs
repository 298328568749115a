//! Renderers: they format findings and decide nothing. Each is a [`Stream`]: a run over
//! many files writes every file's part as soon as it is checked and keeps nothing of it, so
//! memory stays flat however many files there are.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::baseline::Entry;
use crate::Report;
use std::io::{self, Seek, Write};

/// One checked input, or the reason it could not be checked.
pub enum Outcome {
    Checked(Report),
    Failed { path: String, error: String },
}

impl Outcome {
    pub fn path(&self) -> &str {
        match self {
            Outcome::Checked(r) => &r.source.path,
            Outcome::Failed { path, .. } => path,
        }
    }
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(outcomes: &[Outcome]) -> Summary {
        let mut s = Summary::default();
        for o in outcomes {
            s.add(o);
        }
        s
    }

    pub fn add(&mut self, o: &Outcome) {
        self.files += 1;
        if let Outcome::Checked(r) = o {
            self.add_findings(r);
        }
    }

    pub fn add_findings(&mut self, r: &crate::Report) {
        self.errors += r.count(crate::Severity::Error);
        self.warnings += r.count(crate::Severity::Warning);
        self.infos += r.count(crate::Severity::Info);
    }
}

/// A report written while the files are checked, in input order; what needs every file
/// (totals, stale baseline entries) comes in `finish`.
pub trait Stream: Send {
    fn file(&mut self, o: &Outcome, out: &mut dyn Write) -> io::Result<()>;
    fn finish(&mut self, stale: &[Entry], out: &mut dyn Write) -> io::Result<()>;
}

/// A whole report at once, for the few outcomes of a command such as `cardlint url`.
pub fn render(stream: &mut dyn Stream, outcomes: &[Outcome], stale: &[Entry]) -> String {
    let mut out = Vec::new();
    for o in outcomes {
        stream.file(o, &mut out).expect("writing to memory");
    }
    stream.finish(stale, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Writes report text with secrets masked: the last line of defence, no output leaves with
/// a token or ticket in it. Writers pass whole pieces (a file's part, a header) so that a
/// secret and its key are masked together.
pub fn put(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(crate::redact::mask(text).as_bytes())
}

/// `value` as `serde_json::to_string_pretty` writes it `depth` levels into a document
/// (strings hold no raw line breaks, so indenting after each one is exact).
fn pretty_at(value: &impl serde::Serialize, depth: usize) -> String {
    let text = serde_json::to_string_pretty(value).expect("serializable");
    text.replace('\n', &format!("\n{}", "  ".repeat(depth)))
}

/// Text held back until the end of a run, for documents whose header needs totals: in
/// memory up to 1 MiB, then in an anonymous temporary file.
#[derive(Default)]
pub struct Spill {
    mem: Vec<u8>,
    file: Option<std::fs::File>,
}

impl Spill {
    const IN_MEMORY: usize = 1 << 20;

    pub fn is_empty(&self) -> bool {
        self.mem.is_empty() && self.file.is_none()
    }

    /// Writes out everything held, in order.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(f) = &mut self.file {
            f.flush()?;
            f.rewind()?;
            io::copy(f, out)?;
        }
        out.write_all(&self.mem)
    }
}

impl Write for Spill {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.mem.len() + buf.len() > Self::IN_MEMORY {
            let f = match &mut self.file {
                Some(f) => f,
                None => self.file.insert(tempfile::tempfile()?),
            };
            f.write_all(&self.mem)?;
            self.mem.clear();
            f.write_all(buf)?;
        } else {
            self.mem.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

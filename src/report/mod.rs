//! Renderers: they format findings and decide nothing. Each is a [`Stream`]: a run over
//! many files writes every file's part as soon as it is checked and keeps nothing of it, so
//! memory stays flat however many files there are.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
mod snippet;

use crate::baseline::Entry;
use crate::redact::Secrets;
use crate::{Finding, Report};
use std::borrow::Cow;
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

/// Writes report text. Secrets are masked before this, where they enter a report (see
/// [`Shown`]), so that masking never touches a document's syntax.
pub fn put(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())
}

/// One checked input as every format prints it: the path, the findings and the quoted source
/// with the input's secrets masked (their values, wherever they reappear).
pub struct Shown<'a> {
    pub report: &'a Report,
    pub path: Cow<'a, str>,
    pub findings: Cow<'a, [Finding]>,
    pub secrets: Secrets,
}

impl<'a> Shown<'a> {
    pub fn of(report: &'a Report) -> Shown<'a> {
        let source = &report.source;
        let secrets = with_findings(Secrets::of(&source.text, &source.path), &report.findings);
        if secrets.is_empty() && !report.findings.iter().any(maybe_secret) {
            return Shown {
                report,
                path: Cow::Borrowed(&source.path),
                findings: Cow::Borrowed(&report.findings),
                secrets,
            };
        }
        Shown {
            report,
            path: secrets.text(&source.path).into_owned().into(),
            findings: report
                .findings
                .iter()
                .map(|f| secrets.finding(f))
                .collect::<Vec<_>>()
                .into(),
            secrets,
        }
    }

    /// The input's text with its secrets masked, character for character.
    pub fn source(&self) -> Cow<'a, str> {
        self.secrets.source(&self.report.source.text)
    }
}

/// A finding whose fix may carry a secret its input's text does not show as one.
fn maybe_secret(f: &Finding) -> bool {
    f.fix.is_some() && crate::redact::is_secret_pointer(&f.pointer)
}

/// Whether a finding's span is the key of a credential: a ticket in card_ext (EXT004), an
/// unknown field named for a credential (SCHEMA003, inside a cardExt string too).
fn on_secret_key(f: &Finding) -> bool {
    use crate::registry::code;
    f.code == code::EXT004
        || (f.code == code::SCHEMA003
            && f.message
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(crate::redact::is_secret_key))
}

/// The secrets that findings show by themselves: values their own text and fixes quote with
/// a key, and the keys whose value follows them (the input's text may have been let go
/// before its report is written).
fn with_findings(mut secrets: Secrets, findings: &[Finding]) -> Secrets {
    secrets.learn_findings(findings);
    secrets.keys = findings
        .iter()
        .filter(|f| on_secret_key(f))
        .map(|f| f.span.clone())
        .collect();
    secrets
}

/// Findings with their secrets masked when the input's text is not at hand (explain).
pub fn masked_findings(findings: &[Finding]) -> Vec<Finding> {
    let secrets = with_findings(Secrets::default(), findings);
    findings.iter().map(|f| secrets.finding(f)).collect()
}

/// The path and error of an input that could not be checked, secrets masked.
pub fn failed<'a>(path: &'a str, error: &'a str) -> (Cow<'a, str>, Cow<'a, str>) {
    let mut s = Secrets::default();
    s.learn(path, &crate::redact::find(path));
    let error = match crate::redact::mask(error) {
        Cow::Borrowed(e) => s.values(e),
        Cow::Owned(e) => Cow::Owned(s.values(&e).into_owned()),
    };
    (s.text(path), error)
}

/// Stale baseline entries as a report prints them: secrets in their paths masked.
pub fn stale(entries: &[Entry]) -> Cow<'_, [Entry]> {
    if !entries
        .iter()
        .any(|e| matches!(crate::redact::mask(&e.path), Cow::Owned(_)))
    {
        return Cow::Borrowed(entries);
    }
    entries
        .iter()
        .map(|e| Entry {
            path: crate::redact::mask(&e.path).into_owned(),
            ..e.clone()
        })
        .collect::<Vec<_>>()
        .into()
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

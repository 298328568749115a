//! Human output: one miette report per file, every finding a labelled sub-report with its
//! explanation and fix; secrets masked in the quoted source.

use super::{put, Outcome, Stream, Summary};
use crate::registry::{say, term};
use crate::{Finding, Lang, Report, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use std::fmt;
use std::io::{self, Write};

pub struct Style {
    pub color: bool,
    pub width: usize,
    pub lang: Lang,
}

struct FileDiag {
    title: String,
    src: NamedSource<String>,
    items: Vec<FindingDiag>,
}

struct FindingDiag {
    title: String,
    code: String,
    severity: miette::Severity,
    help: String,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for FileDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}
impl fmt::Display for FileDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}
impl std::error::Error for FileDiag {}

impl Diagnostic for FileDiag {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.items
            .iter()
            .map(|i| i.severity)
            .max_by_key(|s| match s {
                miette::Severity::Advice => 0,
                miette::Severity::Warning => 1,
                miette::Severity::Error => 2,
            })
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.items.iter().map(|d| d as &dyn Diagnostic)))
    }
}

impl fmt::Debug for FindingDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}
impl fmt::Display for FindingDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}
impl std::error::Error for FindingDiag {}

impl Diagnostic for FindingDiag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn counts(lang: Lang, e: usize, w: usize, i: usize) -> String {
    let mut parts = Vec::new();
    for (n, key) in [
        (e, "report.errors"),
        (w, "report.warnings"),
        (i, "report.infos"),
    ] {
        if n > 0 {
            parts.push(say(lang, key, &[("count", n.to_string())]));
        }
    }
    if parts.is_empty() {
        term(lang, "report.clean")
    } else {
        parts.join(&term(lang, "report.separator"))
    }
}

/// ` [--fix]` on a finding that a fix repairs (the flag that applies it).
fn fixable(f: &Finding) -> &'static str {
    match f.fix.as_ref().map(|x| x.safety) {
        Some(crate::finding::FixSafety::Safe) => " [--fix]",
        Some(crate::finding::FixSafety::Unsafe) => " [--fix --unsafe-fixes]",
        _ => "",
    }
}

fn finding_diag(f: &Finding, lang: Lang) -> FindingDiag {
    // the title says what is wrong; the label at the spot says what to do
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(format!("{}: {}", term(lang, "report.fix"), f.help)),
        f.span.clone(),
    )];
    for r in &f.related {
        labels.push(LabeledSpan::new_with_span(
            Some(r.message.clone()),
            r.span.clone(),
        ));
    }
    let at = if f.pointer.is_empty() {
        String::new()
    } else {
        format!(" ({})", f.pointer)
    };
    FindingDiag {
        title: format!("{}:{} {}{at}{}", f.line, f.column, f.message, fixable(f)),
        code: f.code.clone(),
        severity: severity(f.severity),
        help: format!("{}: {}", term(lang, "report.why"), f.explanation),
        labels,
    }
}

fn file_diag(r: &Report, lang: Lang) -> FileDiag {
    let endpoint = r.endpoint.unwrap_or("?");
    let title = format!(
        "{} [{}]: {}",
        r.source.path,
        endpoint,
        counts(
            lang,
            r.count(Severity::Error),
            r.count(Severity::Warning),
            r.count(Severity::Info)
        )
    );
    FileDiag {
        title,
        src: NamedSource::new(
            &r.source.path,
            crate::redact::mask(&r.source.text).into_owned(),
        )
        .with_language("json"),
        items: r.findings.iter().map(|f| finding_diag(f, lang)).collect(),
    }
}

pub fn render_report(r: &Report, style: &Style) -> String {
    if r.findings.is_empty() {
        return String::new();
    }
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(style.width)
        .with_context_lines(1)
        .with_show_related_as_nested(true);
    let mut out = String::new();
    handler
        .render_report(&mut out, &file_diag(r, style.lang))
        .expect("rendering to a String cannot fail");
    out
}

pub struct Human {
    style: Style,
    summary: Summary,
    /// Inputs that could not be checked, so the last line does not call them clean.
    failed: usize,
}

impl Human {
    pub fn new(style: Style) -> Human {
        Human {
            style,
            summary: Summary::default(),
            failed: 0,
        }
    }
}

impl Stream for Human {
    fn file(&mut self, o: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        self.summary.add(o);
        match o {
            Outcome::Checked(r) => put(out, &render_report(r, &self.style)),
            Outcome::Failed { error, .. } => {
                self.failed += 1;
                put(out, &format!("× {error}\n\n"))
            }
        }
    }

    fn finish(&mut self, stale: &[crate::baseline::Entry], out: &mut dyn Write) -> io::Result<()> {
        let mut text = String::new();
        let lang = self.style.lang;
        for e in stale {
            let args = [
                ("path", e.path.clone()),
                ("code", e.code.clone()),
                ("pointer", e.pointer.clone()),
            ];
            text.push_str(&say(lang, "baseline.stale", &args));
            text.push('\n');
        }
        let s = self.summary;
        text.push_str(&say(
            lang,
            "report.checked",
            &[("count", s.files.to_string())],
        ));
        let found = s.errors + s.warnings + s.infos;
        if self.failed > 0 {
            let n = self.failed;
            text.push_str(&say(
                lang,
                "report.not_checked",
                &[("count", n.to_string())],
            ));
            if found > 0 {
                text.push_str(&term(lang, "report.separator"));
            }
        }
        if found > 0 || self.failed == 0 {
            text.push_str(&counts(lang, s.errors, s.warnings, s.infos));
        }
        text.push('\n');
        put(out, &text)
    }
}

//! Human output: one miette report per file, every finding a labelled sub-report with its
//! explanation and fix. Each finding quotes a window of the source around its spans (see
//! `snippet`), with secrets masked and control characters escaped.

use super::snippet::{self, escape, Anchor, Lines, Snippet};
use super::{put, Outcome, Shown, Stream, Summary};
use crate::registry::{say, term};
use crate::{Finding, Lang, Report, Severity};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt;
use std::io::{self, Write};

pub struct Style {
    pub color: bool,
    pub width: usize,
    pub lang: Lang,
}

struct FileDiag {
    title: String,
    items: Vec<FindingDiag>,
}

struct FindingDiag {
    title: String,
    code: String,
    severity: miette::Severity,
    help: String,
    labels: Vec<LabeledSpan>,
    src: Snippet,
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
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }
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

/// Longest run of characters without a space shown in a title, a label or help: a longer
/// one is a value from the payload, cut so that a report stays readable (and its cost per
/// finding bounded).
const WORD: usize = 120;

/// `text` as a report line shows it: control characters escaped, very long words cut.
fn readable(text: &str) -> String {
    let text = escape(text);
    if !text.split(' ').any(|w| w.len() > WORD) {
        return text.into_owned();
    }
    let words: Vec<String> = text
        .split(' ')
        .map(|w| match w.char_indices().nth(WORD) {
            Some((cut, _)) => format!("{}…", &w[..cut]),
            None => w.to_string(),
        })
        .collect();
    words.join(" ")
}

/// What a finding's snippet is cut from: the input's lines (masked) and its shown name.
struct Quoted<'t> {
    lines: Lines<'t>,
    name: &'t str,
    /// Display columns of a cut source line.
    columns: usize,
}

fn finding_diag(f: &Finding, lang: Lang, q: &Quoted) -> FindingDiag {
    let anchor = |span: &std::ops::Range<usize>, line: usize, column: usize| Anchor {
        span: span.clone(),
        line: line.saturating_sub(1),
        column: column.saturating_sub(1),
    };
    let mut anchors = vec![anchor(&f.span, f.line, f.column)];
    anchors.extend(f.related.iter().map(|r| anchor(&r.span, r.line, r.column)));
    let (src, spans) = snippet::build(&q.lines, q.name, &anchors, q.columns);
    // the title says what is wrong; the label at the spot says what to do
    let fix = format!("{}: {}", term(lang, "report.fix"), readable(&f.help));
    let mut labels = Vec::new();
    let mut elsewhere = String::new();
    if let Some(span) = spans[0] {
        labels.push(LabeledSpan::new_primary_with_span(Some(fix), span));
    }
    for (r, span) in f.related.iter().zip(&spans[1..]) {
        match span {
            Some(span) => labels.push(LabeledSpan::new_with_span(
                Some(readable(&r.message)),
                *span,
            )),
            // on the finding's line but too far away to show in the same window
            None => elsewhere.push_str(&format!(
                "\n{}:{} {}",
                r.line,
                r.column,
                readable(&r.message)
            )),
        }
    }
    let at = if f.pointer.is_empty() {
        String::new()
    } else {
        format!(" ({})", readable(&f.pointer))
    };
    FindingDiag {
        title: format!(
            "{}:{} {}{at}{}",
            f.line,
            f.column,
            readable(&f.message),
            fixable(f)
        ),
        code: f.code.clone(),
        severity: severity(f.severity),
        help: format!(
            "{}: {}{elsewhere}",
            term(lang, "report.why"),
            readable(&f.explanation)
        ),
        labels,
        src,
    }
}

fn file_diag(r: &Report, style: &Style) -> FileDiag {
    let lang = style.lang;
    let shown = Shown::of(r);
    let source = shown.source();
    let name = escape(&shown.path);
    let endpoint = r.endpoint.unwrap_or("?");
    let title = format!(
        "{} [{}]: {}",
        name,
        endpoint,
        counts(
            lang,
            r.count(Severity::Error),
            r.count(Severity::Warning),
            r.count(Severity::Info)
        )
    );
    let quoted = Quoted {
        lines: Lines::new(&source),
        name: &name,
        columns: style.width.saturating_sub(24).clamp(24, 200),
    };
    FileDiag {
        title,
        items: shown
            .findings
            .iter()
            .map(|f| finding_diag(f, lang, &quoted))
            .collect(),
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
        .render_report(&mut out, &file_diag(r, style))
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
            Outcome::Failed { path, error } => {
                self.failed += 1;
                let (_, error) = super::failed(path, error);
                let error: String = error.lines().map(|l| escape(l) + "\n").collect();
                put(out, &format!("× {error}\n"))
            }
        }
    }

    fn finish(&mut self, stale: &[crate::baseline::Entry], out: &mut dyn Write) -> io::Result<()> {
        let mut text = String::new();
        let lang = self.style.lang;
        for e in super::stale(stale).iter() {
            let args = [
                ("path", escape(&e.path).into_owned()),
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

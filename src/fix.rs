//! `--fix`: applies the edits of fixable findings as exact byte-range replacements, so
//! everything outside them (indentation, key order, CJK text, line endings) stays as it was.

use crate::finding::{Finding, FixSafety};
use crate::registry::code;
use crate::syntax::parser::has_quote;
use crate::{LintError, Options};
use std::ops::Range;

/// Two edits touch when their ranges overlap, or both insert at the same place.
fn touches(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.start == a.end && b.start == b.end {
        return a.start == b.start;
    }
    if a.start == a.end {
        return b.start < a.start && a.start < b.end;
    }
    if b.start == b.end {
        return a.start < b.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

/// One fix that was applied: its rule and its edits (byte ranges of the text it was applied
/// to, and what they became), sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub code: String,
    pub edits: Vec<(Range<usize>, String)>,
}

/// The fixes the safety level allows, each whose edits do not touch an earlier one's.
pub fn plan(text: &str, findings: &[Finding], allow_unsafe: bool) -> Vec<Applied> {
    let mut accepted: Vec<Range<usize>> = Vec::new();
    let mut applied = Vec::new();
    // after a string without its closing quote, which quote ends it is a guess: an edit
    // further on that writes or removes a quote would change it
    let cut = findings
        .iter()
        .filter(|f| f.code == code::JSON019)
        .map(|f| f.span.start)
        .min();
    let moves_quote = |e: &crate::finding::FixEdit| {
        cut.is_some_and(|cut| e.span.end > cut)
            && (has_quote(&e.replacement) || text.get(e.span.clone()).is_some_and(has_quote))
    };
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        let allowed = match fix.safety {
            FixSafety::Safe => true,
            FixSafety::Unsafe => allow_unsafe,
            FixSafety::None => false,
        };
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        if !allowed || !in_bounds || fix.edits.is_empty() || fix.edits.iter().any(moves_quote) {
            continue;
        }
        let clash = fix.edits.iter().enumerate().any(|(i, e)| {
            accepted.iter().any(|r| touches(r, &e.span))
                || fix.edits[..i].iter().any(|o| touches(&o.span, &e.span))
        });
        if clash {
            continue;
        }
        accepted.extend(fix.edits.iter().map(|e| e.span.clone()));
        let mut edits: Vec<(Range<usize>, String)> = fix
            .edits
            .iter()
            .map(|e| (e.span.clone(), e.replacement.clone()))
            .collect();
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        applied.push(Applied {
            code: f.code.clone(),
            edits,
        });
    }
    applied
}

/// The text with every edit of `applied` made.
pub fn apply_plan(text: &str, applied: &[Applied]) -> String {
    let mut edits: Vec<&(Range<usize>, String)> =
        applied.iter().flat_map(|a| a.edits.iter()).collect();
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for (r, replacement) in edits {
        out.push_str(&text[at..r.start]);
        out.push_str(replacement);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Applies every fix the safety level allows whose edits do not touch an earlier one's;
/// returns the new text and how many findings were fixed.
pub fn apply(text: &str, findings: &[Finding], allow_unsafe: bool) -> (String, usize) {
    let applied = plan(text, findings, allow_unsafe);
    (apply_plan(text, &applied), applied.len())
}

/// [`apply`], also returning the edits applied (sorted), for checking what changed.
pub fn apply_edits(
    text: &str,
    findings: &[Finding],
    allow_unsafe: bool,
) -> (String, usize, Vec<(Range<usize>, String)>) {
    let applied = plan(text, findings, allow_unsafe);
    let out = apply_plan(text, &applied);
    let mut edits: Vec<(Range<usize>, String)> =
        applied.iter().flat_map(|a| a.edits.clone()).collect();
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    (out, applied.len(), edits)
}

pub struct Fixed {
    pub text: String,
    /// Findings fixed over all passes.
    pub fixed: usize,
    /// What is left after fixing.
    pub report: crate::Report,
}

/// Lints and fixes until nothing more can be fixed (a fix can make room for another, e.g. a
/// string that is requoted and then unescaped); at most 8 passes.
pub fn fix_bytes(
    options: &Options,
    path: &str,
    bytes: &[u8],
    allow_unsafe: bool,
    keep: &dyn Fn(&mut Vec<Finding>),
) -> Result<Fixed, LintError> {
    fix_bytes_traced(options, path, bytes, allow_unsafe, keep, &mut |_, _| {})
}

/// [`fix_bytes`], telling `pass` each text a pass started from and the fixes it applied.
pub fn fix_bytes_traced(
    options: &Options,
    path: &str,
    bytes: &[u8],
    allow_unsafe: bool,
    keep: &dyn Fn(&mut Vec<Finding>),
    pass: &mut dyn FnMut(&str, &[Applied]),
) -> Result<Fixed, LintError> {
    let lint = |b: &[u8]| -> Result<crate::Report, LintError> {
        let mut r = crate::lint_bytes(options, path, b)?;
        keep(&mut r.findings);
        Ok(r)
    };
    let mut report = lint(bytes)?;
    let mut fixed = 0;
    // text that had invalid UTF-8 cannot be written back byte for byte: nothing is fixed
    if report.findings.iter().any(|f| f.code == code::JSON011)
        || std::str::from_utf8(bytes).is_err()
    {
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Ok(Fixed {
            text,
            fixed,
            report,
        });
    }
    let mut text = report.source.text.clone();
    for _ in 0..8 {
        let applied = plan(&text, &report.findings, allow_unsafe);
        let next = apply_plan(&text, &applied);
        if applied.is_empty() || next == text {
            break;
        }
        pass(&text, &applied);
        fixed += applied.len();
        text = next;
        report = lint(text.as_bytes())?;
    }
    Ok(Fixed {
        text,
        fixed,
        report,
    })
}

/// A unified diff of one file (`--- path` / `+++ path`, for `patch -p0`).
pub fn diff(path: &str, old: &str, new: &str) -> String {
    // a name with blanks ends at a tab, as GNU diff writes it, so patch and git apply read it
    let name = if path.contains(char::is_whitespace) {
        format!("{path}\t")
    } else {
        path.to_string()
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::touches;

    #[test]
    fn overlapping_edits_touch() {
        assert!(touches(&(1..3), &(2..4)));
        assert!(!touches(&(1..2), &(2..3)));
        assert!(touches(&(2..2), &(2..2)));
        assert!(touches(&(2..2), &(1..3)));
        assert!(!touches(&(3..3), &(1..3)));
    }
}

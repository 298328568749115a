//! `--fix`: applies the edits of fixable findings as exact byte-range replacements, so
//! everything outside them (indentation, key order, CJK text, line endings) stays as it was.

use crate::finding::{Finding, FixSafety};
use crate::registry::code;
use crate::syntax::parser::has_quote;
use crate::{LintError, Options};
use std::ops::Range;

pub mod verify;

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
    // further on that writes or removes a quote, or a comma (where recovery may end the
    // string), would change it
    let cut = findings
        .iter()
        .filter(|f| f.code == code::JSON019)
        .map(|f| f.span.start)
        .min();
    let moves_quote = |e: &crate::finding::FixEdit| {
        cut.is_some_and(|cut| e.span.end > cut)
            && [
                e.replacement.as_str(),
                text.get(e.span.clone()).unwrap_or_default(),
            ]
            .iter()
            .any(|t| has_quote(t) || t.contains(','))
    };
    // the keys renamed by the fixes accepted so far: each rename was checked alone that its
    // name is free in its object, but two onto one name there would make a duplicate key
    let mut renamed: Vec<(&str, String)> = Vec::new();
    // an unquoted run, a single-quoted or unterminated string, a word without its colon or a
    // stray token make the recovering lexer read what follows by context: a comma inserted
    // there could change how the rest is read, so it waits for a pass without them
    let unsure = findings.iter().any(|f| {
        [
            code::JSON005,
            code::JSON012,
            code::JSON017,
            code::JSON019,
            code::JSON020,
        ]
        .iter()
        .any(|c| f.code == *c)
    });
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        if unsure && f.code == code::JSON007 {
            continue;
        }
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
        let names = renames(text, f);
        if names.iter().any(|n| renamed.contains(n)) {
            continue;
        }
        renamed.extend(names);
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

/// The keys a fix renames, as (object, new name): an edit followed by `:` that writes a string
/// other than the key written (quoting `code:` as `"code"` renames nothing). The finding's
/// pointer names the key, so its parent names the object.
fn renames<'f>(text: &str, f: &'f Finding) -> Vec<(&'f str, String)> {
    let Some(fix) = &f.fix else { return Vec::new() };
    let parent = &f.pointer[..f.pointer.rfind('/').unwrap_or(0)];
    fix.edits
        .iter()
        .filter(|e| {
            text.get(e.span.end..)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .filter_map(|e| {
            let name = serde_json::from_str::<String>(&e.replacement).ok()?;
            let written = text.get(e.span.clone())?;
            let was = serde_json::from_str::<String>(written).unwrap_or_else(|_| written.into());
            (name != was).then_some((parent, name))
        })
        .collect()
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
/// string that is requoted and then unescaped); at most [`PASSES`] passes, each verified
/// (see [`verify`]).
pub fn fix_bytes(
    options: &Options,
    path: &str,
    bytes: &[u8],
    allow_unsafe: bool,
    keep: &dyn Fn(&mut Vec<Finding>),
) -> Result<Fixed, LintError> {
    fix_bytes_traced(options, path, bytes, allow_unsafe, keep, &mut |_, _| {})
}

/// One finding's fix on its own (safe or unsafe: the caller shows which), when the verifier
/// accepts it as it accepts a `--fix` pass: what the language server's quick fix and the web
/// page's fix button make. `verify` is false for page code, which is edited inside its script
/// and not checked as a document. `None` when the finding has no fix or it would change other
/// text.
pub fn single(
    text: &str,
    body: Range<usize>,
    finding: &Finding,
    verify: bool,
) -> Option<Vec<Applied>> {
    if finding.fix.as_ref()?.safety == FixSafety::None {
        return None;
    }
    let planned = plan(text, std::slice::from_ref(finding), true);
    let sound = !verify || verify::pass(text, body, &planned).is_empty();
    (!planned.is_empty() && sound).then_some(planned)
}

/// Passes of `--fix` at most: a fix may wait for a pass in which it is sure.
const PASSES: usize = 16;

/// The fixes of `planned` that [`verify::pass`] accepts together: all of them when it accepts
/// the whole pass; otherwise, while some are left, the shortest prefix it rejects names one
/// fix that is dropped (a fix is judged in the company of those before it). Some checks of
/// the whole text per dropped fix, a few at most, and none when the pass is sound.
fn verified(text: &str, body: Range<usize>, mut planned: Vec<Applied>) -> Vec<Applied> {
    let sound = |fixes: &[Applied]| verify::pass(text, body.clone(), fixes).is_empty();
    for _ in 0..4 {
        if planned.is_empty() || sound(&planned) {
            return planned;
        }
        // the shortest rejected prefix: [..lo] accepted, [..hi] rejected
        let (mut lo, mut hi) = (0, planned.len());
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if sound(&planned[..mid]) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        planned.remove(hi - 1);
    }
    // still rejected after a few drops: the first half, then its first half, until accepted
    while !planned.is_empty() && !sound(&planned) {
        planned.truncate(planned.len() / 2);
    }
    planned
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
    for _ in 0..PASSES {
        let planned = plan(&text, &report.findings, allow_unsafe);
        let applied = if crate::rules::html::is_page(path) {
            planned
        } else {
            verified(&text, report.source.body.clone(), planned)
        };
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

/// A unified diff of one file, with no secret in it.
#[derive(Debug, Default, PartialEq)]
pub struct Diff {
    /// `--- path` / `+++ path` and the hunks, for `patch -p0` and `git apply`; empty when
    /// withheld.
    pub text: String,
    /// A changed line holds a secret: the diff would have to print it, so none is given.
    pub withheld: bool,
    /// A hunk ends right before a line with a secret and so has no trailing context: `patch`
    /// applies it, `git apply` only with `--unidiff-zero`.
    pub unanchored: bool,
}

/// A diff keeps the file's own bytes in every line it prints, so it applies: a context line
/// holding a secret is left out of its hunk (which is split or shortened there) instead of
/// being masked, and a diff whose changed lines hold one is withheld.
pub fn diff(path: &str, old: &str, new: &str) -> Diff {
    // a name with blanks ends at a tab, as GNU diff writes it, so patch and git apply read it
    let name = if path.contains(char::is_whitespace) {
        format!("{path}\t")
    } else {
        path.to_string()
    };
    let secret_old = secret_lines(old);
    let secret_new = secret_lines(new);
    let lines = similar::TextDiff::from_lines(old, new);
    let mut out = Diff::default();
    let mut hunks = String::new();
    for group in lines.grouped_ops(3) {
        let mut piece: Vec<Line> = Vec::new();
        for op in &group {
            for change in lines.iter_changes(op) {
                let line = Line {
                    tag: change.tag(),
                    old: change.old_index(),
                    new: change.new_index(),
                    old_pos: change.old_index().unwrap_or(op.old_range().start),
                    new_pos: change.new_index().unwrap_or(op.new_range().start),
                    text: change.value(),
                };
                let secret = line.old.is_some_and(|i| secret_old.contains(&i))
                    || line.new.is_some_and(|i| secret_new.contains(&i));
                if !secret {
                    piece.push(line);
                } else if line.tag == similar::ChangeTag::Equal {
                    // the hunk so far ends here; the next starts after this line
                    out.unanchored |= write_hunk(&piece, true, &mut hunks);
                    piece.clear();
                } else {
                    return Diff {
                        withheld: true,
                        ..Diff::default()
                    };
                }
            }
        }
        out.unanchored |= write_hunk(&piece, false, &mut hunks);
    }
    if !hunks.is_empty() {
        out.text = format!("--- {name}\n+++ {name}\n{hunks}");
    }
    out
}

/// One line of a hunk: its 0-based index in the old and the new text, and where it stands
/// in the side it is not in (the index of the line after it).
struct Line<'a> {
    tag: similar::ChangeTag,
    old: Option<usize>,
    new: Option<usize>,
    old_pos: usize,
    new_pos: usize,
    text: &'a str,
}

/// The 0-based indices of the lines of `text` that hold part of a secret value.
fn secret_lines(text: &str) -> std::collections::BTreeSet<usize> {
    let ranges = crate::redact::find(text);
    let mut lines = std::collections::BTreeSet::new();
    if ranges.is_empty() {
        return lines;
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |at: usize| starts.partition_point(|s| *s <= at) - 1;
    for r in ranges {
        lines.extend(line_of(r.start)..=line_of(r.end.saturating_sub(1).max(r.start)));
    }
    lines
}

/// Writes one hunk (nothing when it changes nothing); `cut` says a secret line follows it.
/// Returns whether it ends in a change that is not at the end of the file, which `git apply`
/// would anchor there.
fn write_hunk(lines: &[Line], cut: bool, out: &mut String) -> bool {
    use similar::ChangeTag;
    // the context before a cut is at most 3 lines, so a hunk stays as small as git writes
    let Some(first) = lines.iter().position(|l| l.tag != ChangeTag::Equal) else {
        return false;
    };
    let last = lines
        .iter()
        .rposition(|l| l.tag != ChangeTag::Equal)
        .unwrap_or(first);
    let start = first.saturating_sub(3);
    let end = (last + 4).min(lines.len());
    let lines = &lines[start..end];
    let count = |f: fn(&Line) -> Option<usize>| lines.iter().filter(|l| f(l).is_some()).count();
    let (old_n, new_n) = (count(|l| l.old), count(|l| l.new));
    // a side with lines starts at its first (1-based); an empty side is numbered by the
    // line before it
    let pos = |n: usize, f: fn(&Line) -> usize| lines.first().map_or(0, f) + usize::from(n > 0);
    let (old_at, new_at) = (pos(old_n, |l| l.old_pos), pos(new_n, |l| l.new_pos));
    out.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(old_at, old_n),
        range(new_at, new_n)
    ));
    for l in lines {
        let mark = match l.tag {
            ChangeTag::Equal => ' ',
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
        };
        out.push(mark);
        out.push_str(l.text);
        if !l.text.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
    cut && lines.last().is_some_and(|l| l.tag != ChangeTag::Equal)
}

fn range(at: usize, n: usize) -> String {
    if n == 1 {
        at.to_string()
    } else {
        format!("{at},{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::{diff, touches};

    /// A quote written after text the lexer read by context moves where an earlier string
    /// ends: the pass is rejected by the verifier, and the fix is not made.
    #[test]
    fn a_fix_that_changes_how_untouched_text_reads_is_not_made() {
        let text = "{\n  \"ca  \"card_id\": \"pFS7Fjgopenalse\n=\n";
        let options = crate::Options::default();
        let report = crate::lint_bytes(&options, "t.json", text.as_bytes()).unwrap();
        let planned = super::plan(text, &report.findings, true);
        assert!(planned.iter().any(|a| a.code == "JSON014"));
        assert!(!super::verify::pass(text, 0..text.len(), &planned).is_empty());
        let fixed = super::fix_bytes(&options, "t.json", text.as_bytes(), true, &|_| {}).unwrap();
        assert!(fixed.text.ends_with("\n=\n"), "{}", fixed.text);
    }

    const TICKET: &str = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3";

    /// Without a secret, the hunks are the ones `similar` writes itself.
    #[test]
    fn a_diff_without_secrets_is_the_usual_unified_diff() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb\nc", "a\nb\nC"),
            ("", "x\n"),
            ("x\n", ""),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
                "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nX\n",
            ),
            ("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n5\n6\n7\n8\n"),
            ("1\n2\n3\n4\n5\n6\n7\n", "1\n2\n3\nnew\n4\n5\n6\n7\n"),
        ];
        for (old, new) in cases {
            let want = similar::TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(3)
                .header("f", "f")
                .to_string();
            let got = diff("f", old, new);
            assert_eq!(got.text, want, "{old:?} -> {new:?}");
            assert!(!got.withheld && !got.unanchored);
        }
    }

    #[test]
    fn a_secret_in_the_context_is_left_out_of_the_hunk() {
        let old =
            format!("{{\n\"a\": 1,\n\"api_ticket\": \"{TICKET}\",\n\"code\": 1,\n\"b\": 2\n}}\n");
        let new = old.replace("\"code\": 1", "\"code\": \"1\"");
        let d = diff("f", &old, &new);
        assert!(
            !d.text.contains(TICKET) && !d.withheld && !d.unanchored,
            "{}",
            d.text
        );
        assert!(
            d.text
                .contains("@@ -4,3 +4,3 @@\n-\"code\": 1,\n+\"code\": \"1\",\n \"b\": 2\n }\n"),
            "{}",
            d.text
        );
        // a change right before the secret: no trailing context
        let new = old.replace("\"a\": 1", "\"a\": \"1\"");
        let d = diff("f", &old, &new);
        assert!(!d.text.contains(TICKET) && d.unanchored, "{}", d.text);
        // the secret on the changed line itself: no diff
        let one = format!("{{\"api_ticket\":\"{TICKET}\",\"code\":1}}");
        let d = diff("f", &one, &one.replace(":1}", ":\"1\"}"));
        assert!(d.withheld && d.text.is_empty());
    }

    #[test]
    fn overlapping_edits_touch() {
        assert!(touches(&(1..3), &(2..4)));
        assert!(!touches(&(1..2), &(2..3)));
        assert!(touches(&(2..2), &(2..2)));
        assert!(touches(&(2..2), &(1..3)));
        assert!(!touches(&(3..3), &(1..3)));
    }
}

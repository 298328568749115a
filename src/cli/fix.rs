//! `check --fix` and `check --diff`: fixes per file (with the session's rule selection),
//! written in place, printed (stdin), or shown as a diff; then what remains is reported.

use super::check::CheckArgs;
use super::output::{print, render, Format};
use super::session::{exit, Input, Session};
use cardlint::messages::{lint_error, write_error};
use cardlint::registry::say;
use cardlint::report::Outcome;
use std::path::Path;
use std::process::ExitCode;

/// What fixing the inputs gave.
#[derive(Default)]
struct Fixed {
    outcomes: Vec<Outcome>,
    diffs: String,
    /// What the user should know about a diff: withheld, or a hunk git applies only with
    /// --unidiff-zero.
    notes: Vec<String>,
    changed_any: bool,
    /// The fixed payload read from stdin, printed instead of written (as it was, when it is
    /// not UTF-8).
    stdin: Option<Vec<u8>>,
}

pub fn run(
    args: &CheckArgs,
    session: &Session,
    inputs: &[Input],
    outcomes: Vec<Outcome>,
) -> ExitCode {
    let mut done = Fixed {
        outcomes,
        ..Fixed::default()
    };
    for input in inputs {
        fix_one(args, session, input, &mut done);
    }
    let failed = done
        .outcomes
        .iter()
        .any(|o| matches!(o, Outcome::Failed { .. }));
    if args.diff {
        // the hunks hold no secret (fix::diff leaves such lines out) and must stay the file's
        // own bytes to apply; only the names in their headers may need masking
        print(&mask_headers(&done.diffs));
        for note in &done.notes {
            eprintln!("{}", cardlint::redact::mask(note));
        }
        for o in &done.outcomes {
            if let Outcome::Failed { error, .. } = o {
                eprintln!("{}", cardlint::redact::mask(error));
            }
        }
        return ExitCode::from(if failed {
            2
        } else {
            u8::from(done.changed_any)
        });
    }
    let remaining = render(
        &done.outcomes,
        &[],
        args.format.first().copied().unwrap_or(Format::Human),
        args.color,
        session.lang,
    );
    match &done.stdin {
        // stdout carries the fixed payload; what remains goes to stderr
        Some(bytes) => {
            let mut out = std::io::stdout().lock();
            // a closed pipe is not an error worth a panic
            let _ = std::io::Write::write_all(&mut out, bytes);
            let _ = std::io::Write::flush(&mut out);
            eprint!("{remaining}");
        }
        None => print(&remaining),
    }
    let fails = done.outcomes.iter().any(|o| session.fails(o));
    exit(failed, fails)
}

fn fix_one(args: &CheckArgs, session: &Session, input: &Input, done: &mut Fixed) {
    let lang = session.lang;
    let (shown, bytes) = session.bytes(input);
    let bytes = match bytes {
        Ok(b) => b,
        Err(error) => {
            done.outcomes.push(Outcome::Failed { path: shown, error });
            return;
        }
    };
    let rel = session.config.relative(Path::new(&shown));
    let keep = |f: &mut Vec<cardlint::Finding>| session.config.filter(&rel, &session.selection, f);
    let options = session.options_for(&rel);
    let fixed = match cardlint::fix::fix_bytes(&options, &shown, &bytes, args.unsafe_fixes, &keep) {
        Ok(f) => f,
        Err(e) => {
            done.outcomes.push(Outcome::Failed {
                path: shown,
                error: lint_error(&e, lang),
            });
            return;
        }
    };
    // a file that is not UTF-8 is never written: its text was decoded with replacement
    // characters, and writing it back would replace bytes nothing was meant to touch
    let utf8 = std::str::from_utf8(&bytes).is_ok();
    let changed = utf8 && fixed.text.as_bytes() != &*bytes;
    done.changed_any |= changed;
    if args.diff {
        if changed {
            let original = String::from_utf8_lossy(&bytes);
            let diff = cardlint::fix::diff(&shown, &original, &fixed.text);
            done.diffs.push_str(&diff.text);
            let note = if diff.withheld {
                Some("fix.diff_withheld")
            } else if diff.unanchored {
                Some("fix.diff_unanchored")
            } else {
                None
            };
            if let Some(key) = note {
                done.notes.push(say(lang, key, &[("path", shown.clone())]));
            }
        }
    } else if matches!(input, Input::Stdin(_)) {
        done.stdin = Some(if utf8 {
            fixed.text.clone().into_bytes()
        } else {
            bytes.to_vec()
        });
    } else if let (true, Input::File(path)) = (changed, input) {
        // the path itself, not its display form: a name that is not UTF-8 stays the same file
        if let Err(e) = std::fs::write(path, &fixed.text) {
            let error = write_error(&shown, &e, lang);
            done.outcomes.push(Outcome::Failed { path: shown, error });
            return;
        }
    }
    if fixed.fixed > 0 && !args.diff && changed {
        let a = [("path", shown.clone()), ("count", fixed.fixed.to_string())];
        eprintln!("{}", cardlint::redact::mask(&say(lang, "fix.fixed", &a)));
    }
    done.outcomes.push(Outcome::Checked(fixed.report));
}

/// The `---`/`+++` lines of a diff with their secrets masked (a path may carry
/// `ticket=…`); the hunk lines as they are.
fn mask_headers(diffs: &str) -> String {
    diffs
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with("--- ") || l.starts_with("+++ ") {
                cardlint::redact::mask(l).into_owned()
            } else {
                l.to_string()
            }
        })
        .collect()
}

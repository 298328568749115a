//! The localized text of errors that stop an input from being checked: unreadable, too
//! large, binary or too deep input, an unknown endpoint, a `--card` that cannot be used.

use crate::registry::{self, Lang};
use crate::{InputError, LintError};

pub fn lint_error(e: &LintError, lang: Lang) -> String {
    match e {
        LintError::UnknownEndpoint { name, suggestion } => {
            let mut a = vec![("endpoint", name.clone())];
            if let Some(s) = suggestion {
                a.push(("suggestion", s.clone()));
            }
            registry::say(lang, "error.unknown_endpoint", &a)
        }
        LintError::Input(e) => input_error(e, lang),
    }
}

/// A file cardlint writes (a fixed payload, a report, a baseline) that cannot be written.
pub fn write_error(path: &str, e: &std::io::Error, lang: Lang) -> String {
    registry::say(
        lang,
        "error.write",
        &[("path", path.to_string()), ("reason", e.to_string())],
    )
}

pub fn input_error(e: &InputError, lang: Lang) -> String {
    use InputError::*;
    let t = |key: &str, args: Vec<(&'static str, String)>| registry::say(lang, key, &args);
    match e {
        Io { path, source } => t(
            "error.io",
            vec![("path", path.clone()), ("reason", source.to_string())],
        ),
        TooLarge { path, limit } => t(
            "error.too_large",
            vec![("path", path.clone()), ("limit", limit.to_string())],
        ),
        Utf16 { path, encoding } => t(
            "error.utf16",
            vec![("path", path.clone()), ("encoding", encoding.to_string())],
        ),
        Binary { path, offset } => t(
            "error.binary",
            vec![("path", path.clone()), ("offset", offset.to_string())],
        ),
        TooDeep {
            path,
            depth,
            line,
            column,
        } => t(
            "error.too_deep",
            vec![
                ("path", path.clone()),
                ("depth", depth.to_string()),
                ("line", line.to_string()),
                ("column", column.to_string()),
            ],
        ),
    }
}

/// A `--card ID=PATH` that cannot be used.
#[derive(Debug)]
pub enum CardError {
    Spec(String),
    Io(String, std::io::Error),
    NotACard(crate::rules::card_book::NotACard),
}

pub fn card_error(e: &CardError, lang: Lang) -> String {
    let t = |key: &str, args: Vec<(&'static str, String)>| registry::say(lang, key, &args);
    match e {
        CardError::Spec(s) => t("error.card_spec", vec![("spec", s.clone())]),
        CardError::Io(path, err) => t(
            "error.io",
            vec![("path", path.clone()), ("reason", err.to_string())],
        ),
        CardError::NotACard(n) => t("error.not_a_card", vec![("path", n.path.clone())]),
    }
}

//! Rule documentation for `cardlint rules` and `cardlint explain RULE`, and the localized
//! text of input and usage errors.

use super::registry::{self, render, term, Lang, Rule, EXAMPLES};
use crate::finding::Arg;
use crate::{LintError, Options};

pub fn list(lang: Lang) -> String {
    let mut out = String::new();
    for r in registry::all() {
        out.push_str(&format!(
            "{:<10} {:<8} {:<34} {}\n",
            r.code,
            r.severity.as_str(),
            r.name,
            strip_placeholders(&r.text(lang).message)
        ));
    }
    out
}

/// A template with its placeholders shown as `…` (for listings).
pub fn strip_placeholders(t: &str) -> String {
    let names = registry::placeholders(t);
    let args: Vec<(&str, Arg)> = names
        .iter()
        .map(|n| (n.as_str(), Arg::Text("…".into())))
        .collect();
    render(t, &args, Lang::En)
}

pub fn example(rule: &Rule) -> Option<(&'static str, Option<&'static str>, &'static [u8])> {
    EXAMPLES
        .iter()
        .find(|(code, ..)| *code == rule.code)
        .map(|(_, name, endpoint, bytes)| (*name, *endpoint, *bytes))
}

pub fn explain(key: &str, lang: Lang) -> Option<String> {
    let rule = registry::lookup(key)?;
    let t = rule.text(lang);
    let heading = |k: &str| term(lang, k);
    let mut out = format!(
        "{} {} ({})\n\n{}: {}\n{}: {}\n{}: {}\n",
        rule.code,
        rule.name,
        term(lang, rule.severity.as_str()),
        heading("doc.what"),
        strip_placeholders(&t.message),
        heading("doc.why"),
        strip_placeholders(&t.why),
        heading("doc.fix"),
        strip_placeholders(&t.help),
    );
    if !rule.errcodes.is_empty() {
        let codes: Vec<String> = rule.errcodes.iter().map(i64::to_string).collect();
        out.push_str(&format!(
            "{}: {}\n",
            heading("doc.errcodes"),
            codes.join(", ")
        ));
    }
    if !rule.symptoms.is_empty() {
        out.push_str(&format!(
            "{}: {}\n",
            heading("doc.symptoms"),
            rule.symptoms.join(" / ")
        ));
    }
    if rule.fix != crate::finding::FixSafety::None {
        let kind = match rule.fix {
            crate::finding::FixSafety::Safe => "--fix",
            _ => "--fix --unsafe-fixes",
        };
        let note = t
            .fix_safety
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        out.push_str(&format!("{}: {kind}{note}\n", heading("doc.fix_safety")));
    }
    if let Some((name, endpoint, bytes)) = example(rule) {
        let options = Options {
            endpoint: endpoint.map(str::to_string),
            lang: Some(lang),
            ..Options::default()
        };
        out.push_str(&format!("\n{} ({name}):\n", heading("doc.example")));
        out.push_str(&String::from_utf8_lossy(bytes));
        if !bytes.ends_with(b"\n") {
            out.push('\n');
        }
        if let Ok(report) = crate::lint_bytes(&options, name, bytes) {
            for f in report.findings.iter().filter(|f| f.code == rule.code) {
                out.push_str(&format!(
                    "  -> {}:{} {}\n     {}\n",
                    f.line, f.column, f.message, f.help
                ));
            }
        }
    }
    Some(out)
}

pub fn unknown_rule(key: &str, lang: Lang) -> String {
    let codes = registry::all()
        .iter()
        .flat_map(|r| [r.code.as_str(), r.name.as_str()]);
    let mut args = vec![("rule", Arg::Text(key.to_string()))];
    if let Some(s) = crate::suggest::closest(key, codes) {
        args.push(("suggestion", Arg::Text(s)));
    }
    render(&term(lang, "error.unknown_rule"), &args, lang)
}

pub fn lint_error(e: &LintError, lang: Lang) -> String {
    use crate::InputError::*;
    let t = |key: &str, args: Vec<(&'static str, String)>| registry::say(lang, key, &args);
    match e {
        LintError::UnknownEndpoint { name, suggestion } => {
            let mut a = vec![("endpoint", name.clone())];
            if let Some(s) = suggestion {
                a.push(("suggestion", s.clone()));
            }
            t("error.unknown_endpoint", a)
        }
        LintError::Input(Io { path, source }) => t(
            "error.io",
            vec![("path", path.clone()), ("reason", source.to_string())],
        ),
        LintError::Input(TooLarge { path, limit }) => t(
            "error.too_large",
            vec![("path", path.clone()), ("limit", limit.to_string())],
        ),
        LintError::Input(Utf16 { path }) => t("error.utf16", vec![("path", path.clone())]),
        LintError::Input(Binary { path, offset }) => t(
            "error.binary",
            vec![("path", path.clone()), ("offset", offset.to_string())],
        ),
        LintError::Input(TooDeep {
            path,
            depth,
            line,
            column,
        }) => t(
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

/// docs/rules.md, generated from the TOMLs (a test keeps the committed file current).
pub fn markdown() -> String {
    let mut out = String::from(
        "# cardlint rules\n\nGenerated from `rules/*.toml` by `CARDLINT_UPDATE_DOCS=1 cargo test --test meta`; \
         do not edit by hand. `cardlint explain CODE` shows the same text with an example.\n\n\
         | code | name | severity | errcodes | what (en) | 问题 (zh) |\n|---|---|---|---|---|---|\n",
    );
    let codes = |r: &Rule| {
        r.errcodes
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cell = |s: String| s.replace('|', "\\|");
    for r in registry::all() {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} | {} | {} |\n",
            r.code,
            r.code.to_ascii_lowercase(),
            r.name,
            r.severity.as_str(),
            codes(r),
            cell(strip_placeholders(&r.en.message)),
            cell(strip_placeholders(&r.zh.message)),
        ));
    }
    for r in registry::all() {
        out.push_str(&format!(
            "\n## {}\n\n`{}` · {}",
            r.code,
            r.name,
            r.severity.as_str()
        ));
        if !r.errcodes.is_empty() {
            out.push_str(&format!(" · errcodes {}", codes(r)));
        }
        match r.fix {
            crate::finding::FixSafety::Safe => out.push_str(" · fix: safe"),
            crate::finding::FixSafety::Unsafe => out.push_str(" · fix: unsafe"),
            crate::finding::FixSafety::None => {}
        }
        out.push('\n');
        if !r.symptoms.is_empty() {
            out.push_str(&format!("\nSymptoms / 现象: {}\n", r.symptoms.join(" / ")));
        }
        for (label, t) in [("en", &r.en), ("zh", &r.zh)] {
            out.push_str(&format!(
                "\n**{label}** — {}\n\n- why: {}\n- fix: {}\n",
                strip_placeholders(&t.message),
                strip_placeholders(&t.why),
                strip_placeholders(&t.help)
            ));
            if let Some(n) = &t.fix_safety {
                out.push_str(&format!("- unsafe fix: {n}\n"));
            }
        }
    }
    out
}

/// A `--card ID=PATH` that cannot be used.
#[derive(Debug)]
pub enum CardError {
    Spec(String),
    Io(String, std::io::Error),
    NotACard(super::cards::NotACard),
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

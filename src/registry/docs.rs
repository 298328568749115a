//! Rule documentation from the registry alone: the `cardlint rules` listing, docs/rules.md,
//! templates with their placeholders shown as `…`, and "unknown rule" with a suggestion.

use super::{all, placeholders, render, term, Lang, Rule};
use crate::finding::{Arg, FixSafety};

pub fn list(lang: Lang) -> String {
    let mut out = String::new();
    for r in all() {
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
    let names = placeholders(t);
    let args: Vec<(&str, Arg)> = names
        .iter()
        .map(|n| (n.as_str(), Arg::Text("…".into())))
        .collect();
    render(t, &args, Lang::En)
}

pub fn unknown_rule(key: &str, lang: Lang) -> String {
    let codes = all()
        .iter()
        .flat_map(|r| [r.code.as_str(), r.name.as_str()]);
    let mut args = vec![("rule", Arg::Text(key.to_string()))];
    if let Some(s) = crate::suggest::closest(key, codes) {
        args.push(("suggestion", Arg::Text(s)));
    }
    render(&term(lang, "error.unknown_rule"), &args, lang)
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
    for r in all() {
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
    for r in all() {
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
            FixSafety::Safe => out.push_str(" · fix: safe"),
            FixSafety::Unsafe => out.push_str(" · fix: unsafe"),
            FixSafety::None => {}
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

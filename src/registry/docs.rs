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
         do not edit by hand. `cardlint explain CODE` shows the same text with an example.\n\n",
    );
    out.push_str(SEVERITY_POLICY);
    out.push_str(
        "\n## Rules\n\n| code | name | severity | errcodes | what (en) | 问题 (zh) |\n|---|---|---|---|---|---|\n",
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
        out.push_str(&evidence_list(r));
    }
    out.push_str(&cross_card_section());
    out
}

/// The endpoints whose body names a card_id, with the checks made against the card when the
/// user defined it (`--card ID=PATH`, `[cards]`, or a card the sandbox created).
fn cross_card_section() -> String {
    let mut out = String::from(
        "\n## Cross-card checks\n\n\
         When a body names a card_id that cardlint knows (`--card ID=PATH`, `[cards]` in \
         cardlint.toml, or a card `cardlint serve` created), these rules check the body against \
         that card. A body without a card_id names no card: only CODE015 looks at one (a code \
         call, when every defined card uses custom codes), and nothing else is guessed; `—` marks \
         a body with a card_id that nothing in the card's definition decides. \
         / 请求体中的 card_id 是已知卡券时（--card、cardlint.toml 的 [cards]，或沙盒创建的卡券），\
         下列规则对照该卡券检查请求体；没有 card_id 的请求体只有 CODE015 会检查（code 接口，且定义的\
         卡券都是自定义 code 卡券），其余不做推测；`—` 表示请求体带 card_id，\
         但没有检查取决于卡券的定义。\n\n\
         | endpoint | rules |\n|---|---|\n",
    );
    for (endpoint, codes) in super::cross_card::CHECKS {
        let rules: Vec<String> = codes
            .iter()
            .map(|c| format!("[{}](#{})", c.as_str(), c.as_str().to_ascii_lowercase()))
            .collect();
        out.push_str(&format!("| `{endpoint}` | {} |\n", rules.join(", ")));
    }
    // the other bodies with a card_id of their own: nothing in the card's definition decides them
    let mut rest: Vec<String> = super::SCHEMA_FILES
        .iter()
        .filter(|(_, text)| {
            serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .is_some_and(|v| v.pointer("/properties/card_id").is_some())
        })
        .map(|(stem, _)| stem.replace('.', "/"))
        .filter(|e| super::cross_card::checks_for(e).is_empty())
        .collect();
    rest.sort();
    for endpoint in rest {
        out.push_str(&format!("| `{endpoint}` | — |\n"));
    }
    out
}

/// The top section of docs/rules.md: what each severity claims and what backs it.
const SEVERITY_POLICY: &str = "## How severities are decided

Every rule lists its evidence (shown below each rule and by `cardlint explain CODE`); the
severity follows from it:

- **error**: there is evidence that WeChat rejects the request: at least one entry of kind
  `doc` (an official doc section that states the requirement), `errcode` (the server's answer
  to it), `sdk-issue` (an SDK issue, WeChat developer-community thread or blog post reporting
  the failure) or `seed` (a row of the seed Q&A, e.g. its Part.2 debugging table). The JSON
  syntax rules (`JSON0xx`) that leave the body unparseable are errors because the server
  answers 47001 to such a body (open-platform global return codes).
- **warning**: probably wrong (the request is likely to go through without doing what was
  meant, or to fail later), without evidence that WeChat rejects it.
- **info**: taste, or a reminder (such as a permission the account needs).

Kinds of evidence: `doc` official documentation (current pages, or the 2015 微信卡券接口文档
as copied into SDKs); `errcode` an errcode with the server's message; `sdk-issue` a reported
failure; `sdk-source` SDK code or comments; `seed` the seed Q&A 微信卡券接口相关 Q&A;
`corpus` a real request body of the corpus, named by its file; `reasoning` cardlint's own
argument. Only the first four can make a rule an error.
";

/// A rule's evidence as a Markdown list, titles linked to their URL.
fn evidence_list(r: &Rule) -> String {
    if r.evidence.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n**Evidence / 依据**\n\n");
    for e in &r.evidence {
        let title = e.title.replace('[', "\\[").replace(']', "\\]");
        match &e.url {
            Some(url) => out.push_str(&format!("- {}: [{title}]({url})\n", e.label())),
            None => out.push_str(&format!("- {}: {title}\n", e.label())),
        }
    }
    out
}

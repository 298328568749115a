//! The rule registry: every `rules/*.toml` (embedded at build time), parsed once on first use,
//! and the message templates rendered per language.

pub mod cross_card;
pub mod docs;

use crate::finding::{Arg, Code, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `zh_*` locales get Chinese, everything else English.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() {
                    return if v.to_ascii_lowercase().starts_with("zh") {
                        Lang::Zh
                    } else {
                        Lang::En
                    };
                }
            }
        }
        Lang::En
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub message: String,
    pub why: String,
    pub help: String,
    /// Label for the secondary location of the finding, when it has one.
    #[serde(default)]
    pub related: Option<String>,
    /// For unsafe fixes: what the fix may change in meaning.
    #[serde(default)]
    pub fix_safety: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    #[serde(default)]
    pub errcodes: Vec<i64>,
    /// What the user sees when this reaches WeChat (feeds `explain`).
    #[serde(default)]
    pub symptoms: Vec<String>,
    /// Which stage emits it: `syntax`, `source`, `schema`, `endpoint`, or a check in src/rules/.
    pub check: String,
    /// A payload that triggers the rule, shown by `cardlint explain`; defaults to the fixture.
    #[serde(default)]
    pub example: Option<String>,
    /// Whether `--fix` may repair it: `safe`, `unsafe` (only with `--unsafe-fixes`) or `none`.
    pub fix: crate::finding::FixSafety,
    /// What the rule's claim rests on; an `error` needs an entry that shows WeChat rejects
    /// the request (see [`EvidenceKind::shows_rejection`]).
    pub evidence: Vec<Evidence>,
    pub zh: Text,
    pub en: Text,
}

/// One source behind a rule, written in its TOML as an inline table:
/// `{ kind = "errcode", errcode = 40076, title = "invalid color id" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The doc section, the errcode's message, the issue, the seed row or the corpus file.
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    /// The errcode the server answers (entries of kind `errcode`).
    #[serde(default)]
    pub errcode: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// Official WeChat documentation, current or the 2015 card API document.
    Doc,
    /// An errcode the server answers, with its message.
    Errcode,
    /// A failure reported in an SDK's issue tracker, the WeChat developer community or a blog.
    SdkIssue,
    /// How an SDK's code or comments build or describe the request.
    SdkSource,
    /// The seed Q&A 微信卡券接口相关 Q&A (its debugging table, application notes and FAQ).
    Seed,
    /// A real request body of the corpus, named by its file.
    Corpus,
    /// cardlint's own argument, with no outside source.
    Reasoning,
    /// Left by `scripts/new-rule` until the evidence is written (tests/meta.rs fails on it).
    #[serde(rename = "TODO")]
    Todo,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Doc => "doc",
            EvidenceKind::Errcode => "errcode",
            EvidenceKind::SdkIssue => "sdk-issue",
            EvidenceKind::SdkSource => "sdk-source",
            EvidenceKind::Seed => "seed",
            EvidenceKind::Corpus => "corpus",
            EvidenceKind::Reasoning => "reasoning",
            EvidenceKind::Todo => "TODO",
        }
    }

    /// Whether an entry of this kind can show that WeChat rejects a request, which is what
    /// a rule needs to be an `error`.
    pub fn shows_rejection(self) -> bool {
        matches!(
            self,
            EvidenceKind::Doc | EvidenceKind::Errcode | EvidenceKind::SdkIssue | EvidenceKind::Seed
        )
    }
}

impl Evidence {
    /// `doc`, `sdk-issue` …, or `errcode 40076` for an errcode.
    pub fn label(&self) -> String {
        match self.errcode {
            Some(e) => format!("{} {e}", self.kind.as_str()),
            None => self.kind.as_str().to_string(),
        }
    }
}

impl Rule {
    pub fn text(&self, lang: Lang) -> &Text {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        let args = [("a", Arg::Text("x".into()))];
        assert_eq!(
            render("{a} {?a:has {a}}{?b:no}", &args, Lang::En),
            "x has x"
        );
        assert_eq!(
            render("{{system:access_denied}} {a}", &args, Lang::En),
            "{system:access_denied} x"
        );
        assert_eq!(placeholders("{{lit}} {a} {?b:{c}}"), ["a", "b", "c"]);
    }
}

#[derive(Debug, Deserialize)]
struct Terms {
    zh: BTreeMap<String, String>,
    en: BTreeMap<String, String>,
}

/// Each rule's TOML is parsed the first time it is needed: a clean run parses none, a run
/// with three findings parses three (start-up time is what a one-file CLI run is made of).
fn parsed() -> &'static [OnceLock<Rule>] {
    static RULES: OnceLock<Vec<OnceLock<Rule>>> = OnceLock::new();
    RULES.get_or_init(|| RULE_FILES.iter().map(|_| OnceLock::new()).collect())
}

fn rule_at(i: usize) -> &'static Rule {
    parsed()[i].get_or_init(|| {
        let (stem, text) = RULE_FILES[i];
        toml::from_str(text).unwrap_or_else(|e| panic!("rules/{stem}.toml: {e}"))
    })
}

fn terms() -> &'static Terms {
    static TERMS: OnceLock<Terms> = OnceLock::new();
    TERMS.get_or_init(|| {
        let (_, text) = RULE_FILES
            .iter()
            .find(|(stem, _)| *stem == "terms")
            .expect("rules/terms.toml is embedded");
        toml::from_str(text).unwrap_or_else(|e| panic!("rules/terms.toml: {e}"))
    })
}

/// Every rule, sorted by code.
pub fn all() -> &'static [Rule] {
    static ALL: OnceLock<Vec<Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut rules: Vec<Rule> = (0..RULE_FILES.len())
            .filter(|i| RULE_FILES[*i].0 != "terms")
            .map(|i| rule_at(i).clone())
            .collect();
        rules.sort_by(|a, b| a.code.cmp(&b.code));
        rules
    })
}

/// The rule of a code (build.rs checked at compile time that its TOML exists).
pub fn get(code: Code) -> &'static Rule {
    rule_at(code.index())
}

/// Whether a hit's arguments fit its rule's text: every required placeholder given, and no
/// argument the text (or a term passed as an argument) never uses.
pub fn check_args(code: Code, args: &[(&str, Arg)]) -> Result<(), String> {
    let mut allowed: Vec<String> = code.placeholders().iter().map(|s| s.to_string()).collect();
    for (_, a) in args {
        if let Arg::Term(t) = a {
            for lang in [Lang::Zh, Lang::En] {
                allowed.extend(placeholders(&term(lang, t)));
            }
        }
    }
    if let Some(missing) = code
        .required()
        .iter()
        .find(|p| !args.iter().any(|(n, _)| n == *p))
    {
        return Err(format!("{code}: no argument for {{{missing}}}"));
    }
    if let Some((extra, _)) = args.iter().find(|(n, _)| !allowed.iter().any(|a| a == n)) {
        return Err(format!(
            "{code}: argument `{extra}` is used by no text of the rule"
        ));
    }
    Ok(())
}

/// Finds a rule by code (any case) or by name.
pub fn lookup(key: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

pub fn term(lang: Lang, key: &str) -> String {
    let t = terms();
    let map = match lang {
        Lang::Zh => &t.zh,
        Lang::En => &t.en,
    };
    map.get(key).cloned().unwrap_or_else(|| key.to_string())
}

pub fn term_keys() -> Vec<(String, bool)> {
    let t = terms();
    t.zh.keys()
        .chain(t.en.keys())
        .map(|k| (k.clone(), t.zh.contains_key(k) && t.en.contains_key(k)))
        .collect()
}

/// A term rendered with plain-text arguments: the CLI's own messages (errors, notices).
pub fn say(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, Arg)> = args
        .iter()
        .map(|(k, v)| (*k, Arg::Text(v.clone())))
        .collect();
    render(&term(lang, key), &args, lang)
}

/// Renders `{name}` placeholders and `{?name:text}` sections, which appear only when the
/// argument `name` is present.
pub fn render(template: &str, args: &[(&str, Arg)], lang: Lang) -> String {
    let value = |name: &str| -> Option<String> {
        args.iter().find(|(n, _)| *n == name).map(|(_, a)| match a {
            Arg::Text(s) => s.clone(),
            // a term may use the other arguments (`cause.timestamp` names both timestamps)
            Arg::Term(t) => render(&term(lang, t), args, lang),
        })
    };
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        // `{{` and `}}` are literal braces (`{{system:access_denied}}`)
        if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") {
            out.push_str(&rest[i..i + 1]);
            rest = &rest[i + 2..];
            continue;
        }
        if rest[i..].starts_with('}') {
            out.push('}');
            rest = &rest[i + 1..];
            continue;
        }
        rest = &rest[i + 1..];
        if let Some(cond) = rest.strip_prefix('?') {
            let colon = cond.find(':').unwrap_or(0);
            let name = &cond[..colon];
            let body_start = colon + 1;
            let mut depth = 1;
            let mut end = cond.len();
            for (j, c) in cond[body_start..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = body_start + j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if value(name).is_some() {
                out.push_str(&render(&cond[body_start..end], args, lang));
            }
            rest = cond.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find('}').unwrap_or(rest.len());
            let name = &rest[..end];
            out.push_str(&value(name).unwrap_or_default());
            rest = rest.get(end + 1..).unwrap_or("");
        }
    }
    out.push_str(rest);
    out
}

/// Placeholder names a template uses (for the meta tests).
pub fn placeholders(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        if rest[i..].starts_with("{{") {
            rest = &rest[i + 2..];
            continue;
        }
        rest = &rest[i + 1..];
        let name: String = rest
            .trim_start_matches('?')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        out.push(name);
    }
    out.sort();
    out.dedup();
    out
}

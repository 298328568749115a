//! `cardlint explain`: an errcode, a server response or a client-side symptom turned into
//! meanings, ranked causes with how to confirm and fix each, and the rules that catch them;
//! next to the request that failed, the findings that explain the code come first.

pub mod rule;

use crate::{Finding, Lang};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const CATALOGUE: &str = include_str!("../../errcodes/catalogue.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub code: Vec<Code>,
    pub symptom: Vec<Symptom>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub errcode: i64,
    pub errmsg: String,
    pub meaning: Vec<Meaning>,
    #[serde(default)]
    pub cause: Vec<Cause>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meaning {
    pub platform: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    pub zh: String,
    pub en: String,
    pub check_zh: String,
    pub check_en: String,
    pub fix_zh: String,
    pub fix_en: String,
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub endpoints: Vec<String>,
    #[serde(default)]
    pub account: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub keywords: Vec<String>,
    pub cause: Vec<Cause>,
}

pub fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| {
        toml::from_str(CATALOGUE).unwrap_or_else(|e| panic!("errcodes/catalogue.toml: {e}"))
    })
}

pub fn code(errcode: i64) -> Option<&'static Code> {
    catalogue().code.iter().find(|c| c.errcode == errcode)
}

/// Symptoms whose id or keywords occur in `text` (case-insensitive), best match first.
pub fn symptoms(text: &str) -> Vec<&'static Symptom> {
    let t = text.to_lowercase();
    let t = t.trim();
    if t.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &Symptom)> = catalogue()
        .symptom
        .iter()
        .filter_map(|s| {
            let score = std::iter::once(&s.id)
                .chain(&s.keywords)
                .map(|k| k.to_lowercase())
                .filter(|k| !k.is_empty() && (t.contains(k.as_str()) || k.contains(t)))
                .map(|k| k.chars().count())
                .max()?;
            Some((score, s))
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().map(|(_, s)| s).collect()
}

/// What `explain` was asked about, found in the catalogue.
pub enum Entry {
    Code(&'static Code),
    Symptom(&'static Symptom),
}

/// An errcode (`40053`), or symptom text; empty when nothing matches.
pub fn lookup(key: &str) -> Vec<Entry> {
    if let Ok(n) = key.trim().parse::<i64>() {
        return code(n).map(Entry::Code).into_iter().collect();
    }
    symptoms(key).into_iter().map(Entry::Symptom).collect()
}

/// A known errcode written inside other text (`{47001,data format error}`).
pub fn errcode_in(text: &str) -> Option<i64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .filter(|t| t.len() >= 4)
        .filter_map(|t| t.parse::<i64>().ok())
        .find(|n| code(*n).is_some())
}

/// The errcode nearest to an unknown one, for "did you mean".
pub fn nearby(errcode: i64) -> Vec<i64> {
    let mut codes: Vec<i64> = catalogue().code.iter().map(|c| c.errcode).collect();
    codes.sort_by_key(|c| (c - errcode).abs());
    codes.truncate(3);
    codes
}

/// A WeChat response body: errcode, errmsg without its ` hint: [..]` / ` rid: ..` suffix, the hint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    pub errcode: i64,
    pub errmsg: String,
    pub hint: Option<String>,
    /// What WeChat's parser quotes after `Error before` (a 47001): the text where it stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_before: Option<String>,
}

pub fn parse_response(text: &str) -> Option<Response> {
    let start = text.find('{')?;
    let parsed = crate::syntax::parser::parse(text, start, text.len()).ok()?;
    let v = parsed.root?.to_value();
    let errcode = v
        .get("errcode")?
        .as_i64()
        .or_else(|| v.get("errcode")?.as_str()?.trim().parse().ok())?;
    let raw = v.get("errmsg").and_then(|m| m.as_str()).unwrap_or("");
    let (errmsg, hint) = split_errmsg(raw);
    Some(Response {
        errcode,
        errmsg,
        hint,
        error_before: error_before(raw),
    })
}

/// `... hint: [x] Error before ":0,\"balance_url\":null,..."` -> `:0,"balance_url":null,`: the
/// quoted text, without the `...` WeChat cuts it with.
pub fn error_before(errmsg: &str) -> Option<String> {
    let at = errmsg.find("Error before")? + "Error before".len();
    let rest = errmsg[at..].trim_start();
    let quoted = rest.strip_prefix('"')?;
    let quoted = quoted.rsplit_once('"').map_or(quoted, |(q, _)| q);
    let text = quoted.trim_end_matches("...").trim_end_matches('…');
    (!text.trim().is_empty()).then(|| text.to_string())
}

/// Where `snippet` (compact JSON, as an SDK sends it) starts in `request`, which may be laid
/// out with blanks: both are compared without the blanks outside strings. WeChat cuts the
/// snippet, so a shorter start of it is tried when the whole is not there.
pub fn locate_in(request: &str, snippet: &str) -> Option<usize> {
    let (compact, at) = without_blanks(request);
    let (wanted, _) = without_blanks(snippet);
    let chars: Vec<(usize, char)> = wanted.char_indices().collect();
    let mut len = chars.len();
    while len >= 8 {
        let end = chars.get(len).map_or(wanted.len(), |(i, _)| *i);
        let piece = &wanted[..end];
        let mut found = compact.match_indices(piece).map(|(i, _)| i);
        // a piece found twice does not say where WeChat stopped
        if let (Some(i), None) = (found.next(), found.next()) {
            return at.get(i).copied();
        }
        len = len * 3 / 4;
    }
    None
}

/// The text without blanks outside strings, and where each byte of it was in `text`.
fn without_blanks(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut at = Vec::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c.is_whitespace() {
            continue;
        }
        out.push(c);
        at.extend(std::iter::repeat_n(i, c.len_utf8()));
    }
    (out, at)
}

/// `invalid serial code hint: [Xy12] rid: 6f..` -> (`invalid serial code`, `Xy12`).
pub fn split_errmsg(raw: &str) -> (String, Option<String>) {
    let mut msg = raw;
    let mut hint = None;
    if let Some(i) = msg.find(" rid:") {
        msg = &msg[..i];
    }
    if let Some(i) = msg.find(" hint:") {
        let h = msg[i + " hint:".len()..].trim();
        let h = h.trim_start_matches('[');
        let h = h.split(']').next().unwrap_or(h).trim();
        if !h.is_empty() {
            hint = Some(h.to_string());
        }
        msg = &msg[..i];
    }
    (msg.trim().to_string(), hint)
}

/// A field of the card API named in an errmsg (`invalid location id` -> `location_id`).
pub fn field_in(errmsg: &str) -> Option<String> {
    let words: Vec<String> = errmsg
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let names = crate::schema::field_names();
    for n in (1..=3).rev() {
        for w in words.windows(n) {
            let candidate = w.join("_");
            if (candidate.contains('_') || n == 1)
                && candidate.len() > 3
                && names.contains(&candidate)
            {
                return Some(candidate);
            }
        }
    }
    None
}

#[derive(Debug, Serialize)]
pub struct MeaningOut {
    pub platform: String,
    pub endpoint: Option<String>,
    pub meaning: String,
}

#[derive(Debug, Serialize)]
pub struct CauseOut {
    pub cause: String,
    pub check: String,
    pub fix: String,
    pub rules: Vec<String>,
    /// Whether a finding of one of `rules` is in the request that failed.
    pub found: bool,
    pub account: bool,
}

/// The answer, in one language; the shape of `explain --format json`.
#[derive(Debug, Serialize)]
pub struct Explanation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errmsg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What a 47001's hint quotes after `Error before`, and where that is in the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<Stop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symptom: Option<String>,
    pub meanings: Vec<MeaningOut>,
    pub causes: Vec<CauseOut>,
    pub findings: Vec<Finding>,
}

/// Where WeChat's parser stopped in the request: 1-based line and code-point column, and the
/// byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stop {
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub offset: usize,
}

fn stop_in(request: &str, offset: usize) -> Stop {
    let before = &request[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Stop {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        offset,
    }
}

fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Ranks causes: those a finding of the request shows, then those for this endpoint, then
/// the rest, account-side causes last among equals.
fn causes(
    list: &[Cause],
    findings: &[Finding],
    endpoint: Option<&str>,
    lang: Lang,
) -> Vec<CauseOut> {
    let mut ranked: Vec<(u8, usize, CauseOut)> = list
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let found = c
                .rules
                .iter()
                .any(|r| findings.iter().any(|f| &f.code == r));
            let for_endpoint = endpoint.is_some_and(|e| c.endpoints.iter().any(|x| x == e));
            let general = c.endpoints.is_empty();
            let rank = match (found, for_endpoint) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                _ if general || endpoint.is_none() => 3,
                _ => 4,
            };
            let out = CauseOut {
                cause: pick(lang, &c.zh, &c.en).to_string(),
                check: pick(lang, &c.check_zh, &c.check_en).to_string(),
                fix: pick(lang, &c.fix_zh, &c.fix_en).to_string(),
                rules: c.rules.clone(),
                found,
                account: c.account,
            };
            (rank, i, out)
        })
        .collect();
    ranked.sort_by_key(|(rank, i, _)| (*rank, *i));
    ranked.into_iter().map(|(_, _, c)| c).collect()
}

/// Findings in the order of the causes they show, then those whose rule names the errcode,
/// then the rest; secrets masked (explain prints them, its JSON with their fixes).
/// Whether a finding is at, or shortly before, where WeChat's parser stopped.
fn at_stop(f: &Finding, stop: Option<Stop>) -> bool {
    stop.is_some_and(|s| f.span.start <= s.offset && s.offset - f.span.start <= 512)
}

fn rank_findings(
    findings: Vec<Finding>,
    errcode: Option<i64>,
    causes: &[CauseOut],
    stop: Option<Stop>,
) -> Vec<Finding> {
    let mut findings = crate::report::masked_findings(&findings);
    // the finding WeChat's parser stopped at, or the last one before that place
    let at_stop = findings
        .iter()
        .filter(|f| at_stop(f, stop))
        .max_by_key(|f| f.span.start)
        .map(|f| f.span.start);
    findings.sort_by_key(|f| {
        let by_cause = causes
            .iter()
            .position(|c| c.rules.contains(&f.code))
            .unwrap_or(usize::MAX);
        let by_code = errcode.is_some_and(|e| f.errcodes.contains(&e));
        (
            Some(f.span.start) != at_stop,
            by_cause,
            !by_code,
            std::cmp::Reverse(f.severity),
            f.line,
            f.column,
        )
    });
    findings
}

pub struct Ask<'a> {
    pub platform: Option<&'a str>,
    pub endpoint: Option<&'a str>,
    pub lang: Lang,
    /// Findings of the request that failed, if one was given.
    pub findings: Vec<Finding>,
    /// The request's text, to find where a 47001's `Error before` points.
    pub request: Option<&'a str>,
}

pub fn for_code(code: &Code, response: Option<&Response>, ask: Ask) -> Explanation {
    let lang = ask.lang;
    let mut meanings: Vec<&Meaning> = code
        .meaning
        .iter()
        .filter(|m| ask.platform.is_none_or(|p| m.platform == p))
        .filter(|m| match (&m.endpoint, ask.endpoint) {
            (Some(e), Some(want)) => e == want,
            _ => true,
        })
        .collect();
    if meanings.is_empty() {
        meanings = code.meaning.iter().collect();
    }
    // the card API's meaning first
    meanings.sort_by_key(|m| m.platform != "mp");
    let mut causes = causes(&code.cause, &ask.findings, ask.endpoint, lang);
    let error_before = response.and_then(|r| r.error_before.clone());
    let stop = match (ask.request, &error_before) {
        (Some(req), Some(snippet)) => locate_in(req, snippet).map(|at| stop_in(req, at)),
        _ => None,
    };
    let findings = rank_findings(ask.findings, Some(code.errcode), &causes, stop);
    // the cause of the finding where WeChat's parser stopped is the one it names
    if let Some(first) = findings.first().filter(|f| at_stop(f, stop)) {
        if let Some(i) = causes.iter().position(|c| c.rules.contains(&first.code)) {
            let named = causes.remove(i);
            causes.insert(0, named);
        }
    }
    let errmsg = response
        .map(|r| r.errmsg.clone())
        .unwrap_or_else(|| code.errmsg.clone());
    Explanation {
        errcode: Some(code.errcode),
        field: response.and_then(|r| field_in(&r.errmsg)),
        hint: response.and_then(|r| r.hint.clone()),
        error_before,
        stopped_at: stop,
        errmsg: Some(errmsg),
        symptom: None,
        meanings: meanings
            .into_iter()
            .map(|m| MeaningOut {
                platform: m.platform.clone(),
                endpoint: m.endpoint.clone(),
                meaning: pick(lang, &m.zh, &m.en).to_string(),
            })
            .collect(),
        causes,
        findings,
    }
}

pub fn for_symptom(s: &Symptom, ask: Ask) -> Explanation {
    let causes = causes(&s.cause, &ask.findings, ask.endpoint, ask.lang);
    let findings = rank_findings(ask.findings, None, &causes, None);
    Explanation {
        errcode: None,
        errmsg: None,
        hint: None,
        field: None,
        error_before: None,
        stopped_at: None,
        symptom: Some(pick(ask.lang, &s.title_zh, &s.title_en).to_string()),
        meanings: Vec::new(),
        causes,
        findings,
    }
}

/// Plain terminal text of an explanation (findings are rendered separately, by miette).
pub fn render(e: &Explanation, lang: Lang) -> String {
    let t = |k: &str| crate::registry::term(lang, k);
    let mut out = String::new();
    match (&e.errcode, &e.symptom) {
        (Some(code), _) => {
            out.push_str(&format!("{code} {}\n", e.errmsg.as_deref().unwrap_or("")));
            if let Some(h) = &e.hint {
                out.push_str(&format!("  {}: {h}\n", t("explain.hint")));
            }
            if let Some(b) = &e.error_before {
                out.push_str(&format!("  {}: {b}\n", t("explain.error_before")));
            }
            if let Some(s) = &e.stopped_at {
                let at = t("explain.stopped_at")
                    .replace("{line}", &s.line.to_string())
                    .replace("{column}", &s.column.to_string());
                out.push_str(&format!("  {at}\n"));
            }
            if let Some(f) = &e.field {
                out.push_str(&format!("  {}: {f}\n", t("explain.field")));
            }
        }
        (None, Some(s)) => out.push_str(&format!("{s}\n")),
        _ => {}
    }
    if !e.meanings.is_empty() {
        out.push_str(&format!("\n{}:\n", t("explain.meaning")));
        for m in &e.meanings {
            let scope = match &m.endpoint {
                Some(ep) => format!("{} {ep}", m.platform),
                None => m.platform.clone(),
            };
            out.push_str(&format!("  [{scope}] {}\n", m.meaning));
        }
    }
    if !e.causes.is_empty() {
        out.push_str(&format!("\n{}:\n", t("explain.causes")));
        for (i, c) in e.causes.iter().enumerate() {
            let mut tags = Vec::new();
            if c.found {
                tags.push(t("explain.found"));
            }
            if c.account {
                tags.push(t("explain.account"));
            }
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!(" ({})", tags.join(", "))
            };
            out.push_str(&format!("  {}. {}{tags}\n", i + 1, c.cause));
            out.push_str(&format!("     {}: {}\n", t("explain.check"), c.check));
            out.push_str(&format!("     {}: {}\n", t("doc.fix"), c.fix));
            if !c.rules.is_empty() {
                out.push_str(&format!(
                    "     {}: {}\n",
                    t("explain.rules"),
                    c.rules.join(", ")
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errmsg_suffixes_are_split_off() {
        assert_eq!(
            split_errmsg("invalid serial code hint: [Xy12]"),
            ("invalid serial code".to_string(), Some("Xy12".to_string()))
        );
        assert_eq!(
            split_errmsg("data format error hint: [6f73] rid: 5f8a-1"),
            ("data format error".to_string(), Some("6f73".to_string()))
        );
        assert_eq!(split_errmsg("ok"), ("ok".to_string(), None));
    }

    #[test]
    fn responses_parse() {
        let r = parse_response(r#"{"errcode":40056,"errmsg":"invalid serial code hint: [Xy12]"}"#)
            .unwrap();
        assert_eq!((r.errcode, r.hint.as_deref()), (40056, Some("Xy12")));
    }
}

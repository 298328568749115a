//! Secrets never leave cardlint: access tokens, tickets and app secrets are masked in every
//! message and in the source text that reports quote.
//!
//! A secret is found by where it stands, never by what it looks like: the value of a key or
//! parameter named for a credential (`"api_ticket": "…"`, `?access_token=…`, `@token = …` in a
//! REST Client file, `\"api_ticket\":\"…\"` inside a cardExt string, `"access_token": ["…"]`).
//! Only the value is masked, one `*` per character so that columns stay right; the words
//! around it and placeholders such as `ACCESS_TOKEN` or `{{token}}` are left as written.
//! [`Secrets`] holds the values found in one input so that reports can mask them wherever they
//! reappear (a message, a fix's replacement, a path), before any escaping for JSON or XML.

use crate::finding::{Arg, Finding};
use regex::Regex;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

/// Keys and URL parameters whose values are credentials (any case, `_` or `-` or none between
/// the words); any other name ending in token, ticket or secret is one too.
pub const SECRET_KEYS: &[&str] = &[
    "access_token",
    "component_access_token",
    "api_ticket",
    "apiTicket",
    "apiticket",
    "jsapi_ticket",
    "ticket",
    "secret",
    "appsecret",
    "app_secret",
    "appSecret",
];

/// The words a credential's name ends with.
const STEMS: [&str; 3] = ["token", "ticket", "secret"];

pub fn is_secret_key(key: &str) -> bool {
    let norm: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !norm.is_empty()
        && (SECRET_KEYS.iter().any(|k| {
            // the name without its underscores, compared without building it
            k.bytes()
                .filter(|b| *b != b'_')
                .map(|b| b.to_ascii_lowercase())
                .eq(norm.bytes())
        }) || STEMS.iter().any(|s| norm.ends_with(s)))
}

/// Whether a JSON Pointer names a credential's value (or an item of one: `/access_token/0`).
pub fn is_secret_pointer(pointer: &str) -> bool {
    pointer
        .rsplit('/')
        .find(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
        .is_some_and(|s| is_secret_key(&crate::model::pointer::unescape(s)))
}

/// Masks the argument values of a finding that sits on a secret field.
pub fn args(pointer: &str, args: &mut [(&'static str, Arg)]) {
    if !is_secret_pointer(pointer) {
        return;
    }
    for (name, arg) in args.iter_mut() {
        if let (true, Arg::Text(t)) = (
            matches!(*name, "value" | "quoted" | "number" | "text"),
            &*arg,
        ) {
            *arg = Arg::Text(hide(t));
        }
    }
}

/// Every character of `text` but JSON punctuation and white space as `*`.
pub fn hide(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '"' | '\'' | '\\' | '[' | ']' | '{' | '}' | ',' | ':')
                || c.is_whitespace()
            {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// A value that only names a credential: `ACCESS_TOKEN`, `YOUR_APPSECRET` (a credential's
/// name in capitals), `{{token}}`,
/// `${TICKET}`, `<api_ticket>`, `***`.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let wrapped = |a: &str, b: &str| v.starts_with(a) && v.ends_with(b);
    v.is_empty()
        || v.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '…' | '_' | '-' | '?'))
        || wrapped("{{", "}}")
        || wrapped("${", "}")
        || wrapped("{", "}")
        || wrapped("<", ">")
        || wrapped("%", "%")
        || v == "%s"
        || (v.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && is_secret_key(v.trim_start_matches("YOUR_").trim_start_matches("MY_")))
}

/// Whether `text` may name a secret key: each of them contains "token", "ticket" or "secret",
/// so text without their first five letters (in any case) holds none.
fn may_hold_secret(text: &str) -> bool {
    const STEMS5: [&[u8]; 3] = [b"token", b"ticke", b"secre"];
    text.as_bytes()
        .windows(5)
        .any(|w| STEMS5.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

fn stem_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)token|ticket|secret").expect("valid pattern"))
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '`')
}

/// Ends a value written without quotes: credentials are ASCII letters, digits and a few
/// marks, so prose after a key (`access_token：该`) is no value.
fn ends_bare(c: char) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '_' | '.' | '+' | '/' | '=' | '%' | '~' | '!' | '$' | '*' | '@'
        ))
}

/// Ends a value in quotes (values with escapes are cut at the first one: the rest is masked
/// as a value of its own or not at all, never shown as a key).
fn ends_quoted(c: char) -> bool {
    is_quote(c) || c == '\\' || c == '\n' || c == '\r'
}

/// How the key found at a stem stands in the text.
struct Key {
    /// Written in quotes (JSON, a JS object), so any value after `:` is its value.
    quoted: bool,
    /// The first thing on its line (an HTTP header or a REST Client `@name =` line): the rest
    /// of the line is the value.
    line_start: bool,
    variable: bool,
    /// Where the text after the key (and its closing quote) starts.
    end: usize,
}

fn key_at(text: &str, stem: Range<usize>) -> Option<Key> {
    let after = &text[stem.end..];
    if after.chars().next().is_some_and(is_key_char) {
        return None; // `ticket_id`: the name goes on
    }
    let start = text[..stem.start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_key_char(*c))
        .last()
        .map_or(stem.start, |(i, _)| i);
    let before = text[..start].trim_end_matches('\\');
    let opened = before.chars().next_back().is_some_and(is_quote);
    let variable = before.ends_with('@');
    let line_start = {
        let head = before.strip_suffix('@').unwrap_or(before);
        let line = &head[head.rfind('\n').map_or(0, |i| i + 1)..];
        line.trim().is_empty() && !text[start..].starts_with('-')
    };
    let rest = after.trim_start_matches('\\');
    let closed = rest.chars().next().filter(|c| is_quote(*c));
    let end = text.len() - rest.len() + closed.map_or(0, char::len_utf8);
    let end = if closed.is_some() { end } else { stem.end };
    Some(Key {
        quoted: opened && closed.is_some(),
        line_start,
        variable,
        end,
    })
}

/// The byte ranges of the values that follow `key` (after its separator), if it has any.
fn values_after(text: &str, key: &Key, out: &mut Vec<Range<usize>>) {
    let rest = &text[key.end..];
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let mut at = key.end + gap;
    let Some(sep) = text[at..].chars().next() else {
        return;
    };
    if !matches!(sep, ':' | '：' | '=') {
        return;
    }
    at += sep.len_utf8();
    let rest = &text[at..];
    let space = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    at += space;
    if key.line_start && (key.variable || sep == ':') && !key.quoted {
        // `@token = value` or `X-Access-Token: value`: the rest of the line
        let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
        push(text, at..line_end, out);
        return;
    }
    let after = text[at..].trim_start_matches('\\');
    let next = after.chars().next();
    match next {
        Some('[') if key.quoted || sep != '=' => {
            let at = text.len() - after.len() + 1;
            array(text, at, out);
        }
        Some(q) if is_quote(q) => {
            let start = text.len() - after.len() + q.len_utf8();
            let len = text[start..]
                .find(ends_quoted)
                .unwrap_or(text.len() - start);
            let value = start..start + len;
            // `key=" + variable + "`: the quote closes a string in code, it opens no value
            let code = sep == '=' && space == 0 && text[value.clone()].contains(' ');
            if key.quoted || sep != '=' || !code {
                push(text, value, out);
            }
        }
        Some(_) if key.quoted || space == 0 || key.variable => {
            let len = text[at..].find(ends_bare).unwrap_or(text.len() - at);
            push(text, at..at + len, out);
        }
        _ => {}
    }
}

/// The items of an array value, from just after its `[`.
fn array(text: &str, mut at: usize, out: &mut Vec<Range<usize>>) {
    loop {
        let rest = &text[at..];
        let rest_trimmed = rest.trim_start().trim_start_matches('\\');
        at = text.len() - rest_trimmed.len();
        match rest_trimmed.chars().next() {
            None | Some(']') | Some('[') | Some('{') => return,
            Some(q) if is_quote(q) => {
                let start = at + q.len_utf8();
                let len = text[start..]
                    .find(ends_quoted)
                    .unwrap_or(text.len() - start);
                push(text, start..start + len, out);
                at = start + len;
                let tail = text[at..].trim_start_matches('\\');
                at = text.len() - tail.len();
                if let Some(c) = tail.chars().next().filter(|c| is_quote(*c)) {
                    at += c.len_utf8();
                }
            }
            Some(_) => {
                let len = text[at..].find(ends_bare).unwrap_or(text.len() - at);
                push(text, at..at + len, out);
                at += len;
            }
        }
        let tail = text[at..].trim_start();
        match tail.chars().next() {
            Some(',') | Some('，') => at = text.len() - tail.len() + 1,
            _ => return,
        }
    }
}

fn push(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let v = text[r.clone()].trim_end();
    if !is_placeholder(v) {
        out.push(r.start..r.start + v.len());
    }
}

/// The byte ranges of the secret values in `text`, in order and without overlaps.
pub fn find(text: &str) -> Vec<Range<usize>> {
    if !may_hold_secret(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in stem_pattern().find_iter(text) {
        if let Some(key) = key_at(text, m.range()) {
            values_after(text, &key, &mut out);
        }
    }
    out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `text` with every character inside `ranges` as `*`.
fn star(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        let (s, e) = (r.start.max(at).min(text.len()), r.end.min(text.len()));
        if s >= e {
            continue;
        }
        out.push_str(&text[at..s]);
        out.extend(std::iter::repeat_n('*', text[s..e].chars().count()));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// Masks the secret values found in `text` itself (and their other occurrences in it): for
/// text that may quote a request, such as a URL, a path, a diff or a log line.
pub fn mask(text: &str) -> Cow<'_, str> {
    let ranges = find(text);
    if ranges.is_empty() {
        // most outputs name no credential at all
        return Cow::Borrowed(text);
    }
    let mut s = Secrets::default();
    s.learn(text, &ranges);
    let masked = star(text, &ranges);
    match s.values(&masked) {
        Cow::Owned(o) => Cow::Owned(o),
        Cow::Borrowed(_) => Cow::Owned(masked),
    }
}

/// The secrets of one input: their ranges in its text and their values, to mask wherever they
/// reappear in a report.
#[derive(Debug, Default)]
pub struct Secrets {
    /// Byte ranges of the values in the input's text.
    pub ranges: Vec<Range<usize>>,
    /// Byte ranges of secret keys whose value follows them (known from findings when the
    /// text itself is not at hand).
    pub keys: Vec<Range<usize>>,
    values: Vec<String>,
    pattern: OnceLock<Option<Regex>>,
}

impl Clone for Secrets {
    fn clone(&self) -> Self {
        Secrets {
            ranges: self.ranges.clone(),
            keys: self.keys.clone(),
            values: self.values.clone(),
            pattern: OnceLock::new(),
        }
    }
}

/// Values this short are masked where their key stands, not wherever they reappear (a value
/// `1` would mask every digit one of a report).
const MIN_VALUE: usize = 3;

impl Secrets {
    /// The secrets of an input: in its text and in its path (`ticket=…` in a file name).
    pub fn of(text: &str, path: &str) -> Secrets {
        let mut s = Secrets {
            ranges: find(text),
            ..Secrets::default()
        };
        let ranges = s.ranges.clone();
        s.learn(text, &ranges);
        s.learn(path, &find(path));
        s
    }

    /// Remembers the values at `ranges` of `text`.
    pub fn learn(&mut self, text: &str, ranges: &[Range<usize>]) {
        for r in ranges {
            let v = &text[r.clone()];
            if v.chars().count() >= MIN_VALUE && !self.values.iter().any(|x| x == v) {
                self.values.push(v.to_string());
            }
        }
        // longest first: a value inside another is masked with it
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        self.pattern = OnceLock::new();
    }

    /// A value to mask wherever it appears (one given on the command line).
    pub fn add(&mut self, value: &str) {
        if !is_placeholder(value) {
            self.learn(value, std::slice::from_ref(&(0..value.len())));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.ranges.is_empty() && self.keys.is_empty()
    }

    /// Remembers the values that findings quote with their keys: in fixes' replacements
    /// (a cardExt object rewritten as a string) and in their text.
    pub fn learn_findings(&mut self, findings: &[Finding]) {
        for f in findings {
            let edits = f.fix.iter().flat_map(|x| &x.edits).map(|e| &e.replacement);
            for t in [&f.message, &f.help, &f.explanation]
                .into_iter()
                .chain(edits)
            {
                let found = find(t);
                if !found.is_empty() {
                    self.learn(t, &found);
                }
            }
        }
    }

    fn pattern(&self) -> Option<&Regex> {
        self.pattern
            .get_or_init(|| {
                if self.values.is_empty() {
                    return None;
                }
                let alternatives: Vec<String> =
                    self.values.iter().map(|v| regex::escape(v)).collect();
                Regex::new(&alternatives.join("|")).ok()
            })
            .as_ref()
    }

    /// Masks the known values wherever they stand as a word of their own, and nothing else:
    /// for text cardlint wrote (messages, help), whose words must stay as they are.
    pub fn values<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(re) = self.pattern() else {
            return Cow::Borrowed(text);
        };
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut ranges = Vec::new();
        let mut at = 0;
        while let Some(m) = re.find_at(text, at) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if glued(before) || glued(after) {
                at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            ranges.push(m.range());
            at = m.end();
        }
        if ranges.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(star(text, &ranges))
        }
    }

    /// Masks text that may quote the input (a fix's replacement, a path, a request line): the
    /// values its own keys give, and the known values.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let own = mask(text);
        match (own, self.values(text)) {
            (Cow::Borrowed(_), v) => v,
            (Cow::Owned(o), _) => Cow::Owned(self.values(&o).into_owned()),
        }
    }

    /// The input's own text with its secrets masked, character for character.
    pub fn source<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.is_empty() {
            return Cow::Borrowed(text);
        }
        let starred = star(text, &self.ranges);
        Cow::Owned(self.values(&starred).into_owned())
    }

    /// Whether the bytes `span` of the input are (a part of) a secret value or the value with
    /// its quotes.
    fn covers(&self, span: &Range<usize>) -> bool {
        let value = self.ranges.iter().any(|r| {
            let around = r.start.saturating_sub(4)..r.end + 4;
            span.start >= around.start && span.end <= around.end
        });
        // `\"api_ticket\": “…”`: a few bytes of quotes and a colon after the key
        value
            || self
                .keys
                .iter()
                .any(|k| span.start >= k.end && span.start <= k.end + 8)
    }

    /// A finding as a report may print it: secrets in its text, its pointer and its fixes
    /// masked (a fix that rewrites a secret value shows its punctuation only).
    pub fn finding(&self, f: &Finding) -> Finding {
        let mut f = f.clone();
        let secret_field = is_secret_pointer(&f.pointer);
        for t in [
            &mut f.message,
            &mut f.explanation,
            &mut f.help,
            &mut f.pointer,
        ] {
            if let Cow::Owned(o) = self.values(t) {
                *t = o;
            }
        }
        for r in &mut f.related {
            if let Cow::Owned(o) = self.values(&r.message) {
                r.message = o;
            }
        }
        if let Some(fix) = &mut f.fix {
            for e in &mut fix.edits {
                let names_key = is_secret_key(e.replacement.trim_matches(['"', '\'', ' ']));
                e.replacement = if self.covers(&e.span) || (secret_field && !names_key) {
                    hide(&e.replacement)
                } else {
                    self.text(&e.replacement).into_owned()
                };
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(t: &str) -> String {
        mask(t).into_owned()
    }

    #[test]
    fn text_without_a_secret_key_is_returned_as_is() {
        assert!(matches!(mask("{\"card_id\": \"p1\"}"), Cow::Borrowed(_)));
        assert!(may_hold_secret("x ACCESS_TOKEN=1"));
        assert!(may_hold_secret("appSecret"));
        assert!(!may_hold_secret("tok en"));
    }

    #[test]
    fn masks_url_and_json_secrets() {
        let t = "POST https://api.weixin.qq.com/card/create?access_token=ABC123&x=1\n{\"api_ticket\": \"T0k\"}";
        let m = masked(t);
        assert!(!m.contains("ABC123") && !m.contains("T0k"), "{m}");
        assert_eq!(m.chars().count(), t.chars().count());
        // inside a JSON string (a cardExt), quotes are escaped
        let escaped = r#"{"cardExt": "{\"api_ticket\":\"T0k3n\",\"timestamp\":\"1\"}"}"#;
        assert_eq!(
            masked(escaped),
            r#"{"cardExt": "{\"api_ticket\":\"*****\",\"timestamp\":\"1\"}"}"#
        );
        let doubly = r#"{\\\"api_ticket\\\":\\\"T0k3n\\\"}"#;
        assert!(!masked(doubly).contains("T0k3n"));
    }

    #[test]
    fn masks_every_shape_of_value() {
        for (t, secret) in [
            (r#"{"access_token":["T1","T2"]}"#, "T1"),
            (r#"{"access_token":["T1","T2"]}"#, "T2"),
            (r#"{"appsecret": SECRETvalue}"#, "SECRETvalue"),
            ("{\"jsapi_ticket\": “JSvalue1”}", "JSvalue1"),
            ("{“api_ticket”：“JSvalue1”}", "JSvalue1"),
            ("{'apiTicket': 'v4lue'}", "v4lue"),
            ("{ticket: 'v4lue'}", "v4lue"),
            (
                "@token = abc.def-123\nPOST {{host}}/card/create",
                "abc.def-123",
            ),
            ("  @wx_secret=s3cr3t", "s3cr3t"),
            ("X-Access-Token: abc123\n", "abc123"),
            ("dir/ticket=ABC123.json", "ABC123"),
            ("var u = '/x?access_token=' + t + '&ticket=Q9';", "Q9"),
            ("\"ACCESS_TOKEN\": 9876543", "9876543"),
        ] {
            let m = masked(t);
            assert!(!m.contains(secret), "{t} -> {m}");
            assert_eq!(m.chars().count(), t.chars().count(), "{t} -> {m}");
        }
    }

    #[test]
    fn words_and_placeholders_stay_as_written() {
        for t in [
            "Remove api_ticket from card_ext and use it only on the server",
            "Fix: Append ?access_token=ACCESS_TOKEN to the URL",
            "add ?access_token= to the URL (any value unless --strict-token)",
            "--strict-token: this access_token was not issued by GET /cgi-bin/token; fetch one",
            "POST /card/create?access_token={{token}}",
            "card_ext carries api_ticket",
            "{\"ticket_id\": \"abc123\"}",
            "从 card_ext 中删除 api_ticket，只在服务器端用它计算签名",
        ] {
            assert_eq!(masked(t), t);
        }
    }

    #[test]
    fn known_values_are_masked_as_words_only() {
        let mut s = Secrets::default();
        s.add("TOKENtoken1234567");
        assert_eq!(
            s.values("Value TOKENtoken1234567 is x"),
            "Value ***************** is x"
        );
        assert_eq!(s.values("xTOKENtoken1234567"), "xTOKENtoken1234567");
        assert_eq!(s.values("\"TOKENtoken1234567\""), "\"*****************\"");
    }

    #[test]
    fn secret_pointers() {
        assert!(is_secret_pointer("/access_token/0"));
        assert!(is_secret_pointer("/cardList/0/cardExt/api_ticket"));
        assert!(!is_secret_pointer("/card_id"));
        assert!(!is_secret_pointer("/ticket_id/0"));
    }
}

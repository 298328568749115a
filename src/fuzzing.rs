//! The properties the fuzz targets check, shared with the test that replays their corpus.
//! Each panics when a property does not hold; none may panic on any input otherwise.

use crate::registry::code;
use crate::{lint_bytes, Options};

const ENDPOINTS: &[&str] = crate::endpoint::ENDPOINTS;

/// Every finding's spans and positions lie inside the text.
fn spans_in_bounds(report: &crate::Report) {
    let len = report.source.text.len();
    for f in &report.findings {
        assert!(
            f.span.start <= f.span.end && f.span.end <= len,
            "{} span {:?} of {len}",
            f.code,
            f.span
        );
        assert!(f.line >= 1 && f.column >= 1 && (f.end_line, f.end_column) >= (f.line, f.column));
        if let Some(fix) = &f.fix {
            for e in &fix.edits {
                assert!(e.span.end <= len, "{} edit {:?} of {len}", f.code, e.span);
            }
        }
    }
}

/// Arbitrary bytes through the whole pipeline, as every endpoint (the first byte picks one)
/// and as inferred, then through `--fix`.
pub fn check(data: &[u8]) {
    let (pick, body) = match data.split_first() {
        Some((p, rest)) => (*p as usize, rest),
        None => (0, data),
    };
    let endpoint = (pick < ENDPOINTS.len()).then(|| ENDPOINTS[pick].to_string());
    let options = Options {
        endpoint,
        now: Some(1_795_000_000),
        ..Options::default()
    };
    for path in ["fuzz.json", "fuzz.http", "fuzz.html"] {
        if let Ok(report) = lint_bytes(&options, path, body) {
            spans_in_bounds(&report);
            let (fixed, _) = crate::fix::apply(&report.source.text, &report.findings, true);
            let _ = lint_bytes(&options, path, fixed.as_bytes());
        }
    }
}

/// The strict parser and serde_json agree on what is JSON (duplicate keys and `\u` escapes
/// are findings of ours but JSON to serde), and on the value when both accept.
pub fn parser_vs_serde(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = match crate::syntax::parser::parse(text, 0, text.len()) {
        Ok(p) => p,
        Err(_) => return, // deeper than we accept: refused as input, not a disagreement
    };
    for h in &ours.hits {
        assert!(h.span.start <= h.span.end && h.span.end <= text.len());
    }
    let accepted = ours
        .hits
        .iter()
        .all(|h| matches!(h.code, code::JSON008 | code::JSON009));
    // serde_json stops at 128 levels; compare only what both can read
    let depth = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    if depth > 100 {
        return;
    }
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    assert_eq!(
        accepted,
        theirs.is_ok(),
        "accept/reject disagree on {text:?}: {:?}",
        ours.hits
    );
    if let (true, Ok(v), Some(root)) = (accepted, theirs, ours.root) {
        assert_eq!(root.to_value(), v);
    }
}

/// Byte offset -> (line, code-point column) matches a direct count, on any text.
pub fn positions(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let index = crate::locate::LineIndex::new(&text);
    let (mut line, mut col) = (1, 1);
    for (i, c) in text.char_indices() {
        assert_eq!(index.line_col(i), (line, col), "at byte {i} of {text:?}");
        if c == '\n' || (c == '\r' && !text[i + 1..].starts_with('\n')) {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    assert_eq!(index.line_col(text.len()), (line, col));
}

/// Arbitrary text as the cardExt string of a wx.addCard body, verified against a ticket.
pub fn card_ext(data: &[u8]) {
    let inner = String::from_utf8_lossy(data);
    let body = serde_json::json!({"cardList": [{"cardId": "pFS7Fjg8kV1IdDz01r4SQwMkuCKc", "cardExt": inner}]});
    let options = Options {
        endpoint: Some("wx.addCard".into()),
        signing: crate::rules::Signing {
            api_ticket: Some("IpK_1T69hDhZkLQTlwsAX6sw3rOPfGLxYXXsXCKNYgDUKHDRsAGsJlYyUqx0aChJfTc9xGJlTmWhkZvzGDiTTA".into()),
            ..Default::default()
        },
        ..Options::default()
    };
    if let Ok(report) = lint_bytes(&options, "fuzz.json", body.to_string().as_bytes()) {
        spans_in_bounds(&report);
    }
}

/// Arbitrary bytes to the sandbox at one of its paths (the first byte picks it), against a
/// sandbox that keeps its state between inputs: the answer is always JSON with an errcode.
pub fn serve(data: &[u8]) {
    use crate::serve::{Config, Request, Sandbox};
    static SANDBOX: std::sync::OnceLock<Sandbox> = std::sync::OnceLock::new();
    let sandbox = SANDBOX.get_or_init(|| {
        Sandbox::new(Config {
            now: Some(1_795_000_000),
            max_cards: 1000,
            ..Config::default()
        })
    });
    let (pick, body) = match data.split_first() {
        Some((p, rest)) => (*p as usize, rest),
        None => (0, data),
    };
    let extra = [
        "cgi-bin/token",
        "cgi-bin/ticket/getticket",
        "card/getcolors",
        "cardlint/scan",
        "cardlint/verify-card-ext",
    ];
    let path = match ENDPOINTS.get(pick) {
        Some(e) => format!("/{e}"),
        None => format!("/{}", extra[pick % extra.len()]),
    };
    // a query from the body's first line, so that tokens and types get fuzzed too
    let query = std::str::from_utf8(body)
        .ok()
        .and_then(|t| t.lines().next())
        .filter(|l| l.contains('='))
        .unwrap_or("access_token=T&type=wx_card&grant_type=client_credential&appid=a&secret=s");
    let r = sandbox.handle(&Request {
        method: if pick % 5 == 0 { "GET" } else { "POST" },
        path: &path,
        query,
        body,
    });
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("the answer is JSON");
    assert!(
        v["errcode"].is_i64() || v["access_token"].is_string(),
        "{path}: {v}"
    );
}

/// Arbitrary bytes through `--fix` and `--fix --unsafe-fixes`, as every endpoint (the first
/// byte picks one) and as inferred: see [`fix_soundness_of`].
pub fn fix_soundness(data: &[u8]) {
    let (pick, body) = match data.split_first() {
        Some((p, rest)) => (*p as usize, rest),
        None => (0, data),
    };
    let endpoint = (pick < ENDPOINTS.len()).then(|| ENDPOINTS[pick].to_string());
    let options = Options {
        endpoint,
        now: Some(1_795_000_000),
        ..Options::default()
    };
    for path in ["fuzz.json", "fuzz.http"] {
        for allow_unsafe in [false, true] {
            let problems = fix_soundness_of(&options, path, body, allow_unsafe);
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        }
    }
}

/// What `--fix` promises, checked on one input; returns what does not hold:
/// - every value and key that no applied fix targets is, after each pass, the value the
///   parser read there before, on the same bytes;
/// - a targeted one changes only as its rule declares (a quoting fix writes exactly the text
///   that was written, quoted; a string rewrite keeps the string's value; an unquoted integer
///   is the string's own text; a comment deleted is a comment where a comment can stand);
/// - no fix makes a duplicate key;
/// - the result parses with serde_json when every syntax error of the input had a fix;
/// - fixing the result again changes nothing;
/// - input that is not UTF-8 is not fixed (so never written).
pub fn fix_soundness_of(
    options: &Options,
    path: &str,
    bytes: &[u8],
    allow_unsafe: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let Ok(before) = lint_bytes(options, path, bytes) else {
        return problems;
    };
    let mut pass = |text: &str, applied: &[crate::fix::Applied]| {
        // a `.http` body, or the whole text (a page is edited in its script, not checked)
        if crate::rules::html::is_page(path) {
            return;
        }
        let body = crate::source::Source::from_bytes(path, text.as_bytes())
            .map(|s| s.body)
            .unwrap_or(0..text.len());
        problems.extend(soundness::pass(text, body, applied));
    };
    let fixed = match crate::fix::fix_bytes_traced(
        options,
        path,
        bytes,
        allow_unsafe,
        &|_| {},
        &mut pass,
    ) {
        Ok(f) => f,
        Err(e) => return vec![format!("{path}: lint failed after fixing: {e}")],
    };
    if std::str::from_utf8(bytes).is_err() {
        if fixed.fixed != 0 {
            problems.push(format!("{path}: input that is not UTF-8 was fixed"));
        }
        return problems;
    }
    let fixable = |f: &crate::Finding| {
        f.fix.as_ref().is_some_and(|x| match x.safety {
            crate::finding::FixSafety::Safe => true,
            crate::finding::FixSafety::Unsafe => allow_unsafe,
            crate::finding::FixSafety::None => false,
        })
    };
    let syntax_fixable = before
        .findings
        .iter()
        .filter(|f| f.code.starts_with("JSON") && f.severity == crate::finding::Severity::Error)
        .all(fixable);
    let source = &fixed.report.source;
    let body = source.text.get(source.body.clone()).unwrap_or_default();
    let deep = body.bytes().filter(|b| matches!(b, b'[' | b'{')).count() > 100;
    // a page, a GET call or the multipart upload has no JSON body to come out of the fixes
    let bodiless = source.request.as_ref().is_some_and(|r| {
        r.endpoint
            .as_deref()
            .is_some_and(|e| crate::endpoint::WITHOUT_JSON_BODY.contains(&e))
    });
    let json = !crate::rules::html::is_page(path) && !bodiless;
    if syntax_fixable && json && !deep && serde_json::from_str::<serde_json::Value>(body).is_err() {
        problems.push(format!(
            "{path}: every syntax error had a fix, yet the result is not JSON:\n{body}"
        ));
    }
    match crate::fix::fix_bytes(options, path, fixed.text.as_bytes(), allow_unsafe, &|_| {}) {
        Ok(again) if again.text != fixed.text || again.fixed != 0 => problems.push(format!(
            "{path}: a second --fix changed something:\n{}\n=>\n{}",
            fixed.text, again.text
        )),
        Ok(_) => {}
        Err(e) => problems.push(format!("{path}: the fixed text does not lint: {e}")),
    }
    problems
}

/// The per-pass part of [`fix_soundness_of`].
mod soundness {
    use crate::fix::Applied;
    use crate::syntax::ast::{Kind, Node};
    use std::collections::HashMap;
    use std::ops::Range;

    /// A key or a scalar value as the parser read it.
    #[derive(Debug, Clone, PartialEq)]
    enum Item {
        Key(String),
        Value(Kind),
    }

    struct Written {
        span: Range<usize>,
        pointer: String,
        item: Item,
    }

    /// Every key and scalar value of the text's body, and how many duplicate keys it has.
    fn written(text: &str, body: Range<usize>) -> Option<(Vec<Written>, usize)> {
        let parsed = crate::syntax::parser::parse(text, body.start, body.end).ok()?;
        let mut out = Vec::new();
        let mut duplicates = 0;
        if let Some(root) = &parsed.root {
            collect(root, String::new(), &mut out, &mut duplicates);
        }
        Some((out, duplicates))
    }

    fn collect(node: &Node, pointer: String, out: &mut Vec<Written>, duplicates: &mut usize) {
        match &node.kind {
            Kind::Object(members) => {
                let keys: std::collections::HashSet<&str> =
                    members.iter().map(|m| m.key.as_str()).collect();
                *duplicates += members.len() - keys.len();
                for m in members {
                    let p = format!("{pointer}/{}", crate::model::pointer::escape(&m.key));
                    out.push(Written {
                        span: m.key_span.clone(),
                        pointer: p.clone(),
                        item: Item::Key(m.key.clone()),
                    });
                    collect(&m.value, p, out, duplicates);
                }
            }
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    collect(item, format!("{pointer}/{i}"), out, duplicates);
                }
            }
            scalar => out.push(Written {
                span: node.span.clone(),
                pointer,
                item: Item::Value(scalar.clone()),
            }),
        }
    }

    /// Whether `edit` reaches into `span`: they overlap, or it inserts inside (an empty
    /// edit strictly between the span's ends).
    fn reaches(edit: &Range<usize>, span: &Range<usize>) -> bool {
        edit.start < span.end && span.start < edit.end
    }

    /// One edit, where it was and where its text is after the pass.
    struct Edit<'a> {
        code: &'a str,
        old: Range<usize>,
        new: Range<usize>,
        text: &'a str,
    }

    /// The edits of `applied` in order, each with where its text lands.
    fn placed(applied: &[Applied]) -> Vec<Edit<'_>> {
        let mut edits: Vec<Edit> = applied
            .iter()
            .flat_map(|a| {
                a.edits.iter().map(move |(r, t)| Edit {
                    code: a.code.as_str(),
                    old: r.clone(),
                    new: 0..0,
                    text: t.as_str(),
                })
            })
            .collect();
        edits.sort_by_key(|e| (e.old.start, e.old.end));
        let mut delta: isize = 0;
        for e in &mut edits {
            let start = (e.old.start as isize + delta) as usize;
            e.new = start..start + e.text.len();
            delta += e.text.len() as isize - e.old.len() as isize;
        }
        edits
    }

    /// One pass: the text before and after, its edits, and what the parser read in each.
    struct Pass<'a> {
        text: &'a str,
        after: &'a str,
        edits: Vec<Edit<'a>>,
        old: Vec<Written>,
        new: Vec<Written>,
        fixes: String,
        /// The JSON body before the pass: edits elsewhere (a request line) are not judged.
        body: Range<usize>,
    }

    impl Pass<'_> {
        /// A position outside every edit, moved by the edits before it (`back`: the other
        /// way).
        fn shift(&self, at: usize, back: bool) -> usize {
            let d: isize = self
                .edits
                .iter()
                .filter(|e| {
                    if back {
                        e.new.end <= at
                    } else {
                        e.old.end <= at
                    }
                })
                .map(|e| e.text.len() as isize - e.old.len() as isize)
                .sum();
            (at as isize + if back { -d } else { d }) as usize
        }

        /// Every key and value no edit reaches is read the same, at its moved place; a
        /// string edited inside (the document it holds) stays a string.
        fn untargeted_kept(&self, problems: &mut Vec<String>) {
            let new_at: HashMap<(usize, usize), &Written> = self
                .new
                .iter()
                .map(|w| ((w.span.start, w.span.end), w))
                .collect();
            for w in &self.old {
                let reached: Vec<&Edit> = self
                    .edits
                    .iter()
                    .filter(|e| reaches(&e.old, &w.span))
                    .collect();
                let start = self.shift(w.span.start, false);
                if reached.is_empty() {
                    match new_at.get(&(start, start + w.span.len())) {
                        Some(n) if n.item == w.item => {}
                        other => problems.push(format!(
                            "{}: not targeted by [{}], yet {:?} became {:?}\n{}\n=>\n{}",
                            w.pointer,
                            self.fixes,
                            w.item,
                            other.map(|n| &n.item),
                            self.text,
                            self.after
                        )),
                    }
                    continue;
                }
                let inside = |e: &&Edit| w.span.start < e.old.start && e.old.end < w.span.end;
                let string = |i: &Item| matches!(i, Item::Value(Kind::String(_)));
                if string(&w.item)
                    && reached.iter().all(inside)
                    && !self
                        .new
                        .iter()
                        .any(|n| n.span.start == start && string(&n.item))
                {
                    problems.push(format!(
                        "{}: a fix inside the string [{}] made it something else\n{}",
                        w.pointer, self.fixes, self.after
                    ));
                }
            }
        }

        /// Every key and value after the pass that no edit wrote was there before.
        fn nothing_appeared(&self, problems: &mut Vec<String>) {
            let old_at = self.old_at();
            for n in &self.new {
                if self.edits.iter().any(|e| reaches(&e.new, &n.span)) {
                    continue;
                }
                let start = self.shift(n.span.start, true);
                if !old_at
                    .get(&(start, start + n.span.len()))
                    .is_some_and(|w| w.item == n.item)
                {
                    problems.push(format!(
                        "{}: {:?} appeared where no fix [{}] wrote\n{}\n=>\n{}",
                        n.pointer, n.item, self.fixes, self.text, self.after
                    ));
                }
            }
        }

        /// Every edit (but those of a document inside a string, which are in that document's
        /// terms, mapped through the escapes) makes the change its rule declares.
        fn edits_declared(&self, problems: &mut Vec<String>) {
            let old_at = self.old_at();
            for e in &self.edits {
                let embedded = self.old.iter().any(|w| {
                    matches!(w.item, Item::Value(Kind::String(_)))
                        && w.span.start < e.old.start
                        && e.old.end < w.span.end
                });
                let in_body = self.body.start <= e.old.start && e.old.end <= self.body.end;
                if embedded || !in_body {
                    continue;
                }
                if let Err(why) = declared(e, self.text, &old_at) {
                    problems.push(format!(
                        "{} edit {:?} -> {:?}: {why}\n{}",
                        e.code,
                        self.text.get(e.old.clone()).unwrap_or_default(),
                        e.text,
                        self.text
                    ));
                }
            }
        }

        fn old_at(&self) -> HashMap<(usize, usize), &Written> {
            self.old
                .iter()
                .map(|w| ((w.span.start, w.span.end), w))
                .collect()
        }
    }

    /// Checks one pass: `text` (its JSON at `body`) with `applied` made.
    pub(super) fn pass(text: &str, body: Range<usize>, applied: &[Applied]) -> Vec<String> {
        let mut problems = Vec::new();
        let after = crate::fix::apply_plan(text, applied);
        let mut codes: Vec<&str> = applied.iter().map(|a| a.code.as_str()).collect();
        codes.dedup();
        let mut pass = Pass {
            text,
            after: &after,
            edits: placed(applied),
            old: Vec::new(),
            new: Vec::new(),
            fixes: codes.join(","),
            body: body.clone(),
        };
        let grown = after.len() as isize - text.len() as isize;
        let body_after = pass.shift(body.start, false)..(body.end as isize + grown).max(0) as usize;
        let (Some((old, old_dups)), Some((new, new_dups))) =
            (written(text, body), written(&after, body_after))
        else {
            return problems;
        };
        (pass.old, pass.new) = (old, new);
        pass.untargeted_kept(&mut problems);
        pass.nothing_appeared(&mut problems);
        pass.edits_declared(&mut problems);
        if new_dups > old_dups {
            problems.push(format!(
                "[{}] made a duplicate key\n{text}\n=>\n{after}",
                pass.fixes
            ));
        }
        problems
    }

    /// A string literal as written (any of the quotes the lexer takes), read with JSON's
    /// escapes (and `\'` as the quote); None when an escape in it is not JSON's.
    fn written_string(literal: &str) -> Option<String> {
        let mut chars = literal.chars();
        let (open, _close) = (chars.next()?, chars.next_back()?);
        let mut json = String::from("\"");
        let mut body = chars.as_str().chars();
        while let Some(c) = body.next() {
            match c {
                '\\' => match body.next()? {
                    '\'' if open != '"' => json.push('\''),
                    e => {
                        json.push('\\');
                        json.push(e);
                    }
                },
                '"' => json.push_str("\\\""),
                c if (c as u32) < 0x20 => json.push_str(&format!("\\u{:04x}", c as u32)),
                c => json.push(c),
            }
        }
        json.push('"');
        decoded(&json)
    }

    fn decoded(json: &str) -> Option<String> {
        serde_json::from_str::<String>(json).ok()
    }

    /// The change an edit makes is the one its rule declares.
    fn declared(
        e: &Edit,
        text: &str,
        old_at: &HashMap<(usize, usize), &Written>,
    ) -> Result<(), String> {
        let was = text.get(e.old.clone()).ok_or("edit out of bounds")?;
        let at = old_at.get(&(e.old.start, e.old.end)).map(|w| &w.item);
        let ok = |b: bool, why: &str| if b { Ok(()) } else { Err(why.to_string()) };
        // the written string read with JSON's escapes: a requoting keeps exactly that (a
        // string the parser dropped, in a value where a key belongs, included)
        let string_kept = || {
            ok(
                written_string(was).is_some() && decoded(e.text) == written_string(was),
                "not the string's text with its escapes as written",
            )
        };
        match e.code {
            // quoting: exactly the text written, between quotes
            "JSON017" | "TYPE002" | "JSON014" | "EXT001" => ok(
                decoded(e.text).as_deref() == Some(was),
                "not the written text quoted",
            ),
            "QR003" if matches!(at, Some(Item::Value(_))) => ok(
                decoded(e.text).as_deref() == Some(was),
                "not the written text quoted",
            ),
            "JSON005" | "JSON009" => string_kept(),
            // a full-width punctuation mark, or an odd blank (U+3000, a vertical tab)
            "JSON002" if was.chars().count() == 1 => ok(
                e.text.len() == 1 && (!was.is_ascii() || (was.trim().is_empty() && e.text == " ")),
                "not one full-width character or odd blank made ASCII",
            ),
            "JSON002" => string_kept(),
            "TYPE001" | "TYPE008" => match at {
                Some(Item::Value(Kind::String(s))) => ok(
                    s == e.text && serde_json::from_str::<serde_json::Number>(e.text).is_ok(),
                    "not the string's own text as a JSON number",
                ),
                _ => Err("not a quoted number".into()),
            },
            // a Python or JavaScript literal (also in a value the parser read past) spelt as
            // JSON's; a value of the schema's boolean written as one
            "JSON003" => ok(
                matches!(e.text, "true" | "false" | "null")
                    && was
                        .trim_start_matches(['-', '+'])
                        .bytes()
                        .all(|b| b.is_ascii_alphabetic()),
                "not a literal spelt as JSON's",
            ),
            "TYPE003" => ok(
                matches!(e.text, "true" | "false") && matches!(at, Some(Item::Value(_))),
                "not a boolean for a value",
            ),
            "JSON004" => {
                let comment = was.trim_start_matches([' ', '\t']);
                let lead = text[..e.old.start].trim_end();
                ok(
                    e.text.is_empty()
                        && (comment.starts_with('#')
                            || comment.starts_with("//")
                            || comment.starts_with("/*"))
                        && !lead.ends_with(':'),
                    "not a comment where a comment can stand",
                )
            }
            "JSON001" => ok(
                e.text.is_empty() && was.trim() == ",",
                "not a comma removed",
            ),
            "JSON010" => ok(e.text.is_empty() && was == "\u{feff}", "not a BOM removed"),
            // a query parameter's misspelt name replaced by the name the endpoint reads
            "QUERY002" => ok(
                matches!(e.text, "access_token" | "type")
                    && crate::suggest::closest(was, [e.text]).as_deref() == Some(e.text),
                "not a misspelt parameter name renamed",
            ),
            "JSON007" => {
                // between a value and the next, not inside text glued together (`"20元"新春`):
                // what a comma put right after a value precedes opens a string or a container
                // inside a string holding JSON (a cardExt), `\"` is the embedded quote
                let before = if text[..e.old.start].ends_with("\\\"") {
                    Some('"')
                } else {
                    text[..e.old.start].chars().next_back()
                };
                let after = if text[e.old.start..].starts_with("\\\"") {
                    Some('"')
                } else {
                    text[e.old.start..].chars().next()
                };
                let text_char = |c: &char| !c.is_whitespace() && !c.is_control();
                let glued = before.is_some_and(|c| text_char(&c) && !"{}[]".contains(c))
                    && after.is_some_and(|c| text_char(&c) && !"{}[]\"'“”‘’".contains(c));
                ok(
                    e.old.is_empty() && e.text == "," && !glued,
                    "not a comma inserted between two values",
                )
            }
            // any other: a key renamed to a key, a value replaced by a value
            _ => match at {
                Some(Item::Key(_)) => ok(decoded(e.text).is_some(), "a key became no key"),
                Some(Item::Value(_)) => ok(
                    serde_json::from_str::<serde_json::Value>(e.text)
                        .is_ok_and(|v| !v.is_array() && !v.is_object()),
                    "a value became no value",
                ),
                None => Err("an edit of neither a key nor a value".into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fix_soundness_of;
    use crate::fix::Applied;
    use crate::Options;

    const CARD: &str = "\"card_id\":\"pFS7Fjg8kV1IdDz01r4SQwMkuCKc\"";

    /// The problems the per-pass check finds in one made-up fix of `text`.
    fn judge(text: &str, code: &str, edits: &[(std::ops::Range<usize>, &str)]) -> Vec<String> {
        let applied = [Applied {
            code: code.into(),
            edits: edits
                .iter()
                .map(|(r, t)| (r.clone(), t.to_string()))
                .collect(),
        }];
        super::soundness::pass(text, 0..text.len(), &applied)
    }

    #[test]
    fn the_property_holds_on_the_inputs_fixes_used_to_damage() {
        let cases: Vec<(&str, String)> = vec![
            ("card/code/get", format!("{{\"code\":123456789012345678901234,{CARD}}}")),
            ("card/code/get", format!("{{\"code\":012345678901,{CARD}}}")),
            ("card/code/get", format!("{{\"code\":0x1F,{CARD}}}")),
            ("card/code/get", format!("{{\"code\":021-62781234,{CARD}}}")),
            ("card/code/get", format!("{{007:\"1\",1e2:\"2\",{CARD}}}")),
            ("card/code/get", format!("{{\"code\":\"\\u4e2d\\ud83dx\\u12\",{CARD}}}")),
            ("card/code/get", format!("{{\"code\":'a\\x41',{CARD}}}")),
            ("card/code/get", format!("{{\" code\":\"1\",\"code\":\"2\",{CARD}}}")),
            ("card/modifystock", format!("{{{CARD},\"increase_stock_value\":\"007\"}}")),
            ("card/create", "{\"a\":\"20元\"新春\"代金券\",\"b\":面包、蛋糕}".into()),
            (
                "card/create",
                "{\"card\":{\"card_type\":\"CASH\",\"cash\":{\"base_info\":{\"color\":#63b359,\"title\":\"x\"}}}}".into(),
            ),
            (
                "wx.addCard",
                "{\"cardList\":[{\"cardId\":\"pFS7Fjg8kV1IdDz01r4SQwMkuCKc\",\"cardExt\":{\"outer_str\": x y, \"timestamp\": \"1\"}}]}".into(),
            ),
            (
                "card_ext",
                "{\"nonceStr\":\"a\",\"nonce_str\":\"b\",\"timestamp\":\"1\",\"signature\":\"x\"}".into(),
            ),
        ];
        for (endpoint, text) in cases {
            let options = Options {
                endpoint: Some(endpoint.into()),
                now: Some(1_795_000_000),
                ..Options::default()
            };
            for allow_unsafe in [false, true] {
                let problems = fix_soundness_of(&options, "t.json", text.as_bytes(), allow_unsafe);
                assert!(problems.is_empty(), "{}", problems.join("\n"));
            }
        }
        // not UTF-8: nothing fixed
        let options = Options::default();
        assert!(fix_soundness_of(&options, "t.json", b"{\"a\":'\xff',}", true).is_empty());
    }

    #[test]
    fn the_property_tells_each_kind_of_damage() {
        // quoting the parser's reading instead of the text
        assert!(!judge("{\"code\":012}", "TYPE002", &[(8..11, "\"12\"")]).is_empty());
        assert!(judge("{\"code\":012}", "TYPE002", &[(8..11, "\"012\"")]).is_empty());
        // unquoting what is not a JSON integer
        assert!(!judge("{\"n\":\"007\"}", "TYPE001", &[(5..10, "007")]).is_empty());
        // a value deleted as a comment
        let minified = "{\"color\":#63b359,\"title\":\"x\"}";
        assert!(!judge(minified, "JSON004", &[(9..minified.len(), "")]).is_empty());
        // an escape lost in a requoting
        assert!(!judge(r#"{"a":'a\x41'}"#, "JSON005", &[(5..12, "\"ax41\"")]).is_empty());
        // a comma inside glued text, a duplicate key made by a rename
        assert!(!judge("{\"a\":\"x\"y}", "JSON007", &[(8..8, ",")]).is_empty());
        assert!(!judge("{\" a\":1,\"a\":2}", "SCHEMA015", &[(1..5, "\"a\"")]).is_empty());
        // a value no fix targets read differently afterwards
        assert!(!judge("{\"a\":1 // c\n,\"b\":2}", "JSON004", &[(6..12, "x")]).is_empty());
    }
}

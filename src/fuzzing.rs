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
    // a page is also checked with a ticket, so that its signatures are verified
    let signed = Options {
        signing: crate::rules::Signing {
            api_ticket: Some("fuzz-ticket".into()),
            jsapi_ticket: Some("fuzz-jsapi-ticket".into()),
            card_id: None,
        },
        ..options.clone()
    };
    for (path, options) in [
        ("fuzz.json", &options),
        ("fuzz.http", &options),
        ("fuzz.html", &options),
        ("fuzz.js", &signed),
    ] {
        if let Ok(report) = lint_bytes(options, path, body) {
            spans_in_bounds(&report);
            let (fixed, _) = crate::fix::apply(&report.source.text, &report.findings, true);
            let _ = lint_bytes(options, path, fixed.as_bytes());
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
        problems.extend(crate::fix::verify::pass(text, body, applied));
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
        crate::fix::verify::pass(text, 0..text.len(), &applied)
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

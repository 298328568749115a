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

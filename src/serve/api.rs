//! The sandbox's JSON API for pages and scripts (the web page of issue 18 builds on it):
//! `POST /cardlint/check?endpoint=E&lang=zh|en` answers the `check --format json` document of
//! the body; `GET /cardlint/explain?q=...` an errcode, a response or a symptom explained
//! (`explain --format json`); `POST /cardlint/sign/card-ext` a cardExt and its signature with
//! the sorted values shown (never the ticket: it is replaced by its length in the steps).

use crate::registry::Lang;
use serde_json::{json, Map, Value};

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn error(status: u16, message: String) -> (u16, Map<String, Value>) {
    (status, object(json!({"errcode": -1, "errmsg": message})))
}

/// A query parameter, percent-decoded (`+` as a space, as forms send it).
fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn lang_of(query: &str, default: Lang) -> Lang {
    match param(query, "lang").as_deref() {
        Some("zh") => Lang::Zh,
        Some("en") => Lang::En,
        _ => default,
    }
}

/// `POST /cardlint/check`: the body linted as `endpoint` (inferred when absent).
pub fn check(query: &str, body: &[u8], lang: Lang) -> (u16, Map<String, Value>) {
    let lang = lang_of(query, lang);
    let options = crate::Options {
        endpoint: param(query, "endpoint").filter(|e| !e.is_empty()),
        lang: Some(lang),
        ..crate::Options::default()
    };
    match crate::lint_bytes(&options, "payload.json", body) {
        Ok(report) => (200, object(super::reply::findings_doc(&report))),
        Err(e) => error(400, crate::messages::lint_error(&e, lang)),
    }
}

/// `GET /cardlint/explain?q=`: an errcode (`40053`), a response (`{"errcode":..}`), or a
/// symptom (`签名错误`).
pub fn explain(query: &str, lang: Lang) -> (u16, Map<String, Value>) {
    use crate::explain::{self, Ask};
    let lang = lang_of(query, lang);
    let q = param(query, "q").unwrap_or_default();
    let q = q.trim();
    let ask = || Ask {
        platform: None,
        endpoint: None,
        lang,
        findings: Vec::new(),
    };
    let response = match q.parse::<i64>() {
        Ok(n) => Some(explain::Response {
            errcode: n,
            errmsg: String::new(),
            hint: None,
        }),
        Err(_) => explain::parse_response(q),
    };
    let explanation = match &response {
        Some(r) => explain::code(r.errcode).map(|code| {
            let shown = (!r.errmsg.is_empty()).then_some(r);
            explain::for_code(code, shown, ask())
        }),
        None => match explain::symptoms(q).first() {
            Some(s) => Some(explain::for_symptom(s, ask())),
            None => explain::errcode_in(q)
                .and_then(explain::code)
                .map(|code| explain::for_code(code, None, ask())),
        },
    };
    match explanation.and_then(|e| serde_json::to_value(e).ok()) {
        Some(v) => (200, object(v)),
        None => {
            let message =
                crate::registry::say(lang, "error.nothing_matches", &[("query", q.to_string())]);
            error(404, message)
        }
    }
}

/// `POST /cardlint/sign/card-ext` with `{"api_ticket","card_id","code","openid","timestamp",
/// "nonce_str"}`: the cardExt string, its signature, and the sorted values that were hashed.
pub fn sign_card_ext(body: &[u8]) -> (u16, Map<String, Value>) {
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) else {
        return error(
            400,
            "the body must be a JSON object of the signed fields".into(),
        );
    };
    let field = |k: &str| match m.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let input = crate::signature::CardExtInput {
        api_ticket: field("api_ticket"),
        card_id: field("card_id"),
        timestamp: field("timestamp"),
        nonce_str: field("nonce_str"),
        code: field("code"),
        openid: field("openid"),
        balance: field("balance"),
    };
    if input.api_ticket.is_empty() || input.card_id.is_empty() || input.timestamp.is_empty() {
        return error(400, "api_ticket, card_id and timestamp are required".into());
    }
    // the values in the order they are hashed; the ticket shown as a placeholder only
    let mut sorted: Vec<&str> = [
        input.api_ticket.as_str(),
        &input.card_id,
        &input.timestamp,
        &input.nonce_str,
        &input.code,
        &input.openid,
        &input.balance,
    ]
    .into_iter()
    .filter(|v| !v.is_empty())
    .collect();
    sorted.sort_unstable();
    let steps: Vec<String> = sorted
        .iter()
        .map(|v| {
            if *v == input.api_ticket {
                format!("<api_ticket: {} characters>", v.chars().count())
            } else {
                v.to_string()
            }
        })
        .collect();
    (
        200,
        object(json!({
            "errcode": 0,
            "card_ext": crate::signature::card_ext_json(&input),
            "signature": crate::signature::card_ext_signature(&input),
            "sorted": steps,
        })),
    )
}

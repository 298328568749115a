//! The sandbox's JSON API for pages and scripts (the web page of issue 18 builds on it):
//! `POST /cardlint/check?endpoint=E&lang=zh|en` answers the `check --format json` document of
//! the body; `GET /cardlint/explain?q=...` an errcode, a response or a symptom explained
//! (`explain --format json`); `POST /cardlint/sign/card-ext` a cardExt and its signature with
//! the sorted values shown (never the ticket: it is replaced by its length in the steps);
//! `POST /cardlint/sign/card-ext/check` a pasted cardExt verified (EXT008's diagnosis);
//! `POST /cardlint/fix` one finding's fix or all safe ones, verified as `--fix` verifies;
//! `GET /cardlint/endpoints`, `GET /cardlint/requests` (the journal) and `GET /cardlint/state`
//! (the cards, their codes and the QR tickets) for the inspector.

use crate::registry::Lang;
use serde_json::{json, Map, Value};

/// A JSON object as a map (anything else as an empty one).
pub(super) fn object(v: Value) -> Map<String, Value> {
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

/// The options and file name a page's payload is checked with: `endpoint` (inferred when
/// absent or empty), `lang`, and `kind=http` for a request with its request line.
fn payload(query: &str, lang: Lang) -> (crate::Options, &'static str) {
    let options = crate::Options {
        endpoint: param(query, "endpoint").filter(|e| !e.is_empty()),
        lang: Some(lang_of(query, lang)),
        ..crate::Options::default()
    };
    let path = match param(query, "kind").as_deref() {
        Some("http") => "payload.http",
        _ => "payload.json",
    };
    (options, path)
}

/// `POST /cardlint/check`: the body linted as `endpoint` (inferred when absent).
pub fn check(query: &str, body: &[u8], lang: Lang) -> (u16, Map<String, Value>) {
    let (options, path) = payload(query, lang);
    let lang = lang_of(query, lang);
    match crate::lint_bytes(&options, path, body) {
        Ok(report) => (200, object(super::reply::findings_doc(&report))),
        Err(e) => error(400, crate::messages::lint_error(&e, lang)),
    }
}

/// `POST /cardlint/fix?code=C&line=L&column=K`: the body with that finding's fix made, when
/// the verifier accepts it alone (as the language server's quick fix); without `code`, every
/// safe fix (the bytes `check --fix` writes). 422 when there is nothing to fix.
pub fn fix(query: &str, body: &[u8], lang: Lang) -> (u16, Map<String, Value>) {
    let (options, path) = payload(query, lang);
    let lang = lang_of(query, lang);
    let nothing = || {
        error(
            422,
            crate::registry::say(lang, "serve.api.nothing_to_fix", &[]),
        )
    };
    let Some(code) = param(query, "code") else {
        return match crate::fix::fix_bytes(&options, path, body, false, &|_| {}) {
            Ok(f) if f.fixed > 0 => (
                200,
                object(json!({"errcode": 0, "text": f.text, "fixed": f.fixed})),
            ),
            Ok(_) => nothing(),
            Err(e) => error(400, crate::messages::lint_error(&e, lang)),
        };
    };
    let number = |name| param(query, name).and_then(|v| v.parse::<usize>().ok());
    let report = match crate::lint_bytes(&options, path, body) {
        Ok(r) => r,
        Err(e) => return error(400, crate::messages::lint_error(&e, lang)),
    };
    let wanted = report.findings.iter().find(|f| {
        f.code == code && Some(f.line) == number("line") && Some(f.column) == number("column")
    });
    let text = &report.source.text;
    let body = report.source.body.clone();
    let Some(planned) = wanted.and_then(|f| crate::fix::single(text, body, f, true)) else {
        return nothing();
    };
    let fixed = crate::fix::apply_plan(text, &planned);
    (
        200,
        object(json!({"errcode": 0, "text": fixed, "fixed": 1})),
    )
}

/// `GET /cardlint/endpoints`: every endpoint the checks know, for the page's picker.
pub fn endpoints() -> (u16, Map<String, Value>) {
    (
        200,
        object(json!({"endpoints": crate::endpoint::ENDPOINTS})),
    )
}

/// `GET /cardlint/explain?q=`: an errcode (`40053`), a response (`{"errcode":..}`), or a
/// symptom (`签名错误`). `POST` with the request as the body (checked as `endpoint`, `kind`)
/// marks the causes its findings show (`found`) and ranks them first.
pub fn explain(query: &str, request: Option<&[u8]>, lang: Lang) -> (u16, Map<String, Value>) {
    use crate::explain::{self, Ask};
    let findings = match request {
        Some(body) => {
            let (options, path) = payload(query, lang);
            match crate::lint_bytes(&options, path, body) {
                Ok(r) => r.findings,
                Err(e) => return error(400, crate::messages::lint_error(&e, lang_of(query, lang))),
            }
        }
        None => Vec::new(),
    };
    let lang = lang_of(query, lang);
    let q = param(query, "q").unwrap_or_default();
    let q = q.trim();
    let request_text = request.map(String::from_utf8_lossy);
    let ask = || Ask {
        platform: None,
        endpoint: None,
        lang,
        findings: findings.clone(),
        request: request_text.as_deref(),
    };
    let response = match q.parse::<i64>() {
        Ok(n) => Some(explain::Response {
            errcode: n,
            errmsg: String::new(),
            hint: None,
            error_before: None,
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

/// `POST /cardlint/sign/card-ext/check` with `{"api_ticket","card_id","card_ext"}`: the pasted
/// cardExt string checked with the ticket (EXT007/EXT008 recompute its signature and name the
/// likely mistake), as a `check --format json` document.
pub fn check_card_ext(query: &str, body: &[u8], lang: Lang) -> (u16, Map<String, Value>) {
    let lang = lang_of(query, lang);
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) else {
        return error(
            400,
            crate::registry::say(lang, "serve.api.card_ext_fields", &[]),
        );
    };
    let field = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(ticket), Some(card_ext)) = (field("api_ticket"), field("card_ext")) else {
        return error(
            400,
            crate::registry::say(lang, "serve.api.card_ext_fields", &[]),
        );
    };
    let options = crate::Options {
        endpoint: Some("card_ext".into()),
        lang: Some(lang),
        signing: crate::rules::Signing {
            api_ticket: Some(ticket),
            jsapi_ticket: None,
            card_id: field("card_id").filter(|c| !c.is_empty()),
        },
        ..crate::Options::default()
    };
    match crate::lint_bytes(&options, "card_ext.json", card_ext.as_bytes()) {
        Ok(report) => (200, object(super::reply::findings_doc(&report))),
        Err(e) => error(400, crate::messages::lint_error(&e, lang)),
    }
}

/// `POST /cardlint/sign/card-ext` with `{"api_ticket","card_id","code","openid","timestamp",
/// "nonce_str"}`: the cardExt string, its signature, and the sorted values that were hashed.
pub fn sign_card_ext(query: &str, body: &[u8], lang: Lang) -> (u16, Map<String, Value>) {
    let lang = lang_of(query, lang);
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) else {
        return error(
            400,
            crate::registry::say(lang, "serve.api.sign_fields", &[]),
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
        return error(
            400,
            crate::registry::say(lang, "serve.api.sign_required", &[]),
        );
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

/// `GET /cardlint/state`: the cards (newest [`SHOWN`] of them, each with up to [`SHOWN`] codes)
/// and the QR tickets, as the inspector shows them; bounded however big the state grows.
pub fn state(s: &super::state::State) -> (u16, Map<String, Value>) {
    let cards: Vec<Value> = s
        .order
        .iter()
        .rev()
        .filter_map(|id| s.cards.get(id))
        .take(SHOWN)
        .map(|c| {
            let body: Value = serde_json::from_str(&c.body).unwrap_or(Value::Null);
            let title = body
                .as_object()
                .and_then(|m| m.values().find_map(|inner| inner.pointer("/base_info/title")))
                .cloned()
                .unwrap_or(Value::Null);
            let codes: Vec<Value> = c
                .codes
                .iter()
                .take(SHOWN)
                .map(|(code, held)| json!({"code": code, "openid": held.openid, "status": held.status}))
                .collect();
            json!({
                "card_id": c.id,
                "card_type": c.card_type,
                "title": title,
                "quantity": c.quantity,
                "total_quantity": c.total_quantity,
                "use_custom_code": c.use_custom_code,
                "deposit": c.deposit,
                "deleted": c.deleted,
                "deposited": c.deposited.iter().take(SHOWN).collect::<Vec<_>>(),
                "codes": codes,
            })
        })
        .collect();
    let mut qrs: Vec<(&String, &super::state::Qr)> = s.meta.qrs.iter().collect();
    qrs.sort_by(|a, b| a.0.cmp(b.0));
    let qrs: Vec<Value> = qrs
        .into_iter()
        .take(SHOWN)
        .map(|(ticket, qr)| {
            let first = qr.cards.first();
            json!({
                "ticket": ticket,
                "card_id": first.map(|c| c.card_id.clone()),
                "code": first.and_then(|c| c.code.clone()),
                "expire_at": qr.expire_at,
            })
        })
        .collect();
    (
        200,
        object(json!({"cards": cards, "qrs": qrs, "total_cards": s.cards.len()})),
    )
}

/// Cards, codes per card and QR tickets listed at most by `GET /cardlint/state`.
const SHOWN: usize = 200;

//! Answers in the card API's own words: `{"errcode":N,"errmsg":"<server text> hint: [..] rid: .."}`.
//! A request with findings is refused with the errcode of its most important error; the
//! `cardlint` field carries every finding in the shape of `check --format json`.

use crate::{Finding, Report, Severity};
use serde_json::{json, Map, Value};

/// The server's errmsg for the codes the sandbox answers, as the live API words them; other
/// codes take the catalogue's text.
fn server_errmsg(errcode: i64) -> String {
    let known = match errcode {
        -1 => "system error",
        0 => "ok",
        40001 => "invalid credential, access_token is invalid or not latest",
        40002 => "invalid grant_type",
        40013 => "invalid appid",
        40053 => "invalid action info, please check document",
        40056 => "invalid serial code",
        40071 => "invalid card type",
        40073 => "invalid card id",
        40075 => "invalid encrypt code",
        40076 => "invalid color id",
        40078 => "invalid card status",
        40079 => "invalid time",
        40080 => "invalid card ext",
        40097 => "invalid args",
        40099 => "invalid code, this code has consumed.",
        40100 => "invalid DateInfo, Make Sure OldDateInfoType==NewDateInfoType && NewBeginTime<=OldBeginTime && OldEndTime<=NewEndTime",
        40109 => "too many code size, must <= 100",
        40110 => "have empty code",
        40111 => "duplicate code",
        40122 => "invalid card quantity",
        40127 => "invalid user-card status! Hint: the card was given to user, but may be deleted or expired or set unavailable !",
        40136 => "invalid use DepositCodeMode, make sure sku.quantity>DepositCode.quantity",
        40158 => "invalid use_custom_code, need be false",
        41001 => "access_token missing",
        41002 => "appid missing",
        41004 => "appsecret missing",
        41011 => "missing required fields! please check document and request json!",
        42001 => "access_token expired",
        43002 => "require POST method",
        44002 => "empty post data",
        45009 => "reach max api daily quota limit",
        45021 => "some argument may be out of length limit! please check document and request json!",
        47001 => "data format error",
        48001 => "api unauthorized",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    crate::explain::code(errcode)
        .map(|c| c.errmsg.clone())
        .unwrap_or_else(|| "system error".to_string())
}

/// The refusal for a sandbox rule (`serve.hint.<key>` in rules/terms.toml).
pub fn refused(f: &super::state::Fail, lang: crate::Lang, rid: &str) -> Map<String, Value> {
    let hint = crate::registry::say(lang, &format!("serve.hint.{}", f.key), &f.args);
    refusal(f.errcode, &hint, rid)
}

/// `{"errcode":N,"errmsg":".. hint: [hint] rid: rid"}`.
pub fn refusal(errcode: i64, hint: &str, rid: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("errcode".into(), Value::from(errcode));
    m.insert(
        "errmsg".into(),
        Value::from(format!(
            "{} hint: [{hint}] rid: {rid}",
            server_errmsg(errcode)
        )),
    );
    m
}

/// The finding a request is refused for and its errcode: syntax first (the server cannot read
/// past it), then type errors (the server fails to decode), then the first in the document.
/// Errors without an errcode are client-side only and do not refuse.
pub fn deciding(report: &Report) -> Option<(&Finding, i64)> {
    let rank = |f: &Finding| {
        if f.code.starts_with("JSON") {
            0
        } else if f.code.starts_with("TYPE") {
            1
        } else {
            2
        }
    };
    report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && !f.errcodes.is_empty())
        .min_by_key(|f| (rank(f), f.span.start))
        .map(|f| (f, errcode_of(f)))
}

/// A rule that lists several errcodes (an enum miss: 40053, 40071, 40076) answers with the one
/// the server gives for that field: 40071 for card_type, 40076 for color; else the first.
fn errcode_of(f: &Finding) -> i64 {
    let field = f.pointer.rsplit('/').next().unwrap_or("");
    let specific = match field {
        "card_type" => Some(40071),
        "color" => Some(40076),
        _ => None,
    };
    specific
        .filter(|c| f.errcodes.contains(c))
        .unwrap_or(f.errcodes[0])
}

/// What the hint says about a finding: rule, field and place, then the message (a secret of
/// the request it quotes masked).
pub fn hint(f: &Finding) -> String {
    let f = &crate::report::masked_findings(std::slice::from_ref(f))[0];
    let at = if f.pointer.is_empty() {
        String::new()
    } else {
        format!(" {}", f.pointer)
    };
    format!(
        "{}{at} line {} column {}: {}",
        f.code, f.line, f.column, f.message
    )
}

/// The `cardlint` field: the findings as `check --format json` prints them for one file,
/// secrets masked (in fixes' replacements too).
pub fn findings_doc(report: &Report) -> Value {
    let mut summary = crate::report::Summary {
        files: 1,
        ..Default::default()
    };
    summary.add_findings(report);
    json!({
        "version": 1,
        "files": [crate::report::json::File::checked(report)],
        "summary": summary,
    })
}

//! `wx.addCard` parameters and `card_ext`: cardExt must be a JSON string (not an object),
//! parse as an object with the documented snake_case keys, never carry the api_ticket, and,
//! given the ticket, carry a signature that matches; the embedded JSON is linted in place.

use super::{join, Ctx, Out, Signing};
use crate::finding::Hit;
use crate::registry::code;
use crate::signature::{self, CardExtInput, Cause, Known};
use crate::syntax::ast::{Kind, Span};
use serde_json::Value;

/// camelCase and other spellings seen inside cardExt, and the key card_ext takes.
const RENAMES: &[(&str, &str)] = &[
    ("nonceStr", "nonce_str"),
    ("noncestr", "nonce_str"),
    ("timeStamp", "timestamp"),
    ("outerStr", "outer_str"),
    ("openId", "openid"),
    ("open_id", "openid"),
];

const TICKET_KEYS: &[&str] = &[
    "api_ticket",
    "apiTicket",
    "apiticket",
    "ticket",
    "jsapi_ticket",
];

pub fn check(ctx: &Ctx, out: &mut Out) {
    match ctx.endpoint {
        "card_ext" => {
            let card_id = ctx.signing.card_id.clone();
            card_ext_object(ctx, out, "", card_id.as_deref());
        }
        _ => add_card(ctx, out),
    }
}

/// `{"cardList": [items]}`, or one item on its own (a card_list entry an SDK returns).
fn add_card(ctx: &Ctx, out: &mut Out) {
    let items: Vec<String> = match ctx.get("/cardList").and_then(Value::as_array) {
        Some(list) => (0..list.len()).map(|i| format!("/cardList/{i}")).collect(),
        None => vec![String::new()],
    };
    for p in items {
        let Some(obj) = ctx.get(&p).and_then(Value::as_object) else {
            continue;
        };
        for (legacy, key) in [("card_id", "cardId"), ("card_ext", "cardExt")] {
            if obj.contains_key(legacy) && !obj.contains_key(key) {
                let lp = join(&p, legacy);
                // a lone item may be a legacy batchAddCard entry, where snake_case is right
                if !p.is_empty() {
                    out.push(ctx.key_hit(code::EXT006, &lp).arg("key", key));
                }
                out.supersede(code::SCHEMA003, lp);
                out.supersede(code::SCHEMA002, join(&p, key));
            }
        }
        let card_id = obj
            .get("cardId")
            .or_else(|| obj.get("card_id"))
            .and_then(Value::as_str);
        let ext_key = if obj.contains_key("cardExt") {
            "cardExt"
        } else {
            "card_ext"
        };
        let ep = join(&p, ext_key);
        match obj.get(ext_key) {
            Some(ext @ Value::Object(_)) => {
                // the object serialized, as the string it should have been
                let as_string = Value::from(ext.to_string());
                out.push(ctx.replace_value(ctx.hit(code::EXT001, &ep), &ep, &as_string));
                out.supersede(code::SCHEMA001, ep);
            }
            Some(Value::String(s)) if !s.trim().is_empty() => embedded(ctx, out, &ep, card_id),
            _ => {}
        }
    }
}

/// Lints the JSON inside a cardExt string, with positions mapped back into the file.
fn embedded(ctx: &Ctx, out: &mut Out, ptr: &str, card_id: Option<&str>) {
    let Some(target) = crate::locate::find(ctx.root, ptr) else {
        return;
    };
    let span = target.node.span.clone();
    let raw = &ctx.text[span.clone()];
    // only plain "..." strings map back byte for byte
    if !(raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"')) {
        return;
    }
    let content_start = span.start + 1;
    let (decoded, map) = decode(&raw[1..raw.len() - 1]);
    let to_outer = |s: &Span| -> Span {
        let at = |i: usize| content_start + map[i.min(map.len() - 1)];
        at(s.start)..at(s.end).max(at(s.start))
    };
    let parsed = match crate::syntax::parser::parse(&decoded, 0, decoded.len()) {
        Ok(p) => p,
        Err(_) => return out.push(ctx.hit(code::EXT002, ptr)),
    };
    let mut inner_hits: Vec<Hit> = parsed.hits;
    let root = match parsed.root {
        Some(r) if matches!(r.kind, Kind::Object(_)) => r,
        _ => {
            out.push(ctx.hit(code::EXT002, ptr));
            return;
        }
    };
    if !inner_hits.is_empty() {
        out.push(ctx.hit(code::EXT002, ptr));
    }
    let value = root.to_value();
    if let Some(c) = crate::schema::compiled("card_ext") {
        inner_hits.extend(c.check(&value, &root, &decoded));
    }
    let signing = Signing {
        card_id: card_id.map(str::to_string),
        ..ctx.signing.clone()
    };
    let inner = Ctx {
        endpoint: "card_ext",
        value: &value,
        root: &root,
        text: &decoded,
        now: ctx.now,
        cards: ctx.cards,
        signing: &signing,
    };
    let mut inner_out = Out::default();
    super::time::check(&inner, &mut inner_out);
    card_ext_object(&inner, &mut inner_out, "", card_id);
    super::card_book::check(&inner, &mut inner_out);
    inner_hits.retain(|h| !inner_out.explains(h.code, &h.pointer));
    inner_hits.extend(inner_out.hits);
    for mut h in inner_hits {
        h.span = to_outer(&h.span);
        h.related = h.related.iter().map(&to_outer).collect();
        // a repair inside the string is written with the string's escapes
        for e in &mut h.edits {
            e.span = to_outer(&e.span);
            let escaped = serde_json::to_string(&e.text).unwrap_or_default();
            e.text = escaped[1..escaped.len() - 1].to_string();
        }
        // a pointer cannot reach inside a string: findings point at the cardExt value
        h.pointer = ptr.to_string();
        out.push(h);
    }
}

/// Decodes a JSON string body; `map[i]` is the byte offset in `raw` of decoded byte `i`.
fn decode(raw: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let (ch, len) = if bytes[i] == b'\\' && i + 1 < raw.len() {
            match bytes[i + 1] {
                b'u' => {
                    let hex = |at: usize| {
                        raw.get(at..at + 4)
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                    };
                    match hex(i + 2) {
                        Some(hi @ 0xD800..=0xDBFF) if raw.get(i + 6..i + 8) == Some("\\u") => {
                            match hex(i + 8) {
                                Some(lo @ 0xDC00..=0xDFFF) => (
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                        .unwrap_or('\u{fffd}'),
                                    12,
                                ),
                                _ => ('\u{fffd}', 6),
                            }
                        }
                        Some(cp) => (char::from_u32(cp).unwrap_or('\u{fffd}'), 6),
                        None => ('\u{fffd}', 2),
                    }
                }
                b'n' => ('\n', 2),
                b't' => ('\t', 2),
                b'r' => ('\r', 2),
                b'b' => ('\u{8}', 2),
                b'f' => ('\u{c}', 2),
                // any other escaped character stands for itself, whatever its width
                _ => {
                    let c = raw[i + 1..].chars().next().unwrap_or('\u{fffd}');
                    (c, 1 + c.len_utf8())
                }
            }
        } else {
            let c = raw[i..].chars().next().unwrap_or('\u{fffd}');
            (c, c.len_utf8())
        };
        for _ in 0..ch.len_utf8() {
            map.push(i);
        }
        out.push(ch);
        i += len.min(raw.len() - i).max(1);
    }
    map.push(raw.len());
    (out, map)
}

/// Rules on a decoded card_ext object at `base`.
fn card_ext_object(ctx: &Ctx, out: &mut Out, base: &str, card_id: Option<&str>) {
    let Some(obj) = ctx.get(base).and_then(Value::as_object) else {
        return;
    };
    for key in obj.keys() {
        let p = join(base, key);
        let bare = key.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        if TICKET_KEYS.contains(&bare) {
            out.push(ctx.key_hit(code::EXT004, &p).arg("key", key.clone()));
            out.supersede(code::SCHEMA003, p);
        } else if key == "cardId" || key == "card_id" {
            out.push(ctx.key_hit(code::EXT005, &p).arg("key", key.clone()));
            out.supersede(code::SCHEMA003, p);
        } else if key == "outer_id" {
            out.push(super::qr::outer_id(ctx, &p));
        } else if let Some((_, good)) = RENAMES.iter().find(|(bad, _)| bad == key) {
            let hit = ctx
                .key_hit(code::EXT003, &p)
                .arg("key", key.clone())
                .arg("suggestion", *good);
            out.push(ctx.rename_key(hit, &p, good));
            out.supersede(code::SCHEMA003, p);
        }
    }
    verify(ctx, out, base, obj, card_id);
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// EXT007/EXT008: with the api_ticket, recompute the signature and name the likely mistake.
fn verify(
    ctx: &Ctx,
    out: &mut Out,
    base: &str,
    obj: &serde_json::Map<String, Value>,
    card_id: Option<&str>,
) {
    let Some(ticket) = ctx.signing.api_ticket.as_deref() else {
        return;
    };
    let Some(sig) = obj.get("signature").and_then(Value::as_str) else {
        return;
    };
    let sig_p = join(base, "signature");
    let Some(card_id) = card_id.or(ctx.signing.card_id.as_deref()) else {
        out.push(ctx.hit(code::EXT007, &sig_p));
        return;
    };
    let sent = CardExtInput {
        api_ticket: ticket.to_string(),
        card_id: card_id.to_string(),
        timestamp: text_of(obj.get("timestamp")),
        nonce_str: text_of(obj.get("nonce_str")),
        code: text_of(obj.get("code")),
        openid: text_of(obj.get("openid")),
        balance: text_of(obj.get("balance")),
    };
    let known = Known {
        jsapi_ticket: ctx.signing.jsapi_ticket.clone(),
        ..Known::default()
    };
    if let Err(cause) = signature::diagnose(&sent, sig, &known) {
        let mut h = ctx.hit(code::EXT008, &sig_p);
        match cause {
            Some(Cause::DifferentTimestamp { signed, sent }) => {
                h = h
                    .term("cause", "cause.timestamp")
                    .arg("signed", signed)
                    .arg("sent", sent);
            }
            Some(Cause::MillisecondTimestamp { signed, sent }) => {
                h = h
                    .term("cause", "cause.milliseconds")
                    .arg("signed", signed)
                    .arg("sent", sent);
            }
            Some(other) => h = h.term("cause", cause_term(&other)),
            None => h = h.term("cause", "cause.unknown"),
        }
        out.push(h);
    }
}

fn cause_term(c: &Cause) -> &'static str {
    match c {
        Cause::DifferentTimestamp { .. } => "cause.timestamp",
        Cause::MillisecondTimestamp { .. } => "cause.milliseconds",
        Cause::NonceLeftOut => "cause.nonce_left_out",
        Cause::NonceAdded => "cause.nonce_added",
        Cause::CodeSignedNotSent => "cause.code_signed_not_sent",
        Cause::CodeSentNotSigned => "cause.code_sent_not_signed",
        Cause::OpenidSignedNotSent => "cause.openid_signed_not_sent",
        Cause::OpenidSentNotSigned => "cause.openid_sent_not_signed",
        Cause::KeysSigned => "cause.keys_signed",
        Cause::KeyValuePairsSigned => "cause.pairs_signed",
        Cause::CaseInsensitiveSort => "cause.case_insensitive",
        Cause::JsapiTicketUsed => "cause.jsapi_ticket",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decode_maps_escapes_back_to_raw_offsets() {
        let (d, map) = super::decode(r#"{\"a\":\"\u5361\"}"#);
        assert_eq!(d, "{\"a\":\"卡\"}");
        assert_eq!(map[1], 1); // the first quote is `\"` at raw byte 1
        assert_eq!(map[d.find('卡').unwrap()], 9);
        assert_eq!(*map.last().unwrap(), r#"{\"a\":\"\u5361\"}"#.len());
    }
}

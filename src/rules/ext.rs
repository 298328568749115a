//! `wx.addCard` parameters and `card_ext`: cardExt must be a JSON string (not an object),
//! parse as an object with the documented snake_case keys, never carry the api_ticket, and,
//! given the ticket, carry a signature that matches; the embedded JSON is linted in place.

use super::{join, Ctx, Embed, Out};
use crate::finding::Hit;
use crate::registry::code;
use crate::signature::{self, CardExtInput, Cause, Known};
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

/// Keys under which a ticket ends up in card_ext (the page scanner looks for them too).
pub const TICKET_KEYS: &[&str] = &[
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
            Some(Value::Object(_)) => {
                out.push(object_as_string(ctx, &ep));
                out.supersede(code::SCHEMA001, ep);
            }
            // the pipeline lints the JSON inside, as a card_ext of this card
            Some(Value::String(s)) if !s.trim().is_empty() => out.embed(Embed {
                pointer: ep,
                span: None,
                endpoint: "card_ext",
                card_id: card_id.map(str::to_string),
                broken: code::EXT002,
            }),
            _ => {}
        }
    }
}

/// EXT001 with its repair: the object's text exactly as written, as a JSON string; none
/// when that text has a syntax finding of its own (the string would carry a guess).
fn object_as_string(ctx: &Ctx, pointer: &str) -> crate::finding::Hit {
    let hit = ctx.hit(code::EXT001, pointer);
    let span = hit.span.clone();
    let clean = crate::syntax::parser::parse(ctx.text, span.start, span.end)
        .is_ok_and(|p| p.hits.is_empty() && p.root.is_some_and(|r| r.span == span));
    match ctx.text.get(span.clone()) {
        Some(written) if clean => match serde_json::to_string(written) {
            Ok(quoted) => hit.fix(span, quoted),
            Err(_) => hit,
        },
        _ => hit,
    }
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
            // renaming onto a key that is there already would make a duplicate
            out.push(
                if obj.contains_key(*good) || written_twice(ctx, base, key) {
                    hit
                } else {
                    ctx.rename_key(hit, &p, good)
                },
            );
            out.supersede(code::SCHEMA003, p);
        }
    }
    verify(ctx, out, base, obj, card_id);
}

/// Whether the object at `base` has `key` more than once as written (renaming the one a
/// parser keeps would bring back the other).
fn written_twice(ctx: &Ctx, base: &str, key: &str) -> bool {
    crate::locate::find(ctx.root, base).is_some_and(|t| match &t.node.kind {
        crate::syntax::ast::Kind::Object(members) => {
            members.iter().filter(|m| m.key == key).count() > 1
        }
        _ => false,
    })
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
    let sig_p = join(base, "signature");
    if let Some(h) = signature_hit(ctx.signing, obj, card_id, ctx.span(&sig_p)) {
        out.push(h.at(sig_p));
    }
}

/// The EXT007/EXT008 finding of a card_ext's fields (`obj`) checked with the api_ticket,
/// placed at `span` (its signature), or `None` when there is no ticket, no signature, or the
/// signature is right. Also used for a cardExt written as an object in page code.
pub fn signature_hit(
    signing: &super::Signing,
    obj: &serde_json::Map<String, Value>,
    card_id: Option<&str>,
    span: crate::model::Span,
) -> Option<Hit> {
    let sig = obj.get("signature").and_then(Value::as_str)?;
    // the SHA1 of nothing is wrong whatever the ticket: no value was joined in
    if sig.eq_ignore_ascii_case(signature::SHA1_OF_NOTHING) {
        return Some(with_cause(
            Hit::new(code::EXT008, span),
            Some(Cause::NothingSigned),
        ));
    }
    let ticket = signing.api_ticket.as_deref()?;
    let Some(card_id) = card_id.or(signing.card_id.as_deref()) else {
        return Some(Hit::new(code::EXT007, span));
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
        jsapi_ticket: signing.jsapi_ticket.clone(),
        ..Known::default()
    };
    let cause = signature::diagnose(&sent, sig, &known).err()?;
    Some(with_cause(Hit::new(code::EXT008, span), cause))
}

/// A signature finding with its diagnosis in the `cause` argument.
pub fn with_cause(h: Hit, cause: Option<Cause>) -> Hit {
    match cause {
        Some(Cause::DifferentTimestamp { signed, sent }) => h
            .term("cause", "cause.timestamp")
            .arg("signed", signed)
            .arg("sent", sent),
        Some(Cause::MillisecondTimestamp { signed, sent }) => h
            .term("cause", "cause.milliseconds")
            .arg("signed", signed)
            .arg("sent", sent),
        Some(Cause::TicketNotAString { text }) => {
            h.term("cause", "cause.ticket_not_string").arg("text", text)
        }
        Some(other) => h.term("cause", cause_term(&other)),
        None => h.term("cause", "cause.unknown"),
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
        Cause::JsSdkFormat => "cause.js_sdk_format",
        Cause::UnsortedValues => "cause.unsorted",
        Cause::TicketNotAString { .. } => "cause.ticket_not_string",
        Cause::AppidLeftOut => "cause.appid_left_out",
        Cause::NothingSigned => "cause.nothing_signed",
        Cause::TicketLeftOut => "cause.ticket_left_out",
        Cause::CardIdLeftOut => "cause.card_id_left_out",
        Cause::TicketAndCardIdLeftOut => "cause.ticket_and_card_id_left_out",
    }
}

/// The keys a card_ext signature covers, besides the signature itself.
const SIGNED_KEYS: [&str; 5] = ["timestamp", "nonce_str", "code", "openid", "balance"];

/// EXT007/EXT008 for a cardExt written as an object in page code (`JSON.stringify({...})`):
/// checked when its signature and every signed value are literals.
pub fn object_signature(s: &super::html::SignedExt, signing: &super::Signing) -> Option<Hit> {
    let sig = s.fields.iter().find(|f| f.key == "signature")?;
    let mut obj = serde_json::Map::new();
    for f in &s.fields {
        if f.key == "signature" || SIGNED_KEYS.contains(&f.key.as_str()) {
            // a value computed at run time: the signature over it cannot be checked here
            obj.insert(f.key.clone(), Value::from(f.value.text()?));
        }
    }
    signature_hit(signing, &obj, s.card_id.as_deref(), sig.span.clone())
}

/// EXT010: wx.chooseCard's `cardSign`, recomputed with the api_ticket and the page's
/// `wx.config` appId when it and every signed argument are literals.
pub fn choose_card_sign(c: &super::html::ChooseCall, signing: &super::Signing) -> Option<Hit> {
    let ticket = signing.api_ticket.as_deref()?;
    let appid = c.app_id.as_deref()?;
    let field = |k: &str| c.fields.iter().find(|f| f.key == k);
    let sign_field = field("cardSign")?;
    let sign = sign_field.value.text()?;
    // a missing argument is signed as empty; a computed one cannot be checked
    let arg = |k: &str| -> Option<String> {
        match field(k) {
            None => Some(String::new()),
            Some(f) => f.value.text().map(str::to_string),
        }
    };
    let sent = signature::ChooseCardInput {
        api_ticket: ticket.to_string(),
        appid: appid.to_string(),
        location_id: arg("shopId")?,
        timestamp: arg("timestamp")?,
        nonce_str: arg("nonceStr")?,
        card_id: arg("cardId")?,
        card_type: arg("cardType")?,
    };
    let cause =
        signature::diagnose_choose_card(&sent, sign, signing.jsapi_ticket.as_deref()).err()?;
    Some(with_cause(
        Hit::new(code::EXT010, sign_field.span.clone()),
        cause,
    ))
}

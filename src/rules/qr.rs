//! card/qrcode/create: `action_name` matches the `action_info` key, `expire_seconds` at the top
//! level, `outer_str` rather than the legacy `outer_id`, and `is_unique_code` with a code.

use super::{join, Ctx, Out};
use crate::registry::code;
use serde_json::Value;

pub fn check(ctx: &Ctx, out: &mut Out) {
    let name = ctx.get("/action_name").and_then(Value::as_str);
    let info = ctx.get("/action_info").and_then(Value::as_object);
    if let (Some(name), Some(info)) = (name, info) {
        let expected = match name {
            "QR_CARD" => Some("card"),
            "QR_MULTIPLE_CARD" => Some("multiple_card"),
            _ => None,
        };
        if let Some(expected) = expected {
            for found in ["card", "multiple_card"] {
                if found != expected && info.contains_key(found) && !info.contains_key(expected) {
                    let found_p = join("/action_info", found);
                    let hit = ctx
                        .key_hit(code::QR001, &found_p)
                        .arg("action_name", name)
                        .arg("expected", expected)
                        .arg("found", found);
                    // rename the key when its content has the shape action_name asks for,
                    // else make action_name say what the content is
                    let content = &info[found];
                    let fits_expected = match expected {
                        "card" => content.get("card_id").is_some(),
                        _ => content.get("card_list").is_some(),
                    };
                    let hit = if fits_expected {
                        ctx.rename_key(hit, &found_p, expected)
                    } else {
                        let other = if found == "card" {
                            "QR_CARD"
                        } else {
                            "QR_MULTIPLE_CARD"
                        };
                        ctx.replace_value(hit, "/action_name", &Value::from(other))
                    };
                    out.push(hit);
                    out.supersede(code::SCHEMA002, join("/action_info", expected));
                    out.supersede(code::SCHEMA003, join("/action_info", found));
                }
            }
        }
    }
    let mut cards: Vec<String> = vec!["/action_info/card".into()];
    if let Some(list) = ctx
        .get("/action_info/multiple_card/card_list")
        .and_then(Value::as_array)
    {
        cards.extend((0..list.len()).map(|i| format!("/action_info/multiple_card/card_list/{i}")));
    }
    for c in cards {
        let Some(card) = ctx.get(&c).and_then(Value::as_object) else {
            continue;
        };
        if card.contains_key("expire_seconds") {
            let p = join(&c, "expire_seconds");
            let seconds = ctx
                .get(&p)
                .and_then(crate::model::value::as_int)
                .map_or(1800, |s| s.clamp(60, 1800));
            out.push(
                ctx.key_hit(code::QR002, &p)
                    .arg("seconds", seconds.to_string()),
            );
            // the quoted "1800" inside card is the 2015 doc's own form: one mistake (the place),
            // which QR002's help repairs by moving it up as an integer; no TYPE001 on top
            out.supersede(code::SCHEMA003, p);
        }
        if card.contains_key("outer_id") {
            out.push(outer_id(ctx, &join(&c, "outer_id")));
        }
        if card.get("is_unique_code").and_then(Value::as_bool) == Some(true)
            && card
                .get("code")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        {
            out.push(ctx.key_hit(code::QR004, &join(&c, "is_unique_code")));
        }
    }
}

/// QR003 with its repair: `"outer_id": 7` becomes `"outer_str": "7"` (unless an outer_str
/// is there already, where renaming would make a duplicate key).
pub fn outer_id(ctx: &Ctx, pointer: &str) -> crate::finding::Hit {
    let hit = ctx.key_hit(code::QR003, pointer);
    let sibling = format!("{}/outer_str", &pointer[..pointer.rfind('/').unwrap_or(0)]);
    if ctx.get(&sibling).is_some() {
        return hit;
    }
    let hit = ctx.rename_key(hit, pointer, "outer_str");
    // a number becomes the string of its text as written (`007` stays `"007"`)
    match ctx.get(pointer) {
        Some(Value::Number(_)) => {
            let span = ctx.span(pointer);
            match ctx.text.get(span.clone()) {
                Some(raw) => hit.fix(span, quote(raw)),
                None => hit,
            }
        }
        _ => hit,
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

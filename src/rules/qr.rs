//! card/qrcode/create: `action_name` matches the `action_info` key, `expire_seconds` at the top
//! level, `outer_str` rather than the legacy `outer_id`, and `is_unique_code` with a code.

use super::{join, Ctx, Out};
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
                    out.push(
                        ctx.key_hit("QR001", &join("/action_info", found))
                            .arg("action_name", name)
                            .arg("expected", expected)
                            .arg("found", found),
                    );
                    out.supersede("SCHEMA002", join("/action_info", expected));
                    out.supersede("SCHEMA003", join("/action_info", found));
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
                .and_then(super::time::as_int)
                .map_or(1800, |s| s.clamp(60, 1800));
            out.push(ctx.key_hit("QR002", &p).arg("seconds", seconds.to_string()));
            out.supersede("SCHEMA003", p);
        }
        if card.contains_key("outer_id") {
            out.push(ctx.key_hit("QR003", &join(&c, "outer_id")));
        }
        if card.get("is_unique_code").and_then(Value::as_bool) == Some(true)
            && card
                .get("code")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        {
            out.push(ctx.key_hit("QR004", &join(&c, "is_unique_code")));
        }
    }
}

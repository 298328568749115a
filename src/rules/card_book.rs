//! Cross-payload checks: once cardlint knows how a card_id was created (`--card ID=PATH` or
//! `[cards]` in cardlint.toml, a card/create payload or a saved card/get response), the QR
//! codes, card_ext, landing pages and PayCell calls that name it must agree with it.

use super::{join, Ctx, Out};
use crate::model::value::as_int;
use crate::registry::code;
use serde_json::Value;
use std::collections::BTreeMap;

/// What matters about a card for the payloads that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardDef {
    /// The file that defines it, named in findings.
    pub path: String,
    pub use_custom_code: bool,
    pub deposit: bool,
    pub bind_openid: bool,
    pub quantity: Option<i64>,
    pub center_cell: bool,
}

pub type CardBook = BTreeMap<String, CardDef>;

#[derive(Debug, thiserror::Error)]
#[error(
    "{path}: not a card/create payload or card/get response (no card.card_type with its base_info)"
)]
pub struct NotACard {
    pub path: String,
}

impl CardDef {
    /// Reads a card/create body or a card/get response (`{"errcode":0,"card":{...}}`).
    pub fn from_text(path: &str, text: &str) -> Result<CardDef, NotACard> {
        let err = || NotACard {
            path: path.to_string(),
        };
        let parsed = crate::syntax::parser::parse(text, 0, text.len()).map_err(|_| err())?;
        let value = parsed.root.ok_or_else(err)?.to_value();
        let card = value.get("card").ok_or_else(err)?;
        let t = card
            .get("card_type")
            .and_then(Value::as_str)
            .ok_or_else(err)?
            .to_ascii_lowercase();
        let base = card
            .get(&t)
            .and_then(|i| i.get("base_info"))
            .ok_or_else(err)?;
        let flag = |k: &str| base.get(k).and_then(Value::as_bool) == Some(true);
        Ok(CardDef {
            path: path.to_string(),
            use_custom_code: flag("use_custom_code"),
            deposit: base.get("get_custom_code_mode").and_then(Value::as_str)
                == Some("GET_CUSTOM_CODE_MODE_DEPOSIT"),
            bind_openid: flag("bind_openid"),
            quantity: base.pointer("/sku/quantity").and_then(as_int),
            center_cell: ["center_title", "center_sub_title", "center_url"]
                .iter()
                .any(|k| base.get(*k).is_some()),
        })
    }

    /// A card the user's code goes with: custom codes, not deposited ones.
    fn wants_code(&self) -> bool {
        self.use_custom_code && !self.deposit
    }
}

/// Places in the payload that hand out a card: (pointer of the object, card_id).
fn distributions(ctx: &Ctx) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut add = |p: &str| {
        if let Some(id) = ctx.get(&join(p, "card_id")).and_then(Value::as_str) {
            found.push((p.to_string(), id.to_string()));
        }
    };
    match ctx.endpoint {
        "card/qrcode/create" => {
            add("/action_info/card");
            if let Some(list) = ctx
                .get("/action_info/multiple_card/card_list")
                .and_then(Value::as_array)
            {
                for i in 0..list.len() {
                    add(&format!("/action_info/multiple_card/card_list/{i}"));
                }
            }
        }
        "card_ext" => {
            if let Some(id) = &ctx.signing.card_id {
                found.push((String::new(), id.clone()));
            }
        }
        _ => {}
    }
    found
}

pub fn check(ctx: &Ctx, out: &mut Out) {
    if ctx.cards.is_empty() {
        return;
    }
    for (p, id) in distributions(ctx) {
        let Some(card) = ctx.cards.get(&id) else {
            continue;
        };
        let obj = ctx.get(&p).and_then(Value::as_object);
        let has = |k: &str| {
            obj.and_then(|o| o.get(k))
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        let named = |h: crate::finding::Hit| {
            h.arg("card_id", id.clone())
                .arg("card_file", card.path.clone())
        };
        let code_p = join(&p, "code");
        if has("code") && !card.wants_code() {
            let mode = if card.deposit {
                "mode.deposit"
            } else {
                "mode.non_custom"
            };
            out.push(named(ctx.hit(code::CODE001, &code_p).term("mode", mode)));
        }
        if !has("code") && card.wants_code() {
            let at = if p.is_empty() {
                String::new()
            } else {
                join(&p, "card_id")
            };
            out.push(named(ctx.key_hit(code::CODE002, &at).at(code_p.clone())));
        }
        let openid_p = join(&p, "openid");
        if has("openid") && !card.bind_openid {
            out.push(named(ctx.hit(code::CODE003, &openid_p)));
        }
        if !has("openid") && card.bind_openid {
            let at = if p.is_empty() {
                String::new()
            } else {
                join(&p, "card_id")
            };
            out.push(named(ctx.key_hit(code::CODE004, &at).at(openid_p)));
        }
        if card.quantity == Some(0) && !card.deposit {
            out.push(named(ctx.hit(code::CODE005, &join(&p, "card_id"))));
        }
    }
    let card_id = ctx.get("/card_id").and_then(Value::as_str);
    let Some(card) = card_id.and_then(|id| ctx.cards.get(id)) else {
        return;
    };
    let named = |h: crate::finding::Hit| {
        h.arg("card_id", card_id.unwrap_or_default())
            .arg("card_file", card.path.clone())
    };
    match ctx.endpoint {
        "card/paycell/set"
            if ctx.get("/is_open").and_then(Value::as_bool) == Some(true) && card.center_cell =>
        {
            out.push(named(ctx.hit(code::CARD023, "/is_open")));
        }
        "card/mpnews/gethtml" if card.wants_code() => {
            out.push(named(ctx.hit(code::CODE006, "/card_id")));
        }
        _ => {}
    }
    if ctx.endpoint == "card/landingpage/create" {
        if let Some(list) = ctx.get("/card_list").and_then(Value::as_array) {
            for (i, item) in list.iter().enumerate() {
                let id = item.get("card_id").and_then(Value::as_str);
                if let Some(c) = id
                    .and_then(|id| ctx.cards.get(id))
                    .filter(|c| c.wants_code())
                {
                    out.push(
                        ctx.hit(code::CODE006, &format!("/card_list/{i}/card_id"))
                            .arg("card_id", id.unwrap_or_default())
                            .arg("card_file", c.path.clone()),
                    );
                }
            }
        }
    }
}

//! Cross-payload checks: once cardlint knows how a card_id was created (`--card ID=PATH` or
//! `[cards]` in cardlint.toml, a card/create payload or a saved card/get response), the QR
//! codes, card_ext, landing pages, code calls, member and ticket updates and PayCell /
//! self-consume calls that name it must agree with it. A body without a card_id names no card:
//! nothing is guessed then.

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
    /// `card_type` as created, upper case (`MEMBER_CARD`).
    pub card_type: String,
    pub use_custom_code: bool,
    pub deposit: bool,
    pub bind_openid: bool,
    pub quantity: Option<i64>,
    pub center_cell: bool,
    /// base_info has a non-empty `location_id_list` or `use_all_locations: true`.
    pub has_locations: bool,
    /// `member_card.supply_bonus` / `supply_balance` are true.
    pub supply_bonus: bool,
    pub supply_balance: bool,
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
        CardDef::from_card(path, card).ok_or_else(err)
    }

    /// Reads the `card` object of a card/create body (`{"card_type": .., "<type>": {..}}`).
    pub fn from_card(path: &str, card: &Value) -> Option<CardDef> {
        let card_type = card.get("card_type").and_then(Value::as_str)?;
        let inner = card.get(card_type.to_ascii_lowercase())?;
        let base = inner.get("base_info")?;
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool) == Some(true);
        let locations = base
            .get("location_id_list")
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty());
        Some(CardDef {
            path: path.to_string(),
            card_type: card_type.to_ascii_uppercase(),
            use_custom_code: flag(base, "use_custom_code"),
            deposit: base.get("get_custom_code_mode").and_then(Value::as_str)
                == Some("GET_CUSTOM_CODE_MODE_DEPOSIT"),
            bind_openid: flag(base, "bind_openid"),
            quantity: base.pointer("/sku/quantity").and_then(as_int),
            center_cell: ["center_title", "center_sub_title", "center_url"]
                .iter()
                .any(|k| base.get(*k).is_some()),
            has_locations: locations || flag(base, "use_all_locations"),
            supply_bonus: flag(inner, "supply_bonus"),
            supply_balance: flag(inner, "supply_balance"),
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

/// The member-card calls: they take only MEMBER_CARD cards (72003 otherwise).
const MEMBER_CALLS: &[&str] = &[
    "card/membercard/activate",
    "card/membercard/updateuser",
    "card/membercard/userinfo/get",
    "card/membercard/activateuserform/set",
];

/// The user-data calls of the other card types, with the type each is for.
const TYPED_CALLS: &[(&str, &str)] = &[
    ("card/generalcard/updateuser", "GENERAL_CARD"),
    ("card/meetingticket/updateuser", "MEETING_TICKET"),
    ("card/movieticket/updateuser", "MOVIE_TICKET"),
    ("card/boardingpass/checkin", "BOARDING_PASS"),
    ("card/luckymoney/updateuserbalance", "LUCKY_MONEY"),
];

/// The calls about deposited codes: only for deposit-mode cards.
const DEPOSIT_CALLS: &[&str] = &[
    "card/code/deposit",
    "card/code/getdepositcount",
    "card/code/checkcode",
];

/// Member-card fields that need the card to supply bonus / balance.
const BONUS_FIELDS: &[&str] = &[
    "bonus",
    "add_bonus",
    "record_bonus",
    "init_bonus",
    "init_bonus_record",
];
const BALANCE_FIELDS: &[&str] = &["balance", "add_balance", "record_balance", "init_balance"];

pub fn check(ctx: &Ctx, out: &mut Out) {
    if ctx.cards.is_empty() {
        return;
    }
    distributed(ctx, out);
    landing_page(ctx, out);
    let card_id = ctx.get("/card_id").and_then(Value::as_str);
    if let Some((id, card)) = card_id.and_then(|id| ctx.cards.get_key_value(id)) {
        calls(ctx, out, id, card);
    }
    if card_id.is_none() {
        unnamed_card(ctx, out);
    }
}

/// The code calls that need `card_id` for a custom code.
const CODE_CALLS: [&str; 4] = [
    "card/code/consume",
    "card/code/get",
    "card/code/unavailable",
    "card/code/mark",
];

/// CODE015: a code call without card_id, when every card the user defined uses custom codes
/// (the code is then one of theirs, or of a card the check does not know: a warning).
fn unnamed_card(ctx: &Ctx, out: &mut Out) {
    if !CODE_CALLS.contains(&ctx.endpoint) || ctx.get("/code").is_none() {
        return;
    }
    if !ctx.cards.values().all(|c| c.use_custom_code) {
        return;
    }
    let cards: Vec<&str> = ctx.cards.keys().map(String::as_str).collect();
    let hit = ctx
        .key_hit(code::CODE015, "/code")
        .arg("endpoint", ctx.endpoint)
        .arg("cards", cards.join(", "));
    out.push(hit);
}

/// CODE001–CODE005: the QR codes and card_ext that hand a card out.
fn distributed(ctx: &Ctx, out: &mut Out) {
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
}

/// CODE006 for each card of a landing page.
fn landing_page(ctx: &Ctx, out: &mut Out) {
    if ctx.endpoint != "card/landingpage/create" {
        return;
    }
    let Some(list) = ctx.get("/card_list").and_then(Value::as_array) else {
        return;
    };
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

/// The calls whose root `card_id` names a defined card.
fn calls(ctx: &Ctx, out: &mut Out, id: &str, card: &CardDef) {
    let named = |h: crate::finding::Hit| h.arg("card_id", id).arg("card_file", card.path.clone());
    let ep = ctx.endpoint;
    let is_open = ctx.get("/is_open").and_then(Value::as_bool) == Some(true);
    match ep {
        "card/paycell/set" if is_open && card.center_cell => {
            out.push(named(ctx.hit(code::CARD023, "/is_open")));
        }
        "card/mpnews/gethtml" if card.wants_code() => {
            out.push(named(ctx.hit(code::CODE006, "/card_id")));
        }
        "card/code/update" if !card.use_custom_code => {
            out.push(named(ctx.hit(code::CODE009, "/card_id")));
        }
        _ => {}
    }
    if DEPOSIT_CALLS.contains(&ep) && !card.deposit {
        let mode = if card.use_custom_code {
            "mode.custom"
        } else {
            "mode.non_custom"
        };
        let hit = ctx.hit(code::CODE010, "/card_id").arg("endpoint", ep);
        out.push(named(hit.term("mode", mode)));
    }
    if matches!(ep, "card/paycell/set" | "card/selfconsumecell/set")
        && is_open
        && !card.has_locations
    {
        let cell = if ep == "card/paycell/set" {
            "cell.paycell"
        } else {
            "cell.selfconsume"
        };
        out.push(named(ctx.hit(code::CODE014, "/card_id").term("cell", cell)));
    }
    card_types(ctx, out, id, card);
}

/// CODE011–CODE013: member-card and ticket calls against the card's type and what it supplies.
fn card_types(ctx: &Ctx, out: &mut Out, id: &str, card: &CardDef) {
    let named = |h: crate::finding::Hit| h.arg("card_id", id).arg("card_file", card.path.clone());
    let ep = ctx.endpoint;
    if MEMBER_CALLS.contains(&ep) && card.card_type != "MEMBER_CARD" {
        let hit = ctx.hit(code::CODE011, "/card_id").arg("endpoint", ep);
        out.push(named(hit.arg("card_type", card.card_type.clone())));
        return;
    }
    if let Some((_, wanted)) = TYPED_CALLS.iter().find(|(e, _)| *e == ep) {
        if card.card_type != *wanted {
            let hit = ctx.hit(code::CODE012, "/card_id").arg("endpoint", ep);
            out.push(named(
                hit.arg("card_type", card.card_type.clone())
                    .arg("wanted", *wanted),
            ));
        }
        return;
    }
    if !matches!(
        ep,
        "card/membercard/updateuser" | "card/membercard/activate"
    ) {
        return;
    }
    for (fields, supplied, flag) in [
        (BONUS_FIELDS, card.supply_bonus, "supply_bonus"),
        (BALANCE_FIELDS, card.supply_balance, "supply_balance"),
    ] {
        if supplied {
            continue;
        }
        for f in fields {
            let p = format!("/{f}");
            if ctx.get(&p).is_some() {
                out.push(named(ctx.key_hit(code::CODE013, &p).arg("flag", flag)));
            }
        }
    }
}

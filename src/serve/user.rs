//! What the sandbox does for the user's and the reviewer's side, where the live API has no
//! call (`POST /cardlint/gift`, `/delete`, `/view`, `/enter-session`, `/pay`, `/activate`,
//! `/review`), and the events each card API call causes: every operation here answers with
//! the events WeChat would push after it.

use super::events::{Event, Received};
use super::state::{fail, need_str, ok, Fail, State};
use serde_json::{Map, Value};

/// An answer and the events it causes.
pub type Done = Result<(Map<String, Value>, Vec<Event>), Fail>;

fn text(body: &Value, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Stock at or under which card_sku_remind is pushed, for cards that started above
/// [`SKU_REMIND_INITIAL`] (the 库存报警事件 section), at most every [`SKU_REMIND_EVERY`] s.
const SKU_REMIND_AT: i64 = 100;
const SKU_REMIND_INITIAL: i64 = 200;
const SKU_REMIND_EVERY: i64 = 12 * 3600;

/// card/update fields whose change sends the card back to review (the sandbox's reading of
/// "更改卡券的部分字段后会重新提交审核": the card's face, its title and logo).
const REVIEWED: [&str; 2] = ["title", "logo_url"];

impl State {
    /// The code a user action names (`code`, and `card_id` for custom codes) and its holder:
    /// (openid, card_id, code).
    fn holder(&self, body: &Value) -> Result<(String, String, String), Fail> {
        let (card_id, code) = self.issued(body)?;
        let openid = self.cards[&card_id].codes[&code].openid.clone();
        Ok((openid, card_id, code))
    }

    /// `POST /cardlint/gift` `{"code", "card_id"?, "openid": <receiver>}`: the holder gives
    /// the code to a friend: user_gifting_card from the giver, then user_get_card from the
    /// receiver with IsGiveByFriend=1 (a new code unless the card uses custom codes).
    pub fn gift(&mut self, body: &Value, now: i64) -> Done {
        let (giver, card_id, old) = self.holder(body)?;
        let friend =
            text(body, "openid").ok_or_else(|| fail(41009, "required").with("field", "openid"))?;
        let fresh = self.fresh_code();
        let card = self.cards.get_mut(&card_id).expect("issued");
        let mut held = card.codes.remove(&old).expect("issued");
        if held.status != "NORMAL" {
            let status = held.status.clone();
            card.codes.insert(old.clone(), held);
            return Err(fail(40127, "not_giftable")
                .with("code", &old)
                .with("status", status));
        }
        let new = if card.use_custom_code {
            old.clone()
        } else {
            fresh
        };
        held.openid = friend.clone();
        held.received_at = now;
        card.codes.insert(new.clone(), held);
        self.code_owner.remove(&old);
        self.code_owner.insert(new.clone(), card_id.clone());
        self.dirty.push(card_id.clone());
        let received = Received {
            openid: friend.clone(),
            card_id: card_id.clone(),
            code: new.clone(),
            friend: Some(giver.clone()),
            old_code: Some(old.clone()),
            outer_str: String::new(),
        };
        let events = vec![
            Event::gifting(&giver, &card_id, &old, &friend, now),
            Event::got(&received, now),
        ];
        let mut m = ok();
        m.insert("card_id".into(), card_id.into());
        m.insert("code".into(), new.into());
        m.insert("old_code".into(), old.into());
        Ok((m, events))
    }

    /// `POST /cardlint/delete` `{"code", "card_id"?}`: the user deletes the card from the
    /// wallet (user_del_card); card/code/get then answers 40127 for it.
    pub fn user_delete(&mut self, body: &Value, now: i64) -> Done {
        let (openid, card_id, code) = self.holder(body)?;
        let card = self.cards.get_mut(&card_id).expect("issued");
        card.codes.get_mut(&code).expect("issued").status = "DELETE".into();
        self.dirty.push(card_id.clone());
        let e = Event::user("user_del_card", &openid, &card_id, &code, now);
        Ok((ok(), vec![e]))
    }

    /// `POST /cardlint/view`, `/enter-session`, `/activate` `{"code", "card_id"?}`: the user
    /// opens the card, enters the chat from it, or submits the activation form.
    pub fn user_action(&mut self, event: &str, body: &Value, now: i64) -> Done {
        let (openid, card_id, code) = self.holder(body)?;
        Ok((
            ok(),
            vec![Event::user(event, &openid, &card_id, &code, now)],
        ))
    }

    /// `POST /cardlint/pay` `{"code", "card_id"?, "fee", "original_fee"?}`: the user pays with
    /// the card's pay cell (fen).
    pub fn user_pay(&mut self, body: &Value, now: i64) -> Done {
        let (openid, card_id, code) = self.holder(body)?;
        let fee = body.get("fee").and_then(Value::as_i64).unwrap_or(0);
        let original = body
            .get("original_fee")
            .and_then(Value::as_i64)
            .unwrap_or(fee);
        let trans_id = format!(
            "42{:026}",
            u128::from_str_radix(&self.fresh("trans", 16), 36).unwrap_or(0) % 10u128.pow(26)
        );
        let e = Event::paid((&openid, &card_id, &code), fee, original, &trans_id, now);
        Ok((ok(), vec![e]))
    }

    /// `POST /cardlint/review` `{"card_id", "pass": false, "reason": ".."}`: the reviewer's
    /// verdict (card/create is approved at once; this sends the other answer, or another pass).
    pub fn review(&mut self, body: &Value, now: i64) -> Done {
        let card_id = need_str(body, "card_id")?;
        self.card(&card_id)?;
        let pass = body.get("pass").and_then(Value::as_bool).unwrap_or(true);
        let reason = text(body, "reason").unwrap_or_else(|| "sandbox review".into());
        let e = Event::review(&card_id, (!pass).then_some(reason.as_str()), now);
        Ok((ok(), vec![e]))
    }

    /// The events a successful card API call causes, from its body and answer (the state
    /// already changed).
    pub fn events_after(
        &mut self,
        ep: &str,
        body: &Value,
        answer: &Map<String, Value>,
        now: i64,
    ) -> Vec<Event> {
        let s = |m: &Map<String, Value>, k: &str| {
            m.get(k).and_then(Value::as_str).unwrap_or("").to_string()
        };
        match ep {
            "card/create" => vec![Event::review(&s(answer, "card_id"), None, now)],
            "card/update" if answer.get("send_check") == Some(&Value::Bool(true)) => {
                vec![Event::review(
                    &text(body, "card_id").unwrap_or_default(),
                    None,
                    now,
                )]
            }
            "card/code/consume" => {
                let card_id = answer
                    .get("card")
                    .and_then(|c| c.get("card_id"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let code = text(body, "code").unwrap_or_default();
                let outer = text(body, "outer_str").unwrap_or_default();
                vec![Event::consumed(
                    &s(answer, "openid"),
                    card_id,
                    &code,
                    &outer,
                    now,
                )]
            }
            "card/membercard/updateuser" => match self.holder(body) {
                Ok((openid, card_id, code)) => {
                    let n = |k: &str| body.get(k).and_then(Value::as_i64).unwrap_or(0);
                    let e = Event::member_updated(
                        (&openid, &card_id, &code),
                        n("add_bonus"),
                        n("add_balance"),
                        now,
                    );
                    vec![e]
                }
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The events of a scan: user_get_card, and card_sku_remind when the stock ran low.
    pub fn events_of_scan(&mut self, answer: &Map<String, Value>, now: i64) -> Vec<Event> {
        let s = |k: &str| {
            answer
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let received = Received {
            openid: s("openid"),
            card_id: s("card_id"),
            code: s("code"),
            friend: None,
            old_code: None,
            outer_str: s("outer_str"),
        };
        let mut events = vec![Event::got(&received, now)];
        if let Some(card) = self.cards.get_mut(&received.card_id) {
            let due = card
                .sku_reminded_at
                .is_none_or(|t| now - t >= SKU_REMIND_EVERY);
            if card.total_quantity > SKU_REMIND_INITIAL && card.quantity <= SKU_REMIND_AT && due {
                card.sku_reminded_at = Some(now);
                self.dirty.push(received.card_id.clone());
                events.push(Event::stock_low(&received.card_id, card.quantity, now));
            }
        }
        events
    }
}

/// Whether a card/update body changes a field that is reviewed again.
pub fn reviewed_change(body: &Value) -> bool {
    body.as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(|inner| inner.get("base_info"))
        .any(|base| REVIEWED.iter().any(|k| base.get(*k).is_some()))
}

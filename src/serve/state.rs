//! What the sandbox remembers between requests: cards, their stock and codes, QR tickets,
//! issued access tokens and the tickets it signs with. Each operation answers like the card
//! API would; errors are `Fail` (errcode plus an optional hint), turned into a response by
//! the caller.

use crate::model::value::as_int;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A refusal: the errcode the card API answers, and the hint as a term of rules/terms.toml
/// (`serve.hint.<key>`) with its arguments, rendered in the sandbox's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Fail {
    pub errcode: i64,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

pub fn fail(errcode: i64, key: &'static str) -> Fail {
    Fail {
        errcode,
        key,
        args: Vec::new(),
    }
}

impl Fail {
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Fail {
        self.args.push((name, value.to_string()));
        self
    }
}

pub type Answer = Result<Map<String, Value>, Fail>;

/// QR codes kept at most, so that a flood of qrcode/create cannot grow the state without end.
const MAX_QRS: usize = 100_000;

/// One created card.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Card {
    pub id: String,
    pub card_type: String,
    /// The `card` object as created (and updated), compact JSON.
    pub body: String,
    pub deleted: bool,
    pub quantity: i64,
    pub total_quantity: i64,
    pub use_custom_code: bool,
    pub deposit: bool,
    pub bind_openid: bool,
    pub center_cell: bool,
    pub created_at: i64,
    /// Deposited codes not yet handed to a user.
    pub deposited: BTreeSet<String>,
    /// Codes users hold, by code.
    pub codes: BTreeMap<String, Code>,
    /// When card_sku_remind was last pushed (it is sent at most every 12 hours).
    #[serde(default)]
    pub sku_reminded_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Code {
    pub openid: String,
    /// NORMAL, CONSUMED or UNAVAILABLE, as card/code/get names them.
    pub status: String,
    pub received_at: i64,
}

/// A QR code made by card/qrcode/create: what a scan hands out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Qr {
    pub cards: Vec<QrCard>,
    pub expire_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QrCard {
    pub card_id: String,
    pub code: Option<String>,
    pub openid: Option<String>,
    /// The QR code's `outer_str`, handed to user_get_card's OuterStr.
    #[serde(default)]
    pub outer_str: Option<String>,
}

/// Everything besides the cards.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub seed: u64,
    pub counter: u64,
    pub wx_card_ticket: String,
    pub jsapi_ticket: String,
    /// access_token -> expiry (unix seconds).
    pub tokens: HashMap<String, i64>,
    /// QR codes by ticket; stored one record each, not with the rest.
    #[serde(skip)]
    pub qrs: HashMap<String, Qr>,
}

pub struct State {
    pub meta: Meta,
    /// A B-tree, not a hash map: growing it never moves every card at once, which would stall
    /// all requests for milliseconds once there are a few hundred thousand.
    pub cards: BTreeMap<String, Card>,
    /// card_ids in creation order, for card/batchget.
    pub order: Vec<String>,
    /// code -> card_id, for calls that name only the code.
    pub code_owner: BTreeMap<String, String>,
    /// Cards and QR tickets changed by the last operation, for the store.
    pub dirty: Vec<String>,
    pub dirty_qrs: Vec<String>,
}

impl State {
    pub fn new(seed: u64) -> State {
        let mut meta = Meta {
            seed,
            counter: 0,
            wx_card_ticket: String::new(),
            jsapi_ticket: String::new(),
            tokens: HashMap::new(),
            qrs: HashMap::new(),
        };
        meta.wx_card_ticket = token(&mut meta, "wx_card", 86);
        meta.jsapi_ticket = token(&mut meta, "jsapi", 86);
        State::from_parts(meta, Vec::new())
    }

    pub fn from_parts(meta: Meta, mut cards: Vec<Card>) -> State {
        cards.sort_by_key(|c| (c.created_at, c.id.clone()));
        let mut state = State {
            meta,
            cards: BTreeMap::new(),
            order: Vec::new(),
            code_owner: BTreeMap::new(),
            dirty: Vec::new(),
            dirty_qrs: Vec::new(),
        };
        for card in cards {
            for code in card.codes.keys().chain(card.deposited.iter()) {
                state.code_owner.insert(code.clone(), card.id.clone());
            }
            state.order.push(card.id.clone());
            state.cards.insert(card.id.clone(), card);
        }
        state
    }

    /// A fresh identifier: `len` characters of the sandbox's own sequence, prefixed.
    pub fn fresh(&mut self, salt: &str, len: usize) -> String {
        token(&mut self.meta, salt, len)
    }

    pub fn issue_token(&mut self, now: i64, ttl: i64) -> String {
        let t = self.fresh("access_token", 136);
        // expired tokens are of no use to anyone; dropping them keeps the map bounded
        self.meta.tokens.retain(|_, exp| *exp > now);
        self.meta.tokens.insert(t.clone(), now + ttl);
        t
    }

    pub fn card(&self, id: &str) -> Result<&Card, Fail> {
        self.cards
            .get(id)
            .ok_or_else(|| fail(40073, "no_card").with("card_id", id))
    }

    fn card_mut(&mut self, id: &str) -> Result<&mut Card, Fail> {
        if !self.cards.contains_key(id) {
            return Err(fail(40073, "no_card").with("card_id", id));
        }
        self.dirty.push(id.to_string());
        Ok(self.cards.get_mut(id).expect("checked"))
    }

    fn live_mut(&mut self, id: &str) -> Result<&mut Card, Fail> {
        let card = self.card_mut(id)?;
        if card.deleted {
            return Err(fail(40078, "deleted").with("card_id", id));
        }
        Ok(card)
    }

    pub fn create(&mut self, body: &Value, now: i64) -> Answer {
        let card = body.get("card").cloned().unwrap_or(Value::Null);
        let card_type = str_at(&card, "/card_type").unwrap_or_default();
        let inner = card_type.to_ascii_lowercase();
        let base = card
            .get(&inner)
            .and_then(|i| i.get("base_info"))
            .cloned()
            .unwrap_or(Value::Null);
        let quantity = base.pointer("/sku/quantity").and_then(as_int).unwrap_or(0);
        let flag = |k: &str| base.get(k).and_then(Value::as_bool) == Some(true);
        let id = format!("p{}", self.fresh("card_id", 27));
        let new = Card {
            id: id.clone(),
            card_type,
            body: card.to_string(),
            deleted: false,
            quantity,
            total_quantity: quantity,
            use_custom_code: flag("use_custom_code"),
            deposit: base.get("get_custom_code_mode").and_then(Value::as_str)
                == Some("GET_CUSTOM_CODE_MODE_DEPOSIT"),
            bind_openid: flag("bind_openid"),
            center_cell: ["center_title", "center_sub_title", "center_url"]
                .iter()
                .any(|k| base.get(*k).is_some()),
            created_at: now,
            deposited: BTreeSet::new(),
            codes: BTreeMap::new(),
            sku_reminded_at: None,
        };
        self.order.push(id.clone());
        self.cards.insert(id.clone(), new);
        self.dirty.push(id.clone());
        Ok(ok_with([("card_id", Value::from(id))]))
    }

    /// card/get: the card as created, with its id, status and current stock. A deleted card is
    /// still returned, with CARD_STATUS_DELETE (codes already received stay valid).
    pub fn get(&self, body: &Value) -> Answer {
        let card = self.card(&need_str(body, "card_id")?)?;
        Ok(ok_with([("card", card_view(card))]))
    }

    pub fn delete(&mut self, body: &Value) -> Answer {
        let card = self.card_mut(&need_str(body, "card_id")?)?;
        card.deleted = true;
        Ok(ok())
    }

    pub fn batchget(&self, body: &Value) -> Answer {
        let offset = body.get("offset").and_then(as_int).unwrap_or(0).max(0) as usize;
        let count = body
            .get("count")
            .and_then(as_int)
            .unwrap_or(50)
            .clamp(0, 50) as usize;
        let wanted: Option<Vec<&str>> = body
            .get("status_list")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).collect());
        let matching: Vec<&String> = self
            .order
            .iter()
            .filter(|id| {
                let status = status_of(&self.cards[*id]);
                wanted.as_ref().is_none_or(|w| w.contains(&status))
            })
            .collect();
        let page: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(count)
            .map(|id| Value::from(id.as_str()))
            .collect();
        Ok(ok_with([
            ("card_id_list", Value::Array(page)),
            ("total_num", Value::from(matching.len())),
        ]))
    }

    /// card/update: merges the fields sent into the card. A date_info may keep its type and
    /// only widen its range (40100 otherwise).
    pub fn update(&mut self, body: &Value) -> Answer {
        let id = need_str(body, "card_id")?;
        let card = self.live_mut(&id)?;
        let inner = card.card_type.to_ascii_lowercase();
        let mut stored: Value = serde_json::from_str(&card.body).unwrap_or(Value::Null);
        if let (Some(new), Some(old)) = (
            body.pointer(&format!("/{inner}/base_info/date_info")),
            stored.pointer(&format!("/{inner}/base_info/date_info")),
        ) {
            widening(old, new)?;
        }
        if let (Some(changes), Some(target)) = (body.get(&inner), stored.get_mut(&inner)) {
            merge(target, changes);
        }
        if let Some(q) = stored
            .pointer(&format!("/{inner}/base_info/sku/quantity"))
            .and_then(as_int)
        {
            card.quantity = q;
        }
        card.body = stored.to_string();
        let send_check = super::user::reviewed_change(body);
        Ok(ok_with([("send_check", Value::from(send_check))]))
    }

    pub fn modify_stock(&mut self, body: &Value) -> Answer {
        let id = need_str(body, "card_id")?;
        let up = body
            .get("increase_stock_value")
            .and_then(as_int)
            .unwrap_or(0);
        let down = body.get("reduce_stock_value").and_then(as_int).unwrap_or(0);
        let card = self.live_mut(&id)?;
        // values near i64::MAX must not overflow: past the largest stock is over the limit
        let Some(quantity) = card
            .quantity
            .checked_add(up)
            .and_then(|q| q.checked_sub(down))
        else {
            return Err(fail(40053, "stock_overflow").with("stock", card.quantity));
        };
        if quantity < 0 {
            return Err(fail(40122, "stock_negative")
                .with("stock", card.quantity)
                .with("reduce", down));
        }
        if card.deposit && up > 0 && quantity > card.deposited.len() as i64 {
            return Err(fail(40136, "deposit_stock")
                .with("quantity", quantity)
                .with("deposited", card.deposited.len()));
        }
        card.quantity = quantity;
        card.total_quantity = card.total_quantity.saturating_add(up);
        Ok(ok())
    }

    /// card/qrcode/create: every card must exist and not be deleted.
    pub fn qrcode(&mut self, body: &Value, now: i64) -> Answer {
        let mut entries = Vec::new();
        let mut add = |v: &Value| {
            entries.push(QrCard {
                card_id: str_at(v, "/card_id").unwrap_or_default(),
                code: str_at(v, "/code"),
                openid: str_at(v, "/openid"),
                outer_str: str_at(v, "/outer_str"),
            })
        };
        if let Some(c) = body.pointer("/action_info/card") {
            add(c);
        }
        for c in body
            .pointer("/action_info/multiple_card/card_list")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(c);
        }
        for e in &entries {
            let card = self.card(&e.card_id)?;
            if card.deleted {
                return Err(fail(40078, "deleted").with("card_id", &card.id));
            }
        }
        if self.meta.qrs.len() >= MAX_QRS {
            // expired ones first; a sandbox that still holds this many is being flooded
            let expired: Vec<String> = (self.meta.qrs.iter())
                .filter(|(_, q)| q.expire_at.is_some_and(|t| t < now))
                .map(|(k, _)| k.clone())
                .collect();
            for t in expired {
                self.meta.qrs.remove(&t);
                self.dirty_qrs.push(t);
            }
            if self.meta.qrs.len() >= MAX_QRS {
                return Err(fail(45009, "max_qrs").with("limit", MAX_QRS));
            }
        }
        let expire = body.get("expire_seconds").and_then(as_int);
        let ticket = format!("gQ{}", self.fresh("qr", 62));
        self.dirty_qrs.push(ticket.clone());
        self.meta.qrs.insert(
            ticket.clone(),
            Qr {
                cards: entries,
                expire_at: expire.map(|s| now + s),
            },
        );
        let mut m = ok_with([
            ("ticket", Value::from(ticket.as_str())),
            (
                "url",
                Value::from(format!("http://weixin.qq.com/q/{}", &ticket[2..24])),
            ),
            (
                "show_qrcode_url",
                Value::from(format!(
                    "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={ticket}"
                )),
            ),
        ]);
        if let Some(s) = expire {
            m.insert("expire_seconds".into(), Value::from(s));
        }
        Ok(m)
    }

    /// A user scans a QR code (sandbox only): the first card of it is handed out, with the QR's
    /// code, the next deposited code, or a new 12-digit code, and its stock goes down by one.
    pub fn scan(&mut self, body: &Value, now: i64) -> Answer {
        let ticket = need_str(body, "ticket")?;
        let openid = str_at(body, "/openid").unwrap_or_else(|| "o_sandbox_user".to_string());
        let qr = self
            .meta
            .qrs
            .get(&ticket)
            .cloned()
            .ok_or_else(|| fail(40097, "no_qr"))?;
        if qr.expire_at.is_some_and(|t| t < now) {
            return Err(fail(40097, "qr_expired"));
        }
        let entry = qr.cards.first().ok_or_else(|| fail(40053, "qr_empty"))?;
        let mut answer = self.receive(&entry.card_id, entry.code.clone(), &openid, now)?;
        let outer = entry.outer_str.clone().unwrap_or_default();
        answer.insert("outer_str".into(), Value::from(outer));
        Ok(answer)
    }

    /// A new 12-digit code, as WeChat hands out for cards without custom codes.
    pub fn fresh_code(&mut self) -> String {
        format!(
            "{:012}",
            u64::from_str_radix(&self.fresh("code", 12), 36).unwrap_or(0) % 1_000_000_000_000
        )
    }

    fn receive(&mut self, id: &str, code: Option<String>, openid: &str, now: i64) -> Answer {
        let fresh = self.fresh_code();
        let card = self.live_mut(id)?;
        if card.quantity <= 0 {
            return Err(fail(40122, "out_of_stock").with("card_id", id));
        }
        let code = if card.deposit {
            let next = card.deposited.iter().next().cloned();
            let code = next.ok_or_else(|| fail(40122, "no_deposited_code"))?;
            card.deposited.remove(&code);
            code
        } else if card.use_custom_code {
            code.ok_or_else(|| fail(40053, "qr_needs_code"))?
        } else {
            fresh
        };
        if card.codes.contains_key(&code) {
            return Err(fail(40111, "code_taken").with("code", &code));
        }
        card.quantity -= 1;
        card.codes.insert(
            code.clone(),
            Code {
                openid: openid.to_string(),
                status: "NORMAL".into(),
                received_at: now,
            },
        );
        let card_id = card.id.clone();
        self.code_owner.insert(code.clone(), card_id.clone());
        Ok(ok_with([
            ("card_id", Value::from(card_id)),
            ("code", Value::from(code.as_str())),
            ("openid", Value::from(openid)),
            ("encrypt_code", Value::from(encrypt(&code))),
        ]))
    }

    pub fn deposit(&mut self, body: &Value) -> Answer {
        let id = need_str(body, "card_id")?;
        let codes: Vec<String> = body
            .get("code")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        if codes.len() > 100 {
            return Err(fail(40109, "too_many_codes").with("count", codes.len()));
        }
        if codes.iter().any(|c| c.trim().is_empty()) {
            return Err(fail(40110, "empty_code"));
        }
        let card = self.live_mut(&id)?;
        if !card.deposit {
            return Err(fail(40136, "not_deposit_mode"));
        }
        let (mut succ, mut dup) = (Vec::new(), Vec::new());
        for c in codes {
            if card.deposited.contains(&c) || card.codes.contains_key(&c) || succ.contains(&c) {
                dup.push(Value::from(c));
            } else {
                succ.push(c);
            }
        }
        card.deposited.extend(succ.iter().cloned());
        for c in &succ {
            self.code_owner.insert(c.clone(), id.clone());
        }
        Ok(ok_with([
            (
                "succ_code",
                Value::Array(succ.into_iter().map(Value::from).collect()),
            ),
            ("duplicate_code", Value::Array(dup)),
            ("fail_code", Value::Array(Vec::new())),
        ]))
    }

    pub fn deposit_count(&self, body: &Value) -> Answer {
        let card = self.card(&need_str(body, "card_id")?)?;
        Ok(ok_with([("count", Value::from(card.deposited.len()))]))
    }

    pub fn check_codes(&self, body: &Value) -> Answer {
        let card = self.card(&need_str(body, "card_id")?)?;
        let (mut exist, mut missing) = (Vec::new(), Vec::new());
        for c in body
            .get("code")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if card.deposited.contains(c) || card.codes.contains_key(c) {
                exist.push(Value::from(c));
            } else {
                missing.push(Value::from(c));
            }
        }
        Ok(ok_with([
            ("exist_code", Value::Array(exist)),
            ("not_exist_code", Value::Array(missing)),
        ]))
    }

    /// The card a code belongs to and the code's state; deposited-only codes are not issued yet
    /// and answer 40056 like unknown ones.
    pub fn issued(&self, body: &Value) -> Result<(String, String), Fail> {
        let code = need_str(body, "code")?;
        let unknown = || fail(40056, "code_unknown").with("code", &code);
        let owner = match str_at(body, "/card_id") {
            Some(id) => {
                let card = self.card(&id)?;
                if !card.codes.contains_key(&code) {
                    return Err(unknown());
                }
                id
            }
            None => {
                let id = self.code_owner.get(&code).cloned().ok_or_else(unknown)?;
                let card = &self.cards[&id];
                if card.use_custom_code {
                    return Err(fail(41011, "card_id_required").with("card_id", &id));
                }
                if !card.codes.contains_key(&code) {
                    return Err(unknown());
                }
                id
            }
        };
        Ok((owner, code))
    }

    pub fn code_get(&self, body: &Value) -> Answer {
        let (id, code) = self.issued(body)?;
        let card = &self.cards[&id];
        let held = &card.codes[&code];
        let check = body.get("check_consume").and_then(Value::as_bool) != Some(false);
        if check && held.status == "CONSUMED" {
            return Err(consumed(&code));
        }
        let status = if card.deleted && held.status == "NORMAL" {
            "DELETE"
        } else {
            held.status.as_str()
        };
        Ok(ok_with([
            (
                "card",
                json!({"card_id": id, "begin_time": held.received_at, "end_time": 0}),
            ),
            ("openid", Value::from(held.openid.as_str())),
            ("can_consume", Value::from(status == "NORMAL")),
            ("user_card_status", Value::from(status)),
        ]))
    }

    pub fn consume(&mut self, body: &Value) -> Answer {
        let (id, code) = self.issued(body)?;
        let card = self.card_mut(&id)?;
        let held = card.codes.get_mut(&code).expect("issued");
        match held.status.as_str() {
            "CONSUMED" => return Err(consumed(&code)),
            "UNAVAILABLE" => return Err(fail(40127, "code_unavailable").with("code", &code)),
            "DELETE" => return Err(fail(40127, "code_deleted").with("code", &code)),
            _ => {}
        }
        held.status = "CONSUMED".into();
        let openid = held.openid.clone();
        Ok(ok_with([
            ("card", json!({ "card_id": id })),
            ("openid", Value::from(openid)),
        ]))
    }

    pub fn unavailable(&mut self, body: &Value) -> Answer {
        let (id, code) = self.issued(body)?;
        let card = self.card_mut(&id)?;
        let held = card.codes.get_mut(&code).expect("issued");
        if held.status == "CONSUMED" {
            return Err(consumed(&code));
        }
        held.status = "UNAVAILABLE".into();
        Ok(ok())
    }

    pub fn code_update(&mut self, body: &Value) -> Answer {
        let (id, code) = self.issued(body)?;
        let new_code = need_str(body, "new_code")?;
        let card = self.card_mut(&id)?;
        if !card.use_custom_code {
            return Err(fail(40056, "not_custom"));
        }
        if card.codes.contains_key(&new_code) {
            return Err(fail(40111, "code_taken").with("code", &new_code));
        }
        let held = card.codes.remove(&code).expect("issued");
        card.codes.insert(new_code.clone(), held);
        self.code_owner.remove(&code);
        self.code_owner.insert(new_code, id);
        Ok(ok())
    }

    pub fn decrypt(&self, body: &Value) -> Answer {
        let enc = need_str(body, "encrypt_code")?;
        let code = decrypt(&enc)
            .filter(|c| self.code_owner.contains_key(c))
            .ok_or_else(|| fail(40075, "bad_encrypt_code"))?;
        Ok(ok_with([("code", Value::from(code))]))
    }

    pub fn user_cards(&self, body: &Value) -> Answer {
        let openid = need_str(body, "openid")?;
        let only = str_at(body, "/card_id");
        let mut list = Vec::new();
        for id in &self.order {
            if only.as_ref().is_some_and(|o| o != id) {
                continue;
            }
            for (code, held) in &self.cards[id].codes {
                if held.openid == openid && held.status == "NORMAL" {
                    list.push(json!({"code": code, "card_id": id}));
                }
            }
        }
        Ok(ok_with([
            ("card_list", Value::Array(list)),
            ("has_share_card", Value::from(false)),
        ]))
    }

    /// Calls that only need their card to exist (and not be deleted).
    pub fn touch(&mut self, body: &Value) -> Answer {
        if let Some(id) = str_at(body, "/card_id") {
            self.live_mut(&id)?;
        }
        Ok(ok())
    }

    pub fn landing_page(&mut self, body: &Value) -> Answer {
        let mut ids = Vec::new();
        for c in body
            .get("card_list")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = str_at(c, "/card_id").unwrap_or_default();
            let card = self.card(&id)?;
            if card.deleted {
                return Err(fail(40078, "deleted").with("card_id", id));
            }
            ids.push(id);
        }
        self.meta.counter += 1;
        let page_id = self.meta.counter;
        Ok(ok_with([
            (
                "url",
                Value::from(format!(
                    "https://mp.weixin.qq.com/bizmall/cardlandingpage?biz=sandbox&page_id={page_id}&scene=0#wechat_redirect"
                )),
            ),
            ("page_id", Value::from(page_id)),
        ]))
    }

    pub fn mpnews(&self, body: &Value) -> Answer {
        let id = need_str(body, "card_id")?;
        self.card(&id)?;
        let content = format!(
            "<iframe class=\"res_iframe card_iframe js_editor_card\" data-src=\"http://mp.weixin.qq.com/bizmall/appmsgcard?action=show&biz=sandbox&cardid={id}&wechat_card_js=1#wechat_redirect\"></iframe>"
        );
        Ok(ok_with([("content", Value::from(content))]))
    }

    pub fn member_info(&self, body: &Value) -> Answer {
        let (id, code) = self.issued(body)?;
        let held = &self.cards[&id].codes[&code];
        Ok(ok_with([
            ("openid", Value::from(held.openid.as_str())),
            ("nickname", Value::from("sandbox")),
            ("membership_number", Value::from(code.as_str())),
            ("bonus", Value::from(0)),
            ("balance", Value::from(0)),
            ("user_card_status", Value::from(held.status.as_str())),
            ("has_active", Value::from(true)),
        ]))
    }
}

fn consumed(code: &str) -> Fail {
    fail(40099, "code_consumed").with("code", code)
}

/// The date_info of an update must keep the type and may only widen the range.
fn widening(old: &Value, new: &Value) -> Result<(), Fail> {
    let t = |v: &Value| str_at(v, "/type");
    if t(new).is_some() && t(new) != t(old) {
        return Err(fail(40100, "date_type_changed"));
    }
    let get = |v: &Value, k: &str| v.get(k).and_then(as_int);
    let narrower = matches!((get(new, "begin_timestamp"), get(old, "begin_timestamp")), (Some(n), Some(o)) if n > o)
        || matches!((get(new, "end_timestamp"), get(old, "end_timestamp")), (Some(n), Some(o)) if n < o);
    if narrower {
        return Err(fail(40100, "date_narrowed"));
    }
    Ok(())
}

fn merge(target: &mut Value, changes: &Value) {
    match (target, changes) {
        (Value::Object(t), Value::Object(c)) => {
            for (k, v) in c {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, c) => *t = c.clone(),
    }
}

fn status_of(card: &Card) -> &'static str {
    if card.deleted {
        "CARD_STATUS_DELETE"
    } else {
        // the sandbox approves at once so that distribution can be exercised
        "CARD_STATUS_VERIFY_OK"
    }
}

fn card_view(card: &Card) -> Value {
    let mut v: Value = serde_json::from_str(&card.body).unwrap_or(Value::Null);
    let inner = card.card_type.to_ascii_lowercase();
    if let Some(base) = v
        .get_mut(&inner)
        .and_then(|i| i.get_mut("base_info"))
        .and_then(Value::as_object_mut)
    {
        base.insert("id".into(), Value::from(card.id.as_str()));
        base.insert("status".into(), Value::from(status_of(card)));
        let sku = base
            .entry("sku")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(sku) = sku.as_object_mut() {
            sku.insert("quantity".into(), Value::from(card.quantity));
            sku.insert("total_quantity".into(), Value::from(card.total_quantity));
        }
    }
    v
}

pub fn ok() -> Map<String, Value> {
    ok_with::<0>([])
}

pub fn ok_with<const N: usize>(fields: [(&str, Value); N]) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("errcode".into(), Value::from(0));
    m.insert("errmsg".into(), Value::from("ok"));
    for (k, v) in fields {
        m.insert(k.into(), v);
    }
    m
}

pub fn str_at(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer).and_then(Value::as_str).map(String::from)
}

pub fn need_str(body: &Value, key: &str) -> Result<String, Fail> {
    str_at(body, &format!("/{key}")).ok_or_else(|| fail(41011, "required").with("field", key))
}

/// Base-36 characters from SHA-1 of the sandbox seed, a counter and a salt: unique within a
/// sandbox, different between sandboxes.
fn token(meta: &mut Meta, salt: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        meta.counter += 1;
        let digest = sha1_smol::Sha1::from(format!("{}:{}:{salt}", meta.seed, meta.counter))
            .digest()
            .bytes();
        // codes are digits once parsed; ids are letters and digits like the live ones
        let alphabet = match salt {
            "code" => 36,
            "card_id" | "qr" => 62,
            _ => 64,
        };
        for b in digest {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[b as usize % alphabet] as char);
        }
    }
    out
}

/// encrypt_code as the sandbox hands it out: reversible, so card/code/decrypt can answer.
pub fn encrypt(code: &str) -> String {
    code.bytes().map(|b| format!("{:02x}", b ^ 0x5a)).collect()
}

fn decrypt(enc: &str) -> Option<String> {
    if enc.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..enc.len())
        .step_by(2)
        .map(|i| {
            enc.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .map(|b| b ^ 0x5a)
        })
        .collect();
    String::from_utf8(bytes?).ok()
}

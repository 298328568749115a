//! The card events WeChat pushes to the developer's callback (卡券事件推送), as the sandbox
//! makes them: each with the fields of its documented section, in the documented XML.

use serde::{Deserialize, Serialize};

/// One event, stamped with its CreateTime; addressed (ToUserName) when it is sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    /// `card_pass_check`, `user_get_card`, ...
    pub event: String,
    /// FromUserName: the user's openid (a fixed one for the events no user causes).
    pub openid: String,
    pub card_id: String,
    /// The code it is about, when there is one.
    pub code: Option<String>,
    /// The event's own fields after CardId, in the documented order.
    pub fields: Vec<(String, Field)>,
    pub create_time: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Field {
    Text(String),
    Int(i64),
}

/// FromUserName of the events no user causes (review, stock).
pub const SYSTEM: &str = "o_sandbox_system";

/// What a user received, for `user_get_card`.
pub struct Received {
    pub openid: String,
    pub card_id: String,
    pub code: String,
    /// The giver, when the card came from a friend.
    pub friend: Option<String>,
    pub old_code: Option<String>,
    pub outer_str: String,
}

impl Event {
    fn new(event: &str, openid: &str, card_id: &str, code: Option<&str>, now: i64) -> Event {
        Event {
            event: event.into(),
            openid: openid.into(),
            card_id: card_id.into(),
            code: code.map(str::to_string),
            fields: Vec::new(),
            create_time: now,
        }
    }

    fn text(mut self, name: &str, value: impl Into<String>) -> Event {
        self.fields.push((name.into(), Field::Text(value.into())));
        self
    }

    fn int(mut self, name: &str, value: i64) -> Event {
        self.fields.push((name.into(), Field::Int(value)));
        self
    }

    fn with_code(self) -> Event {
        let code = self.code.clone().unwrap_or_default();
        self.text("UserCardCode", code)
    }

    /// `card_pass_check`, or `card_not_pass_check` with its RefuseReason.
    pub fn review(card_id: &str, refused: Option<&str>, now: i64) -> Event {
        match refused {
            None => Event::new("card_pass_check", SYSTEM, card_id, None, now),
            Some(reason) => Event::new("card_not_pass_check", SYSTEM, card_id, None, now)
                .text("RefuseReason", reason),
        }
    }

    /// `user_get_card`: a user received a code (from a friend when `friend` is set).
    pub fn got(r: &Received, now: i64) -> Event {
        Event::new("user_get_card", &r.openid, &r.card_id, Some(&r.code), now)
            .int("IsGiveByFriend", i64::from(r.friend.is_some()))
            .with_code()
            .text("FriendUserName", r.friend.clone().unwrap_or_default())
            .int("OuterId", 0)
            .text("OldUserCardCode", r.old_code.clone().unwrap_or_default())
            .text("OuterStr", r.outer_str.clone())
            .int("IsRestoreMemberCard", 0)
            .int("IsRecommendByFriend", 0)
            .text("UnionId", "")
    }

    /// `user_gifting_card`: `openid` gave `code` to `friend`.
    pub fn gifting(openid: &str, card_id: &str, code: &str, friend: &str, now: i64) -> Event {
        Event::new("user_gifting_card", openid, card_id, Some(code), now)
            .with_code()
            .int("IsReturnBack", 0)
            .text("FriendUserName", friend)
            .int("IsChatRoom", 0)
    }

    /// A user's own action on a code: `user_del_card`, `user_view_card` (with OuterStr),
    /// `user_enter_session_from_card`, `submit_membercard_user_info`.
    pub fn user(event: &str, openid: &str, card_id: &str, code: &str, now: i64) -> Event {
        let e = Event::new(event, openid, card_id, Some(code), now).with_code();
        if event == "user_view_card" {
            e.text("OuterStr", "")
        } else {
            e
        }
    }

    /// `user_consume_card` after card/code/consume.
    pub fn consumed(openid: &str, card_id: &str, code: &str, outer_str: &str, now: i64) -> Event {
        Event::new("user_consume_card", openid, card_id, Some(code), now)
            .with_code()
            .text("ConsumeSource", "FROM_API")
            .text("LocationName", "")
            .text("StaffOpenId", "")
            .text("VerifyCode", "")
            .text("RemarkAmount", "")
            .text("OuterStr", outer_str)
    }

    /// `user_pay_from_pay_cell`: a user paid `fee` of `original` (fen) with the pay cell.
    pub fn paid(
        holder: (&str, &str, &str),
        fee: i64,
        original: i64,
        trans_id: &str,
        now: i64,
    ) -> Event {
        let (openid, card_id, code) = holder;
        Event::new("user_pay_from_pay_cell", openid, card_id, Some(code), now)
            .with_code()
            .text("TransId", trans_id)
            .int("LocationId", 0)
            .int("Fee", fee)
            .int("OriginalFee", original)
    }

    /// `update_member_card` after membercard/updateuser.
    pub fn member_updated(holder: (&str, &str, &str), bonus: i64, balance: i64, now: i64) -> Event {
        let (openid, card_id, code) = holder;
        Event::new("update_member_card", openid, card_id, Some(code), now)
            .with_code()
            .int("ModifyBonus", bonus)
            .int("ModifyBalance", balance)
    }

    /// `card_sku_remind`: the stock ran low as a user received the card.
    pub fn stock_low(card_id: &str, quantity: i64, now: i64) -> Event {
        let detail = format!("the card's quantity is equal to {quantity}");
        Event::new("card_sku_remind", SYSTEM, card_id, None, now).text("Detail", detail)
    }

    /// The XML WeChat posts, addressed to the account `to`.
    pub fn to_xml(&self, to: &str) -> String {
        let mut x = String::with_capacity(512);
        x.push_str("<xml>");
        cdata(&mut x, "ToUserName", to);
        cdata(&mut x, "FromUserName", &self.openid);
        x.push_str(&format!("<CreateTime>{}</CreateTime>", self.create_time));
        cdata(&mut x, "MsgType", "event");
        cdata(&mut x, "Event", &self.event);
        cdata(&mut x, "CardId", &self.card_id);
        for (name, value) in &self.fields {
            match value {
                Field::Text(t) => cdata(&mut x, name, t),
                Field::Int(n) => x.push_str(&format!("<{name}>{n}</{name}>")),
            }
        }
        x.push_str("</xml>");
        x
    }
}

/// `<name><![CDATA[value]]></name>`; a `]]>` inside the value is split across two sections.
fn cdata(x: &mut String, name: &str, value: &str) {
    x.push('<');
    x.push_str(name);
    x.push_str("><![CDATA[");
    x.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    x.push_str("]]></");
    x.push_str(name);
    x.push('>');
}

/// The safe-mode body: the account and the encrypted event.
pub fn envelope(to: &str, encrypted: &str) -> String {
    let mut x = String::from("<xml>");
    cdata(&mut x, "ToUserName", to);
    cdata(&mut x, "Encrypt", encrypted);
    x.push_str("</xml>");
    x
}

/// The text of the first `<name>` element (CDATA or not), for reading a callback's answer.
pub fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    let inner = xml[start..end].trim();
    Some(
        inner
            .strip_prefix("<![CDATA[")
            .and_then(|s| s.strip_suffix("]]>"))
            .unwrap_or(inner),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_get_card_event_reads_as_documented() {
        let r = Received {
            openid: "oUser".into(),
            card_id: "pCard".into(),
            code: "226009850808".into(),
            friend: None,
            old_code: None,
            outer_str: "12b".into(),
        };
        let xml = Event::got(&r, 1472551036).to_xml("gh_fc0a06a20993");
        let head = "<xml><ToUserName><![CDATA[gh_fc0a06a20993]]></ToUserName>\
            <FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1472551036</CreateTime>\
            <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_get_card]]></Event>\
            <CardId><![CDATA[pCard]]></CardId><IsGiveByFriend>0</IsGiveByFriend>\
            <UserCardCode><![CDATA[226009850808]]></UserCardCode>";
        assert!(xml.starts_with(head), "{xml}");
        assert_eq!(element(&xml, "OuterStr"), Some("12b"));
        assert_eq!(element(&xml, "IsRestoreMemberCard"), Some("0"));
    }

    #[test]
    fn a_cdata_end_in_a_value_is_split() {
        let xml = Event::review("p", Some("a]]>b"), 1).to_xml("gh");
        let split = "<RefuseReason><![CDATA[a]]]]><![CDATA[>b]]></RefuseReason>";
        assert!(xml.contains(split), "{xml}");
    }
}

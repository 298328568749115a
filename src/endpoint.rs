//! Which endpoint a payload is for: `--endpoint` wins, then an `.http` request line, then the
//! payload's shape. An ambiguous or unknown shape is said, with the candidates.

use serde_json::Value;

/// Every endpoint with a schema, in the order `cardlint endpoints` lists them.
pub const ENDPOINTS: &[&str] = &[
    "card/create",
    "card/update",
    "card/get",
    "card/batchget",
    "card/delete",
    "card/modifystock",
    "card/qrcode/create",
    "card/landingpage/create",
    "card/mpnews/gethtml",
    "card/testwhitelist/set",
    "card/code/get",
    "card/code/consume",
    "card/code/decrypt",
    "card/code/update",
    "card/code/unavailable",
    "card/code/deposit",
    "card/code/getdepositcount",
    "card/code/checkcode",
    "card/user/getcardlist",
    "card/paycell/set",
    "card/selfconsumecell/set",
    "card/membercard/activate",
    "card/membercard/updateuser",
    "card/membercard/userinfo/get",
    "card/membercard/activateuserform/set",
    "card/movieticket/updateuser",
    "card/boardingpass/checkin",
    "card/meetingticket/updateuser",
    "card/luckymoney/updateuserbalance",
    "wx.addCard",
    "card_ext",
];

/// Accepts `card/create`, `/card/create`, a full URL, or the schema stem `card.create`.
pub fn canonical(name: &str) -> Option<&'static str> {
    let trimmed = crate::source::endpoint_of_url(name.trim()).unwrap_or_default();
    let candidates = [trimmed.clone(), trimmed.replace('.', "/")];
    ENDPOINTS.iter().copied().find(|e| {
        candidates.iter().any(|c| c == e)
            || e.eq_ignore_ascii_case(&trimmed)
            || (trimmed.eq_ignore_ascii_case("wx/addCard") && *e == "wx.addCard")
            || (trimmed.eq_ignore_ascii_case("addCard") && *e == "wx.addCard")
            || (trimmed.eq_ignore_ascii_case("cardExt") && *e == "card_ext")
    })
}

pub fn suggest(name: &str) -> Option<String> {
    crate::suggest::closest(name, ENDPOINTS.iter().copied())
}

#[derive(Debug, Clone, PartialEq)]
pub enum Detected {
    One(&'static str),
    Ambiguous(Vec<&'static str>),
    Unknown,
}

/// Shape inference: the keys that only one endpoint's body carries.
pub fn detect(value: &Value) -> Detected {
    use Detected::*;
    let Some(obj) = value.as_object() else {
        return Unknown;
    };
    let has = |k: &str| obj.contains_key(k);
    let any = |ks: &[&str]| ks.iter().any(|k| obj.contains_key(*k));
    const INNER: &[&str] = crate::model::facts::INNER_KEYS;
    if has("card") && !has("card_id") {
        return One("card/create");
    }
    if has("card_id") && any(INNER) {
        return One("card/update");
    }
    if any(&["action_name", "action_info"]) {
        return One("card/qrcode/create");
    }
    if any(&["cardList", "cardExt", "card_ext", "cardId"])
        || (has("card_list") && !any(&["banner", "page_title", "scene"]))
    {
        return One("wx.addCard");
    }
    if any(&["banner", "page_title", "scene", "card_list"]) {
        return One("card/landingpage/create");
    }
    if has("signature") && has("timestamp") {
        return One("card_ext");
    }
    if any(&["required_form", "optional_form"]) {
        return One("card/membercard/activateuserform/set");
    }
    if any(&[
        "membership_number",
        "init_bonus",
        "init_balance",
        "activate_begin_time",
    ]) {
        return One("card/membercard/activate");
    }
    if any(&["ticket_class", "show_time", "screening_room", "duration"]) {
        return One("card/movieticket/updateuser");
    }
    if any(&[
        "passenger_name",
        "etkt_bnr",
        "boarding_time",
        "qrcode_data",
        "is_cancel",
        "class",
        "seat",
    ]) {
        return One("card/boardingpass/checkin");
    }
    if any(&["zone", "entrance"]) || (has("begin_time") && has("end_time")) {
        return One("card/meetingticket/updateuser");
    }
    if any(&[
        "bonus",
        "add_bonus",
        "record_bonus",
        "add_balance",
        "record_balance",
        "notify_optional",
        "custom_field_value1",
        "custom_field_value2",
        "custom_field_value3",
    ]) {
        return One("card/membercard/updateuser");
    }
    if has("balance") {
        return Ambiguous(vec![
            "card/membercard/updateuser",
            "card/luckymoney/updateuserbalance",
        ]);
    }
    if any(&["increase_stock_value", "reduce_stock_value"]) {
        return One("card/modifystock");
    }
    if any(&["offset", "count", "status_list"]) {
        return One("card/batchget");
    }
    if has("username") || (has("openid") && obj["openid"].is_array()) {
        return One("card/testwhitelist/set");
    }
    if any(&["need_verify_cod", "need_remark_amount"]) {
        return One("card/selfconsumecell/set");
    }
    if has("is_open") {
        return Ambiguous(vec!["card/paycell/set", "card/selfconsumecell/set"]);
    }
    if has("encrypt_code") {
        return One("card/code/decrypt");
    }
    if has("new_code") || has("newcode") {
        return One("card/code/update");
    }
    if has("reason") {
        return One("card/code/unavailable");
    }
    if has("check_consume") {
        return One("card/code/get");
    }
    if has("code") && obj["code"].is_array() {
        return Ambiguous(vec!["card/code/deposit", "card/code/checkcode"]);
    }
    if has("code") {
        let mut c = vec![
            "card/code/get",
            "card/code/consume",
            "card/code/unavailable",
        ];
        if has("card_id") {
            c.push("card/membercard/userinfo/get");
        }
        return Ambiguous(c);
    }
    if has("openid") {
        return One("card/user/getcardlist");
    }
    if has("card_id") && obj.len() == 1 {
        return Ambiguous(vec![
            "card/get",
            "card/delete",
            "card/mpnews/gethtml",
            "card/code/getdepositcount",
        ]);
    }
    Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_names() {
        assert_eq!(canonical("card/create"), Some("card/create"));
        assert_eq!(canonical("/card/code/get"), Some("card/code/get"));
        assert_eq!(
            canonical("https://api.weixin.qq.com/card/qrcode/create?access_token=x"),
            Some("card/qrcode/create")
        );
        assert_eq!(canonical("card.code.get"), Some("card/code/get"));
        assert_eq!(canonical("wx.addCard"), Some("wx.addCard"));
        assert_eq!(canonical("card/creat"), None);
        assert_eq!(suggest("card/creat").as_deref(), Some("card/create"));
    }

    #[test]
    fn shapes() {
        assert_eq!(detect(&json!({"card": {}})), Detected::One("card/create"));
        assert_eq!(
            detect(&json!({"code": "1", "new_code": "2"})),
            Detected::One("card/code/update")
        );
        assert!(matches!(
            detect(&json!({"card_id": "p"})),
            Detected::Ambiguous(_)
        ));
        assert_eq!(detect(&json!([1])), Detected::Unknown);
    }
}

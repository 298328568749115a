//! Which endpoint a payload is for: `--endpoint` wins, then an `.http` request line, then the
//! payload's shape. An ambiguous or unknown shape is said, with the candidates.

use serde_json::{Map, Value};

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
    "card/code/mark",
    "card/membercard/activate/geturl",
    "card/membercard/activatetempinfo/get",
    "card/generalcard/updateuser",
    "card/giftcard/page/add",
    "card/giftcard/page/get",
    "card/giftcard/page/update",
    "card/giftcard/page/batchget",
    "card/giftcard/maintain/set",
    "card/giftcard/pay/whitelist/add",
    "card/giftcard/pay/submch/bind",
    "card/giftcard/wxa/set",
    "card/giftcard/order/get",
    "card/giftcard/order/batchget",
    "card/giftcard/order/refund",
    "card/paygiftcard/add",
    "card/paygiftcard/delete",
    "card/paygiftcard/getbyid",
    "card/paygiftcard/batchget",
    "card/pay/getpayprice",
    "card/pay/confirm",
    "card/pay/recharge",
    "card/pay/getorder",
    "card/pay/getorderlist",
    "card/submerchant/submit",
    "card/submerchant/update",
    "card/submerchant/get",
    "card/submerchant/batchget",
    "datacube/getcardbizuininfo",
    "datacube/getcardcardinfo",
    "datacube/getcardmembercardinfo",
    "datacube/getcardmembercarddetail",
    "card/invoice/seturl",
    "card/invoice/platform/createcard",
    "card/invoice/platform/getpdf",
    "card/invoice/platform/updatestatus",
    "card/invoice/insert",
    "card/invoice/getauthurl",
    "card/invoice/getauthdata",
    "card/invoice/rejectinsert",
    "card/invoice/setbizattr",
    "card/invoice/makeoutinvoice",
    "card/invoice/clearoutinvoice",
    "card/invoice/queryinvoceinfo",
    "card/invoice/reimburse/getinvoiceinfo",
    "card/invoice/reimburse/getinvoicebatch",
    "card/invoice/reimburse/updateinvoicestatus",
    "card/invoice/reimburse/updatestatusbatch",
    "card/invoice/biz/getusertitleurl",
    "card/invoice/biz/getselecttitleurl",
    "card/invoice/scantitle",
    "wx.addCard",
    "card_ext",
];

/// Card API calls with no JSON body to check: GET requests and the multipart PDF upload. A
/// request line naming one is not a misspelling of a similar endpoint (`setpdf` of `getpdf`).
pub const WITHOUT_JSON_BODY: &[&str] = &[
    "card/getcolors",
    "card/getapplyprotocol",
    "card/pay/activate",
    "card/pay/getcoinsinfo",
    "card/invoice/platform/setpdf",
    "cgi-bin/ticket/getticket",
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

/// What the path of a request line names.
#[derive(Debug, Clone, PartialEq)]
pub enum PathMatch {
    Exact(&'static str),
    /// A misspelt card path (`card/luckymonkey/updateuserbalance`): the nearest endpoint.
    Near(&'static str),
    /// Another API's path that ends like a card endpoint (`cgi-bin/qrcode/create` and
    /// `card/qrcode/create`): the card endpoint, if the body turns out to be its.
    Sibling(&'static str),
    /// A GET endpoint or the multipart upload: only its query string is checked.
    Bodiless(&'static str),
    Other,
}

pub fn resolve_path(name: &str) -> PathMatch {
    if let Some(e) = canonical(name) {
        return PathMatch::Exact(e);
    }
    let path = crate::source::endpoint_of_url(name.trim()).unwrap_or_default();
    if let Some(e) = WITHOUT_JSON_BODY.iter().find(|e| **e == path) {
        return PathMatch::Bodiless(e);
    }
    if path.starts_with("card/") {
        if let Some(e) = suggest(&path).and_then(|s| canonical(&s)) {
            return PathMatch::Near(e);
        }
    }
    let tail = |p: &str| p.split_once('/').map(|(_, t)| t.to_string());
    let sibling = ENDPOINTS
        .iter()
        .find(|e| e.starts_with("card/") && tail(e).is_some() && tail(e) == tail(&path));
    match sibling {
        Some(e) => PathMatch::Sibling(e),
        None => PathMatch::Other,
    }
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
    let Some(obj) = value.as_object() else {
        return Detected::Unknown;
    };
    let k = Keys(obj);
    // the order matters: earlier families own keys that later ones also use; the first three
    // look only at keys no older endpoint's body has
    invoice(&k)
        .or_else(|| gift_card(&k))
        .or_else(|| pay_merchant_stats(&k))
        .or_else(|| card_or_page(&k))
        .or_else(|| member_activation(&k))
        .or_else(|| ticket_update(&k))
        .or_else(|| member_update(&k))
        .or_else(|| card_admin(&k))
        .or_else(|| code_shape(&k))
        .or_else(|| lookup(&k))
        .unwrap_or(Detected::Unknown)
}

/// The top-level keys of a payload.
struct Keys<'a>(&'a Map<String, Value>);

impl Keys<'_> {
    fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    fn any(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.0.contains_key(*k))
    }

    fn array(&self, key: &str) -> bool {
        self.0.get(key).is_some_and(Value::is_array)
    }

    /// Whether the object at `key` has `inner`.
    fn nested(&self, key: &str, inner: &[&str]) -> bool {
        self.0
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(|o| inner.iter().any(|i| o.contains_key(*i)))
    }
}

/// The e-invoice (电子发票) calls under card/invoice.
fn invoice(k: &Keys) -> Option<Detected> {
    let one = if k.has("invoice_info") {
        "card/invoice/platform/createcard"
    } else if k.has("s_media_id") {
        "card/invoice/platform/getpdf"
    } else if k.has("reimburse_status") {
        if k.has("invoice_list") {
            "card/invoice/reimburse/updatestatusbatch"
        } else if k.has("encrypt_code") {
            "card/invoice/reimburse/updateinvoicestatus"
        } else {
            "card/invoice/platform/updatestatus"
        }
    } else if k.has("item_list") {
        "card/invoice/reimburse/getinvoicebatch"
    } else if k.has("encrypt_code") && k.has("card_id") {
        // card/code/decrypt takes the encrypt_code alone
        "card/invoice/reimburse/getinvoiceinfo"
    } else if k.has("s_pappid") {
        if k.has("reason") {
            "card/invoice/rejectinsert"
        } else if k.any(&["money", "ticket", "source", "redirect_url"]) {
            "card/invoice/getauthurl"
        } else {
            "card/invoice/getauthdata"
        }
    } else if k.has("order_id") && k.has("card_ext") {
        "card/invoice/insert"
    } else if k.any(&["paymch_info", "auth_field", "contact"]) {
        "card/invoice/setbizattr"
    } else if k.has("invoiceinfo") {
        if k.nested("invoiceinfo", &["yfpdm", "yfphm"]) {
            "card/invoice/clearoutinvoice"
        } else {
            "card/invoice/makeoutinvoice"
        }
    } else if k.has("fpqqlsh") {
        "card/invoice/queryinvoceinfo"
    } else if k.has("scan_text") {
        "card/invoice/scantitle"
    } else if k.any(&["attach", "biz_name"]) {
        "card/invoice/biz/getselecttitleurl"
    } else if k.any(&[
        "tax_no",
        "user_fill",
        "out_title_id",
        "bank_type",
        "bank_no",
        "addr",
    ]) {
        "card/invoice/biz/getusertitleurl"
    } else {
        return None;
    };
    Some(Detected::One(one))
}

/// Gift card galleries, their orders and payment set-up, and the gift card's balance.
fn gift_card(k: &Keys) -> Option<Detected> {
    let one = if k.has("page") {
        if k.nested("page", &["page_id"]) {
            "card/giftcard/page/update"
        } else {
            "card/giftcard/page/add"
        }
    } else if k.has("maintain") {
        "card/giftcard/maintain/set"
    } else if k.has("sub_mch_id") {
        if k.has("wxa_appid") {
            "card/giftcard/pay/submch/bind"
        } else {
            "card/giftcard/pay/whitelist/add"
        }
    } else if k.has("wxa_appid") && k.has("page_id") {
        "card/giftcard/wxa/set"
    } else if k.has("page_id") {
        "card/giftcard/page/get"
    } else if k.has("sort_type") {
        "card/giftcard/order/batchget"
    } else if k.has("can_give_friend") {
        "card/generalcard/updateuser"
    } else {
        return None;
    };
    Some(Detected::One(one))
}

/// Pay-then-get rules, coin (券点) orders, sub-merchants, statistics and the member card's
/// activation helpers.
fn pay_merchant_stats(k: &Keys) -> Option<Detected> {
    use Detected::*;
    Some(if k.has("rule_info") {
        One("card/paygiftcard/add")
    } else if k.has("rule_id") {
        Ambiguous(vec!["card/paygiftcard/delete", "card/paygiftcard/getbyid"])
    } else if k.has("effective") {
        One("card/paygiftcard/batchget")
    } else if k.has("coin_count") {
        One("card/pay/recharge")
    } else if k.any(&["order_type", "nor_filter", "sort_info"]) {
        One("card/pay/getorderlist")
    } else if k.has("quantity") {
        One(if k.has("order_id") {
            "card/pay/confirm"
        } else {
            "card/pay/getpayprice"
        })
    } else if k.has("order_id") {
        Ambiguous(vec![
            "card/giftcard/order/get",
            "card/giftcard/order/refund",
            "card/pay/getorder",
        ])
    } else if k.has("info") {
        One(if k.nested("info", &["merchant_id"]) {
            "card/submerchant/update"
        } else {
            "card/submerchant/submit"
        })
    } else if k.has("merchant_id") {
        One("card/submerchant/get")
    } else if k.any(&["begin_id", "limit"]) {
        One("card/submerchant/batchget")
    } else if k.any(&["begin_date", "end_date"]) {
        return Some(datacube(k));
    } else if k.has("is_mark") {
        One("card/code/mark")
    } else if k.has("activate_ticket") {
        One("card/membercard/activatetempinfo/get")
    } else if k.has("outer_str")
        && k.has("card_id")
        && !k.any(&["signature", "timestamp", "nonce_str"])
    {
        // card_ext also has outer_str, but never a card_id
        One("card/membercard/activate/geturl")
    } else {
        return None;
    })
}

/// The card statistics: a date range, with the card source or a card_id.
fn datacube(k: &Keys) -> Detected {
    use Detected::*;
    match (k.has("cond_source"), k.has("card_id")) {
        (true, true) => One("datacube/getcardcardinfo"),
        (false, true) => One("datacube/getcardmembercarddetail"),
        (true, false) => Ambiguous(vec![
            "datacube/getcardbizuininfo",
            "datacube/getcardcardinfo",
            "datacube/getcardmembercardinfo",
        ]),
        (false, false) => Ambiguous(vec![
            "datacube/getcardbizuininfo",
            "datacube/getcardcardinfo",
            "datacube/getcardmembercardinfo",
            "datacube/getcardmembercarddetail",
        ]),
    }
}

/// Creating and changing a card, and the ways of handing it out (QR code, JS-SDK, page).
fn card_or_page(k: &Keys) -> Option<Detected> {
    const INNER: &[&str] = crate::model::facts::INNER_KEYS;
    let one = if k.has("card") && !k.has("card_id") {
        "card/create"
    } else if k.has("card_id") && k.any(INNER) {
        "card/update"
    } else if k.any(&["action_name", "action_info"]) {
        "card/qrcode/create"
    } else if k.any(&["cardList", "cardExt", "card_ext", "cardId"])
        // `card_list` is shared with landing pages, which the page keys tell apart
        || (k.has("card_list") && !k.any(&["banner", "page_title", "scene"]))
    {
        "wx.addCard"
    } else if k.any(&["banner", "page_title", "scene", "card_list"]) {
        "card/landingpage/create"
    } else if k.has("signature") && k.has("timestamp") {
        "card_ext"
    } else {
        return None;
    };
    Some(Detected::One(one))
}

fn member_activation(k: &Keys) -> Option<Detected> {
    let one = if k.any(&["required_form", "optional_form"]) {
        "card/membercard/activateuserform/set"
    } else if k.any(&[
        "membership_number",
        "init_bonus",
        "init_balance",
        "activate_begin_time",
    ]) {
        "card/membercard/activate"
    } else {
        return None;
    };
    Some(Detected::One(one))
}

/// The updateuser calls of the ticket card types, each with its own field names.
fn ticket_update(k: &Keys) -> Option<Detected> {
    let one = if k.any(&["ticket_class", "show_time", "screening_room", "duration"]) {
        "card/movieticket/updateuser"
    } else if k.any(&[
        "passenger_name",
        "etkt_bnr",
        "boarding_time",
        "qrcode_data",
        "is_cancel",
        "class",
        "seat",
    ]) {
        "card/boardingpass/checkin"
    } else if k.any(&["zone", "entrance"]) || (k.has("begin_time") && k.has("end_time")) {
        "card/meetingticket/updateuser"
    } else {
        return None;
    };
    Some(Detected::One(one))
}

fn member_update(k: &Keys) -> Option<Detected> {
    if k.any(&[
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
        return Some(Detected::One("card/membercard/updateuser"));
    }
    // a bare balance is how both a member card and a lucky-money card are topped up
    k.has("balance").then(|| {
        Detected::Ambiguous(vec![
            "card/membercard/updateuser",
            "card/luckymoney/updateuserbalance",
        ])
    })
}

/// Stock, listing, test whitelist and the cells shown on a card's page.
fn card_admin(k: &Keys) -> Option<Detected> {
    let one = if k.any(&["increase_stock_value", "reduce_stock_value"]) {
        "card/modifystock"
    } else if k.any(&["offset", "count", "status_list"]) {
        "card/batchget"
    } else if k.has("username") || k.array("openid") {
        "card/testwhitelist/set"
    } else if k.any(&["need_verify_cod", "need_remark_amount"]) {
        "card/selfconsumecell/set"
    } else if k.has("is_open") {
        return Some(Detected::Ambiguous(vec![
            "card/paycell/set",
            "card/selfconsumecell/set",
        ]));
    } else {
        return None;
    };
    Some(Detected::One(one))
}

/// The card/code calls; a bare `code` is sent to several of them.
fn code_shape(k: &Keys) -> Option<Detected> {
    use Detected::*;
    Some(if k.has("encrypt_code") {
        One("card/code/decrypt")
    } else if k.has("new_code") || k.has("newcode") {
        One("card/code/update")
    } else if k.has("reason") {
        One("card/code/unavailable")
    } else if k.has("check_consume") {
        One("card/code/get")
    } else if k.array("code") {
        Ambiguous(vec!["card/code/deposit", "card/code/checkcode"])
    } else if k.has("code") {
        let mut c = vec![
            "card/code/get",
            "card/code/consume",
            "card/code/unavailable",
        ];
        if k.has("card_id") {
            c.push("card/membercard/userinfo/get");
        }
        Ambiguous(c)
    } else {
        return None;
    })
}

/// Reading a user's cards or one card: the fewest keys, so the last guess.
fn lookup(k: &Keys) -> Option<Detected> {
    if k.has("openid") {
        return Some(Detected::One("card/user/getcardlist"));
    }
    (k.has("card_id") && k.0.len() == 1).then(|| {
        Detected::Ambiguous(vec![
            "card/get",
            "card/delete",
            "card/mpnews/gethtml",
            "card/code/getdepositcount",
        ])
    })
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

    #[test]
    fn shapes_of_gift_invoice_and_pay_calls() {
        assert_eq!(
            detect(&json!({"card_id": "p", "encrypt_code": "e"})),
            Detected::One("card/invoice/reimburse/getinvoiceinfo")
        );
        assert_eq!(
            detect(&json!({"encrypt_code": "e"})),
            Detected::One("card/code/decrypt")
        );
        assert_eq!(
            detect(&json!({"order_id": "1", "card_id": "p", "appid": "wx", "card_ext": {}})),
            Detected::One("card/invoice/insert")
        );
        assert_eq!(
            detect(&json!({"page": {"page_id": "x"}})),
            Detected::One("card/giftcard/page/update")
        );
        assert_eq!(
            detect(&json!({"code": "1", "card_id": "p", "balance": 1, "can_give_friend": true})),
            Detected::One("card/generalcard/updateuser")
        );
        assert!(matches!(
            detect(&json!({"order_id": "1"})),
            Detected::Ambiguous(c) if c.contains(&"card/pay/getorder")
        ));
        // card_ext carries outer_str too, never with a card_id
        assert_eq!(
            detect(&json!({"timestamp": "1", "signature": "s", "outer_str": "o"})),
            Detected::One("card_ext")
        );
    }

    #[test]
    fn calls_without_a_json_body_are_not_misspellings() {
        for p in WITHOUT_JSON_BODY {
            assert!(!ENDPOINTS.contains(p), "{p}");
            assert_eq!(resolve_path(p), PathMatch::Bodiless(p), "{p}");
        }
        assert_eq!(
            resolve_path("card/invoice/platform/getpdf"),
            PathMatch::Exact("card/invoice/platform/getpdf")
        );
    }
}

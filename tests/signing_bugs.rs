//! The card_ext signing bugs public SDKs shipped, each reproduced here from its own algorithm
//! (not from cardlint's hypotheses), and EXT008 naming each one; `cardlint explain 签名错误`
//! lists them.
//!
//! - EasyWeChat 4.0 (w7corp/easywechat#1083, #1096; fixed by #1098): `attachExtension` called
//!   the JS-SDK's `getTicketSignature($ticket, $nonce, $timestamp, $url)` with the card's
//!   `($ticket, $timestamp, $cardId, $code)`, i.e.
//!   `sha1(sprintf('jsapi_ticket=%s&noncestr=%s&timestamp=%s&url=%s', ...))`, and put no
//!   nonce_str in the cardExt.
//! - An old WxJava (binarywang/WxJava#1060, fixed in 3.4.2.B): the values of
//!   `createCardApiSignature(optional..., timestamp, nonceStr, ticket)` were not put in the
//!   order the signature needs; here: concatenated as passed, unsorted.
//! - An old co-wechat-api (node-webot/co-wechat-api#22): the ticket object returned by
//!   `getTicket` was signed as a string, which JavaScript writes `[object Object]`.

use cardlint::rules::Signing;
use cardlint::{lint_bytes, Lang, Options};

const TICKET: &str =
    "IpK_1T69hDhZkLQTlwsAX6sw3rOPfGLxYXXsXCKNYgDUKHDRsAGsJlYyUqx0aChJfTc9xGJlTmWhkZvzGDiTTA";
const CARD_ID: &str = "pFS7Fjg8kV1IdDz01r4SQwMkuCKc";

fn sha1(text: &str) -> String {
    let mut h = sha1_smol::Sha1::new();
    h.update(text.as_bytes());
    h.digest().to_string()
}

/// The card_ext an SDK sends: its timestamp and nonce, and the signature it computed.
fn card_ext(timestamp: &str, nonce: &str, signature: &str) -> String {
    format!(r#"{{"timestamp":"{timestamp}","nonce_str":"{nonce}","signature":"{signature}"}}"#)
}

/// A card_ext of `CARD_ID`, checked with the ticket, in English.
fn options() -> Options {
    Options {
        endpoint: Some("card_ext".into()),
        lang: Some(Lang::En),
        signing: Signing {
            api_ticket: Some(TICKET.into()),
            jsapi_ticket: None,
            card_id: Some(CARD_ID.into()),
        },
        ..Options::default()
    }
}

/// EXT008's message for a card_ext of `CARD_ID`, checked with the ticket.
fn ext008(card_ext: &str, lang: Lang) -> String {
    let options = Options {
        lang: Some(lang),
        ..options()
    };
    let report = lint_bytes(&options, "card_ext.json", card_ext.as_bytes()).unwrap();
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "EXT008")
        .unwrap_or_else(|| panic!("no EXT008 for {card_ext}: {:?}", report.findings));
    f.message.clone()
}

#[test]
fn easywechat_4_signed_in_the_js_sdk_format() {
    let timestamp = 1_795_000_000u64;
    // sprintf with $code unset (null): an empty url
    let signature = sha1(&format!(
        "jsapi_ticket={TICKET}&noncestr={timestamp}&timestamp={CARD_ID}&url="
    ));
    // json_encode(['timestamp' => time(), 'signature' => ...]): the timestamp as an integer
    let card_ext = format!(r#"{{"timestamp":{timestamp},"signature":"{signature}"}}"#);
    let en = ext008(&card_ext, Lang::En);
    assert!(en.contains("JS-SDK (wx.config) format"), "{en}");
    assert!(ext008(&card_ext, Lang::Zh).contains("JS-SDK（wx.config）的格式"));
}

#[test]
fn an_old_wxjava_concatenated_the_values_unsorted() {
    let (timestamp, nonce) = ("1795000000", "Wm3WZYTPz0wzccnW");
    // createCardApiSignature(cardId): optional params, then timestamp, nonceStr, ticket
    let signature = sha1(&[CARD_ID, timestamp, nonce, TICKET].concat());
    let en = ext008(&card_ext(timestamp, nonce, &signature), Lang::En);
    assert!(en.contains("without sorting"), "{en}");
}

#[test]
fn an_old_co_wechat_api_signed_the_ticket_object() {
    let (timestamp, nonce) = ("1795000000", "n0nce");
    // [ticketObject, timestamp, cardId, nonce].sort().join(''): the object is "[object Object]"
    let mut values = ["[object Object]", timestamp, CARD_ID, nonce];
    values.sort();
    let signature = sha1(&values.concat());
    let en = ext008(&card_ext(timestamp, nonce, &signature), Lang::En);
    assert!(en.contains("[object Object]"), "{en}");
}

#[test]
fn a_correct_signature_gets_no_ext008() {
    let (timestamp, nonce) = ("1795000000", "n0nce");
    let mut values = [TICKET, timestamp, CARD_ID, nonce];
    values.sort();
    let body = card_ext(timestamp, nonce, &sha1(&values.concat()));
    let report = lint_bytes(&options(), "card_ext.json", body.as_bytes()).unwrap();
    assert!(
        report.findings.iter().all(|f| f.code != "EXT008"),
        "{:?}",
        report.findings
    );
}

#[test]
fn explain_lists_the_sdk_bugs_under_the_symptom() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cardlint"))
        .args(["--lang", "en", "explain", "签名错误"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for named in ["EasyWeChat 4.0", "old WxJava", "co-wechat-api"] {
        assert!(text.contains(named), "{named} missing from:\n{text}");
    }
}

//! Card signatures for the JS-SDK: the `card_ext.signature` of `wx.addCard` and the `cardSign` of
//! `wx.chooseCard` (official JS-SDK doc, 附录4 "卡券扩展字段及签名生成算法").
//!
//! Both are built the same way: take the *values* (never the key names) of the signed fields, drop the
//! empty ones, sort them as byte strings, concatenate them with no separator and SHA1 the result
//! (lower-case hex). The ticket is the `type=wx_card` api_ticket, not the `jsapi` ticket of `wx.config`.
//!
//! When a signature does not match, [`diagnose`] replays the mistakes seen in SDK issues and blog
//! reports (wrong timestamp, milliseconds, nonce or code/openid signed but not sent or the reverse,
//! key names or `k=v&` pairs signed, case-insensitive sort, jsapi ticket) and names the first one that
//! reproduces the signature. Nothing it returns contains the api_ticket, so callers can print it.

use std::cmp::Ordering;

/// Values that go into a card_ext signature. Empty strings count as absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardExtInput {
    /// The `type=wx_card` ticket. Signed, never placed in card_ext.
    pub api_ticket: String,
    /// The `cardId` passed to wx.addCard.
    pub card_id: String,
    /// Seconds since the epoch, exactly as written into card_ext.
    pub timestamp: String,
    pub nonce_str: String,
    /// Only for use_custom_code cards (not deposit mode).
    pub code: String,
    /// Only for bind_openid cards.
    pub openid: String,
    /// Only for legacy LUCKY_MONEY cards.
    pub balance: String,
}

impl CardExtInput {
    /// Every signed value. Empty ones are harmless: [`sign_values`] drops them.
    fn values(&self) -> [&str; 7] {
        [
            &self.api_ticket,
            &self.timestamp,
            &self.card_id,
            &self.code,
            &self.openid,
            &self.nonce_str,
            &self.balance,
        ]
    }

    /// The signed fields under their card_ext / JS-SDK names, for the "keys were signed" hypotheses.
    fn named_values(&self) -> [(&'static str, &str); 7] {
        [
            ("api_ticket", &self.api_ticket),
            ("timestamp", &self.timestamp),
            ("card_id", &self.card_id),
            ("code", &self.code),
            ("openid", &self.openid),
            ("nonce_str", &self.nonce_str),
            ("balance", &self.balance),
        ]
    }

    fn with(&self, change: impl FnOnce(&mut CardExtInput)) -> CardExtInput {
        let mut copy = self.clone();
        change(&mut copy);
        copy
    }
}

/// Sorted-values SHA1, the shared core of every card signature.
///
/// Empty values are left out (they would add nothing to the concatenation anyway, which is why SDKs
/// that pass `""` for unused fields still agree). `str` ordering is plain byte order, so digits sort
/// before upper-case and upper-case before lower-case, as the official signing tool expects.
pub fn sign_values(values: &[&str]) -> String {
    let mut sorted: Vec<&str> = values.iter().copied().filter(|v| !v.is_empty()).collect();
    sorted.sort_unstable();
    sha1_hex(sorted)
}

/// The `signature` of a wx.addCard card_ext.
pub fn card_ext_signature(input: &CardExtInput) -> String {
    sign_values(&input.values())
}

/// The `cardSign` of wx.chooseCard. Unused parameters (e.g. no shop, all card types) are passed as
/// empty strings; the JS call must then also leave `shopId` / `cardType` / `cardId` empty.
pub fn choose_card_sign(
    api_ticket: &str,
    appid: &str,
    location_id: &str,
    timestamp: &str,
    nonce_str: &str,
    card_id: &str,
    card_type: &str,
) -> String {
    sign_values(&[
        api_ticket,
        appid,
        location_id,
        timestamp,
        nonce_str,
        card_id,
        card_type,
    ])
}

/// The card_ext JSON string to pass as cardExt: {"code","openid","timestamp","nonce_str","signature"} with
/// empty code/openid/nonce_str left out, keys in that order, timestamp as a string; never contains api_ticket.
///
/// A non-empty legacy `balance` is also written (as a string, after `nonce_str`): it is part of the
/// signature, and the server can only verify a signature over values the card_ext actually carries.
pub fn card_ext_json(input: &CardExtInput) -> String {
    let signature = card_ext_signature(input);
    let fields = [
        ("code", input.code.as_str(), false),
        ("openid", input.openid.as_str(), false),
        // timestamp is required, so it is written even when empty: the missing value is then visible.
        ("timestamp", input.timestamp.as_str(), true),
        ("nonce_str", input.nonce_str.as_str(), false),
        ("balance", input.balance.as_str(), false),
        ("signature", signature.as_str(), true),
    ];
    let members: Vec<String> = fields
        .iter()
        .filter(|(_, value, always)| *always || !value.is_empty())
        .map(|(key, value, _)| format!("{}:{}", json_string(key), json_string(value)))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// Why a card_ext signature does not match, tested in this order; each variant carries what is needed
/// to explain it (no api_ticket value anywhere: callers print these).
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    /// Signed with another timestamp within ±600 s of the one sent (typically the timestamp was
    /// generated twice, once for the signature and once for card_ext).
    DifferentTimestamp { signed: String, sent: String },
    /// The timestamp was signed (or sent) in milliseconds: the signed value is the sent one ×1000 or ÷1000.
    MillisecondTimestamp { signed: String, sent: String },
    /// nonce_str is sent in card_ext but was not signed.
    NonceLeftOut,
    /// A nonce was signed but card_ext carries none (only testable when the caller knows the nonce).
    NonceAdded,
    /// A code was signed but card_ext carries none.
    CodeSignedNotSent,
    /// card_ext carries a code that was not signed.
    CodeSentNotSigned,
    /// An openid was signed but card_ext carries none.
    OpenidSignedNotSent,
    /// card_ext carries an openid that was not signed.
    OpenidSentNotSigned,
    /// Key names were signed instead of (or together with) the values.
    KeysSigned,
    /// `k=v&k=v` pairs sorted by key were signed, the wx.config style.
    KeyValuePairsSigned,
    /// The values were sorted case-insensitively instead of by bytes.
    CaseInsensitiveSort,
    /// The jsapi ticket (the one for wx.config) was used instead of the wx_card api_ticket.
    JsapiTicketUsed,
    /// Signed in the JS-SDK (wx.config) format `jsapi_ticket=..&noncestr=..&timestamp=..&url=..`
    /// instead of the sorted values; EasyWeChat 4.0's attachExtension passed the card's
    /// (ticket, timestamp, card_id, code) to that function.
    JsSdkFormat,
    /// The values were concatenated in another order than sorted (signers that skip the sort).
    UnsortedValues,
    /// The text of a non-string stood for the ticket: an object passed where the ticket string
    /// belonged is signed as `[object Object]` in JavaScript (`undefined`, `null` alike).
    TicketNotAString { text: String },
    /// wx.chooseCard: the appid was not signed (it must be, with the other values).
    AppidLeftOut,
    /// The SHA1 of nothing: no value was joined in (PHP's `$data = sort($data)` leaves `true`).
    NothingSigned,
    /// The api_ticket was not among the signed values.
    TicketLeftOut,
    /// The card_id was not among the signed values.
    CardIdLeftOut,
    /// Neither the api_ticket nor the card_id was signed.
    TicketAndCardIdLeftOut,
}

/// `sha1("")`: what a signer that joined no value at all outputs.
pub const SHA1_OF_NOTHING: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

/// The values of a wx.chooseCard `cardSign`, as the call passes them (`shopId` is the
/// location_id; empty ones are left out of the signature).
#[derive(Debug, Clone, Default)]
pub struct ChooseCardInput {
    pub api_ticket: String,
    pub appid: String,
    pub location_id: String,
    pub timestamp: String,
    pub nonce_str: String,
    pub card_id: String,
    pub card_type: String,
}

impl ChooseCardInput {
    fn values(&self) -> [&str; 7] {
        [
            &self.api_ticket,
            &self.appid,
            &self.location_id,
            &self.timestamp,
            &self.nonce_str,
            &self.card_id,
            &self.card_type,
        ]
    }

    fn with(&self, change: impl FnOnce(&mut ChooseCardInput)) -> ChooseCardInput {
        let mut copy = self.clone();
        change(&mut copy);
        copy
    }
}

/// wx.chooseCard's `cardSign` checked as [`diagnose`] checks a card_ext: Ok when it matches,
/// else the first hypothesis that reproduces it (timestamp, appid, nonce, ticket, order).
pub fn diagnose_choose_card(
    sent: &ChooseCardInput,
    sign: &str,
    jsapi_ticket: Option<&str>,
) -> Result<(), Option<Cause>> {
    let signs = |i: &ChooseCardInput| sign_values(&i.values()).eq_ignore_ascii_case(sign);
    if signs(sent) {
        return Ok(());
    }
    if let Ok(ts) = sent.timestamp.parse::<u64>() {
        for delta in 1..=TIMESTAMP_WINDOW {
            for c in [ts.checked_sub(delta), ts.checked_add(delta)]
                .into_iter()
                .flatten()
            {
                if signs(&sent.with(|i| i.timestamp = c.to_string())) {
                    let signed = c.to_string();
                    return Err(Some(Cause::DifferentTimestamp {
                        signed,
                        sent: sent.timestamp.clone(),
                    }));
                }
            }
        }
    }
    if !sent.appid.is_empty() && signs(&sent.with(|i| i.appid.clear())) {
        return Err(Some(Cause::AppidLeftOut));
    }
    if !sent.nonce_str.is_empty() && signs(&sent.with(|i| i.nonce_str.clear())) {
        return Err(Some(Cause::NonceLeftOut));
    }
    if let Some(t) = jsapi_ticket.filter(|t| !t.is_empty() && *t != sent.api_ticket) {
        if signs(&sent.with(|i| i.api_ticket = t.to_string())) {
            return Err(Some(Cause::JsapiTicketUsed));
        }
    }
    for text in NOT_A_STRING {
        if signs(&sent.with(|i| i.api_ticket = text.to_string())) {
            return Err(Some(Cause::TicketNotAString { text: text.into() }));
        }
    }
    let matches = |candidate: String| candidate.eq_ignore_ascii_case(sign);
    if unsorted_values(&sent.values(), &matches) {
        return Err(Some(Cause::UnsortedValues));
    }
    Err(None)
}

/// Extra values the caller may know (from flags or from the card definition) that make more hypotheses testable.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The card's code, for [`Cause::CodeSignedNotSent`].
    pub code: Option<String>,
    /// The user's openid, for [`Cause::OpenidSignedNotSent`].
    pub openid: Option<String>,
    /// The `type=jsapi` ticket, for [`Cause::JsapiTicketUsed`].
    pub jsapi_ticket: Option<String>,
    /// The nonce the signer used, for [`Cause::NonceAdded`]: a nonce missing from card_ext cannot be
    /// guessed, so that hypothesis is only tried when this is given.
    pub nonce_str: Option<String>,
}

/// `sent` holds what the card_ext carries (timestamp, nonce_str, code, openid as sent, card_id from cardId,
/// api_ticket from the caller). Returns Ok(()) when `signature` (compared case-insensitively) matches,
/// Err(Some(cause)) for the first hypothesis that reproduces it, Err(None) when none does.
pub fn diagnose(sent: &CardExtInput, signature: &str, known: &Known) -> Result<(), Option<Cause>> {
    let matches = |candidate: String| candidate.eq_ignore_ascii_case(signature);
    if matches(card_ext_signature(sent)) {
        return Ok(());
    }
    let signs = |input: CardExtInput| matches(card_ext_signature(&input));
    Err(first_cause(sent, known, &matches, &signs))
}

fn first_cause(
    sent: &CardExtInput,
    known: &Known,
    matches: &dyn Fn(String) -> bool,
    signs: &dyn Fn(CardExtInput) -> bool,
) -> Option<Cause> {
    if matches(SHA1_OF_NOTHING.to_string()) {
        return Some(Cause::NothingSigned);
    }
    if let Some(cause) = timestamp_cause(sent, signs) {
        return Some(cause);
    }

    let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());

    if !sent.nonce_str.is_empty() && signs(sent.with(|i| i.nonce_str.clear())) {
        return Some(Cause::NonceLeftOut);
    }
    if sent.nonce_str.is_empty() {
        if let Some(nonce) = given(&known.nonce_str) {
            if signs(sent.with(|i| i.nonce_str = nonce)) {
                return Some(Cause::NonceAdded);
            }
        }
    }
    if sent.code.is_empty() {
        if let Some(code) = given(&known.code) {
            if signs(sent.with(|i| i.code = code)) {
                return Some(Cause::CodeSignedNotSent);
            }
        }
    }
    if !sent.code.is_empty() && signs(sent.with(|i| i.code.clear())) {
        return Some(Cause::CodeSentNotSigned);
    }
    if sent.openid.is_empty() {
        if let Some(openid) = given(&known.openid) {
            if signs(sent.with(|i| i.openid = openid)) {
                return Some(Cause::OpenidSignedNotSent);
            }
        }
    }
    if !sent.openid.is_empty() && signs(sent.with(|i| i.openid.clear())) {
        return Some(Cause::OpenidSentNotSigned);
    }

    if let Some(cause) = left_out_cause(sent, signs) {
        return Some(cause);
    }
    if keys_signed_candidates(sent).into_iter().any(matches) {
        return Some(Cause::KeysSigned);
    }
    if key_value_pair_candidates(sent).into_iter().any(matches) {
        return Some(Cause::KeyValuePairsSigned);
    }
    if case_insensitive_candidates(sent).into_iter().any(matches) {
        return Some(Cause::CaseInsensitiveSort);
    }

    if let Some(ticket) = given(&known.jsapi_ticket) {
        if ticket != sent.api_ticket && signs(sent.with(|i| i.api_ticket = ticket)) {
            return Some(Cause::JsapiTicketUsed);
        }
    }
    sdk_bug_cause(sent, matches, signs)
}

/// The ticket, the card_id or both left out of the signed values (a signer whose ticket line
/// is commented out, or that is handed a null card_id).
fn left_out_cause(sent: &CardExtInput, signs: &dyn Fn(CardExtInput) -> bool) -> Option<Cause> {
    let no_ticket = sent.with(|i| i.api_ticket.clear());
    if signs(no_ticket.clone()) {
        return Some(Cause::TicketLeftOut);
    }
    if sent.card_id.is_empty() {
        return None;
    }
    if signs(sent.with(|i| i.card_id.clear())) {
        return Some(Cause::CardIdLeftOut);
    }
    signs(no_ticket.with(|i| i.card_id.clear())).then_some(Cause::TicketAndCardIdLeftOut)
}

/// What the JavaScript text of a value that is not a string reads as, for
/// [`Cause::TicketNotAString`].
const NOT_A_STRING: [&str; 3] = ["[object Object]", "undefined", "null"];

/// The signing bugs public SDKs shipped (each reproduced from its algorithm in
/// tests/signing_bugs.rs).
fn sdk_bug_cause(
    sent: &CardExtInput,
    matches: &dyn Fn(String) -> bool,
    signs: &dyn Fn(CardExtInput) -> bool,
) -> Option<Cause> {
    if js_sdk_candidates(sent).into_iter().any(matches) {
        return Some(Cause::JsSdkFormat);
    }
    for text in NOT_A_STRING {
        if signs(sent.with(|i| i.api_ticket = text.to_string())) {
            return Some(Cause::TicketNotAString { text: text.into() });
        }
    }
    if unsorted_candidates(sent, matches) {
        return Some(Cause::UnsortedValues);
    }
    None
}

/// The wx.config format, `sha1("jsapi_ticket=T&noncestr=N&timestamp=TS&url=U")`: with the
/// card's values where they belong (no url, or an empty one), and with the arguments EasyWeChat
/// 4.0 passed to it (ticket, timestamp, card_id, code: the timestamp lands in `noncestr`).
fn js_sdk_candidates(sent: &CardExtInput) -> Vec<String> {
    let t = &sent.api_ticket;
    let format = |nonce: &str, ts: &str, url: Option<&str>| {
        let mut s = format!("jsapi_ticket={t}&noncestr={nonce}&timestamp={ts}");
        if let Some(u) = url {
            s.push_str("&url=");
            s.push_str(u);
        }
        sha1_hex([s.as_str()])
    };
    vec![
        format(&sent.timestamp, &sent.card_id, Some(&sent.code)),
        format(&sent.nonce_str, &sent.timestamp, Some("")),
        format(&sent.nonce_str, &sent.timestamp, None),
    ]
}

/// Whether some order of the values other than the sorted one gives the signature: every
/// permutation of the (at most 7) values, 5 040 hashes at most, tried only when nothing
/// cheaper explained the signature.
fn unsorted_candidates(sent: &CardExtInput, matches: &dyn Fn(String) -> bool) -> bool {
    unsorted_values(&sent.values(), matches)
}

/// Whether an order of the non-empty `all` other than the sorted one gives the signature.
fn unsorted_values(all: &[&str], matches: &dyn Fn(String) -> bool) -> bool {
    let mut values: Vec<&str> = all.iter().copied().filter(|v| !v.is_empty()).collect();
    values.sort_unstable();
    let sorted = values.clone();
    // Heap's algorithm, iteratively: every order once
    let n = values.len();
    let mut c = vec![0usize; n];
    let mut i = 1;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                values.swap(0, i);
            } else {
                values.swap(c[i], i);
            }
            if values != sorted && matches(sha1_hex(values.iter().copied())) {
                return true;
            }
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    false
}

/// Clock drift between generating the signature and building card_ext is at most minutes, so ±600 s
/// covers it while staying cheap (1200 hashes).
const TIMESTAMP_WINDOW: u64 = 600;

fn timestamp_cause(sent: &CardExtInput, signs: &dyn Fn(CardExtInput) -> bool) -> Option<Cause> {
    let ts = &sent.timestamp;
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let found =
        |signed: String| signs(sent.with(|i| i.timestamp = signed.clone())).then_some(signed);

    if let Ok(value) = ts.parse::<u64>() {
        // Nearest first, so the reported timestamp is the most plausible one.
        for delta in 1..=TIMESTAMP_WINDOW {
            for candidate in [value.checked_sub(delta), value.checked_add(delta)]
                .into_iter()
                .flatten()
            {
                if let Some(signed) = found(candidate.to_string()) {
                    return Some(Cause::DifferentTimestamp {
                        signed,
                        sent: ts.clone(),
                    });
                }
            }
        }
    }

    // Seconds are 10 digits until 2286; a 13-digit value is milliseconds (JS Date.now(), Java
    // currentTimeMillis()). Only the exact ×1000 / ÷1000 forms are tried, which keeps this deterministic.
    let millis_counterpart = match ts.len() {
        13 => Some(ts[..10].to_string()),
        10 => Some(format!("{ts}000")),
        _ => None,
    };
    millis_counterpart
        .and_then(found)
        .map(|signed| Cause::MillisecondTimestamp {
            signed,
            sent: ts.clone(),
        })
}

/// Signers that hash key names: only the sorted key names, `key+value` per field in key order, or key
/// names and values sorted together as one list.
fn keys_signed_candidates(sent: &CardExtInput) -> Vec<String> {
    let mut present: Vec<(&str, &str)> = sent
        .named_values()
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect();
    present.sort_unstable();

    let keys: Vec<&str> = present.iter().map(|(key, _)| *key).collect();
    let keys_then_values: Vec<String> = present
        .iter()
        .map(|(key, value)| format!("{key}{value}"))
        .collect();
    let mixed: Vec<&str> = present.iter().flat_map(|(k, v)| [*k, *v]).collect();

    vec![
        sha1_hex(keys),
        sha1_hex(keys_then_values.iter().map(String::as_str)),
        sign_values(&mixed),
    ]
}

/// Signers copied from wx.config: `k=v` pairs sorted by key and joined with `&`. The ticket key is tried
/// as `api_ticket` and as wx.config's `jsapi_ticket`, the nonce key as `nonce_str` and as `noncestr`,
/// because the key names move the ticket and nonce within the sort.
fn key_value_pair_candidates(sent: &CardExtInput) -> Vec<String> {
    let mut candidates = Vec::new();
    for ticket_key in ["api_ticket", "jsapi_ticket"] {
        for nonce_key in ["nonce_str", "noncestr"] {
            let mut pairs: Vec<(&str, &str)> = sent
                .named_values()
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(key, value)| match key {
                    "api_ticket" => (ticket_key, value),
                    "nonce_str" => (nonce_key, value),
                    _ => (key, value),
                })
                .collect();
            pairs.sort_unstable();
            let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            candidates.push(sha1_hex([joined.join("&").as_str()]));
        }
    }
    candidates
}

/// Case-insensitive sorts fold either to lower case (most languages) or to upper case (.NET
/// `OrdinalIgnoreCase`); the two differ for `_`, which sits between the cases in ASCII.
fn case_insensitive_candidates(sent: &CardExtInput) -> Vec<String> {
    let fold_lower = |a: &&str, b: &&str| folded_cmp(a, b, u8::to_ascii_lowercase);
    let fold_upper = |a: &&str, b: &&str| folded_cmp(a, b, u8::to_ascii_uppercase);
    let mut values: Vec<&str> = sent
        .values()
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect();
    values.sort_by(fold_lower);
    let lower = sha1_hex(values.iter().copied());
    values.sort_by(fold_upper);
    let upper = sha1_hex(values.iter().copied());
    vec![lower, upper]
}

/// Compares with case folded, falling back to byte order so the result is deterministic on ties.
fn folded_cmp(a: &str, b: &str, fold: fn(&u8) -> u8) -> Ordering {
    a.bytes()
        .map(|c| fold(&c))
        .cmp(b.bytes().map(|c| fold(&c)))
        .then_with(|| a.cmp(b))
}

fn sha1_hex<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hasher.digest().to_string()
}

fn json_string(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // OFF-JSSDK 附录4 worked example.
    const TICKET: &str = "ojZ8YtyVyr30HheH3CM73y7h4jJE";
    const CARD_ID: &str = "pjZ8Yt1XGILfi-FUsewpnnolGgZk";
    const TIMESTAMP: &str = "1404896688";
    const CODE: &str = "1434008071";
    const NONCE: &str = "123";
    const OPENID: &str = "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA";
    const OFFICIAL: &str = "f137ab68b7f8112d20ee528ab6074564e2796250";
    const NO_CODE: &str = "11056a0835078caa4d82a948a416875f66af4283";
    const NO_CODE_OPENID: &str = "d4d15eb987a2bc22e60483cefa031ecc00246d95";

    // wechatpy tests/test_client.py::test_jsapi_get_jsapi_add_card_params
    const WP_TICKET: &str =
        "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";

    // Senparc JSSDKHelperTests.GetcardExtSignTest
    fn senparc() -> CardExtInput {
        CardExtInput {
            api_ticket: "E0o2-at6NcC2OsJiQTlwlKYyg-fKayq9IF7iYyyyi7JyxXirHaurpJgI7oqY0AVbFPnZmYCgmCdTNBlU1hBRzw"
                .into(),
            timestamp: "1498125529".into(),
            card_id: "ptMXyt1Z8fa_oO9VZCPeNvQIrL3E".into(),
            nonce_str: "F899139DF5E1059396431415E770C6DD".into(),
            code: "PK0000397757".into(),
            openid: "otMXytwcamKAa3JmUoQ0N7OGDFuA".into(),
            balance: String::new(),
        }
    }

    /// The official example without a code (a non-custom card), nonce "123".
    fn base() -> CardExtInput {
        CardExtInput {
            api_ticket: TICKET.into(),
            card_id: CARD_ID.into(),
            timestamp: TIMESTAMP.into(),
            nonce_str: NONCE.into(),
            ..Default::default()
        }
    }

    fn sha1(text: &str) -> String {
        sha1_smol::Sha1::from(text).digest().to_string()
    }

    // ---- vectors -------------------------------------------------------------------------------

    #[test]
    fn official_vector() {
        let input = base().with(|i| i.code = CODE.into());
        assert_eq!(card_ext_signature(&input), OFFICIAL);
        assert_eq!(
            sign_values(&[TICKET, CARD_ID, TIMESTAMP, CODE, NONCE]),
            OFFICIAL
        );
    }

    #[test]
    fn official_sorted_string_is_byte_order() {
        let mut values = [TICKET, TIMESTAMP, CARD_ID, CODE, NONCE];
        values.sort_unstable();
        assert_eq!(
            values.concat(),
            "12314048966881434008071ojZ8YtyVyr30HheH3CM73y7h4jJEpjZ8Yt1XGILfi-FUsewpnnolGgZk"
        );
        assert_eq!(sha1(&values.concat()), OFFICIAL);
    }

    #[test]
    fn computed_vector_without_code() {
        assert_eq!(card_ext_signature(&base()), NO_CODE);
    }

    #[test]
    fn computed_vector_without_code_with_openid() {
        let input = base().with(|i| i.openid = OPENID.into());
        assert_eq!(card_ext_signature(&input), NO_CODE_OPENID);
    }

    #[test]
    fn choose_card_sign_vector() {
        let sign = choose_card_sign(
            TICKET,
            "wx1234567890abcdef",
            "",
            TIMESTAMP,
            NONCE,
            "",
            "GROUPON",
        );
        assert_eq!(sign, "d43e2f987bd1f08c6a94d632687b8536a93083e0");
        assert_eq!(
            sign,
            sha1("1231404896688GROUPONojZ8YtyVyr30HheH3CM73y7h4jJEwx1234567890abcdef")
        );
    }

    #[test]
    fn wechatpy_vectors() {
        let minimal = CardExtInput {
            api_ticket: WP_TICKET.into(),
            timestamp: "1414587457".into(),
            nonce_str: "Wm3WZYTPz0wzccnW".into(),
            card_id: "random_card_id".into(),
            ..Default::default()
        };
        let with_code = minimal.with(|i| i.code = "random_code".into());
        let with_openid = minimal.with(|i| i.openid = "random_openid".into());
        let with_both = with_code.with(|i| i.openid = "random_openid".into());
        assert_eq!(
            card_ext_signature(&minimal),
            "22dce6bad4db532d4a2ef82ca2ca7bbe1e10ef28"
        );
        assert_eq!(
            card_ext_signature(&with_code),
            "2e9c6d12952246e071717d7baeab20c30420b5cd"
        );
        assert_eq!(
            card_ext_signature(&with_openid),
            "ded860a5dd4467312764bd86e544ad0579cbfad0"
        );
        assert_eq!(
            card_ext_signature(&with_both),
            "950dc1842852457ea573d4d6af34879c1ec093c8"
        );
    }

    #[test]
    fn senparc_vector() {
        assert_eq!(
            card_ext_signature(&senparc()),
            "cdd62c91eaa2c62f02b54e220dea282e34cce879"
        );
    }

    #[test]
    fn empty_values_contribute_nothing() {
        // Like WxJava's test and the PHP blog sample, which pass "" for unused fields.
        assert_eq!(
            sign_values(&["", TICKET, "", CARD_ID, TIMESTAMP, NONCE, ""]),
            NO_CODE
        );
        assert_eq!(sign_values(&[]), sha1(""));
    }

    #[test]
    fn what_was_left_out_of_the_signature_is_named() {
        let sent = base();
        let known = Known::default();
        let cause = |sig: String| diagnose(&sent, &sig, &known).err().flatten();
        assert_eq!(cause(SHA1_OF_NOTHING.into()), Some(Cause::NothingSigned));
        assert_eq!(sha1(""), SHA1_OF_NOTHING);
        let without = |ticket: bool, card: bool| {
            let mut values = vec![TIMESTAMP, NONCE];
            if ticket {
                values.push(TICKET);
            }
            if card {
                values.push(CARD_ID);
            }
            sign_values(&values)
        };
        assert_eq!(cause(without(false, true)), Some(Cause::TicketLeftOut));
        assert_eq!(cause(without(true, false)), Some(Cause::CardIdLeftOut));
        assert_eq!(
            cause(without(false, false)),
            Some(Cause::TicketAndCardIdLeftOut)
        );
        assert!(diagnose(&sent, &without(true, true), &known).is_ok());
    }

    #[test]
    fn digits_before_upper_before_lower() {
        assert_eq!(sign_values(&["a", "B", "1"]), sha1("1Ba"));
        assert_eq!(sign_values(&["_x", "Zx", "ax"]), sha1("Zx_xax"));
    }

    #[test]
    fn balance_is_signed() {
        let input = base().with(|i| i.balance = "100".into());
        assert_eq!(
            card_ext_signature(&input),
            sign_values(&[TICKET, CARD_ID, TIMESTAMP, NONCE, "100"])
        );
        assert_ne!(card_ext_signature(&input), NO_CODE);
    }

    // ---- card_ext_json -------------------------------------------------------------------------

    #[test]
    fn card_ext_json_full_shape() {
        let input = base().with(|i| {
            i.code = CODE.into();
            i.openid = OPENID.into();
        });
        let signature = card_ext_signature(&input);
        assert_eq!(
            card_ext_json(&input),
            format!(
                r#"{{"code":"1434008071","openid":"{OPENID}","timestamp":"1404896688","nonce_str":"123","signature":"{signature}"}}"#
            )
        );
    }

    #[test]
    fn card_ext_json_official_vector_leaves_out_empty_fields() {
        let input = base().with(|i| i.code = CODE.into());
        let json = card_ext_json(&input);
        assert_eq!(
            json,
            r#"{"code":"1434008071","timestamp":"1404896688","nonce_str":"123","signature":"f137ab68b7f8112d20ee528ab6074564e2796250"}"#
        );
        assert!(!json.contains(TICKET));
        assert!(!json.contains("api_ticket"));
        assert!(!json.contains("card_id"));
    }

    #[test]
    fn card_ext_json_minimal_and_parseable() {
        let input = base().with(|i| i.nonce_str.clear());
        let json = card_ext_json(&input);
        let signature = card_ext_signature(&input);
        assert_eq!(
            json,
            format!(r#"{{"timestamp":"1404896688","signature":"{signature}"}}"#)
        );
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(parsed["timestamp"].is_string());
        assert_eq!(parsed["signature"], signature.as_str());
    }

    #[test]
    fn card_ext_json_escapes_and_carries_balance() {
        let input = base().with(|i| {
            i.nonce_str = "a\"b\\c".into();
            i.balance = "100".into();
        });
        let json = card_ext_json(&input);
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["nonce_str"], "a\"b\\c");
        assert_eq!(parsed["balance"], "100");
        assert!(json.find("\"nonce_str\"").unwrap() < json.find("\"balance\"").unwrap());
        assert!(json.find("\"balance\"").unwrap() < json.find("\"signature\"").unwrap());
    }

    // ---- diagnose ------------------------------------------------------------------------------

    #[test]
    fn matching_signature_is_ok() {
        let sent = base().with(|i| i.code = CODE.into());
        assert_eq!(diagnose(&sent, OFFICIAL, &Known::default()), Ok(()));
        assert_eq!(
            diagnose(&sent, &OFFICIAL.to_ascii_uppercase(), &Known::default()),
            Ok(())
        );
    }

    #[test]
    fn unexplained_signature_is_none() {
        let signature = sha1("something else entirely");
        assert_eq!(diagnose(&base(), &signature, &Known::default()), Err(None));
    }

    #[test]
    fn different_timestamp() {
        let signed = base().with(|i| i.timestamp = "1404896688".into());
        let sent = base().with(|i| i.timestamp = "1404896693".into());
        assert_eq!(
            diagnose(&sent, &card_ext_signature(&signed), &Known::default()),
            Err(Some(Cause::DifferentTimestamp {
                signed: "1404896688".into(),
                sent: "1404896693".into(),
            }))
        );
    }

    #[test]
    fn different_timestamp_later_and_at_window_edge() {
        let signed = base().with(|i| i.timestamp = "1404897288".into());
        assert_eq!(
            diagnose(&base(), &card_ext_signature(&signed), &Known::default()),
            Err(Some(Cause::DifferentTimestamp {
                signed: "1404897288".into(),
                sent: TIMESTAMP.into(),
            }))
        );
        let outside = base().with(|i| i.timestamp = "1404897289".into());
        assert_eq!(
            diagnose(&base(), &card_ext_signature(&outside), &Known::default()),
            Err(None)
        );
    }

    #[test]
    fn millisecond_timestamp_signed() {
        // Signer used Date.now(); card_ext got seconds.
        let signed = base().with(|i| i.timestamp = "1404896688000".into());
        assert_eq!(
            diagnose(&base(), &card_ext_signature(&signed), &Known::default()),
            Err(Some(Cause::MillisecondTimestamp {
                signed: "1404896688000".into(),
                sent: TIMESTAMP.into(),
            }))
        );
    }

    #[test]
    fn millisecond_timestamp_sent() {
        // Signer used seconds; card_ext got the millisecond value.
        let sent = base().with(|i| i.timestamp = "1404896688123".into());
        assert_eq!(
            diagnose(&sent, NO_CODE, &Known::default()),
            Err(Some(Cause::MillisecondTimestamp {
                signed: TIMESTAMP.into(),
                sent: "1404896688123".into(),
            }))
        );
    }

    #[test]
    fn nonce_left_out() {
        // Signed without nonce, but card_ext carries "123" (Senparc #140 in reverse).
        let signed = base().with(|i| i.nonce_str.clear());
        assert_eq!(
            diagnose(&base(), &card_ext_signature(&signed), &Known::default()),
            Err(Some(Cause::NonceLeftOut))
        );
    }

    #[test]
    fn nonce_added() {
        // The SDK always signed a nonce (EasyWeChat #1071) but card_ext carries none.
        let sent = base().with(|i| i.nonce_str.clear());
        let known = Known {
            nonce_str: Some(NONCE.into()),
            ..Default::default()
        };
        assert_eq!(
            diagnose(&sent, NO_CODE, &known),
            Err(Some(Cause::NonceAdded))
        );
        // Without the nonce the hypothesis cannot be tested.
        assert_eq!(diagnose(&sent, NO_CODE, &Known::default()), Err(None));
    }

    #[test]
    fn code_signed_not_sent() {
        // The official signature covers the code; card_ext left it out.
        let known = Known {
            code: Some(CODE.into()),
            ..Default::default()
        };
        assert_eq!(
            diagnose(&base(), OFFICIAL, &known),
            Err(Some(Cause::CodeSignedNotSent))
        );
        assert_eq!(diagnose(&base(), OFFICIAL, &Known::default()), Err(None));
    }

    #[test]
    fn code_sent_not_signed() {
        let sent = base().with(|i| i.code = CODE.into());
        assert_eq!(
            diagnose(&sent, NO_CODE, &Known::default()),
            Err(Some(Cause::CodeSentNotSigned))
        );
    }

    #[test]
    fn openid_signed_not_sent() {
        let known = Known {
            openid: Some(OPENID.into()),
            ..Default::default()
        };
        assert_eq!(
            diagnose(&base(), NO_CODE_OPENID, &known),
            Err(Some(Cause::OpenidSignedNotSent))
        );
    }

    #[test]
    fn openid_sent_not_signed() {
        let sent = base().with(|i| i.openid = OPENID.into());
        assert_eq!(
            diagnose(&sent, NO_CODE, &Known::default()),
            Err(Some(Cause::OpenidSentNotSigned))
        );
    }

    #[test]
    fn keys_signed_names_only() {
        // A signer that sorted the map's keys instead of its values.
        let mut keys = ["api_ticket", "card_id", "timestamp", "nonce_str"];
        keys.sort_unstable();
        let wrong = sha1(&keys.concat());
        assert_eq!(
            diagnose(&base(), &wrong, &Known::default()),
            Err(Some(Cause::KeysSigned))
        );
    }

    #[test]
    fn keys_signed_with_values() {
        // A signer that concatenated key+value for each field, in key order.
        let wrong = sha1(&format!(
            "api_ticket{TICKET}card_id{CARD_ID}nonce_str{NONCE}timestamp{TIMESTAMP}"
        ));
        assert_eq!(
            diagnose(&base(), &wrong, &Known::default()),
            Err(Some(Cause::KeysSigned))
        );
    }

    #[test]
    fn keys_signed_mixed_with_values() {
        // A signer that pushed both the key names and the values into one list, then sorted it.
        let mut mixed = [
            "api_ticket",
            TICKET,
            "card_id",
            CARD_ID,
            "nonce_str",
            NONCE,
            "timestamp",
            TIMESTAMP,
        ];
        mixed.sort_unstable();
        let wrong = sha1(&mixed.concat());
        assert_eq!(
            diagnose(&base(), &wrong, &Known::default()),
            Err(Some(Cause::KeysSigned))
        );
    }

    #[test]
    fn key_value_pairs_signed() {
        // wx.config-style string with the card field names.
        let wrong = sha1(&format!(
            "api_ticket={TICKET}&card_id={CARD_ID}&nonce_str={NONCE}&timestamp={TIMESTAMP}"
        ));
        assert_eq!(
            diagnose(&base(), &wrong, &Known::default()),
            Err(Some(Cause::KeyValuePairsSigned))
        );
    }

    #[test]
    fn key_value_pairs_signed_with_jsapi_ticket_key() {
        // The wx.config signer reused as is: the ticket under `jsapi_ticket`, nonce under `noncestr`.
        let wrong = sha1(&format!(
            "card_id={CARD_ID}&jsapi_ticket={TICKET}&noncestr={NONCE}&timestamp={TIMESTAMP}"
        ));
        assert_eq!(
            diagnose(&base(), &wrong, &Known::default()),
            Err(Some(Cause::KeyValuePairsSigned))
        );
    }

    #[test]
    fn case_insensitive_sort_senparc_counter_example() {
        // Senparc before v14.4.14: values sorted ignoring case.
        let sent = senparc();
        let mut values: Vec<String> = sent.values().iter().map(|v| v.to_string()).collect();
        values.sort_by_key(|v| v.to_lowercase());
        let wrong = sha1(&values.concat());
        assert!(wrong.starts_with("3114e829"), "{wrong}");
        assert_eq!(
            diagnose(&sent, &wrong, &Known::default()),
            Err(Some(Cause::CaseInsensitiveSort))
        );
    }

    #[test]
    fn case_insensitive_sort_upper_folding() {
        // OrdinalIgnoreCase folds to upper case, which puts "_" after the letters.
        let sent = base().with(|i| {
            i.card_id = "_card".into();
            i.nonce_str = "Nonce".into();
        });
        let mut values: Vec<String> = sent.values().iter().map(|v| v.to_string()).collect();
        values.sort_by_key(|v| v.to_uppercase());
        let wrong = sha1(&values.concat());
        assert_ne!(wrong, card_ext_signature(&sent));
        assert_eq!(
            diagnose(&sent, &wrong, &Known::default()),
            Err(Some(Cause::CaseInsensitiveSort))
        );
    }

    #[test]
    fn jsapi_ticket_used() {
        let jsapi = "bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5OfkWITDGgnr2fwJ0m9E8NYzWKVZvdVtaUgWvsdshFKA";
        let signed = base().with(|i| i.api_ticket = jsapi.into());
        let known = Known {
            jsapi_ticket: Some(jsapi.into()),
            ..Default::default()
        };
        let wrong = card_ext_signature(&signed);
        assert_eq!(
            diagnose(&base(), &wrong, &known),
            Err(Some(Cause::JsapiTicketUsed))
        );
        assert_eq!(diagnose(&base(), &wrong, &Known::default()), Err(None));
    }

    #[test]
    fn causes_never_carry_the_ticket() {
        let signed = base().with(|i| i.timestamp = "1404896600".into());
        let cause = diagnose(&base(), &card_ext_signature(&signed), &Known::default())
            .unwrap_err()
            .unwrap();
        assert!(!format!("{cause:?}").contains(TICKET));
    }
}

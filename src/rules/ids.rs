//! Identifiers (card_id, openid, code ...): placeholders copied from the docs, and stray
//! whitespace that makes a real id unknown to the server.

use super::{Ctx, Out, Path};
use crate::registry::code;
use serde_json::Value;

const ID_KEYS: &[&str] = &[
    "card_id",
    "cardId",
    "openid",
    "code",
    "new_code",
    "encrypt_code",
    "membership_number",
];

/// `xxxx_card_id`, `******`, `CARD_ID`, `OPENID`, `card_id_123+`: a value written to be
/// replaced; an openid of digits only (`12312313`: real openids are 28 characters of letters
/// and digits starting with `o`).
fn placeholder(key: &str, value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let names_itself = key.len() > 4 && lower.contains(&key.to_ascii_lowercase());
    let digits_openid = key == "openid" && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    names_itself
        || digits_openid
        || lower.contains("xxx")
        || (v.len() >= 3 && v.chars().all(|c| c == '*'))
        || v.eq_ignore_ascii_case(key)
        || v.eq_ignore_ascii_case(&key.replace('_', ""))
        || lower.starts_with("your_")
        || lower.starts_with("your") && lower.contains("id")
}

/// The values the official docs use in their request and response examples: (value, the
/// field it is an example of, the doc it comes from as a `doc.*` term). Sent as they are, they
/// name another account's card, code or user.
const DOC_EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "pFS7Fjg8kV1IdDz01r4SQwMkuCKc",
        "card_id",
        "doc.qrcode_create",
    ),
    (
        "p1Pj9jgj3BcomSgtuW8B1wl-wo98",
        "card_id",
        "doc.qrcode_create",
    ),
    (
        "p1Pj9jgj3BcomSgtuW8B1wl-wo88",
        "card_id",
        "doc.qrcode_create",
    ),
    (
        "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA",
        "openid",
        "doc.qrcode_create",
    ),
    ("198374613512", "code", "doc.qrcode_create"),
    ("pXch-jnOlGtbuWwIO2NDftZeynRE", "card_id", "doc.landingpage"),
    ("pXch-jnAN-ZBoRbiwgqBZ1RV60fI", "card_id", "doc.landingpage"),
    (
        "pDF3iY0_dVjb_Pua96MMewA96qvA",
        "card_id",
        "doc.code_deposit",
    ),
    ("pbLatjk4T4Hx-QFQGL4zGQy27_Qg", "card_id", "doc.code_get"),
    ("obLatjm43RA5C6QfMO5szKYnT3dM", "openid", "doc.code_get"),
    ("123456789", "code", "doc.code_get"),
    ("110201201245", "code", "doc.code_consume"),
    ("12312313", "code", "doc.code_unavailable"),
    ("12345678", "code", "doc.code_update"),
    ("3495739475", "new_code", "doc.code_update"),
    ("AAA00000001", "membership_number", "doc.member_activate"),
    (
        "p1Pj9jr90_SQRaVqYI239Ka1erkI",
        "card_id",
        "doc.member_updateuser",
    ),
    ("179011264953", "code", "doc.member_updateuser"),
    (
        "pbLatjtZ7v1BG_ZnTjbW85GYc_E8",
        "card_id",
        "doc.member_userinfo",
    ),
    ("916679873278", "code", "doc.member_userinfo"),
    (
        "pbLatjnrwUUdZI641gKdTMJzHGfc",
        "card_id",
        "doc.activateuserform",
    ),
    (
        "pXch-jvdwkJjY7evUFV-sGsoMl7A",
        "card_id",
        "doc.meeting_updateuser",
    ),
    ("717523732898", "code", "doc.meeting_updateuser"),
    ("277217129962", "code", "doc.movie_updateuser"),
];

/// The doc example a value is (in any id field: an openid holding the docs' example card_id
/// is named as that card_id).
fn doc_example(value: &str) -> Option<(&'static str, &'static str)> {
    DOC_EXAMPLES
        .iter()
        .find(|(example, _, _)| *example == value)
        .map(|(_, kind, doc)| (*kind, *doc))
}

/// CODE007 and CODE008 (called for every value, from the shared walk).
pub fn value(ctx: &Ctx, out: &mut Out, path: &Path, v: &Value) {
    let Some(s) = v.as_str() else {
        return;
    };
    let Some(key) = path.owning_key().filter(|k| ID_KEYS.contains(k)) else {
        return;
    };
    if s.is_empty() {
        return;
    }
    if let Some((kind, doc)) = doc_example(s) {
        let hit = ctx.hit(code::CODE007, &path.pointer()).arg("value", s);
        out.push(hit.arg("kind", kind).term("doc", doc));
    } else if placeholder(key, s) {
        out.push(ctx.hit(code::CODE007, &path.pointer()).arg("value", s));
    } else if s.chars().any(char::is_whitespace) {
        out.push(
            ctx.hit(code::CODE008, &path.pointer())
                .arg("value", format!("{s:?}")),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders() {
        assert!(super::placeholder("card_id", "xxxx_card_id"));
        assert!(super::placeholder("card_id", "CARD_ID"));
        assert!(super::placeholder("openid", "*******"));
        assert!(super::placeholder("card_id", "card_id_123+"));
        assert!(super::placeholder("openid", "12312313"));
        assert!(!super::placeholder(
            "openid",
            "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA"
        ));
        assert!(!super::placeholder("code", "12312313"));
        assert!(!super::placeholder(
            "card_id",
            "pFS7Fjg8kV1IdDz01r4SQwMkuCKc"
        ));
        assert!(!super::placeholder("code", "12312313"));
    }

    #[test]
    fn doc_examples_are_named_with_their_doc() {
        assert_eq!(
            super::doc_example("pFS7Fjg8kV1IdDz01r4SQwMkuCKc"),
            Some(("card_id", "doc.qrcode_create"))
        );
        assert_eq!(
            super::doc_example("110201201245"),
            Some(("code", "doc.code_consume"))
        );
        assert_eq!(super::doc_example("pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"), None);
        // with whitespace it is CODE008's
        assert_eq!(super::doc_example(" 110201201245"), None);
        for (value, _, doc) in super::DOC_EXAMPLES {
            for lang in [crate::Lang::Zh, crate::Lang::En] {
                let text = crate::registry::term(lang, doc);
                assert!(!text.is_empty() && text != *doc, "{value}: {doc}");
            }
        }
    }
}

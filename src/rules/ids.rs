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
    if placeholder(key, s) {
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
}

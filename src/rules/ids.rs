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

/// `xxxx_card_id`, `******`, `CARD_ID`, `OPENID`: a value written to be replaced.
fn placeholder(key: &str, value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    lower.contains("xxx")
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
        assert!(!super::placeholder(
            "card_id",
            "pFS7Fjg8kV1IdDz01r4SQwMkuCKc"
        ));
        assert!(!super::placeholder("code", "12312313"));
    }
}

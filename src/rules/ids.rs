//! Identifiers (card_id, openid, code ...): placeholders copied from the docs, and stray
//! whitespace that makes a real id unknown to the server.

use super::{walk, Ctx, Out};

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

pub fn check(ctx: &Ctx, out: &mut Out) {
    walk(ctx.value, &mut String::new(), &mut |ptr, v| {
        let Some(s) = v.as_str() else {
            return;
        };
        let owner = super::owning_key(ptr);
        let Some(key) = owner.as_ref().filter(|k| ID_KEYS.contains(&k.as_str())) else {
            return;
        };
        if s.is_empty() {
            return;
        }
        if placeholder(key, s) {
            out.push(ctx.hit("CODE007", ptr).arg("value", s));
        } else if s.chars().any(char::is_whitespace) {
            out.push(ctx.hit("CODE008", ptr).arg("value", format!("{s:?}")));
        }
    });
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

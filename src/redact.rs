//! Secrets never leave cardlint: access tokens, tickets and app secrets are masked in every
//! message and in the source text that reports quote.

use crate::finding::Arg;
use regex::Regex;
use std::sync::OnceLock;

/// Keys and URL parameters whose values are credentials.
pub const SECRET_KEYS: &[&str] = &[
    "access_token",
    "component_access_token",
    "api_ticket",
    "apiTicket",
    "apiticket",
    "jsapi_ticket",
    "ticket",
    "secret",
    "appsecret",
    "app_secret",
    "appSecret",
];

pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Masks the argument values of a finding that sits on a secret field.
pub fn args(pointer: &str, args: &mut [(&'static str, Arg)]) {
    let last = pointer.rsplit('/').next().unwrap_or("");
    if !is_secret_key(&crate::model::pointer::unescape(last)) {
        return;
    }
    for (name, arg) in args.iter_mut() {
        if matches!(*name, "value" | "quoted" | "number" | "text") {
            *arg = Arg::Text("\"***\"".to_string());
        }
    }
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let keys = SECRET_KEYS.join("|");
        Regex::new(&format!(
            r#"(?i)((?:{keys})\\*["']?\s*[:=]\s*\\*["']?)([^"'&\s,}}\]#\\]+)"#
        ))
        .expect("valid pattern")
    })
}

/// Replaces every character of a secret value with `*`, keeping lengths in code points so
/// that line and column numbers stay right.
pub fn mask(text: &str) -> std::borrow::Cow<'_, str> {
    if !may_hold_secret(text) {
        // most outputs name no credential at all; this spares the process compiling the pattern
        return std::borrow::Cow::Borrowed(text);
    }
    pattern().replace_all(text, |c: &regex::Captures| {
        format!("{}{}", &c[1], "*".repeat(c[2].chars().count()))
    })
}

/// Whether `text` may name a secret key: each of them contains "token", "ticket" or "secret",
/// so text without their first five letters (in any case) holds none.
fn may_hold_secret(text: &str) -> bool {
    const STEMS: [&[u8]; 3] = [b"token", b"ticke", b"secre"];
    text.as_bytes()
        .windows(5)
        .any(|w| STEMS.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_without_a_secret_key_is_returned_as_is() {
        assert!(matches!(
            super::mask("{\"card_id\": \"p1\"}"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(super::may_hold_secret("x ACCESS_TOKEN=1"));
        assert!(super::may_hold_secret("appSecret"));
        assert!(!super::may_hold_secret("tok en"));
    }

    #[test]
    fn masks_url_and_json_secrets() {
        let t = "POST https://api.weixin.qq.com/card/create?access_token=ABC123&x=1\n{\"api_ticket\": \"T0k\"}";
        let m = super::mask(t);
        assert!(!m.contains("ABC123") && !m.contains("T0k"), "{m}");
        assert_eq!(m.chars().count(), t.chars().count());
        // inside a JSON string (a cardExt), quotes are escaped
        let escaped = r#"{"cardExt": "{\"api_ticket\":\"T0k3n\",\"timestamp\":\"1\"}"}"#;
        assert!(
            !super::mask(escaped).contains("T0k3n"),
            "{}",
            super::mask(escaped)
        );
    }
}

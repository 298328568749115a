//! A body sent form-encoded (`begin_date=2021-06-15&cond_source=0`) instead of JSON: what
//! Python requests sends for `data=dict`, or PHP for `http_build_query`. Read as JSON it would
//! be one unquoted word, whose repair (quoting it) gives a string, still not a request.

/// The first key, when the whole text is `key=value` pairs joined by `&`.
pub fn first_key(text: &str) -> Option<&str> {
    let text = text.trim();
    // a JSON document opens with a bracket, a quote or a literal: no full scan for it
    if !text.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '%')) {
        return None;
    }
    let mut first = None;
    for pair in text.split('&') {
        let (key, value) = pair.split_once('=')?;
        let key_ok = !key.is_empty()
            && key.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']' | '%')
            });
        // a value is URL-encoded text: no blank, no JSON punctuation
        let value_ok = !value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '{' | '}' | '"' | ',' | ':'));
        if !key_ok || !value_ok {
            return None;
        }
        first.get_or_insert(key);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::first_key;

    #[test]
    fn a_form_body_and_what_is_not_one() {
        assert_eq!(
            first_key("begin_date=2021-06-15&cond_source=0"),
            Some("begin_date")
        );
        assert_eq!(first_key(" card_id=pFS7&code=12%2034\\n"), Some("card_id"));
        assert_eq!(first_key("a=1"), Some("a"));
        assert_eq!(first_key("a=1&"), None);
        assert_eq!(first_key("hello"), None);
        assert_eq!(first_key("{\"a\": 1}"), None);
        assert_eq!(first_key("a=1 b=2"), None);
        assert_eq!(first_key("=1"), None);
        assert_eq!(first_key(""), None);
    }
}

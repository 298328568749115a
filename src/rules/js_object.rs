//! The literal fields of a JavaScript object literal in page code (`{timestamp: '1795000000',
//! signature: sig}`): enough to verify a cardExt built with `JSON.stringify({...})` or the
//! arguments of `wx.chooseCard({...})`. A value that is not a plain string or number literal
//! is `Lit::Other`: it is computed at run time, and a signature over it cannot be checked.

use crate::model::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(String),
    Other,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: String,
    pub value: Lit,
    /// The value's bytes in the page (the key's for a shorthand `{timestamp}`).
    pub span: Span,
}

impl Lit {
    /// The text a literal signs as; `None` for a computed value.
    pub fn text(&self) -> Option<&str> {
        match self {
            Lit::Str(s) | Lit::Num(s) => Some(s),
            Lit::Other => None,
        }
    }
}

fn skip_blank(b: &[u8], mut i: usize, end: usize) -> usize {
    while i < end {
        match super::html::skip_comment(b, i) {
            Some(next) => i = next,
            None if b[i].is_ascii_whitespace() => i += 1,
            None => break,
        }
    }
    i
}

/// The fields of the object literal whose `{` is at `open`, or `None` when the text there is
/// not one (a spread, a computed key or a method makes the whole object unreadable).
pub fn fields(text: &str, open: usize) -> Option<Vec<Field>> {
    let b = text.as_bytes();
    if b.get(open) != Some(&b'{') {
        return None;
    }
    // an object that is never closed is not read (and `close` is then a `}` byte, a char
    // boundary, for the slicing below)
    let after = super::html::matching(b, open);
    if b.get(after.wrapping_sub(1)) != Some(&b'}') || after <= open + 1 {
        return None;
    }
    let close = after - 1;
    let mut out = Vec::new();
    let mut i = skip_blank(b, open + 1, close);
    while i < close {
        let (key, after_key) = key_at(text, i, close)?;
        let key_span = i..after_key;
        i = skip_blank(b, after_key, close);
        if b.get(i) != Some(&b':') {
            // shorthand `{timestamp}`: a variable
            out.push(Field {
                key,
                value: Lit::Other,
                span: key_span,
            });
        } else {
            i = skip_blank(b, i + 1, close);
            let end = super::html::value_end(b, i, close);
            let value = literal(text, i, end);
            let span = i..end - (text[i..end].len() - text[i..end].trim_end().len());
            out.push(Field { key, value, span });
            i = end;
        }
        i = skip_blank(b, i, close);
        match b.get(i) {
            Some(b',') => i = skip_blank(b, i + 1, close),
            _ if i >= close => break,
            _ => return None,
        }
    }
    Some(out)
}

/// A key: an identifier or a quoted string without escapes.
fn key_at(text: &str, i: usize, end: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    match b.get(i)? {
        q @ (b'"' | b'\'') => {
            let close = i + 1 + b[i + 1..end].iter().position(|c| c == q)?;
            let inner = &text[i + 1..close];
            (!inner.contains('\\')).then(|| (inner.to_string(), close + 1))
        }
        c if c.is_ascii_alphabetic() || *c == b'_' || *c == b'$' => {
            let len = b[i..end]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'$')
                .count();
            Some((text[i..i + len].to_string(), i + len))
        }
        _ => None,
    }
}

/// The literal at `i..end` (the whole value), or `Lit::Other`.
fn literal(text: &str, i: usize, end: usize) -> Lit {
    let v = text[i..end].trim_end();
    let quoted = |q: char| v.len() >= 2 && v.starts_with(q) && v.ends_with(q);
    if quoted('"') || quoted('\'') || (quoted('`') && !v.contains("${")) {
        let inner = &v[1..v.len() - 1];
        if !inner.contains('\\') && !inner.contains(v.chars().next().unwrap_or('"')) {
            return Lit::Str(inner.to_string());
        }
        return Lit::Other;
    }
    if !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()) {
        return Lit::Num(v.to_string());
    }
    Lit::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_computed_values() {
        let text = "x = { timestamp: 1795000000, 'nonce_str': \"n0\", signature: sign(a, b), code, t: `x${y}` }";
        let open = text.find('{').unwrap();
        let f = fields(text, open).unwrap();
        let got: Vec<(&str, Lit)> = f
            .iter()
            .map(|f| (f.key.as_str(), f.value.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("timestamp", Lit::Num("1795000000".into())),
                ("nonce_str", Lit::Str("n0".into())),
                ("signature", Lit::Other),
                ("code", Lit::Other),
                ("t", Lit::Other),
            ]
        );
        assert_eq!(&text[f[1].span.clone()], "\"n0\"");
    }

    #[test]
    fn unclosed_objects_and_odd_bytes_are_not_read() {
        for text in [
            "{ a: '卡",
            "{ a: 1, b: 卡",
            "{卡: 1}",
            "{ a: `x",
            "{",
            "{ a: \"卡\" , }",
        ] {
            let _ = fields(text, 0);
        }
        assert!(fields("{ a: '卡", 0).is_none());
    }

    #[test]
    fn a_spread_is_not_read() {
        let text = "{ ...base, signature: 'x' }";
        assert!(fields(text, 0).is_none());
    }
}

//! Helpers on `serde_json::Value` that several stages share.

use serde_json::Value;

/// An integer, or a string of digits (already reported as a quoted integer elsewhere).
pub fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s)
            if !s.is_empty() && s.len() < 19 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse().ok()
        }
        _ => None,
    }
}

/// The JSON Schema type name of a value (`integer` for whole numbers).
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value as it would be written in JSON, shortened for messages.
pub fn show(v: &Value) -> String {
    let s = match v {
        Value::Object(_) => "{…}".to_string(),
        Value::Array(_) => "[…]".to_string(),
        other => other.to_string(),
    };
    super::text::preview(&s, 48)
}

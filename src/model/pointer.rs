//! JSON Pointers (RFC 6901): escaping, splitting, joining, and the field name people see.

pub fn escape(segment: &str) -> String {
    // almost every key has neither character: one scan instead of two replacing copies
    if !segment.contains(['~', '/']) {
        return segment.to_string();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

pub fn unescape(segment: &str) -> String {
    if !segment.contains('~') {
        return segment.to_string();
    }
    segment.replace("~1", "/").replace("~0", "~")
}

/// The value at `pointer`, like `Value::pointer`, without a copy of each segment unless it
/// holds an escape (the rules look fields up by pointer many times per document).
pub fn lookup<'a>(root: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut at = root;
    for seg in rest.split('/') {
        let owned;
        let key = if seg.contains('~') {
            owned = unescape(seg);
            owned.as_str()
        } else {
            seg
        };
        at = match at {
            serde_json::Value::Object(m) => m.get(key)?,
            serde_json::Value::Array(a) => {
                // RFC 6901: no leading zeros, no sign
                if key.starts_with('+') || (key.len() > 1 && key.starts_with('0')) {
                    return None;
                }
                a.get(key.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(at)
}

pub fn pointer_of<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::new();
    for s in segments {
        out.push('/');
        out.push_str(&escape(s.as_ref()));
    }
    out
}

pub fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape)
}

/// `pointer` with one more object key.
pub fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape(key))
}

/// The last object key of a pointer (`/card/cash/base_info/sku/quantity` -> `quantity`).
pub fn field_name(pointer: &str) -> String {
    segments(pointer)
        .filter(|s| s.parse::<usize>().is_err())
        .last()
        .unwrap_or_default()
}

/// A pointer for people: `/` for the root.
pub fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "/".to_string()
    } else {
        pointer.to_string()
    }
}

#[cfg(test)]
mod lookup_tests {
    use serde_json::json;

    #[test]
    fn lookup_agrees_with_value_pointer() {
        let v = json!({"a": {"b/c": [1, {"~d": 2}]}, "": 3, "e": [0, 1]});
        for p in [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/1/~0d",
            "/",
            "/e/01",
            "/e/+1",
            "/e/1",
            "/e/-1",
            "/x",
            "a",
            "/e/",
        ] {
            assert_eq!(super::lookup(&v, p), v.pointer(p), "{p}");
        }
    }
}

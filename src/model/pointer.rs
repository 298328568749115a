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

/// The field a finding names: the last key, with the indexes after it (`cardList[0]` for
/// `/cardList/0`, since the null is the entry and not the list); empty for the root.
pub fn field_label(pointer: &str) -> String {
    let segs: Vec<String> = segments(pointer).collect();
    let key_at = segs.iter().rposition(|s| s.parse::<usize>().is_err());
    let mut label = key_at.map(|i| segs[i].clone()).unwrap_or_default();
    let first_index = key_at.map_or(0, |i| i + 1);
    for index in &segs[first_index..] {
        label.push_str(&format!("[{index}]"));
    }
    label
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
mod label_tests {
    #[test]
    fn a_label_names_the_entry_of_a_list() {
        assert_eq!(super::field_label("/cardList/0"), "cardList[0]");
        assert_eq!(super::field_label("/a/1/2"), "a[1][2]");
        assert_eq!(super::field_label("/card_list/0/card_id"), "card_id");
        assert_eq!(super::field_label("/title"), "title");
        assert_eq!(super::field_label(""), "");
        assert_eq!(super::field_label("/0"), "[0]");
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

//! JSON Pointers (RFC 6901): escaping, splitting, joining, and the field name people see.

pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
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

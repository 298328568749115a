//! Text shown in messages: invisible characters named, long values shortened.

/// A character as a message shows it: control and space characters as `U+XXXX`.
pub fn printable(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        c.to_string()
    }
}

/// The first `max` characters, with `…` when there were more.
pub fn preview(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

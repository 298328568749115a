//! JSON text inside a JSON string (a `card_ext` string): its decoded text, and where each
//! decoded byte was written in the string, so that findings inside it land on the outer bytes.

/// Decodes a JSON string body; `map[i]` is the byte offset in `raw` of decoded byte `i`.
pub fn decode(raw: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let (ch, len) = if bytes[i] == b'\\' && i + 1 < raw.len() {
            match bytes[i + 1] {
                b'u' => {
                    let hex = |at: usize| {
                        raw.get(at..at + 4)
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                    };
                    match hex(i + 2) {
                        Some(hi @ 0xD800..=0xDBFF) if raw.get(i + 6..i + 8) == Some("\\u") => {
                            match hex(i + 8) {
                                Some(lo @ 0xDC00..=0xDFFF) => (
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                        .unwrap_or('\u{fffd}'),
                                    12,
                                ),
                                _ => ('\u{fffd}', 6),
                            }
                        }
                        Some(cp) => (char::from_u32(cp).unwrap_or('\u{fffd}'), 6),
                        None => ('\u{fffd}', 2),
                    }
                }
                b'n' => ('\n', 2),
                b't' => ('\t', 2),
                b'r' => ('\r', 2),
                b'b' => ('\u{8}', 2),
                b'f' => ('\u{c}', 2),
                // any other escaped character stands for itself, whatever its width
                _ => {
                    let c = raw[i + 1..].chars().next().unwrap_or('\u{fffd}');
                    (c, 1 + c.len_utf8())
                }
            }
        } else {
            let c = raw[i..].chars().next().unwrap_or('\u{fffd}');
            (c, c.len_utf8())
        };
        for _ in 0..ch.len_utf8() {
            map.push(i);
        }
        out.push(ch);
        i += len.min(raw.len() - i).max(1);
    }
    map.push(raw.len());
    (out, map)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decode_maps_escapes_back_to_raw_offsets() {
        let (d, map) = super::decode(r#"{\"a\":\"\u5361\"}"#);
        assert_eq!(d, "{\"a\":\"卡\"}");
        assert_eq!(map[1], 1); // the first quote is `\"` at raw byte 1
        assert_eq!(map[d.find('卡').unwrap()], 9);
        assert_eq!(*map.last().unwrap(), r#"{\"a\":\"\u5361\"}"#.len());
    }
}

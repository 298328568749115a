//! The document model at the bottom of every layer: byte spans, where a value sits (path
//! steps, JSON Pointers), one walk over a `serde_json::Value`, value and text helpers, the
//! clock, and the facts of the card API that several stages share. It imports nothing from
//! the crate.

pub mod facts;
pub mod path;
pub mod pointer;
pub mod text;
pub mod value;

/// A byte range in the source text.
pub type Span = std::ops::Range<usize>;

/// Seconds since the Unix epoch by the system clock (0 if it is set before 1970).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Bits from the clock and the process id: different for every process and call, which is all
/// a nonce or a sandbox's id seed needs (nothing here is a secret).
pub fn entropy() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    t ^ u64::from(std::process::id()).rotate_left(32)
}

/// `len` characters from an alphabet without look-alikes (no 0/O, 1/l/I), from [`entropy`].
pub fn nonce(len: usize) -> String {
    let mut x = entropy() ^ 0x9E37_79B9_7F4A_7C15;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

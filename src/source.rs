//! Input loading: bytes to text with the problems found on the way (BOM, invalid UTF-8),
//! binary and oversized input refused, and `.http` files split into request line and body.

use crate::finding::Hit;
use crate::model::Span;
use crate::registry::code;
use std::io::Read;

/// Card payloads are a few KB; a CI folder of templates never holds one this big.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: larger than the limit of {limit} bytes; card payloads are a few KB, so this is not a request body")]
    TooLarge { path: String, limit: u64 },
    #[error("{path}: binary data (a NUL byte at offset {offset}); expected a JSON request body")]
    Binary { path: String, offset: usize },
    #[error("{path}: {encoding} text; WeChat takes UTF-8")]
    Utf16 {
        path: String,
        /// `UTF-16LE`, `UTF-16BE`, `UTF-32LE` or `UTF-32BE`.
        encoding: &'static str,
    },
    #[error("{path}: JSON nested deeper than {depth} levels (at line {line}, column {column}); card payloads nest fewer than 10 levels")]
    TooDeep {
        path: String,
        depth: usize,
        line: usize,
        column: usize,
    },
}

/// A decoded input: `text` is what positions refer to (invalid UTF-8 sequences become one
/// U+FFFD each, so line and column still count what an editor shows).
pub struct Source {
    pub path: String,
    pub text: String,
    /// The byte range of the JSON body inside `text` (all of it, except in `.http` files).
    pub body: Span,
    /// `POST /card/create` style request line of an `.http` file, token redacted.
    pub request: Option<Request>,
    /// The requests after the first in an `.http` file with several (`###` between them),
    /// each with its body.
    pub more: Vec<(Request, Span)>,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub endpoint: Option<String>,
    /// The URL with the file's variables substituted.
    pub url: String,
    pub span: Span,
}

pub fn read_limited(mut r: impl Read, path: &str, limit: u64) -> Result<Vec<u8>, InputError> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|source| InputError::Io {
            path: path.to_string(),
            source,
        })?;
    if buf.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.to_string(),
            limit,
        });
    }
    Ok(buf)
}

pub fn read_path(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| InputError::Io {
        path: shown.clone(),
        source,
    })?;
    if let Ok(meta) = file.metadata() {
        if meta.len() > limit {
            return Err(InputError::TooLarge { path: shown, limit });
        }
    }
    read_limited(file, &shown, limit)
}

impl Source {
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<Source, InputError> {
        if let Some(encoding) = wide_encoding(bytes) {
            return Err(InputError::Utf16 {
                path: path.to_string(),
                encoding,
            });
        }
        if let Some(offset) = memchr_nul(bytes) {
            return Err(InputError::Binary {
                path: path.to_string(),
                offset,
            });
        }
        let mut hits = Vec::new();
        let text = decode(bytes, &mut hits);
        let mut body = 0..text.len();
        if text.starts_with('\u{feff}') {
            hits.push(Hit::new(code::JSON010, 0..3).fix(0..3, ""));
            body.start = 3;
        }
        let mut src = Source {
            path: path.to_string(),
            text,
            body,
            request: None,
            more: Vec::new(),
            hits,
        };
        if path.ends_with(".http") || path.ends_with(".rest") {
            src.split_http();
        }
        Ok(src)
    }

    /// The REST Client / JetBrains HTTP format: `@name = value` variables (used as `{{name}}`
    /// in URLs), `#` and `//` comments, and requests separated by `###` lines, each a request
    /// line (`METHOD URL`, or a URL alone), headers, a blank line, then the body.
    fn split_http(&mut self) {
        let text = &self.text[self.body.clone()];
        let base = self.body.start;
        let mut vars: Vec<(String, String)> = Vec::new();
        let mut blocks: Vec<(Request, Span)> = Vec::new();
        let mut block_start = 0;
        let mut offset = 0;
        let mut cut = |from: usize, to: usize, vars: &mut Vec<(String, String)>| {
            if let Some(b) = http_block(text, base, from..to, vars) {
                blocks.push(b);
            }
        };
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with("###") {
                cut(block_start, offset, &mut vars);
                block_start = offset + line.len();
            }
            offset += line.len();
        }
        cut(block_start, text.len(), &mut vars);
        let mut blocks = blocks.into_iter();
        match blocks.next() {
            Some((request, body)) => {
                self.request = Some(request);
                self.body = body;
            }
            None => self.body = self.text.len()..self.text.len(),
        }
        self.more = blocks.collect();
    }
}

/// One request of an `.http` file: its request line (variables substituted for the endpoint)
/// and the byte range of its body. Variable lines before the request line are collected.
fn http_block(
    text: &str,
    base: usize,
    range: Span,
    vars: &mut Vec<(String, String)>,
) -> Option<(Request, Span)> {
    let mut offset = range.start;
    let mut request: Option<Request> = None;
    for line in text[range.clone()].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if request.is_none() {
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
                continue;
            }
            if let Some((name, value)) = trimmed.strip_prefix('@').and_then(|v| v.split_once('=')) {
                vars.push((name.trim().to_string(), value.trim().to_string()));
                continue;
            }
            let mut parts = trimmed.split_whitespace();
            let first = parts.next().unwrap_or("");
            let (method, url) = if first.contains('/') || first.starts_with("{{") {
                ("GET".to_string(), first)
            } else {
                (first.to_ascii_uppercase(), parts.next().unwrap_or(""))
            };
            let lead = line.len() - line.trim_start().len();
            let url = substitute(url, vars);
            request = Some(Request {
                method,
                endpoint: endpoint_of_url(&url),
                url,
                span: base + start + lead..base + start + lead + trimmed.len(),
            });
            continue;
        }
        if trimmed.is_empty() {
            let body = base + offset..base + range.end;
            return Some((request?, body));
        }
    }
    // no blank line: a request line and headers only, no body
    request.map(|r| (r, base + range.end..base + range.end))
}

/// `{{host}}/card/create` with `@host = https://api.weixin.qq.com`.
fn substitute(url: &str, vars: &[(String, String)]) -> String {
    let mut out = url.to_string();
    // a variable may refer to another one defined before it
    for _ in 0..4 {
        if !out.contains("{{") {
            break;
        }
        for (name, value) in vars.iter().rev() {
            out = out.replace(&format!("{{{{{name}}}}}"), value);
        }
    }
    out
}

/// `https://api.weixin.qq.com/card/code/get?access_token=..` -> `card/code/get`
pub fn endpoint_of_url(url: &str) -> Option<String> {
    let no_query = url.split(['?', '#']).next()?;
    let path = match no_query.find("://") {
        Some(i) => {
            let rest = &no_query[i + 3..];
            &rest[rest.find('/')?..]
        }
        None => no_query,
    };
    // `card//modifystock` and `/card/modifystock/` reach the same endpoint
    let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    (!path.is_empty()).then(|| path.join("/"))
}

/// UTF-16 or UTF-32 text, by its byte order mark or, without one, by the zero bytes around
/// the ASCII characters a JSON body or an .http file starts with (`{`, `[`, `P`, blanks).
fn wide_encoding(b: &[u8]) -> Option<&'static str> {
    // UTF-32 first: its little-endian mark starts like UTF-16's
    if b.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Some("UTF-32LE");
    }
    if b.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Some("UTF-32BE");
    }
    if b.starts_with(&[0xFF, 0xFE]) {
        return Some("UTF-16LE");
    }
    if b.starts_with(&[0xFE, 0xFF]) {
        return Some("UTF-16BE");
    }
    let ascii = |c: u8| c.is_ascii_graphic() || c.is_ascii_whitespace();
    match b {
        [a, 0, 0, 0, ..] if ascii(*a) => Some("UTF-32LE"),
        [0, 0, 0, a, ..] if ascii(*a) => Some("UTF-32BE"),
        [a, 0, c, 0, ..] if ascii(*a) && ascii(*c) => Some("UTF-16LE"),
        [0, a, 0, c, ..] if ascii(*a) && ascii(*c) => Some("UTF-16BE"),
        _ => None,
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// Lossy UTF-8 decoding that records one finding per invalid sequence (first 20 at most).
fn decode(bytes: &[u8], hits: &mut Vec<Hit>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            // one finding per run of bad bytes: GBK text decodes as bad bytes with stray
            // valid non-ASCII ones between them
            let mut out = String::with_capacity(bytes.len() + 16);
            let mut run: Option<(usize, Vec<u8>)> = None;
            let mut flush = |run: &mut Option<(usize, Vec<u8>)>, end: usize| {
                if let Some((at, bad)) = run.take() {
                    if hits.len() < 20 {
                        let hex: Vec<String> =
                            bad.iter().take(12).map(|b| format!("{b:02X}")).collect();
                        hits.push(Hit::new(code::JSON011, at..end).arg("bytes", hex.join(" ")));
                    }
                }
            };
            for chunk in bytes.utf8_chunks() {
                if chunk.valid().bytes().any(|b| b.is_ascii()) {
                    flush(&mut run, out.len());
                }
                out.push_str(chunk.valid());
                let bad = chunk.invalid();
                if !bad.is_empty() {
                    let r = run.get_or_insert_with(|| (out.len(), Vec::new()));
                    r.1.extend_from_slice(bad);
                    out.push('\u{fffd}');
                }
            }
            flush(&mut run, out.len());
            out
        }
    }
}

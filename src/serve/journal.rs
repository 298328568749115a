//! The sandbox's memory of the requests it answered, for the inspector page and
//! `GET /cardlint/requests`: the newest [`CAPACITY`] exchanges, each body cut at [`MAX_BODY`]
//! bytes, so memory stays bounded however long the sandbox runs. Credentials are masked
//! (`redact::mask`, which keeps every other character where it was, so finding positions
//! still point at the right text) before anything is kept.

use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Exchanges kept; older ones are forgotten first.
pub const CAPACITY: usize = 500;
/// Bytes of a request body kept (cut at a character boundary).
pub const MAX_BODY: usize = 64 * 1024;

pub struct Entry {
    pub id: u64,
    pub ts: u64,
    pub method: String,
    pub path: String,
    pub endpoint: Option<&'static str>,
    pub query: String,
    pub status: u16,
    pub errcode: i64,
    pub findings: usize,
    pub codes: Vec<String>,
    pub body: String,
    pub truncated: bool,
    /// The answer's JSON text, masked.
    pub answer: String,
}

#[derive(Default)]
pub struct Journal {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    entries: VecDeque<Entry>,
}

/// What the sandbox tells the journal of one exchange.
pub struct Exchange<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub endpoint: Option<&'static str>,
    pub query: &'a str,
    pub body: &'a [u8],
    pub status: u16,
    pub errcode: i64,
    pub answer: &'a Map<String, Value>,
}

impl Journal {
    pub fn record(&self, x: Exchange) {
        let text = String::from_utf8_lossy(x.body);
        let cut = cut_at(&text, MAX_BODY);
        let codes = codes_of(x.answer);
        let entry = Entry {
            id: 0,
            ts: super::http::unix_millis(),
            method: x.method.to_string(),
            path: crate::redact::mask(x.path).into_owned(),
            endpoint: x.endpoint,
            query: crate::redact::mask(x.query).into_owned(),
            status: x.status,
            errcode: x.errcode,
            findings: codes.len(),
            codes,
            body: crate::redact::mask(cut).into_owned(),
            truncated: cut.len() < text.len(),
            answer: crate::redact::mask(&serde_json::to_string(x.answer).unwrap_or_default())
                .into_owned(),
        };
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.next += 1;
        let id = inner.next;
        inner.entries.push_front(Entry { id, ..entry });
        inner.entries.truncate(CAPACITY);
    }

    /// The kept exchanges with an id above `after`, newest first, as the API answers them.
    pub fn since(&self, after: u64) -> Value {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let requests: Vec<Value> = inner
            .entries
            .iter()
            .take_while(|e| e.id > after)
            .map(Entry::to_json)
            .collect();
        json!({"requests": requests, "last": inner.next})
    }
}

impl Entry {
    fn to_json(&self) -> Value {
        // masking keeps the JSON's shape; an answer that no longer parses is shown as text
        let answer = serde_json::from_str::<Value>(&self.answer)
            .unwrap_or_else(|_| Value::String(self.answer.clone()));
        json!({
            "id": self.id,
            "ts": self.ts,
            "method": self.method,
            "path": self.path,
            "endpoint": self.endpoint,
            "query": self.query,
            "status": self.status,
            "errcode": self.errcode,
            "findings": self.findings,
            "codes": self.codes,
            "body": self.body,
            "truncated": self.truncated,
            "answer": answer,
        })
    }
}

/// The rule codes of the findings in an answer's `cardlint` document.
fn codes_of(answer: &Map<String, Value>) -> Vec<String> {
    answer
        .get("cardlint")
        .and_then(|doc| doc.pointer("/files/0/findings"))
        .and_then(Value::as_array)
        .map(|fs| {
            fs.iter()
                .filter_map(|f| f.get("code").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The longest prefix of `text` of at most `max` bytes that ends at a character boundary.
fn cut_at(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn exchange<'a>(body: &'a [u8], answer: &'a Map<String, Value>) -> Exchange<'a> {
        Exchange {
            method: "POST",
            path: "/card/create",
            endpoint: Some("card/create"),
            query: "access_token=SECRETTOKEN123",
            body,
            status: 200,
            errcode: 0,
            answer,
        }
    }

    #[test]
    fn keeps_the_newest_and_masks_the_token() {
        let j = Journal::default();
        let answer = object(json!({"errcode": 0}));
        for _ in 0..CAPACITY + 3 {
            j.record(exchange(b"{}", &answer));
        }
        let all = j.since(0);
        let requests = all["requests"].as_array().unwrap();
        assert_eq!(requests.len(), CAPACITY);
        assert_eq!(requests[0]["id"], (CAPACITY + 3) as u64);
        assert!(!all.to_string().contains("SECRETTOKEN123"));
        assert_eq!(
            j.since((CAPACITY + 1) as u64)["requests"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_long_body_is_cut_at_a_character_boundary() {
        let j = Journal::default();
        let body = "卡".repeat(MAX_BODY);
        j.record(exchange(body.as_bytes(), &Map::new()));
        let all = j.since(0);
        let kept = all["requests"][0]["body"].as_str().unwrap();
        assert!(kept.len() <= MAX_BODY && kept.chars().all(|c| c == '卡'));
        assert_eq!(all["requests"][0]["truncated"], true);
    }

    #[test]
    fn the_codes_come_from_the_answer() {
        let answer = object(
            json!({"errcode": 40053, "cardlint": {"files": [{"findings": [
            {"code": "TYPE001"}, {"code": "CARD019"}]}]}}),
        );
        let j = Journal::default();
        j.record(exchange(b"{}", &answer));
        let all = j.since(0);
        assert_eq!(all["requests"][0]["codes"], json!(["TYPE001", "CARD019"]));
        assert_eq!(all["requests"][0]["findings"], 2);
    }
}

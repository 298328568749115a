//! Event pushes to the developer's callback, delivered like WeChat delivers them (卡券事件推送,
//! 消息加解密): POST of the event XML with `signature`, `timestamp`, `nonce` and `openid` in
//! the query (and in safe mode `encrypt_type=aes&msg_signature=..` with the `<Encrypt>`
//! envelope as body); no answer within 5 s, a failed connection or a status other than 200
//! is tried again, 3 tries in all; `success`, an empty body or a valid (in safe mode:
//! encrypted and signed) XML reply is delivered, anything else is logged with the reason.
//! One worker delivers the events in the order they happened, so the events of one code
//! arrive in order. With `--state` an event stays in the state file until it is delivered or
//! dropped, so a restart delivers what was pending.

use super::events::{element, envelope, Event};
use super::wxcrypt::{signature, Crypto};
use crate::registry::{say, Lang};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Where and how events are pushed.
#[derive(Clone)]
pub struct Callback {
    pub url: String,
    pub token: String,
    /// Safe mode: the EncodingAESKey and the appid.
    pub crypto: Option<Crypto>,
    /// ToUserName: the account's original id (gh_...).
    pub account: String,
    pub lang: Lang,
    /// WeChat waits 5 s for an answer and tries 3 times.
    pub timeout: Duration,
    pub tries: u32,
    /// Between two tries of one event.
    pub pause: Duration,
}

impl Callback {
    pub fn new(url: &str, token: &str, account: &str, lang: Lang) -> Callback {
        Callback {
            url: url.to_string(),
            token: token.to_string(),
            crypto: None,
            account: account.to_string(),
            lang,
            timeout: Duration::from_secs(5),
            tries: 3,
            pause: Duration::from_millis(500),
        }
    }
}

/// Events waiting at most; past it new events are dropped (and logged), so a callback that
/// is down cannot grow memory without end.
const MAX_PENDING: usize = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Queued {
    pub seq: u64,
    pub event: Event,
}

/// The sandbox's side of the queue.
pub struct Outbox {
    pub callback: Callback,
    tx: mpsc::UnboundedSender<Queued>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Queued>>>,
    next: AtomicU64,
    pending: Arc<AtomicUsize>,
}

impl Outbox {
    /// An outbox that starts with `saved` (undelivered events of an earlier run).
    pub fn new(callback: Callback, mut saved: Vec<Queued>) -> Outbox {
        let (tx, rx) = mpsc::unbounded_channel();
        saved.sort_by_key(|q| q.seq);
        let next = saved.last().map_or(1, |q| q.seq + 1);
        let pending = Arc::new(AtomicUsize::new(saved.len()));
        for q in saved {
            let _ = tx.send(q);
        }
        Outbox {
            callback,
            tx,
            rx: Mutex::new(Some(rx)),
            next: AtomicU64::new(next),
            pending,
        }
    }

    /// Queues an event; `None` when the queue is full (the event is dropped).
    pub fn queue(&self, event: Event) -> Option<Queued> {
        if self.pending.load(Ordering::Relaxed) >= MAX_PENDING {
            let args = [
                ("event", event.event.clone()),
                ("max", MAX_PENDING.to_string()),
            ];
            let message = say(self.callback.lang, "serve.push.dropped", &args);
            log(
                &serde_json::json!({"event": "push", "type": event.event, "result": "dropped",
                "message": message}),
            );
            return None;
        }
        let q = Queued {
            seq: self.next.fetch_add(1, Ordering::Relaxed),
            event,
        };
        self.pending.fetch_add(1, Ordering::Relaxed);
        let _ = self.tx.send(q.clone());
        Some(q)
    }

    /// The receiving end, for the one worker.
    pub fn take_receiver(&self) -> Option<mpsc::UnboundedReceiver<Queued>> {
        self.rx.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    pub fn done(&self) {
        self.pending.fetch_sub(1, Ordering::Relaxed);
    }
}

type HttpClient = super::client::HttpsClient;

/// What a query value escapes: everything but the unreserved characters (RFC 3986), so an
/// openid (letters, digits, `-`, `_`) is sent as it is.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// How one try ended.
enum Try {
    Delivered,
    /// Tried again (timeout, connection, status).
    Again(String),
    /// Answered, but not as WeChat accepts; not tried again (WeChat does not either).
    Refused(String),
}

/// Delivers the outbox's events until the sandbox goes away; `finished(seq)` is told of
/// each event that was delivered or given up.
pub async fn deliver(
    callback: Callback,
    mut rx: mpsc::UnboundedReceiver<Queued>,
    finished: impl Fn(u64) + Send + 'static,
) {
    // ring supports the default protocol versions, so this cannot fail
    let Ok(client) = super::client::https(super::client::native_roots()) else {
        return;
    };
    while let Some(q) = rx.recv().await {
        deliver_one(&client, &callback, &q).await;
        finished(q.seq);
    }
}

async fn deliver_one(client: &HttpClient, cb: &Callback, q: &Queued) {
    let lang = cb.lang;
    let name = q.event.event.clone();
    let mut last = String::new();
    for n in 1..=cb.tries {
        let outcome = attempt(client, cb, &q.event).await;
        let base = serde_json::json!({"event": "push", "type": name, "card_id": q.event.card_id,
            "code": q.event.code, "try": n});
        let args = |reason: &str| {
            vec![
                ("event", name.clone()),
                ("url", crate::redact::mask(&cb.url).into_owned()),
                ("try", n.to_string()),
                ("reason", reason.to_string()),
            ]
        };
        match outcome {
            Try::Delivered => {
                log(&with(
                    base,
                    "delivered",
                    None,
                    say(lang, "serve.push.delivered", &args("")),
                ));
                return;
            }
            Try::Refused(reason) => {
                let message = say(lang, "serve.push.bad_answer", &args(&reason));
                log(&with(base, "refused", Some(&reason), message));
                return;
            }
            Try::Again(reason) => {
                if n < cb.tries {
                    let message = say(lang, "serve.push.retry", &args(&reason));
                    log(&with(base, "retry", Some(&reason), message));
                    tokio::time::sleep(cb.pause).await;
                }
                last = reason;
            }
        }
    }
    let base = serde_json::json!({"event": "push", "type": name, "card_id": q.event.card_id,
        "code": q.event.code, "try": cb.tries});
    let args = [("event", name.clone()), ("reason", last.clone())];
    log(&with(
        base,
        "failed",
        Some(&last),
        say(lang, "serve.push.gave_up", &args),
    ));
}

fn with(
    mut base: serde_json::Value,
    result: &str,
    reason: Option<&str>,
    message: String,
) -> serde_json::Value {
    base["result"] = result.into();
    if let Some(r) = reason {
        base["reason"] = r.into();
    }
    base["message"] = message.into();
    base
}

/// The request of one try: a fresh timestamp and nonce each time, as WeChat's retries have.
fn request(cb: &Callback, event: &Event) -> Result<hyper::Request<Full<Bytes>>, String> {
    let timestamp = crate::unix_now().to_string();
    let nonce = nonce();
    let xml = event.to_xml(&cb.account);
    let mut query = format!(
        "signature={}&timestamp={timestamp}&nonce={nonce}&openid={}",
        signature(&[&cb.token, &timestamp, &nonce]),
        percent_encoding::utf8_percent_encode(&event.openid, QUERY_VALUE),
    );
    let body = match &cb.crypto {
        None => xml,
        Some(c) => {
            let mut random = [0u8; 16];
            let _ = getrandom::fill(&mut random);
            let encrypted = c.encrypt(&xml, random);
            let msg_signature = signature(&[&cb.token, &timestamp, &nonce, &encrypted]);
            query.push_str(&format!("&encrypt_type=aes&msg_signature={msg_signature}"));
            envelope(&cb.account, &encrypted)
        }
    };
    let sep = if cb.url.contains('?') { '&' } else { '?' };
    hyper::Request::post(format!("{}{sep}{query}", cb.url))
        .header(hyper::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .header(hyper::header::USER_AGENT, "Mozilla/4.0 (cardlint serve)")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())
}

async fn attempt(client: &HttpClient, cb: &Callback, event: &Event) -> Try {
    let lang = cb.lang;
    let req = match request(cb, event) {
        Ok(r) => r,
        Err(e) => return Try::Refused(e),
    };
    let exchange = async {
        let resp = client.request(req).await.map_err(|e| {
            let reason = std::error::Error::source(&e).map_or(e.to_string(), |s| s.to_string());
            say(lang, "serve.push.unreachable", &[("reason", reason)])
        })?;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok::<_, String>((status, body))
    };
    let (status, body) = match tokio::time::timeout(cb.timeout, exchange).await {
        Err(_) => return Try::Again(say(lang, "serve.push.timeout", &[])),
        Ok(Err(reason)) => return Try::Again(reason),
        Ok(Ok(r)) => r,
    };
    if status != 200 {
        return Try::Again(say(
            lang,
            "serve.push.status",
            &[("status", status.to_string())],
        ));
    }
    judge(cb, &String::from_utf8_lossy(&body))
}

/// Whether an answer is one WeChat accepts.
fn judge(cb: &Callback, answer: &str) -> Try {
    let lang = cb.lang;
    let a = answer.trim();
    if a.is_empty() || a == "success" {
        return Try::Delivered;
    }
    if !a.starts_with("<xml") || !a.ends_with("</xml>") {
        let shown: String = a.chars().take(80).collect();
        return Try::Refused(say(lang, "serve.push.not_reply", &[("answer", shown)]));
    }
    let Some(crypto) = &cb.crypto else {
        // a passive reply in plain mode: any XML message with a MsgType
        return match element(a, "MsgType") {
            Some(_) => Try::Delivered,
            None => Try::Refused(say(lang, "serve.push.no_msgtype", &[])),
        };
    };
    match verify_reply(cb, crypto, a) {
        Ok(()) => Try::Delivered,
        Err(reason) => Try::Refused(say(lang, "serve.push.bad_reply", &[("reason", reason)])),
    }
}

/// A safe-mode reply: Encrypt, MsgSignature, TimeStamp and Nonce, signed with the token and
/// decrypting to a message for this appid.
fn verify_reply(cb: &Callback, crypto: &Crypto, xml: &str) -> Result<(), String> {
    let lang = cb.lang;
    let get = |name: &str| {
        element(xml, name).ok_or_else(|| {
            say(
                lang,
                "serve.push.reply_missing",
                &[("element", name.to_string())],
            )
        })
    };
    let (encrypted, given) = (get("Encrypt")?, get("MsgSignature")?);
    let (timestamp, nonce) = (get("TimeStamp")?, get("Nonce")?);
    if signature(&[&cb.token, timestamp, nonce, encrypted]) != given {
        return Err(say(lang, "serve.push.reply_signature", &[]));
    }
    let (_, appid) = crypto.decrypt(encrypted).map_err(|why| {
        say(
            lang,
            "serve.push.reply_undecryptable",
            &[("reason", why.to_string())],
        )
    })?;
    if appid != crypto.appid() {
        return Err(say(lang, "serve.push.reply_appid", &[("appid", appid)]));
    }
    Ok(())
}

fn nonce() -> String {
    let mut b = [0u8; 5];
    let _ = getrandom::fill(&mut b);
    let n = b.iter().fold(0u64, |acc, x| acc << 8 | u64::from(*x));
    (n % 10_000_000_000).to_string()
}

fn log(line: &serde_json::Value) {
    use std::io::Write;
    let mut line = line.clone();
    line["ts"] = super::http::unix_millis().into();
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cb(crypto: Option<Crypto>) -> Callback {
        let mut c = Callback::new("http://127.0.0.1:9/", "tok", "gh_test", Lang::En);
        c.crypto = crypto;
        c
    }

    #[test]
    fn success_and_empty_are_delivered_other_text_is_not() {
        assert!(matches!(judge(&cb(None), "success"), Try::Delivered));
        assert!(matches!(judge(&cb(None), " \n"), Try::Delivered));
        assert!(matches!(judge(&cb(None), "ok"), Try::Refused(_)));
        let reply = "<xml><MsgType><![CDATA[text]]></MsgType></xml>";
        assert!(matches!(judge(&cb(None), reply), Try::Delivered));
    }

    #[test]
    fn a_safe_mode_reply_must_verify() {
        let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        let c = Crypto::new(key, "wxapp").unwrap();
        let encrypted = c.encrypt("<xml><MsgType>text</MsgType></xml>", [1; 16]);
        let sig = signature(&["tok", "1", "n", &encrypted]);
        let reply = format!("<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature>{sig}</MsgSignature><TimeStamp>1</TimeStamp><Nonce>n</Nonce></xml>");
        assert!(matches!(
            judge(&cb(Some(c.clone())), &reply),
            Try::Delivered
        ));
        let forged = reply.replace(&sig, &"0".repeat(40));
        assert!(matches!(
            judge(&cb(Some(c.clone())), &forged),
            Try::Refused(_)
        ));
        let plain = "<xml><MsgType>text</MsgType></xml>";
        assert!(matches!(judge(&cb(Some(c)), plain), Try::Refused(_)));
    }
}

//! The stdio transport. `lsp-server`'s own reader thread ends on the first message it cannot
//! parse, which would take the server down with it; this one answers a JSON-RPC error
//! (-32700 for a body that is not JSON, -32600 for JSON that is no message) and goes on
//! reading. A message larger than [`MAX_MESSAGE`] is skipped unread, so memory stays bounded.

use crossbeam_channel::{bounded, Receiver, Sender};
use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};

/// Larger bodies are read past and answered with an error (a 30 MB card is far below).
pub const MAX_MESSAGE: usize = 64 << 20;

/// What the writer thread writes: a message, or an error answer built as raw JSON (its id
/// may be null, which `lsp_server::Response` cannot say).
pub enum Out {
    Message(Message),
    Raw(String),
}

/// A message read, or what to answer instead of it.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    Invalid(String),
}

/// Reads one message; `None` at the end of input.
pub fn read(r: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() {
                break;
            }
            continue; // blank lines between messages
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let length = length.unwrap_or(0);
    if length > MAX_MESSAGE {
        io::copy(&mut r.take(length as u64), &mut io::sink())?;
        return Ok(Some(Incoming::Invalid(error(
            serde_json::Value::Null,
            -32600,
            "message too large",
        ))));
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Some(Incoming::Invalid(error(
                serde_json::Value::Null,
                -32700,
                &format!("parse error: {e}"),
            ))))
        }
    };
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    // a request or notification names its method; anything else must be a response
    let shaped = match value.get("method") {
        Some(m) => m.is_string(),
        None => value.get("result").is_some() || value.get("error").is_some(),
    };
    if !shaped {
        return Ok(Some(Incoming::Invalid(error(
            id,
            -32600,
            "invalid request: neither a method nor a result",
        ))));
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Ok(Some(Incoming::Message(m))),
        Err(e) => Ok(Some(Incoming::Invalid(error(
            id,
            -32600,
            &format!("invalid request: {e}"),
        )))),
    }
}

/// A JSON-RPC error answer.
pub fn error(id: serde_json::Value, code: i64, message: &str) -> String {
    serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
        .to_string()
}

fn write_raw(w: &mut impl Write, text: &str) -> io::Result<()> {
    write!(w, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    w.flush()
}

pub struct Transport {
    pub sender: Sender<Out>,
    pub receiver: Receiver<Message>,
    pub reader: std::thread::JoinHandle<()>,
    pub writer: std::thread::JoinHandle<()>,
}

/// Threads reading stdin and writing stdout. An invalid message is answered by the writer
/// and not passed on; the receiver closes at the end of input or after `exit`.
pub fn stdio() -> Transport {
    let (out_tx, out_rx) = bounded::<Out>(64);
    let (in_tx, in_rx) = bounded::<Message>(64);
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut w = stdout.lock();
        for out in out_rx {
            let done = match out {
                Out::Message(m) => m.write(&mut w),
                Out::Raw(text) => write_raw(&mut w, &text),
            };
            if done.is_err() {
                break;
            }
        }
    });
    let answer = out_tx.clone();
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut r = stdin.lock();
        loop {
            match read(&mut r) {
                Ok(Some(Incoming::Message(m))) => {
                    let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                    if in_tx.send(m).is_err() || exit {
                        break;
                    }
                }
                Ok(Some(Incoming::Invalid(text))) => {
                    eprintln!("cardlint lsp: {text}");
                    let _ = answer.send(Out::Raw(text));
                }
                Ok(None) => break,
                Err(e) => {
                    eprintln!("cardlint lsp: reading stdin: {e}");
                    break;
                }
            }
        }
    });
    Transport {
        sender: out_tx,
        receiver: in_rx,
        reader,
        writer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn a_bad_message_is_answered_and_the_next_is_read() {
        let input = framed("{not json")
            + &framed(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#)
            + &framed(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let mut r = io::BufReader::new(input.as_bytes());
        let Some(Incoming::Invalid(a)) = read(&mut r).unwrap() else {
            panic!()
        };
        assert!(a.contains("-32700") && a.contains("\"id\":null"), "{a}");
        let Some(Incoming::Invalid(b)) = read(&mut r).unwrap() else {
            panic!()
        };
        assert!(b.contains("-32600") && b.contains("\"id\":7"), "{b}");
        assert!(matches!(read(&mut r).unwrap(), Some(Incoming::Message(_))));
        assert!(read(&mut r).unwrap().is_none());
    }
}

//! A bounded, open-loop load generator for `cardlint serve`: each connection sends on a fixed
//! schedule (rate / connections per second) and latency is measured from the time a request was
//! due, not from when it was sent, so a server that falls behind shows it in the percentiles.
//!
//! cargo bench --bench serve_load -- --addr 127.0.0.1:18880 --rate 10000 --duration 10 \
//!     --connections 16 --path '/card/create?access_token=T' --body a.json[:b.json..]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    path: String,
    bodies: Vec<Vec<u8>>,
    rate: f64,
    duration: Duration,
    connections: usize,
}

fn args() -> Args {
    let mut a = Args {
        addr: "127.0.0.1:18880".into(),
        path: "/card/create?access_token=T".into(),
        bodies: Vec::new(),
        rate: 10_000.0,
        duration: Duration::from_secs(10),
        connections: 16,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => a.addr = value(),
            "--path" => a.path = value(),
            "--body" => {
                a.bodies = value()
                    .split(':')
                    .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}")))
                    .collect()
            }
            "--rate" => a.rate = value().parse().expect("--rate N"),
            "--duration" => {
                a.duration = Duration::from_secs_f64(value().parse().expect("--duration S"))
            }
            "--connections" => a.connections = value().parse().expect("--connections N"),
            _ => {} // cargo bench passes --bench
        }
    }
    if a.bodies.is_empty() {
        let f = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/endpoints/card.create/valid-groupon.json"
        );
        a.bodies.push(std::fs::read(f).unwrap());
    }
    a
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: usize,
    refused: usize,
}

fn connection(a: &Args, index: usize, start: Instant) -> Tally {
    let interval = Duration::from_secs_f64(a.connections as f64 / a.rate);
    let offset = interval.mul_f64(index as f64 / a.connections as f64);
    let requests: Vec<Vec<u8>> = a
        .bodies
        .iter()
        .map(|b| {
            let mut r = format!(
                "POST {} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                a.path,
                b.len()
            )
            .into_bytes();
            r.extend_from_slice(b);
            r
        })
        .collect();
    let mut tally = Tally::default();
    let mut stream: Option<TcpStream> = None;
    let mut buf = vec![0u8; 1 << 16];
    let mut k: u32 = 0;
    loop {
        let due = start + offset + interval * k;
        if due >= start + a.duration {
            break;
        }
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let req = &requests[k as usize % requests.len()];
        k += 1;
        let s = match stream.as_mut() {
            Some(s) => s,
            None => match TcpStream::connect(&a.addr) {
                Ok(s) => {
                    s.set_nodelay(true).ok();
                    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
                    stream.insert(s)
                }
                Err(_) => {
                    tally.errors += 1;
                    continue;
                }
            },
        };
        match exchange(s, req, &mut buf) {
            Some(ok) => {
                tally
                    .latencies_us
                    .push(due.elapsed().as_micros().min(u32::MAX as u128) as u32);
                if !ok {
                    tally.refused += 1;
                }
            }
            None => {
                tally.errors += 1;
                stream = None;
            }
        }
    }
    tally
}

/// Sends one request and reads one response; `Some(true)` for HTTP 200 with errcode 0.
fn exchange(s: &mut TcpStream, req: &[u8], buf: &mut [u8]) -> Option<bool> {
    s.write_all(req).ok()?;
    let mut have = 0;
    let head_end = loop {
        let n = s.read(&mut buf[have..]).ok()?;
        if n == 0 {
            return None;
        }
        have += n;
        if let Some(i) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if have == buf.len() {
            return None;
        }
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let status_ok = head.starts_with("HTTP/1.1 200");
    let mut body = buf[head_end..have].to_vec();
    while body.len() < length {
        let n = s.read(buf).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some(status_ok && body.starts_with(br#"{"errcode":0,"#))
}

fn main() {
    let a = args();
    let start = Instant::now() + Duration::from_millis(50);
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..a.connections)
            .map(|i| {
                let a = &a;
                scope.spawn(move || connection(a, i, start))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let mut all: Vec<u32> = tallies
        .iter()
        .flat_map(|t| t.latencies_us.iter().copied())
        .collect();
    all.sort_unstable();
    let errors: usize = tallies.iter().map(|t| t.errors).sum();
    let refused: usize = tallies.iter().map(|t| t.refused).sum();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return f64::NAN;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        all[i] as f64 / 1000.0
    };
    println!(
        "target {:.0}/s, {} connections, {:.1} s: answered {} ({:.0}/s), not errcode 0: {}, transport errors: {}",
        a.rate,
        a.connections,
        elapsed,
        all.len(),
        all.len() as f64 / elapsed,
        refused,
        errors
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(0.999),
        pct(1.0)
    );
}

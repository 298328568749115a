//! The language server's latency: from a `didChange` of the 3 KB card/create (debounce 0) to
//! its `publishDiagnostics`, through the server's own loop (in-process channels, as the stdio
//! threads hand messages over). Clean and broken versions alternate, so every change is
//! checked anew and publishes a different result. Target: ≤ 5 ms (docs/performance.md).

use cardlint::lsp::transport::Out;
use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Message, Notification, Request};
use serde_json::json;
use std::time::{Duration, Instant};

fn card() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/endpoints/card.create/valid-groupon.json"),
    )
    .unwrap()
}

fn published(out: &crossbeam_channel::Receiver<Out>) -> serde_json::Value {
    loop {
        match out
            .recv_timeout(Duration::from_secs(10))
            .expect("an answer")
        {
            Out::Message(Message::Notification(n))
                if n.method == "textDocument/publishDiagnostics" =>
            {
                return n.params
            }
            _ => {}
        }
    }
}

fn latency(c: &mut Criterion) {
    let (in_tx, in_rx) = crossbeam_channel::unbounded();
    let (out_tx, out_rx) = crossbeam_channel::unbounded();
    let server = std::thread::spawn(move || cardlint::lsp::serve(out_tx, in_rx));
    in_tx
        .send(Message::Request(Request::new(
            1.into(),
            "initialize".into(),
            json!({"capabilities": {}, "initializationOptions": {"debounceMs": 0}}),
        )))
        .unwrap();
    let uri = "file:///tmp/cardlint-bench/card.json";
    let clean = card();
    let broken = clean
        .replace("\"Color010\"", "\"#63b359\"")
        .replace("\"quantity\": 10000", "\"quantity\": \"10000\"");
    let notify = |method: &str, params: serde_json::Value| {
        in_tx
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    };
    notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": clean}}),
    );
    published(&out_rx);
    let mut version = 1;
    let mut group = c.benchmark_group("lsp");
    group.bench_function("change_to_diagnostics_3kb_card_create", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                let text = if version % 2 == 0 { &broken } else { &clean };
                let start = Instant::now();
                notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version},
                           "contentChanges": [{"text": text}]}),
                );
                let p = published(&out_rx);
                total += start.elapsed();
                assert_eq!(p["version"], version);
            }
            total
        })
    });
    group.finish();
    notify("exit", json!(null));
    server.join().unwrap();
}

criterion_group!(benches, latency);
criterion_main!(benches);

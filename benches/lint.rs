//! Library benchmarks: one payload of each kind, schema compilation, serde_json alone on the
//! same bytes (the ratio the targets are stated in), 10 000 payloads, and growth with size.

use cardlint::{lint_bytes, Options};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn options(endpoint: &str) -> Options {
    Options {
        endpoint: Some(endpoint.into()),
        now: Some(1_795_000_000),
        ..Options::default()
    }
}

/// The 3 KB GROUPON card with five problems (quoted integer, hex color, unknown key, overlong
/// title, boolean as text).
fn broken_groupon() -> Vec<u8> {
    let text =
        String::from_utf8(fixture("fixtures/endpoints/card.create/valid-groupon.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let b = &mut v["card"]["groupon"]["base_info"];
    b["sku"]["quantity"] = "100".into();
    b["color"] = "#63b359".into();
    b["titel"] = "团购".into();
    b["notice"] = "请在结账时向收银员出示本券，每桌限用一张，不与其他优惠同享".into();
    b["can_share"] = "false".into();
    serde_json::to_string_pretty(&v).unwrap().into_bytes()
}

fn single_payloads(c: &mut Criterion) {
    let clean = fixture("fixtures/endpoints/card.create/valid-groupon.json");
    let broken = broken_groupon();
    let qr = fixture("fixtures/endpoints/card.qrcode.create/valid-single.json");
    let add = fixture("fixtures/endpoints/wx.addCard/valid.json");
    let mut g = c.benchmark_group("lint");
    g.bench_function("card_create_3kb_clean", |b| {
        b.iter(|| lint_bytes(&options("card/create"), "a.json", black_box(&clean)).unwrap())
    });
    g.bench_function("card_create_3kb_5_findings", |b| {
        b.iter(|| lint_bytes(&options("card/create"), "a.json", black_box(&broken)).unwrap())
    });
    g.bench_function("qrcode_create", |b| {
        b.iter(|| lint_bytes(&options("card/qrcode/create"), "a.json", black_box(&qr)).unwrap())
    });
    let mut signed = options("wx.addCard");
    signed.signing.api_ticket = Some(
        "IpK_1T69hDhZkLQTlwsAX6sw3rOPfGLxYXXsXCKNYgDUKHDRsAGsJlYyUqx0aChJfTc9xGJlTmWhkZvzGDiTTA"
            .into(),
    );
    g.bench_function("card_ext_signature_check", |b| {
        b.iter(|| lint_bytes(&signed, "a.json", black_box(&add)).unwrap())
    });
    let text = std::str::from_utf8(&clean).unwrap();
    g.bench_function("serde_json_from_str_same_3kb", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(text)).unwrap())
    });
    g.finish();
    c.bench_function("schema_compile_card_create", |b| {
        b.iter(|| cardlint::schema::compile(black_box("card/create")).unwrap())
    });
}

fn many_payloads(c: &mut Criterion) {
    let clean = fixture("fixtures/endpoints/card.create/valid-groupon.json");
    let broken = broken_groupon();
    let payloads: Vec<&[u8]> = (0..10_000)
        .map(|i| {
            if i % 5 == 0 {
                broken.as_slice()
            } else {
                clean.as_slice()
            }
        })
        .collect();
    let mut g = c.benchmark_group("library");
    g.sample_size(10);
    g.throughput(Throughput::Elements(payloads.len() as u64));
    g.bench_function("10000_payloads", |b| {
        b.iter(|| {
            let o = options("card/create");
            payloads
                .iter()
                .map(|p| lint_bytes(&o, "a.json", p).unwrap().findings.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// A card/create grown to a size by repeating text_image_list entries.
fn sized(target: usize) -> Vec<u8> {
    let text =
        String::from_utf8(fixture("fixtures/endpoints/card.create/valid-groupon.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let item = serde_json::json!({"image_url": "http://mmbiz.qpic.cn/mmbiz_jpg/bht2BNaqAsYVk4n54GODRJN93jXUXQOz3E7zvjQQ4XNBrZndGF/0", "text": "每日现烤欧包与鲜奶蛋糕，门店自提或外送均可使用"});
    let mut list = Vec::new();
    let mut out = serde_json::to_vec(&v).unwrap();
    while out.len() < target {
        for _ in 0..(((target - out.len()) / 200).max(1)) {
            list.push(item.clone());
        }
        v["card"]["groupon"]["advanced_info"]["text_image_list"] =
            serde_json::Value::Array(list.clone());
        out = serde_json::to_vec(&v).unwrap();
    }
    out
}

fn growth(c: &mut Criterion) {
    let mut g = c.benchmark_group("growth");
    g.sample_size(10);
    for size in [3_000, 300_000, 30_000_000] {
        let payload = sized(size);
        g.throughput(Throughput::Bytes(payload.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(size), &payload, |b, p| {
            b.iter(|| lint_bytes(&options("card/create"), "a.json", p).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, single_payloads, many_payloads, growth);
criterion_main!(benches);

//! The sandbox's web page in a real browser: `cardlint serve` on loopback, the wechatpy flow
//! run against it (so the inspector has real SDK traffic), then tests/web/page.test.js drives
//! Debian's Chromium with playwright-core (pinned in tests/sdk/package.json). `.ci/run`
//! installs both; outside CI the test says it skips when they are missing.
//! `CARDLINT_SCREENSHOTS=docs/img cargo test --test web_e2e` renews the README's pictures.

mod common;

use std::path::PathBuf;
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CARDLINT_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but {} is missing: .ci/run installs Debian's chromium",
        path.display()
    );
    eprintln!("skipped: no Chromium at {}", path.display());
    None
}

#[test]
fn the_page_works_in_a_browser() {
    let (Some(dir), Some(browser)) = (common::sdk_clients(), chromium()) else {
        return;
    };
    let server = common::Server::start(&["serve", "--addr", "127.0.0.1:0"]);
    let base = format!("http://{}/", server.addr);
    let fixture = common::root().join("fixtures/endpoints/card.create/valid-groupon.json");
    let flow = Command::new(dir.join("venv/bin/python"))
        .arg(common::root().join("tests/sdk/wechatpy_flow.py"))
        .args([base.as_str(), fixture.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        flow.status.success(),
        "{}{}",
        String::from_utf8_lossy(&flow.stdout),
        String::from_utf8_lossy(&flow.stderr)
    );
    let mut node = Command::new("node");
    node.args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .arg(common::root().join("tests/web/page.test.js"))
        .env("NODE_PATH", dir.join("node/node_modules"))
        .env("CARDLINT_URL", &base)
        .env("CARDLINT_BIN", env!("CARGO_BIN_EXE_cardlint"))
        .env("CARDLINT_CHROMIUM", &browser);
    if let Some(shots) = std::env::var_os("CARDLINT_SCREENSHOTS") {
        node.env("CARDLINT_SCREENSHOTS", common::root().join(shots));
    }
    let out = node.output().expect("node runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(
        out.status.success(),
        "{text}\nserver log:\n{}",
        server.log()
    );
    // every browser test ran
    assert!(
        text.contains("ℹ fail 0") && !text.contains("ℹ pass 0"),
        "{text}"
    );
    assert!(text.contains("ℹ skipped 0"), "{text}");
}

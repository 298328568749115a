//! The language server driven by a real LSP client (pytest-lsp, tests/lsp/test_lsp.py) over
//! a real process. The client is installed (pinned in tests/sdk/requirements.txt) by `.ci/run`
//! into the folder CARDLINT_SDK_CLIENTS names.

mod common;

use std::process::Command;

#[test]
fn a_real_lsp_client_drives_the_server() {
    let Some(dir) = common::sdk_clients() else {
        return;
    };
    let tests = common::root().join("tests/lsp");
    let out = Command::new(dir.join("venv/bin/python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-c"])
        .arg(tests.join("pytest.ini"))
        .arg(&tests)
        .env("CARDLINT_BIN", env!("CARGO_BIN_EXE_cardlint"))
        .env("LANG", "C.UTF-8")
        .output()
        .expect("python runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    // every test ran: none skipped, none deselected
    assert!(
        text.contains(" passed") && !text.contains("skipped"),
        "{text}"
    );
}

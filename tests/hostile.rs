//! Hostile input: each gives findings or a clear exit-2 error, in bounded time and memory.
//! Limits: 64 MiB per input (--max-bytes), 256 levels of nesting, 500 findings per file.

mod common;

use assert_cmd::Command;
use std::path::PathBuf;

fn cardlint() -> Command {
    let mut c = Command::cargo_bin("cardlint").unwrap();
    c.env_remove("LANG")
        .env_remove("LC_ALL")
        .timeout(std::time::Duration::from_secs(120));
    c
}

fn tempdir(tag: &str) -> PathBuf {
    common::tempdir(tag)
}

fn stdin(bytes: Vec<u8>, endpoint: &str) -> (Option<i32>, String, String) {
    let out = cardlint()
        .args(["check", "-f", "json", "-e", endpoint, "-"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_million_levels_of_nesting() {
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    let (code, _, err) = stdin(deep.into_bytes(), "card/get");
    assert_eq!(code, Some(2));
    assert!(err.contains("256"), "{err}");
    let deep = "{\"a\":".repeat(1_000_000);
    let (code, _, _) = stdin(deep.into_bytes(), "card/get");
    assert_eq!(code, Some(2));
}

#[test]
fn a_200_mb_file_is_refused_without_reading_it() {
    let dir = tempdir("big");
    let path = dir.join("big.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap(); // sparse: nothing is written
    let out = cardlint().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("limit"), "{all}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_10_mb_string_and_a_million_keys() {
    let mut body = String::from("{\"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\", \"code\": \"");
    body.push_str(&"码".repeat(3_500_000));
    body.push_str("\"}");
    let (code, out, _) = stdin(body.into_bytes(), "card/code/get");
    assert_eq!(code, Some(1));
    assert!(out.contains("SCHEMA006"));
    let mut many = String::from("{");
    for i in 0..1_000_000 {
        many.push_str(&format!("\"k{i}\":{i},"));
    }
    many.push_str("\"card_id\": \"pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K\"}");
    let (code, out, _) = stdin(many.into_bytes(), "card/get");
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = doc["files"][0]["findings"].as_array().unwrap();
    assert!(findings.len() <= cardlint::MAX_FINDINGS + 1);
}

#[test]
fn odd_numbers_surrogates_nul_utf16_and_empty() {
    let (code, out, _) = stdin(
        b"{\"card_id\": \"p\", \"count\": 1e400, \"offset\": 1180591620717411303424}".to_vec(),
        "card/batchget",
    );
    assert_eq!(code, Some(1));
    assert!(out.contains("JSON016"));
    let (code, out, _) = stdin(br#"{"card_id": "\ud800"}"#.to_vec(), "card/get");
    assert_eq!(code, Some(1));
    assert!(out.contains("JSON015"));
    let (code, _, err) = stdin(b"{\"card_id\": \"p\0\"}".to_vec(), "card/get");
    assert_eq!(code, Some(2));
    assert!(err.contains("NUL"), "{err}");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "{\"card_id\": \"p\"}"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let (code, _, err) = stdin(utf16, "card/get");
    assert_eq!(code, Some(2));
    assert!(err.contains("UTF-16"), "{err}");
    let (code, out, _) = stdin(Vec::new(), "card/get");
    assert_eq!(code, Some(1));
    assert!(out.contains("JSON013"));
}

#[test]
fn symlink_loops_and_unreadable_files() {
    let dir = tempdir("links");
    std::fs::write(
        dir.join("ok.json"),
        r#"{"card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K"}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/card.json", dir.join("dangling.json")).unwrap();
    // the walk does not follow the loop, and finishes
    let out = cardlint()
        .args(["check", "-f", "json", "-e", "card/get"])
        .arg(&dir)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["files"].as_array().unwrap().len() <= 2);
    // a file that cannot be read, named on the command line
    let out = cardlint()
        .args(["check", "-e", "card/get"])
        .arg(dir.join("dangling.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("dangling.json"), "{all}");
}

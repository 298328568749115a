//! The human report: a card/create with three errors renders as one miette report per file,
//! in English and in Chinese, without colors or hyperlinks.

mod common;

use cardlint::report::human::{render_report, Style};
use cardlint::Lang;

#[test]
fn card_create_with_three_errors_renders_as_one_report() {
    let path = common::root().join("tests/data/card-create-three-errors.json");
    for (lang, name) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
        let report = common::lint_file(&path, Some("card/create".into()), lang);
        assert_eq!(
            report.count(cardlint::Severity::Error),
            3,
            "{}",
            common::render(&report)
        );
        let text = render_report(
            &report,
            &Style {
                color: false,
                width: 100,
                lang,
            },
        );
        assert!(!text.contains('\u{1b}'));
        assert_eq!(
            text.matches("card-create-three-errors.json [card/create]")
                .count(),
            1
        );
        insta::assert_snapshot!(format!("card_create_three_errors_{name}"), text);
    }
}

fn render(report: &cardlint::Report) -> String {
    render_report(
        report,
        &Style {
            color: false,
            width: 100,
            lang: Lang::En,
        },
    )
}

fn cardlint(args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("cardlint")
        .unwrap()
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env("COLUMNS", "100")
        .args(args)
        .output()
        .unwrap()
}

/// `[file:line:column]` of every snippet header in a rendering.
fn headers(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            l.split_once("╭─[")
                .map(|(_, h)| h.trim_end_matches(']').to_string())
        })
        .collect()
}

/// `line:column` of every finding title in a rendering.
fn titles(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start_matches([' ', '│']);
            ["× ", "⚠ ", "☞ "].iter().find_map(|m| l.strip_prefix(m))
        })
        .filter_map(|l| l.split_whitespace().next())
        .filter(|p| p.contains(':') && p.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// Item 9: a finding past column 65 535 (the widest a format argument may be) renders, at
/// its own column, in the library, through `check`, `explain --request` and `url`.
#[test]
fn findings_past_column_65535_render_without_a_panic() {
    let pad = "x".repeat(70_000);
    let text = format!("{{\"card_id\": \"{pad}\", \"code\": 1434008071, \"extra\": 1,}}");
    let report = cardlint::lint(Some("card/code/get"), &text).unwrap();
    assert!(report.findings.iter().any(|f| f.column > 70_000));
    let out = render(&report);
    assert_eq!(headers(&out).len(), report.findings.len(), "{out}");
    assert_eq!(titles(&out).len(), report.findings.len(), "{out}");
    for (h, t) in headers(&out).iter().zip(titles(&out)) {
        assert!(h.ends_with(&format!(":{t}")), "{h} for {t}");
    }
    assert!(out.len() < 20_000, "{} bytes", out.len());

    let dir = std::env::temp_dir().join(format!("cardlint-wide-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wide.json");
    std::fs::write(&file, &text).unwrap();
    let file = file.to_str().unwrap();
    let url = format!("https://example.com/card?{}=1", "q".repeat(70_000));
    for args in [
        vec!["check", "-e", "card/code/get", file],
        vec!["explain", "40053", "--request", file, "-e", "card/code/get"],
        vec!["url", &url],
    ] {
        let out = cardlint(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{}: {:?}\n{stderr}",
            args[0],
            out.status
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A one-line file of `n` duplicate keys, `"a": 1234, ` each (11 bytes).
fn duplicate_keys(n: usize) -> String {
    format!("{{{}\"a\": 1234}}", "\"a\": 1234, ".repeat(n - 1))
}

/// Item 11: human output costs per finding, not per finding times the line: each snippet is
/// a window of the line, so 40 000 duplicate keys on one 440 KB line render to a few hundred
/// KB (it was 240 MB, and 13 s), at the right columns.
#[test]
fn one_long_line_with_many_findings_renders_in_bounded_size() {
    let text = duplicate_keys(40_000);
    assert_eq!(text.len(), 440_000);
    let report = cardlint::lint(None, &text).unwrap();
    assert!(report.findings.len() > 400);
    let started = std::time::Instant::now();
    let out = render(&report);
    let took = started.elapsed();
    let per_finding = out.len() / report.findings.len();
    assert!(per_finding < 2_000, "{per_finding} bytes per finding");
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest <= 100, "a line of {longest} characters");
    for (h, t) in headers(&out).iter().zip(titles(&out)) {
        assert!(h.ends_with(&format!(":{t}")), "{h} for {t}");
    }
    // generous: unoptimised, on a busy machine; bench/human-vs-json.sh measures the release build
    assert!(took.as_secs() < 60, "{took:?}");
}

/// Item 19: the snippet header counts code points, as the finding's own line does.
#[test]
fn the_snippet_header_counts_code_points() {
    let text = "{\"card_id\": \"卡券卡券卡券\", \"code\": 1434008071}";
    let report = cardlint::lint(Some("card/code/get"), text).unwrap();
    let f = &report.findings[0];
    // six characters of three bytes each stand before the finding
    assert_eq!(text[..f.span.start].chars().count() + 1, f.column);
    assert_eq!(f.span.start + 1, f.column + 12);
    let out = render(&report);
    let want: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("<input>:{}:{}", f.line, f.column))
        .collect();
    assert_eq!(headers(&out), want, "{out}");
    assert!(out.contains(&format!("× 1:{} ", f.column)), "{out}");
}

/// Item 20: terminal escape sequences and other control characters of a payload are shown
/// escaped, in the snippet and in the messages, never sent to the terminal.
#[test]
fn control_characters_from_a_payload_are_shown_escaped() {
    let text = "{\"card_id\": \"p\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}x\", \"co\u{1b}[31mde\": 1, \"code\": 1434008071\r,}";
    let report = cardlint::lint(Some("card/code/get"), text).unwrap();
    assert!(!report.findings.is_empty());
    let out = render(&report);
    for c in ['\u{1b}', '\u{7}', '\u{202e}', '\r'] {
        assert!(!out.contains(c), "{c:?} in\n{out}");
    }
    assert!(out.contains("\\x1b[2J"), "{out}");
    assert!(out.contains("\\u{202e}"), "{out}");
}

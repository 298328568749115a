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

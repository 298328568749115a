//! Where reports go: the formats, colour, the writer of each format, and stdout.

use cardlint::report::{self, Outcome};
use cardlint::Lang;
use clap::ValueEnum;
use std::io::{IsTerminal, Write};

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // a closed pipe (`| head`) is not an error worth a panic
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// The report writer of a format.
pub fn writer(format: Format, color: Color, lang: Lang) -> Box<dyn report::Stream> {
    match format {
        Format::Json => Box::new(report::json::Json::default()),
        Format::Sarif => Box::new(report::sarif::Sarif::new(lang)),
        Format::Github => Box::new(report::github::Github::default()),
        Format::Junit => Box::new(report::junit::Junit::default()),
        Format::Gitlab => Box::new(report::gitlab::Gitlab::default()),
        Format::Human => {
            let tty = std::io::stdout().is_terminal();
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            };
            let width = if tty {
                terminal_width().unwrap_or(100)
            } else {
                100
            };
            Box::new(report::human::Human::new(report::human::Style {
                color,
                width,
                lang,
            }))
        }
    }
}

/// A whole report at once (secrets masked by the writer).
pub fn render(
    outcomes: &[Outcome],
    stale: &[cardlint::baseline::Entry],
    format: Format,
    color: Color,
    lang: Lang,
) -> String {
    report::render(&mut *writer(format, color, lang), outcomes, stale)
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

//! The `cardlint` command: parse arguments, call the library, pick a renderer, exit code.

use cardlint::report::{self, Outcome};
use cardlint::{Lang, LintError, Options};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cardlint",
    version,
    about = "Checks WeChat Card (微信卡券) API requests before they are sent",
    long_about = "Checks WeChat Card (微信卡券) API request bodies before they are sent: strict JSON, \
                  the endpoint's schema and the card rules, each finding at its line and column \
                  with why it matters and how to fix it, in Chinese or English.\n\n\
                  Exit codes: 0 no errors, 1 errors found, 2 usage or input problems."
)]
struct Cli {
    /// Language of messages (default: from LANG; zh_* gives Chinese)
    #[arg(long, global = true, value_enum)]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint request bodies: files, directories (.json, .jsonc, .http) or - for stdin
    Check(CheckArgs),
    /// List every rule
    Rules,
    /// Show a rule's documentation: what, why, fix and an example
    Explain {
        /// Rule code (JSON001) or name (trailing-comma)
        rule: String,
    },
    /// List the endpoints cardlint knows
    Endpoints,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, directories or - (stdin)
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The API endpoint, e.g. card/create or card/code/get (default: from .http request line or the payload's shape)
    #[arg(long, short = 'e')]
    endpoint: Option<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Colors in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Largest input accepted, in bytes
    #[arg(long, default_value_t = cardlint::source::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    match cli.command {
        Command::Check(args) => check(args, lang),
        Command::Rules => {
            print(&cardlint::rules::docs::list(lang));
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match cardlint::rules::docs::explain(&rule, lang) {
            Some(text) => {
                print(&text);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("{}", cardlint::rules::docs::unknown_rule(&rule, lang));
                ExitCode::from(2)
            }
        },
        Command::Endpoints => {
            print(&(cardlint::endpoint::ENDPOINTS.join("\n") + "\n"));
            ExitCode::SUCCESS
        }
    }
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // a closed pipe (`| head`) is not an error worth a panic
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn check(args: CheckArgs, lang: Lang) -> ExitCode {
    let options = Options {
        endpoint: args.endpoint.clone(),
        lang: Some(lang),
    };
    if let Some(name) = &args.endpoint {
        if cardlint::endpoint::canonical(name).is_none() {
            let e = LintError::UnknownEndpoint {
                name: name.clone(),
                suggestion: cardlint::endpoint::suggest(name),
            };
            eprintln!("{}", cardlint::rules::docs::lint_error(&e, lang));
            return ExitCode::from(2);
        }
    }
    let mut inputs = Vec::new();
    let mut outcomes = Vec::new();
    for p in &args.paths {
        collect(p, &mut inputs, &mut outcomes, lang);
    }
    for input in inputs {
        let result = match &input {
            Input::Stdin => {
                let stdin = std::io::stdin();
                cardlint::source::read_limited(stdin.lock(), "<stdin>", args.max_bytes)
                    .map(|b| ("<stdin>".to_string(), b))
            }
            Input::File(p) => {
                cardlint::source::read_path(p, args.max_bytes).map(|b| (p.display().to_string(), b))
            }
        };
        let outcome = match result {
            Ok((path, bytes)) => match cardlint::lint_bytes(&options, &path, &bytes) {
                Ok(r) => Outcome::Checked(r),
                Err(e) => Outcome::Failed {
                    path,
                    error: cardlint::rules::docs::lint_error(&e, lang),
                },
            },
            Err(e) => Outcome::Failed {
                path: input.name(),
                error: cardlint::rules::docs::lint_error(&LintError::Input(e), lang),
            },
        };
        outcomes.push(outcome);
    }
    let text = match args.format {
        Format::Json => report::json::render(&outcomes),
        Format::Human => {
            let tty = std::io::stdout().is_terminal();
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            };
            let width = if tty {
                terminal_width().unwrap_or(100)
            } else {
                100
            };
            report::human::render(&outcomes, &report::human::Style { color, width, lang })
        }
    };
    print(&text);
    if matches!(args.format, Format::Json) {
        for o in &outcomes {
            if let Outcome::Failed { error, .. } = o {
                eprintln!("{error}");
            }
        }
    }
    let failed = outcomes.iter().any(|o| matches!(o, Outcome::Failed { .. }));
    let errors = outcomes
        .iter()
        .any(|o| matches!(o, Outcome::Checked(r) if r.has_errors()));
    ExitCode::from(if failed {
        2
    } else if errors {
        1
    } else {
        0
    })
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

const EXTENSIONS: &[&str] = &["json", "jsonc", "http", "rest"];

/// Files as given; directories walked for payload files, in sorted order, hidden entries skipped.
fn collect(path: &Path, inputs: &mut Vec<Input>, outcomes: &mut Vec<Outcome>, lang: Lang) {
    if path.as_os_str() == "-" {
        inputs.push(Input::Stdin);
        return;
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            let mut stack = vec![path.to_path_buf()];
            let mut files = Vec::new();
            while let Some(dir) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let p = entry.path();
                    let hidden = entry.file_name().to_string_lossy().starts_with('.');
                    if hidden {
                        continue;
                    }
                    match entry.file_type() {
                        Ok(t) if t.is_dir() => stack.push(p),
                        Ok(t) if t.is_file() => {
                            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                            if EXTENSIONS.contains(&ext) {
                                files.push(p);
                            }
                        }
                        _ => {}
                    }
                }
            }
            files.sort();
            inputs.extend(files.into_iter().map(Input::File));
        }
        Ok(_) => inputs.push(Input::File(path.to_path_buf())),
        Err(e) => outcomes.push(Outcome::Failed {
            path: path.display().to_string(),
            error: cardlint::rules::docs::lint_error(
                &LintError::Input(cardlint::InputError::Io {
                    path: path.display().to_string(),
                    source: e,
                }),
                lang,
            ),
        }),
    }
}

//! The `cardlint` command: parse arguments, call the library, pick a renderer, exit code.

mod explain_cmd;

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
    /// Explain an errcode (40053), a response (JSON text, a file, or - for stdin), a symptom
    /// (签名错误, "iOS 不行") or a rule (JSON001)
    Explain {
        query: String,
        /// The request that got this answer: its findings are ranked against the errcode
        #[arg(long)]
        request: Option<PathBuf>,
        /// The endpoint that answered (ranks the causes; default: from the request)
        #[arg(long, short = 'e')]
        endpoint: Option<String>,
        /// Show only the meaning on this platform
        #[arg(long, value_parser = ["mp", "wecom", "miniprogram"])]
        platform: Option<String>,
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List the endpoints cardlint knows
    Endpoints,
    /// Check card page URLs: wechat_card_js=1, a domain (not an IP), port, fragment
    Url {
        /// The page URLs
        #[arg(required = true)]
        urls: Vec<String>,
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Compute card signatures (the api_ticket is read from CARDLINT_API_TICKET or --api-ticket)
    #[command(subcommand)]
    Sign(Sign),
}

#[derive(Subcommand)]
enum Sign {
    /// The card_ext string to pass as cardExt to wx.addCard
    CardExt {
        #[arg(long)]
        card_id: String,
        /// Seconds; default: now
        #[arg(long)]
        timestamp: Option<String>,
        /// Default: 16 random characters
        #[arg(long)]
        nonce_str: Option<String>,
        /// Only for use_custom_code cards
        #[arg(long, default_value = "")]
        code: String,
        /// Only for bind_openid cards
        #[arg(long, default_value = "")]
        openid: String,
        #[command(flatten)]
        ticket: Ticket,
    },
    /// The cardSign of wx.chooseCard
    ChooseCard {
        #[arg(long)]
        appid: String,
        #[arg(long, default_value = "")]
        location_id: String,
        #[arg(long, default_value = "")]
        card_id: String,
        #[arg(long, default_value = "")]
        card_type: String,
        #[arg(long)]
        timestamp: Option<String>,
        #[arg(long)]
        nonce_str: Option<String>,
        #[command(flatten)]
        ticket: Ticket,
    },
}

#[derive(clap::Args)]
struct Ticket {
    /// The wx_card api_ticket (never printed); default: $CARDLINT_API_TICKET
    #[arg(long, env = "CARDLINT_API_TICKET", hide_env_values = true)]
    api_ticket: String,
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
    /// A card/create payload or card/get response that defines CARD_ID, for the cross-payload checks (repeatable)
    #[arg(long = "card", value_name = "CARD_ID=PATH")]
    cards: Vec<String>,
    /// The wx_card api_ticket, to verify card_ext signatures (never printed)
    #[arg(long, env = "CARDLINT_API_TICKET", hide_env_values = true)]
    api_ticket: Option<String>,
    /// The jsapi ticket, to tell whether it was used instead of the wx_card one
    #[arg(long, env = "CARDLINT_JSAPI_TICKET", hide_env_values = true)]
    jsapi_ticket: Option<String>,
    /// The card_id a card_ext was signed for, when the payload does not say
    #[arg(long)]
    card_id: Option<String>,
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
        Command::Explain {
            query,
            request,
            endpoint,
            platform,
            format,
        } => explain_cmd::run(
            explain_cmd::Args {
                query,
                request,
                endpoint,
                platform,
                json: matches!(format, Format::Json),
            },
            lang,
        ),
        Command::Url { urls, format } => {
            let reports: Vec<Outcome> = urls
                .iter()
                .map(|u| Outcome::Checked(cardlint::lint_url(u, lang)))
                .collect();
            let errors = reports
                .iter()
                .any(|o| matches!(o, Outcome::Checked(r) if r.has_errors()));
            print(&render(&reports, format, Color::Auto, lang));
            ExitCode::from(u8::from(errors))
        }
        Command::Sign(sign) => {
            print(&(signing(sign) + "\n"));
            ExitCode::SUCCESS
        }
        Command::Endpoints => {
            print(&(cardlint::endpoint::ENDPOINTS.join("\n") + "\n"));
            ExitCode::SUCCESS
        }
    }
}

pub(crate) fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // a closed pipe (`| head`) is not an error worth a panic
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn check(args: CheckArgs, lang: Lang) -> ExitCode {
    let mut cards = cardlint::rules::CardBook::new();
    for spec in &args.cards {
        match load_card(spec) {
            Ok((id, def)) => {
                cards.insert(id, def);
            }
            Err(e) => {
                eprintln!("{}", cardlint::rules::docs::card_error(&e, lang));
                return ExitCode::from(2);
            }
        }
    }
    let options = Options {
        endpoint: args.endpoint.clone(),
        lang: Some(lang),
        cards: std::sync::Arc::new(cards),
        signing: cardlint::rules::Signing {
            api_ticket: args.api_ticket.clone(),
            jsapi_ticket: args.jsapi_ticket.clone(),
            card_id: args.card_id.clone(),
        },
        now: None,
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
    print(&render(&outcomes, args.format, args.color, lang));
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

fn render(outcomes: &[Outcome], format: Format, color: Color, lang: Lang) -> String {
    match format {
        Format::Json => report::json::render(outcomes),
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
            report::human::render(outcomes, &report::human::Style { color, width, lang })
        }
    }
}

/// `CARD_ID=PATH`: the card a later payload names, read from its create payload or card/get response.
fn load_card(spec: &str) -> Result<(String, cardlint::rules::CardDef), CardError> {
    let (id, path) = spec
        .split_once('=')
        .ok_or_else(|| CardError::Spec(spec.to_string()))?;
    let text = std::fs::read_to_string(path).map_err(|e| CardError::Io(path.to_string(), e))?;
    let def = cardlint::rules::CardDef::from_text(path, &text).map_err(CardError::NotACard)?;
    Ok((id.trim().to_string(), def))
}

use cardlint::rules::docs::CardError;

fn now_secs() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}

/// A nonce from the clock and the process id: unique per call, which is all a nonce needs.
fn nonce() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut x = (t as u64) ^ (u64::from(std::process::id()) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    (0..16)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

fn signing(sign: Sign) -> String {
    use cardlint::signature;
    match sign {
        Sign::CardExt {
            card_id,
            timestamp,
            nonce_str,
            code,
            openid,
            ticket,
        } => signature::card_ext_json(&signature::CardExtInput {
            api_ticket: ticket.api_ticket,
            card_id,
            timestamp: timestamp.unwrap_or_else(now_secs),
            nonce_str: nonce_str.unwrap_or_else(nonce),
            code,
            openid,
            balance: String::new(),
        }),
        Sign::ChooseCard {
            appid,
            location_id,
            card_id,
            card_type,
            timestamp,
            nonce_str,
            ticket,
        } => {
            let timestamp = timestamp.unwrap_or_else(now_secs);
            let nonce_str = nonce_str.unwrap_or_else(nonce);
            let sign = signature::choose_card_sign(
                &ticket.api_ticket,
                &appid,
                &location_id,
                &timestamp,
                &nonce_str,
                &card_id,
                &card_type,
            );
            serde_json::json!({
                "shopId": location_id,
                "cardType": card_type,
                "cardId": card_id,
                "timestamp": timestamp,
                "nonceStr": nonce_str,
                "signType": "SHA1",
                "cardSign": sign,
            })
            .to_string()
        }
    }
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

//! The `cardlint` command: parse arguments, call the library, pick a renderer, exit code.

mod check_cmd;
mod explain_cmd;
mod serve_cmd;

use cardlint::report::{self, Outcome};
use cardlint::Lang;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
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
    Check(check_cmd::CheckArgs),
    /// Write a commented starter cardlint.toml in the current folder
    Init,
    /// Print shell completions
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
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
        /// Print each URL with its problems fixed (wechat_card_js=1 added), one per line
        #[arg(long)]
        fix: bool,
    },
    /// Run a local card-API sandbox: every request is linted and answered like WeChat would
    Serve(serve_cmd::ServeArgs),
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

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub(crate) enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub(crate) enum Color {
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
        Command::Check(args) => check_cmd::run(args, cli.lang),
        Command::Init => init(lang),
        Command::Serve(args) => serve_cmd::run(args, lang),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "cardlint", &mut out);
            print(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            if clap_mangen::Man::new(cmd).render(&mut out).is_err() {
                return ExitCode::from(2);
            }
            print(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Rules => {
            print(&cardlint::registry::docs::list(lang));
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
        Command::Url {
            urls, fix: true, ..
        } => {
            let mut out = String::new();
            for u in &urls {
                let r = cardlint::lint_url(u, lang);
                out.push_str(&cardlint::fix::apply(u, &r.findings, false).0);
                out.push('\n');
            }
            print(&out);
            ExitCode::SUCCESS
        }
        Command::Url { urls, format, .. } => {
            let reports: Vec<Outcome> = urls
                .iter()
                .map(|u| Outcome::Checked(cardlint::lint_url(u, lang)))
                .collect();
            let errors = reports
                .iter()
                .any(|o| matches!(o, Outcome::Checked(r) if r.has_errors()));
            print(&render(&reports, &[], format, Color::Auto, lang));
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

/// `cardlint init`: a commented starter config, never over an existing one.
fn init(lang: Lang) -> ExitCode {
    let path = std::path::Path::new(cardlint::config::FILE_NAME);
    let t = |k: &str| cardlint::registry::term(lang, k);
    if path.exists() {
        eprintln!("{}", t("init.exists"));
        return ExitCode::from(2);
    }
    match std::fs::write(path, cardlint::config::STARTER) {
        Ok(()) => {
            eprintln!("{}", t("init.written"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", cardlint::config::FILE_NAME);
            ExitCode::from(2)
        }
    }
}

pub(crate) fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // a closed pipe (`| head`) is not an error worth a panic
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// The report writer of a format.
pub(crate) fn writer(format: Format, color: Color, lang: Lang) -> Box<dyn report::Stream> {
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
pub(crate) fn render(
    outcomes: &[Outcome],
    stale: &[cardlint::baseline::Entry],
    format: Format,
    color: Color,
    lang: Lang,
) -> String {
    report::render(&mut *writer(format, color, lang), outcomes, stale)
}

fn now_secs() -> String {
    cardlint::unix_now().to_string()
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

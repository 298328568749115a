//! The `cardlint` command: parse arguments, call the library, pick a renderer, exit code.

mod cli;

use cardlint::report::Outcome;
use cardlint::Lang;
use clap::{Parser, Subcommand};
use cli::output::{print, render, Color, Format};
use cli::{check, explain, proxy, serve, sign};
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
    Check(check::CheckArgs),
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
    /// Explain an errcode (40053), a response (JSON text, a file, or - for stdin), a symptom
    /// (签名错误, "iOS 不行") or a rule (JSON001): its causes, fixes and documentation
    Explain {
        /// The errcode, response, symptom or rule (`-1`, the system-busy errcode, is a query,
        /// not a flag)
        #[arg(allow_negative_numbers = true)]
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
        /// An explanation is text for people or one JSON document
        #[arg(long, short = 'f', value_enum, default_value_t = explain::Format::Human)]
        format: explain::Format,
        /// The wx_card api_ticket: the request's card_ext signatures are checked, so a 签名错误
        /// is explained by the signing mistake that reproduces it (never printed)
        #[arg(long, env = "CARDLINT_API_TICKET", hide_env_values = true)]
        api_ticket: Option<String>,
        /// The jsapi ticket, to tell whether it was used instead of the wx_card one
        #[arg(long, env = "CARDLINT_JSAPI_TICKET", hide_env_values = true)]
        jsapi_ticket: Option<String>,
        /// The card_id a card_ext was signed for, when the request does not say
        #[arg(long)]
        card_id: Option<String>,
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
    Serve(serve::ServeArgs),
    /// Compute card signatures (the api_ticket is read from CARDLINT_API_TICKET or --api-ticket)
    #[command(subcommand)]
    Sign(sign::Sign),
    /// Lint every request on its way to api.weixin.qq.com: point any SDK's base URL at this
    /// proxy; requests with errors are answered as WeChat would, upstream errcodes explained
    Proxy(proxy::ProxyArgs),
    /// Run the language server (LSP over stdio) for editors: findings as you type, quick
    /// fixes, hover and completion
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport
        #[arg(long, hide = true)]
        stdio: bool,
    },
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
        Command::Check(args) => check::run(args, cli.lang),
        Command::Init => init(lang),
        Command::Serve(args) => serve::run(args, lang),
        Command::Lsp { .. } => cardlint::lsp::run(),
        Command::Proxy(args) => proxy::run(args, lang),
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
            api_ticket,
            jsapi_ticket,
            card_id,
        } => explain::run(
            explain::Args {
                query,
                request,
                endpoint,
                platform,
                json: format == explain::Format::Json,
                signing: cardlint::rules::Signing {
                    api_ticket,
                    jsapi_ticket,
                    card_id,
                },
            },
            lang,
        ),
        Command::Url {
            urls, fix: true, ..
        } => {
            let mut out = String::new();
            for u in &urls {
                let r = cardlint::lint_url(u, lang);
                let fixed = cardlint::fix::apply(u, &r.findings, false).0;
                // a credential in the URL is shown masked, never printed; stderr says so
                let shown = cardlint::redact::mask(&fixed);
                if shown != fixed {
                    let masked = cardlint::registry::say(lang, "url.secret_masked", &[]);
                    eprintln!("{shown}: {masked}");
                }
                out.push_str(&shown);
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
            print(&(sign::signing(sign) + "\n"));
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

//! `cardlint serve`: the card-API sandbox on a local port.

use cardlint::registry::say;
use cardlint::serve::web::Access;
use cardlint::serve::wxcrypt::{Crypto, KeyError};
use cardlint::serve::{http, push, Config, Sandbox};
use cardlint::Lang;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8808")]
    addr: String,
    /// Keep the sandbox's cards, codes and tickets in this file across restarts (default: memory)
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Refuse access tokens not issued by GET /cgi-bin/token (40001) and expired ones (42001)
    #[arg(long)]
    strict_token: bool,
    /// Lifetime of issued access tokens, seconds
    #[arg(long, default_value_t = 7200, value_name = "SECS")]
    token_ttl: i64,
    /// Largest request body, bytes (larger ones get HTTP 413)
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    max_body: usize,
    /// Seconds allowed to receive a request's headers, and then its body
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    timeout: u64,
    /// Open connections at once
    #[arg(long, default_value_t = 1024, value_name = "N")]
    max_connections: usize,
    /// Cards kept at most; card/create past it answers 45009
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    max_cards: usize,
    /// No log line per request (start-up and errors are still logged)
    #[arg(long, short)]
    quiet: bool,
    /// Push card events (card_pass_check, user_get_card, ...) to this URL, as WeChat does
    #[arg(long, value_name = "URL", requires = "callback_token")]
    callback: Option<String>,
    /// The Token of the callback's server settings: signs every push
    #[arg(
        long,
        value_name = "TOKEN",
        env = "CARDLINT_CALLBACK_TOKEN",
        hide_env_values = true
    )]
    callback_token: Option<String>,
    /// The EncodingAESKey (43 characters): safe mode, each event AES-encrypted
    #[arg(
        long,
        value_name = "KEY",
        requires = "appid",
        env = "CARDLINT_ENCODING_AES_KEY",
        hide_env_values = true
    )]
    encoding_aes_key: Option<String>,
    /// The account's appid (sealed into every encrypted event)
    #[arg(long, value_name = "APPID")]
    appid: Option<String>,
    /// ToUserName of the events: the account's original id
    #[arg(long, value_name = "gh_...", default_value = "gh_cardlint_sandbox")]
    account: String,
}

/// The callback of `--callback`, or the message that says why it cannot be used.
fn callback(args: &ServeArgs, lang: Lang) -> Result<Option<push::Callback>, String> {
    let (Some(url), Some(token)) = (&args.callback, &args.callback_token) else {
        return Ok(None);
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(say(lang, "serve.push.bad_url", &[("url", url.clone())]));
    }
    let mut cb = push::Callback::new(url, token, &args.account, lang);
    if let Some(key) = &args.encoding_aes_key {
        let appid = args.appid.clone().unwrap_or_default();
        if appid.is_empty() {
            return Err(say(lang, "serve.push.needs_appid", &[]));
        }
        let crypto = Crypto::new(key, &appid).map_err(|e| {
            let reason = match e {
                KeyError::Length(n) => say(lang, "serve.push.key_length", &[("n", n.to_string())]),
                KeyError::Encoding => say(lang, "serve.push.key_encoding", &[]),
            };
            say(lang, "serve.push.bad_key", &[("reason", reason)])
        })?;
        cb.crypto = Some(crypto);
    }
    Ok(Some(cb))
}

pub fn run(args: ServeArgs, lang: Lang) -> ExitCode {
    let config = Config {
        strict_token: args.strict_token,
        token_ttl: args.token_ttl,
        lang,
        max_cards: args.max_cards,
        now: None,
    };
    let sandbox = match &args.state {
        Some(path) => match Sandbox::open(config, path) {
            Ok(s) => s,
            Err(e) => {
                let key = match &e {
                    cardlint::serve::StoreError::Damaged(_) => "serve.state_damaged",
                    _ => "serve.state_error",
                };
                let reason = match e {
                    cardlint::serve::StoreError::Damaged(why) => why,
                    other => other.to_string(),
                };
                let path = path.display().to_string();
                eprintln!("{}", say(lang, key, &[("path", path), ("reason", reason)]));
                return ExitCode::from(2);
            }
        },
        None => Sandbox::new(config),
    };
    let mut sandbox = sandbox;
    match callback(&args, lang) {
        Ok(Some(cb)) => {
            let mode = match &cb.crypto {
                Some(c) => say(lang, "serve.push.safe", &[("appid", c.appid().to_string())]),
                None => say(lang, "serve.push.plain", &[]),
            };
            let url = cardlint::redact::mask(&cb.url).into_owned();
            let message = say(
                lang,
                "serve.push.callback",
                &[("url", url.clone()), ("mode", mode)],
            );
            eprintln!(
                "{}",
                serde_json::json!({"event": "callback", "url": url, "message": message})
            );
            sandbox.push_to(cb);
        }
        Ok(None) => {}
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    }
    // a name that resolves to a loopback address only is loopback; anything else gets a token
    let access = std::net::ToSocketAddrs::to_socket_addrs(args.addr.as_str())
        .ok()
        .and_then(|mut addrs| addrs.find(|a| !a.ip().is_loopback()))
        .map(|a| Access::for_addr(&a))
        .unwrap_or_default();
    let token = access.token.clone();
    let limits = http::Limits {
        max_body: args.max_body,
        header_timeout: Duration::from_secs(args.timeout),
        body_timeout: Duration::from_secs(args.timeout),
        max_connections: args.max_connections.max(1),
        log: !args.quiet,
        access,
    };
    let state = match &args.state {
        Some(p) => p.display().to_string(),
        None => say(lang, "serve.memory", &[]),
    };
    let tokens = say(
        lang,
        if args.strict_token {
            "serve.strict"
        } else {
            "serve.any_token"
        },
        &[],
    );
    let announce = |addr: std::net::SocketAddr| {
        let message = say(
            lang,
            "serve.listening",
            &[
                ("addr", format!("http://{addr}")),
                ("state", state.clone()),
                ("tokens", tokens.clone()),
            ],
        );
        let line = serde_json::json!({"event": "listening", "addr": format!("http://{addr}"), "message": message});
        eprintln!("{line}");
        if let Some(token) = &token {
            let url = format!("http://{addr}/#token={token}");
            let message = say(lang, "serve.web.token_line", &[("url", url.clone())]);
            let line = serde_json::json!({"event": "token", "url": url, "message": message});
            eprintln!("{line}");
        }
    };
    match http::run(&args.addr, sandbox, limits, announce) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let args = [("addr", args.addr.clone()), ("reason", e.to_string())];
            eprintln!("{}", say(lang, "serve.bind_error", &args));
            ExitCode::from(2)
        }
    }
}

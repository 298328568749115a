//! `cardlint proxy`: lints every request of any SDK on its way to api.weixin.qq.com.

use cardlint::proxy::{server, Annotate, Block, Config, Proxy};
use cardlint::registry::say;
use cardlint::Lang;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args)]
pub struct ProxyArgs {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8809")]
    addr: String,
    /// Where requests go: WeChat's API, or a gateway (a path prefix is kept)
    #[arg(long, default_value = "https://api.weixin.qq.com")]
    upstream: hyper::Uri,
    /// Which findings stop a request (answered by cardlint as WeChat would, not sent)
    #[arg(long, value_enum, default_value_t = Block::Error)]
    block: Block,
    /// Which answers get a `cardlint` field (findings, the errcode explained)
    #[arg(long, value_enum, default_value_t = Annotate::Errors)]
    annotate: Annotate,
    /// Append each failing exchange, secrets masked, to this JSON-lines file
    #[arg(long, value_name = "FILE.jsonl")]
    capture: Option<PathBuf>,
    /// A PEM file of CA certificates trusted for the upstream besides the system's
    #[arg(long, value_name = "FILE")]
    upstream_ca: Option<PathBuf>,
    /// Seconds allowed for the upstream to answer (and for a request body to arrive)
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    timeout: u64,
    /// Largest request body, bytes (larger ones get HTTP 413)
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    max_body: usize,
    /// Open connections at once
    #[arg(long, default_value_t = 1024, value_name = "N")]
    max_connections: usize,
    /// No log line per exchange (start-up and errors are still logged)
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: ProxyArgs, lang: Lang) -> ExitCode {
    let config = Config {
        upstream: args.upstream.clone(),
        block: args.block,
        annotate: args.annotate,
        capture: args.capture.clone(),
        lang,
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_body: args.max_body,
        upstream_ca: args.upstream_ca.clone(),
        log: !args.quiet,
    };
    let proxy = match Proxy::new(config) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "{}",
                say(lang, "proxy.start_error", &[("reason", e.to_string())])
            );
            return ExitCode::from(2);
        }
    };
    let block = format!("{:?}", args.block).to_ascii_lowercase();
    let upstream = args.upstream.to_string();
    let announce = |addr: std::net::SocketAddr| {
        let message = say(
            lang,
            "proxy.listening",
            &[
                ("addr", format!("http://{addr}")),
                ("upstream", upstream.clone()),
                ("block", block.clone()),
            ],
        );
        let line = serde_json::json!({"event": "listening", "addr": format!("http://{addr}"), "message": message});
        eprintln!("{line}");
    };
    match server::run(&args.addr, proxy, args.max_connections.max(1), announce) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let args = [("addr", args.addr.clone()), ("reason", e.to_string())];
            eprintln!("{}", say(lang, "serve.bind_error", &args));
            ExitCode::from(2)
        }
    }
}

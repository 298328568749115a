//! The sandbox on a socket: HTTP/1.1 with hyper, bounded in body size, time and connections,
//! one JSON log line per request on stderr with every token masked, graceful shutdown.

use super::state::{fail, Fail};
use super::{Request, Sandbox};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body; card requests are a few KB.
    pub max_body: usize,
    /// Time to receive the request line and headers (also the keep-alive idle limit).
    pub header_timeout: Duration,
    /// Time to receive the body.
    pub body_timeout: Duration,
    /// Open connections at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Write one JSON line per request to stderr.
    pub log: bool,
    /// Who may use the web page and the `/cardlint` API.
    pub access: super::web::Access,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 1024,
            log: true,
            access: super::web::Access::default(),
        }
    }
}

/// Serves until `shutdown` resolves, then lets open requests finish (up to 5 s).
pub async fn serve(
    listener: TcpListener,
    sandbox: Arc<Sandbox>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    if let Some(worker) = sandbox.push_worker() {
        tokio::spawn(worker);
    }
    let limits = Arc::new(limits);
    let (timeout, max) = (limits.header_timeout, limits.max_connections);
    let handler = move |req| respond(sandbox.clone(), limits.clone(), req);
    accept(listener, timeout, max, handler, shutdown).await
}

/// The accept loop the sandbox and the proxy share: HTTP/1.1 keep-alive connections, at most
/// `max_connections` at once, `header_timeout` for a request's head (and keep-alive idle),
/// graceful shutdown (open requests finish, up to 5 s).
pub async fn accept<F, Fut>(
    listener: TcpListener,
    header_timeout: Duration,
    max_connections: usize,
    handler: F,
    shutdown: impl Future<Output = ()>,
) where
    F: Fn(hyper::Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<hyper::Response<Full<Bytes>>, Infallible>> + Send + 'static,
{
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(max_connections));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("semaphore never closed"),
            _ = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // out of file descriptors and the like: wait instead of spinning
                    log_error(&format!("accept: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let service = service_fn(handler);
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .max_buf_size(64 * 1024)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // a malformed request or a client gone away ends only its own connection
            let _ = conn.await;
            drop(permit);
        });
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
}

/// Binds `addr`, prints where it listens, and serves until Ctrl-C or SIGTERM.
pub fn run(
    addr: &str,
    sandbox: Sandbox,
    limits: Limits,
    announce: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let sandbox = Arc::new(sandbox);
    run_on(addr, announce, |listener, stop| {
        serve(listener, sandbox, limits, stop)
    })
}

/// On a new multi-threaded runtime: binds `addr`, says where it listens, and runs `serve` on
/// the listener until Ctrl-C or SIGTERM (how the sandbox and the proxy start).
pub fn run_on<F: Future<Output = ()>>(
    addr: &str,
    announce: impl FnOnce(std::net::SocketAddr),
    serve: impl FnOnce(TcpListener, std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) -> F,
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = TcpListener::bind(addr).await?;
        announce(listener.local_addr()?);
        serve(listener, Box::pin(stop_signal())).await;
        Ok(())
    })
}

pub async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn respond(
    sandbox: Arc<Sandbox>,
    limits: Arc<Limits>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    if let Some(early) = page_or_refusal(&sandbox, &limits, &req) {
        return Ok(early);
    }
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (r, size) = match declared {
        Some(n) if n > limits.max_body as u64 => (too_large(&sandbox, &limits), n as usize),
        _ => {
            let collected = tokio::time::timeout(
                limits.body_timeout,
                Limited::new(req.into_body(), limits.max_body).collect(),
            )
            .await;
            match collected {
                Err(_) => {
                    let secs = limits.body_timeout.as_secs_f64();
                    let f = fail(-1, "body_timeout").with("secs", secs);
                    (limit(&sandbox, 408, &f), 0)
                }
                Ok(Err(e))
                    if e.downcast_ref::<http_body_util::LengthLimitError>()
                        .is_some() =>
                {
                    (too_large(&sandbox, &limits), limits.max_body)
                }
                Ok(Err(e)) => {
                    let f = fail(-1, "body_unreadable").with("reason", e);
                    (limit(&sandbox, 400, &f), 0)
                }
                Ok(Ok(c)) => {
                    let bytes = c.to_bytes();
                    let r = sandbox.handle(&Request {
                        method: &method,
                        path: &path,
                        query: &query,
                        body: &bytes,
                    });
                    (r, bytes.len())
                }
            }
        }
    };
    if limits.log {
        log_request(&Line {
            rid: &r.rid,
            method: &method,
            path: &path,
            query: &query,
            status: r.status,
            errcode: r.errcode,
            findings: r.findings,
            bytes: size,
            micros: started.elapsed().as_micros() as u64,
        });
    }
    let response = hyper::Response::builder()
        .status(r.status)
        .header(
            hyper::header::CONTENT_TYPE,
            "application/json; encoding=utf-8",
        )
        .header("x-content-type-options", "nosniff")
        .body(Full::new(Bytes::from(r.body)))
        .expect("static headers are valid");
    Ok(response)
}

/// The web page's answers that need no body: an asset for GET, or a refusal by the guard.
fn page_or_refusal(
    sandbox: &Sandbox,
    limits: &Limits,
    req: &hyper::Request<Incoming>,
) -> Option<hyper::Response<Full<Bytes>>> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let method = req.method().as_str();
    let path = req.uri().path();
    let asked = super::web::Asked {
        method,
        path,
        host: header("host"),
        origin: header("origin"),
        fetch_site: header("sec-fetch-site"),
        token: header("x-cardlint-token"),
    };
    let lang = sandbox.config().lang;
    if let Err((status, message)) = super::web::guard(&limits.access, &asked, lang) {
        let body = serde_json::json!({"errcode": -1, "errmsg": message}).to_string();
        return Some(reply(
            status,
            "application/json; charset=utf-8",
            Bytes::from(body),
        ));
    }
    let (kind, bytes) = super::web::asset(path)?;
    if !matches!(method, "GET" | "HEAD") {
        return None;
    }
    Some(reply(200, kind, Bytes::from_static(bytes)))
}

/// A response with the headers every page and API answer carries.
fn reply(status: u16, kind: &str, body: Bytes) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, kind)
        .header("content-security-policy", super::web::CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header(hyper::header::CACHE_CONTROL, "no-cache")
        .body(Full::new(body))
        .expect("static headers are valid")
}

/// A request refused before the sandbox saw it (size, time, unreadable body).
fn limit(sandbox: &Sandbox, status: u16, f: &Fail) -> super::Response {
    let body = super::reply::refused(f, sandbox.config().lang, "limit");
    super::Response {
        status,
        body: serde_json::Value::Object(body).to_string(),
        errcode: -1,
        findings: 0,
        rid: "limit".to_string(),
    }
}

fn too_large(sandbox: &Sandbox, limits: &Limits) -> super::Response {
    let f = fail(-1, "body_too_large").with("limit", limits.max_body);
    limit(sandbox, 413, &f)
}

struct Line<'a> {
    rid: &'a str,
    method: &'a str,
    path: &'a str,
    query: &'a str,
    status: u16,
    errcode: i64,
    findings: usize,
    bytes: usize,
    micros: u64,
}

fn log_request(l: &Line) {
    let line = serde_json::json!({
        "ts": unix_millis(),
        "rid": l.rid,
        "method": l.method,
        "path": crate::redact::mask(l.path),
        "query": crate::redact::mask(l.query),
        "status": l.status,
        "errcode": l.errcode,
        "findings": l.findings,
        "bytes": l.bytes,
        "us": l.micros,
    });
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

pub fn log_error(message: &str) {
    let line = serde_json::json!({
        "ts": unix_millis(),
        "level": "error",
        "message": crate::redact::mask(message),
    });
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

pub(crate) fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

//! `cardlint proxy`: a local HTTP proxy in front of api.weixin.qq.com. Every request of any
//! SDK pointed at it is linted as the endpoint its path names (as the sandbox does) and, when
//! a finding reaches `--block`, answered as WeChat would without being sent; otherwise it is
//! forwarded unchanged (method, path, query, headers, body; only the hop-by-hop headers and
//! `Host` are the proxy's own). An upstream errcode comes back with the request's findings
//! and the explanation of that errcode ranked against them, in a `cardlint` field.

pub mod metrics;

use crate::registry::Lang;
use crate::serve::reply;
use crate::{lint_bytes, Options, Report, Severity};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use metrics::Metrics;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Block {
    /// Requests with an error finding are answered by cardlint, not sent
    Error,
    /// Requests with an error or a warning are answered by cardlint
    Warning,
    /// Every request is sent
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Annotate {
    /// Every JSON answer to a request with findings, and every error answer
    Always,
    /// Answers with errcode ≠ 0
    Errors,
    /// Answers pass byte for byte
    Never,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `https://api.weixin.qq.com` (a path prefix is kept: `http://gw/wx` + `/card/create`).
    pub upstream: hyper::Uri,
    pub block: Block,
    pub annotate: Annotate,
    /// Failing exchanges, masked, one JSON object a line, appended.
    pub capture: Option<PathBuf>,
    pub lang: Lang,
    /// The upstream's answer must have come by then (504 otherwise).
    pub timeout: Duration,
    pub max_body: usize,
    /// PEM certificates trusted besides the system's roots.
    pub upstream_ca: Option<PathBuf>,
    /// One JSON line per exchange on stderr.
    pub log: bool,
}

type Upstream = crate::serve::client::HttpsClient;

pub struct Proxy {
    config: Config,
    client: Upstream,
    pub metrics: Metrics,
    capture: Option<Mutex<std::fs::File>>,
}

/// Why a proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("--upstream-ca {path}: {reason}")]
    Ca { path: String, reason: String },
    #[error("--capture {path}: {reason}")]
    Capture { path: String, reason: String },
    #[error("TLS: {0}")]
    Tls(String),
}

/// The roots the upstream is trusted with: the system's, plus `extra` (a PEM file).
fn roots(extra: Option<&std::path::Path>) -> Result<rustls::RootCertStore, StartError> {
    use rustls_pki_types::pem::PemObject;
    let mut roots = crate::serve::client::native_roots();
    if let Some(path) = extra {
        let shown = path.display().to_string();
        let certs =
            rustls_pki_types::CertificateDer::pem_file_iter(path).map_err(|e| StartError::Ca {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
        let mut added = 0;
        for cert in certs {
            let cert = cert.map_err(|e| StartError::Ca {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            roots.add(cert).map_err(|e| StartError::Ca {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(StartError::Ca {
                path: shown,
                reason: "no certificate in the file".into(),
            });
        }
    }
    Ok(roots)
}

/// Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn end_to_end(headers: &HeaderMap) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
    // and those the Connection header names
    let named: Vec<String> = headers
        .get_all(hyper::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    headers.iter().filter(move |(k, _)| {
        let k = k.as_str();
        !HOP_BY_HOP.contains(&k) && !named.iter().any(|n| n == k)
    })
}

/// What the proxy answers with, before it becomes an HTTP response.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl Answer {
    fn json(status: u16, body: Map<String, Value>) -> Answer {
        Answer {
            status,
            headers: vec![(
                hyper::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; encoding=utf-8"),
            )],
            body: Bytes::from(Value::Object(body).to_string()),
        }
    }
}

/// One exchange, for the log line and the capture file.
struct Exchange<'a> {
    method: &'a str,
    path: &'a str,
    endpoint: Option<&'static str>,
    report: Option<&'a Report>,
    blocked: bool,
    status: u16,
    errcode: Option<i64>,
    upstream: Option<Duration>,
    added: Duration,
}

impl Proxy {
    pub fn new(config: Config) -> Result<Proxy, StartError> {
        let roots = roots(config.upstream_ca.as_deref())?;
        let client =
            crate::serve::client::https(roots).map_err(|e| StartError::Tls(e.to_string()))?;
        let capture = match &config.capture {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| StartError::Capture {
                        path: p.display().to_string(),
                        reason: e.to_string(),
                    })?,
            )),
            None => None,
        };
        Ok(Proxy {
            config,
            client,
            metrics: Metrics::default(),
            capture,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The endpoint a path names, for the paths whose bodies cardlint checks.
    fn endpoint(path: &str) -> Option<&'static str> {
        let p = path.trim_matches('/');
        crate::endpoint::ENDPOINTS
            .iter()
            .find(|e| **e == p && (e.starts_with("card/") || e.starts_with("datacube/")))
            .copied()
    }

    fn lint(&self, endpoint: &str, body: &[u8]) -> Option<Report> {
        if body.is_empty() || crate::endpoint::WITHOUT_JSON_BODY.contains(&endpoint) {
            return None;
        }
        let options = Options {
            endpoint: Some(endpoint.to_string()),
            lang: Some(self.config.lang),
            ..Options::default()
        };
        lint_bytes(&options, &format!("/{endpoint}"), body).ok()
    }

    /// Whether a report's findings stop the request (`--block`): an error the server would
    /// refuse (the sandbox's rule: one with an errcode), or with `warning` any warning too.
    fn blocks(&self, report: &Report) -> bool {
        match self.config.block {
            Block::Never => false,
            Block::Error => reply::deciding(report).is_some(),
            Block::Warning => {
                reply::deciding(report).is_some()
                    || report
                        .findings
                        .iter()
                        .any(|f| f.severity >= Severity::Warning)
            }
        }
    }

    /// `/cardlint/health` and `/cardlint/metrics`, the proxy's own.
    fn own_route(&self, method: &hyper::Method, path: &str) -> Option<Answer> {
        if method != hyper::Method::GET {
            return None;
        }
        match path {
            "/cardlint/health" => Some(Answer::json(200, own(json!({"status": "ok"})))),
            "/cardlint/metrics" => Some(Answer {
                status: 200,
                headers: vec![(
                    hyper::header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4"),
                )],
                body: Bytes::from(self.metrics.render()),
            }),
            _ => None,
        }
    }

    /// The request body, within `--max-body` (413) and `--timeout` (408).
    async fn read_body(&self, headers: &HeaderMap, body: Incoming) -> Result<Bytes, Answer> {
        let declared = headers
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.config.max_body as u64) {
            return Err(self.refuse(
                413,
                "body_too_large",
                &[("limit", self.config.max_body.to_string())],
            ));
        }
        let collected = tokio::time::timeout(
            self.config.timeout,
            Limited::new(body, self.config.max_body).collect(),
        )
        .await;
        match collected {
            Ok(Ok(c)) => Ok(c.to_bytes()),
            Ok(Err(e))
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some() =>
            {
                Err(self.refuse(
                    413,
                    "body_too_large",
                    &[("limit", self.config.max_body.to_string())],
                ))
            }
            Ok(Err(e)) => Err(self.refuse(400, "body_unreadable", &[("reason", e.to_string())])),
            Err(_) => {
                let secs = self.config.timeout.as_secs_f64().to_string();
                Err(self.refuse(408, "body_timeout", &[("secs", secs)]))
            }
        }
    }

    /// Answers one request: `/cardlint/health` and `/cardlint/metrics` are the proxy's own,
    /// everything else is linted and forwarded or blocked.
    pub async fn handle(&self, req: hyper::Request<Incoming>) -> Answer {
        let started = Instant::now();
        self.metrics.requests.fetch_add(1, Ordering::Relaxed);
        let (parts, body) = req.into_parts();
        let path = parts.uri.path().to_string();
        if let Some(answer) = self.own_route(&parts.method, &path) {
            return answer;
        }
        let body = match self.read_body(&parts.headers, body).await {
            Ok(b) => b,
            Err(answer) => return answer,
        };
        let endpoint = Self::endpoint(&path);
        let report = endpoint.and_then(|e| self.lint(e, &body));
        if let Some(r) = &report {
            self.metrics
                .findings(r.findings.iter().map(|f| f.code.as_str()));
        }
        let method = parts.method.as_str().to_string();
        if let Some(r) = report.as_ref().filter(|r| self.blocks(r)) {
            self.metrics.blocked.fetch_add(1, Ordering::Relaxed);
            let rid = "cardlint-proxy";
            let mut m = match reply::deciding(r) {
                Some((f, errcode)) => reply::refusal(errcode, &reply::hint(f), rid),
                None => {
                    // blocked on a warning: the errcode its rule names, or -1
                    let f = r
                        .findings
                        .iter()
                        .max_by_key(|f| f.severity)
                        .expect("a finding blocks");
                    reply::refusal(
                        f.errcodes.first().copied().unwrap_or(-1),
                        &reply::hint(f),
                        rid,
                    )
                }
            };
            m.insert("cardlint".into(), reply::findings_doc(r));
            let errcode = m.get("errcode").and_then(Value::as_i64);
            let answer = Answer::json(200, m);
            self.record(
                &Exchange {
                    method: &method,
                    path: &path,
                    endpoint,
                    report: Some(r),
                    blocked: true,
                    status: 200,
                    errcode,
                    upstream: None,
                    added: started.elapsed(),
                },
                &body,
                &answer.body,
            );
            return answer;
        }
        let before_upstream = started.elapsed();
        let sent = Instant::now();
        let forwarded = self.forward(&parts, body.clone()).await;
        let upstream_time = sent.elapsed();
        let resumed = Instant::now();
        let mut answer = match forwarded {
            Ok(a) => a,
            Err(fault) => {
                self.metrics
                    .upstream_failures
                    .fetch_add(1, Ordering::Relaxed);
                fault
            }
        };
        let errcode = answer_errcode(&answer);
        if let Some(code) = errcode {
            self.metrics.errcode(code);
        }
        self.annotate(&mut answer, errcode, endpoint, report.as_ref());
        let added = before_upstream + resumed.elapsed();
        self.metrics.upstream_latency.observe(upstream_time);
        self.metrics.added_latency.observe(added);
        self.record(
            &Exchange {
                method: &method,
                path: &path,
                endpoint,
                report: report.as_ref(),
                blocked: false,
                status: answer.status,
                errcode,
                upstream: Some(upstream_time),
                added,
            },
            &body,
            &answer.body,
        );
        answer
    }

    /// Sends the request upstream as it came; a fault is the 502/504 answer to give.
    async fn forward(
        &self,
        parts: &hyper::http::request::Parts,
        body: Bytes,
    ) -> Result<Answer, Answer> {
        let base = &self.config.upstream;
        let prefix = base.path().trim_end_matches('/');
        let path_and_query = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let uri = format!(
            "{}://{}{prefix}{path_and_query}",
            base.scheme_str().unwrap_or("https"),
            base.authority().map(|a| a.as_str()).unwrap_or("")
        );
        let mut builder = hyper::Request::builder()
            .method(parts.method.clone())
            .uri(&uri);
        for (k, v) in end_to_end(&parts.headers) {
            if k != hyper::header::HOST {
                builder = builder.header(k, v);
            }
        }
        let request = match builder.body(Full::new(body)) {
            Ok(r) => r,
            Err(e) => {
                return Err(self.refuse(400, "body_unreadable", &[("reason", e.to_string())]))
            }
        };
        let upstream = base.authority().map(|a| a.to_string()).unwrap_or_default();
        let response =
            match tokio::time::timeout(self.config.timeout, self.client.request(request)).await {
                Err(_) => return Err(self.upstream_timeout(&upstream)),
                Ok(Err(e)) => return Err(self.unreachable(&upstream, &error_chain(&e))),
                Ok(Ok(r)) => r,
            };
        let (rparts, rbody) = response.into_parts();
        let collected =
            tokio::time::timeout(self.config.timeout, Limited::new(rbody, 64 << 20).collect())
                .await;
        let bytes = match collected {
            Ok(Ok(c)) => c.to_bytes(),
            Ok(Err(e)) => return Err(self.unreachable(&upstream, &e.to_string())),
            Err(_) => return Err(self.upstream_timeout(&upstream)),
        };
        let headers = end_to_end(&rparts.headers)
            .filter(|(k, _)| *k != hyper::header::CONTENT_LENGTH)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Answer {
            status: rparts.status.as_u16(),
            headers,
            body: bytes,
        })
    }

    /// Adds the `cardlint` field (findings and the errcode explained against them) and the
    /// `X-Cardlint-Findings` header, when `--annotate` asks for it and the answer is JSON
    /// that is not compressed.
    fn annotate(
        &self,
        answer: &mut Answer,
        errcode: Option<i64>,
        endpoint: Option<&str>,
        report: Option<&Report>,
    ) {
        let failed = errcode.is_some_and(|c| c != 0);
        let findings = report.map(|r| r.findings.len()).unwrap_or(0);
        let wanted = match self.config.annotate {
            Annotate::Never => false,
            Annotate::Errors => failed,
            Annotate::Always => failed || findings > 0,
        };
        let encoded = answer
            .headers
            .iter()
            .any(|(k, v)| *k == hyper::header::CONTENT_ENCODING && v != "identity");
        if !wanted || encoded {
            return;
        }
        let Ok(Value::Object(mut m)) = serde_json::from_slice::<Value>(&answer.body) else {
            return;
        };
        let mut doc = match report {
            Some(r) => reply::findings_doc(r),
            None => json!({"version": 1, "files": [], "summary": {}}),
        };
        if let Some(code) = errcode.filter(|c| *c != 0) {
            if let Some(explained) = self.explain(code, &answer.body, endpoint, report) {
                doc["explain"] = explained;
            }
        }
        m.insert("cardlint".into(), doc);
        answer.body = Bytes::from(Value::Object(m).to_string());
        if let Ok(v) = HeaderValue::from_str(&findings.to_string()) {
            answer
                .headers
                .push((HeaderName::from_static("x-cardlint-findings"), v));
        }
    }

    /// `explain --format json` of the errcode, its causes ranked against the findings.
    fn explain(
        &self,
        errcode: i64,
        body: &[u8],
        endpoint: Option<&str>,
        report: Option<&Report>,
    ) -> Option<Value> {
        let code = crate::explain::code(errcode)?;
        let text = String::from_utf8_lossy(body);
        let response = crate::explain::parse_response(&text);
        let e = crate::explain::for_code(
            code,
            response.as_ref(),
            crate::explain::Ask {
                platform: None,
                endpoint,
                lang: self.config.lang,
                findings: report.map(|r| r.findings.clone()).unwrap_or_default(),
                request: report.map(|r| r.source.text.as_str()),
            },
        );
        serde_json::to_value(e).ok()
    }

    /// 504: the upstream did not answer within `--timeout`.
    fn upstream_timeout(&self, upstream: &str) -> Answer {
        let secs = self.config.timeout.as_secs_f64().to_string();
        let args = [("upstream", upstream.to_string()), ("secs", secs)];
        self.refuse(504, "proxy_timeout", &args)
    }

    /// 502: the upstream could not be reached or its answer not read (the reason masked).
    fn unreachable(&self, upstream: &str, reason: &str) -> Answer {
        let reason = crate::redact::mask(reason).into_owned();
        let args = [("upstream", upstream.to_string()), ("reason", reason)];
        self.refuse(502, "proxy_unreachable", &args)
    }

    /// An answer of the proxy's own (`serve.hint.<key>` in rules/terms.toml), errcode -1.
    fn refuse(&self, status: u16, key: &str, args: &[(&str, String)]) -> Answer {
        let hint = crate::registry::say(self.config.lang, &format!("serve.hint.{key}"), args);
        Answer::json(status, reply::refusal(-1, &hint, "cardlint-proxy"))
    }

    fn record(&self, x: &Exchange, request: &[u8], answer: &[u8]) {
        let findings = x.report.map(|r| r.findings.len()).unwrap_or(0);
        if self.config.log {
            let line = json!({
                "ts": crate::serve::http::unix_millis(),
                "method": x.method,
                "path": crate::redact::mask(x.path),
                "endpoint": x.endpoint,
                "status": x.status,
                "errcode": x.errcode,
                "blocked": x.blocked,
                "findings": findings,
                "upstream_us": x.upstream.map(|d| d.as_micros() as u64),
                "added_us": x.added.as_micros() as u64,
            });
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
        let failed = x.blocked || x.errcode.is_some_and(|c| c != 0) || x.status >= 400;
        if let (Some(file), true) = (&self.capture, failed) {
            // masked as a whole text: a secret anywhere in the body, the answer or the path
            let line = json!({
                "ts": crate::serve::http::unix_millis(),
                "method": x.method,
                "path": crate::redact::mask(x.path),
                "endpoint": x.endpoint,
                "blocked": x.blocked,
                "request": crate::redact::mask(&String::from_utf8_lossy(request)),
                "answer": crate::redact::mask(&String::from_utf8_lossy(answer)),
            });
            if let Ok(mut f) = file.lock() {
                let _ = writeln!(f, "{line}");
            }
        }
    }
}

fn own(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn answer_errcode(a: &Answer) -> Option<i64> {
    if a.body.len() > 1 << 20 || !a.body.starts_with(b"{") {
        return None;
    }
    serde_json::from_slice::<Value>(&a.body)
        .ok()?
        .get("errcode")?
        .as_i64()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

pub mod server;

//! `cardlint explain QUERY`: what the query is (errcode, response, symptom or rule) and how
//! the answer is printed; the matching itself lives in `cardlint::explain`.

use cardlint::explain::{self, Ask, Response};
use cardlint::registry::{say, term};
use cardlint::report::human::{render_report, Style};
use cardlint::{Lang, Options};
use std::io::Read;
use std::process::ExitCode;

/// What `explain` prints: the CI formats are for findings of files, which it has none of.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub struct Args {
    pub query: String,
    pub request: Option<std::path::PathBuf>,
    pub endpoint: Option<String>,
    pub platform: Option<String>,
    pub json: bool,
    /// Tickets and card_id for the request's signatures.
    pub signing: cardlint::rules::Signing,
}

enum Query {
    Response(Response, Option<(String, Vec<u8>)>),
    Errcode(i64),
    Rule(String),
    Symptom,
    /// An HTML page where a JSON answer was expected.
    Html,
}

/// An answer that is a web page (`<html>`, `<!DOCTYPE`): a gateway, a proxy or a wrong host
/// answered, not the card API.
fn is_html(text: &str) -> bool {
    let t = text.trim_start().get(..64).unwrap_or(text.trim_start());
    let lower = t.to_ascii_lowercase();
    lower.starts_with("<!doctype") || lower.starts_with("<html") || lower.starts_with("<head")
}

/// The body of an HTTP response (after its headers), or the text itself.
fn body_of(text: &str) -> &str {
    if text.starts_with("HTTP/") {
        if let Some(i) = text
            .find("\r\n\r\n")
            .map(|i| i + 4)
            .or(text.find("\n\n").map(|i| i + 2))
        {
            return &text[i..];
        }
    }
    text
}

fn classify(q: &str) -> Query {
    let trimmed = q.trim();
    let from_text =
        |text: &str, request: Option<(String, Vec<u8>)>| match explain::parse_response(text) {
            Some(r) => Query::Response(r, request),
            None if is_html(body_of(text)) => Query::Html,
            None => Query::Symptom,
        };
    if trimmed == "-" {
        let mut text = String::new();
        let _ = std::io::stdin().take(1 << 20).read_to_string(&mut text);
        return from_text(&text, None);
    }
    if trimmed.starts_with('{') || is_html(trimmed) {
        return from_text(trimmed, None);
    }
    if let Ok(n) = trimmed.parse::<i64>() {
        return Query::Errcode(n);
    }
    let path = std::path::Path::new(trimmed);
    if path.is_file() {
        let text = std::fs::read(path).unwrap_or_default();
        let text = String::from_utf8_lossy(&text).into_owned();
        // an .http file may hold the request and, after `HTTP/1.1 ...`, the response
        if let Some(i) = text.find("\nHTTP/") {
            let request = (trimmed.to_string(), text.as_bytes()[..i + 1].to_vec());
            return from_text(&text[i..], Some(request));
        }
        return from_text(&text, None);
    }
    if cardlint::registry::lookup(trimmed).is_some() {
        return Query::Rule(trimmed.to_string());
    }
    Query::Symptom
}

pub fn run(args: Args, lang: Lang) -> ExitCode {
    let query = classify(&args.query);
    let (response, inline_request) = match query {
        Query::Rule(r) => {
            return match cardlint::explain::rule::explain(&r, lang) {
                Some(text) => {
                    crate::cli::output::print(&text);
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("{}", cardlint::registry::docs::unknown_rule(&r, lang));
                    ExitCode::from(2)
                }
            }
        }
        Query::Response(r, req) => (Some(r), req),
        Query::Errcode(n) => (
            Some(Response {
                errcode: n,
                errmsg: String::new(),
                hint: None,
                error_before: None,
            }),
            None,
        ),
        Query::Symptom => (None, None),
        Query::Html => {
            let text = say(lang, "explain.html_page", &[]);
            if args.json {
                let doc = serde_json::json!({"kind": "html_page", "explanation": text});
                crate::cli::output::print(&format!("{doc:#}\n"));
            } else {
                crate::cli::output::print(&format!("{text}\n"));
            }
            return ExitCode::SUCCESS;
        }
    };
    // the request that failed, linted, so its findings can be ranked against the answer
    let report = match linted_request(&args, inline_request, lang) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let endpoint = args
        .endpoint
        .as_deref()
        .and_then(cardlint::endpoint::canonical)
        .or(report.as_ref().and_then(|r| r.endpoint));
    let ask = Ask {
        platform: args.platform.as_deref(),
        endpoint,
        lang,
        findings: report
            .as_ref()
            .map(|r| r.findings.clone())
            .unwrap_or_default(),
        request: report.as_ref().map(|r| r.source.text.as_str()),
    };
    let explanation = match explanation(&args.query, response.as_ref(), ask, lang) {
        Ok(e) => e,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if args.json {
        let mut text = serde_json::to_string_pretty(&explanation).expect("serializable");
        text.push('\n');
        crate::cli::output::print(&cardlint::redact::mask(&text));
        return ExitCode::SUCCESS;
    }
    let mut text = explain::render(&explanation, lang);
    if let Some(mut r) = report {
        if explanation.causes.iter().any(|c| c.found) {
            text.push_str(&format!("\n{}:\n", term(lang, "explain.findings")));
        } else if response.is_some() {
            text.push_str(&format!("\n{}\n", term(lang, "explain.none_found")));
        }
        r.findings = explanation.findings;
        text.push_str(&render_report(
            &r,
            &Style {
                color: false,
                width: 100,
                lang,
            },
        ));
    }
    crate::cli::output::print(&cardlint::redact::mask(&text));
    ExitCode::SUCCESS
}

/// The request named by `--request` or found before the response in an .http file, linted.
fn linted_request(
    args: &Args,
    inline: Option<(String, Vec<u8>)>,
    lang: Lang,
) -> Result<Option<cardlint::Report>, String> {
    let request = match (&args.request, inline) {
        (Some(p), _) => match std::fs::read(p) {
            Ok(b) => Some((p.display().to_string(), b)),
            Err(e) => {
                let err = cardlint::InputError::Io {
                    path: p.display().to_string(),
                    source: e,
                };
                return Err(cardlint::messages::input_error(&err, lang));
            }
        },
        (None, r) => r,
    };
    let Some((path, bytes)) = request else {
        return Ok(None);
    };
    let options = Options {
        endpoint: args.endpoint.clone(),
        lang: Some(lang),
        signing: args.signing.clone(),
        ..Options::default()
    };
    cardlint::lint_bytes(&options, &path, &bytes)
        .map(Some)
        .map_err(|e| cardlint::messages::lint_error(&e, lang))
}

/// The causes of an errcode (with its errmsg) or of a symptom, ranked against the findings.
fn explanation(
    query: &str,
    response: Option<&Response>,
    ask: Ask,
    lang: Lang,
) -> Result<explain::Explanation, String> {
    match response {
        Some(resp) => match explain::code(resp.errcode) {
            Some(code) => {
                let shown = (!resp.errmsg.is_empty()).then_some(resp);
                Ok(explain::for_code(code, shown, ask))
            }
            None => {
                let nearby: Vec<String> = explain::nearby(resp.errcode)
                    .iter()
                    .map(i64::to_string)
                    .collect();
                let mut a = vec![("errcode", resp.errcode.to_string())];
                if !nearby.is_empty() {
                    a.push(("nearby", nearby.join(", ")));
                }
                Err(say(lang, "error.unknown_errcode", &a))
            }
        },
        None => match explain::symptoms(query).first() {
            Some(s) => Ok(explain::for_symptom(s, ask)),
            // text that carries an errcode, as the seed writes them: `{47001,data format error}`
            None => match explain::errcode_in(query).and_then(explain::code) {
                Some(code) => Ok(explain::for_code(code, None, ask)),
                None => Err(say(
                    lang,
                    "error.nothing_matches",
                    &[("query", query.to_string())],
                )),
            },
        },
    }
}

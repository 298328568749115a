//! The query string of a request line, checked against its endpoint's query schema
//! (`schemas/query/<endpoint>.json`, or `schemas/query/defaults.json` for an endpoint without
//! one of its own). WeChat reads `access_token` (and getticket its `type`) from the URL, never
//! from the body, so a GET endpoint's whole request is its query.
//!
//! A parameter is judged by its value with the file's `{{variables}}` substituted, and shown
//! where it is written. That a parameter is missing is said only for a URL whose host is
//! WeChat's: a bare path (`POST /card/create`) only names the endpoint, and another host may
//! be a gateway that adds the token itself.

use crate::finding::Hit;
use crate::model::Span;
use crate::registry::code;
use crate::registry::QUERY_SCHEMA_FILES;
use jsonschema::error::ValidationErrorKind as Kind;
use jsonschema::Validator;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The hosts of the official API (the main one and its regional entries).
const WECHAT_HOSTS: &[&str] = &[
    "api.weixin.qq.com",
    "api2.weixin.qq.com",
    "sh.api.weixin.qq.com",
    "sz.api.weixin.qq.com",
    "hk.api.weixin.qq.com",
];

/// The embedded query schema of an endpoint, or the default one.
fn schema_text(endpoint: &str) -> &'static str {
    let stem = endpoint.replace('/', ".");
    let find = |s: &str| {
        QUERY_SCHEMA_FILES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, text)| *text)
    };
    find(&stem)
        .or_else(|| find("defaults"))
        .expect("schemas/query/defaults.json is embedded")
}

/// Whether the endpoint has a query schema of its own (the GET endpoints and the upload).
pub fn has_own_schema(endpoint: &str) -> bool {
    let stem = endpoint.replace('/', ".");
    QUERY_SCHEMA_FILES.iter().any(|(name, _)| *name == stem)
}

fn validator(endpoint: &str) -> &'static Validator {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static Validator>>> = OnceLock::new();
    let text = schema_text(endpoint);
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(text).or_insert_with(|| {
        let schema: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("query schema of {endpoint} does not parse: {e}"));
        let v = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("query schema of {endpoint} does not compile: {e}"));
        Box::leak(Box::new(v))
    })
}

/// One `key=value` of a query string: decoded text, and where each part is written.
#[derive(Debug, Clone)]
struct Param {
    key: String,
    value: String,
    key_span: Span,
    /// Empty (at the end of the key) when the pair has no `=`.
    value_span: Span,
}

/// The pairs of the query of `url`, whose text starts at `base` in the source.
fn params(url: &str, base: usize) -> Vec<Param> {
    let Some(q) = url.find('?') else {
        return Vec::new();
    };
    let end = url[q..].find('#').map_or(url.len(), |i| q + i);
    let mut out = Vec::new();
    let mut start = q + 1;
    for piece in url[q + 1..end].split('&') {
        let at = start;
        start += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let (k, v, v_at) = match piece.find('=') {
            Some(i) => (&piece[..i], &piece[i + 1..], at + i + 1),
            None => (piece, "", at + piece.len()),
        };
        let decode = |s: &str| {
            percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        out.push(Param {
            key: decode(k),
            value: decode(v),
            key_span: base + at..base + at + k.len(),
            value_span: base + v_at..base + v_at + v.len(),
        });
    }
    out
}

fn host_of(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    // `user@host:port`
    let host = host.rsplit('@').next().unwrap_or(host);
    Some(host.split(':').next().unwrap_or(host))
}

/// The findings on the query of a request line for `endpoint`: `written` is the URL as the
/// file has it (starting at `base`), `expanded` the same URL with its variables substituted.
pub fn check(endpoint: &str, written: &str, base: usize, expanded: &str) -> Vec<Hit> {
    let url_span = base..base + written.len();
    let shown = params(written, base);
    let read = params(expanded, 0);
    // a key still holding a variable after substitution: what the query carries is unknown
    if read.iter().any(|p| p.key.contains("{{")) {
        return Vec::new();
    }
    let official =
        host_of(expanded).is_some_and(|h| WECHAT_HOSTS.contains(&h.to_ascii_lowercase().as_str()));
    // the first occurrence of a key is the one read
    let mut object = Map::new();
    for p in &read {
        object
            .entry(p.key.clone())
            .or_insert_with(|| Value::String(p.value.clone()));
    }
    let instance = Value::Object(object);
    let where_written = |key: &str| shown.iter().find(|p| p.key == key);
    let mut hits = Vec::new();
    for err in validator(endpoint).iter_errors(&instance) {
        let name = err
            .instance_path()
            .as_str()
            .trim_start_matches('/')
            .to_string();
        match err.kind() {
            Kind::Required { property } => {
                let Some(wanted) = property.as_str() else {
                    continue;
                };
                if !official {
                    continue;
                }
                hits.push(missing(endpoint, wanted, &shown, url_span.clone()));
            }
            Kind::MinLength { .. } if official => {
                // `access_token=`: as good as none
                let span = where_written(&name)
                    .map_or(url_span.clone(), |p| p.key_span.start..p.value_span.end);
                hits.push(missing_hit(endpoint, &name, span));
            }
            Kind::Enum { options } => {
                let Some(p) = where_written(&name) else {
                    continue;
                };
                // a value that is a variable nobody defined: unknown, not wrong
                if p.value.contains("{{") || crate::redact::is_secret_key(&name) {
                    continue;
                }
                let allowed = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                hits.push(
                    Hit::new(code::QUERY003, p.value_span.clone())
                        .arg("param", name.clone())
                        .arg("value", p.value.clone())
                        .arg("allowed", allowed)
                        .arg("endpoint", endpoint),
                );
            }
            _ => {}
        }
    }
    hits
}

/// A parameter the endpoint needs and the URL lacks: at a misspelling of it when one is
/// written (the one root cause), else at the URL.
fn missing(endpoint: &str, wanted: &str, shown: &[Param], url_span: Span) -> Hit {
    let near = shown.iter().find(|p| {
        p.key != wanted && crate::suggest::closest(&p.key, [wanted]).as_deref() == Some(wanted)
    });
    match near {
        Some(p) => Hit::new(code::QUERY002, p.key_span.clone())
            .arg("param", p.key.clone())
            .arg("expected", wanted)
            .arg("endpoint", endpoint)
            .fix(p.key_span.clone(), wanted),
        None => missing_hit(endpoint, wanted, url_span),
    }
}

fn missing_hit(endpoint: &str, wanted: &str, span: Span) -> Hit {
    if wanted == "access_token" {
        Hit::new(code::QUERY001, span).arg("endpoint", endpoint)
    } else {
        Hit::new(code::QUERY004, span)
            .arg("param", wanted)
            .arg("endpoint", endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(endpoint: &str, url: &str) -> Vec<(&'static str, String)> {
        check(endpoint, url, 0, url)
            .into_iter()
            .map(|h| (h.code.as_str(), url[h.span].to_string()))
            .collect()
    }

    #[test]
    fn a_wechat_url_without_a_token_is_41001() {
        let url = "https://api.weixin.qq.com/card/getcolors";
        assert_eq!(
            codes("card/getcolors", url),
            [("QUERY001", url.to_string())]
        );
        let empty = "https://api.weixin.qq.com/card/create?access_token=&x=1";
        assert_eq!(
            codes("card/create", empty),
            [("QUERY001", "access_token=".to_string())]
        );
        assert!(codes(
            "card/create",
            "https://api.weixin.qq.com/card/create?access_token=T"
        )
        .is_empty());
    }

    #[test]
    fn other_hosts_and_bare_paths_are_not_asked_for_a_token() {
        assert!(codes("card/create", "/card/create").is_empty());
        assert!(codes("card/create", "https://gateway.example.com/card/create").is_empty());
    }

    #[test]
    fn a_misspelt_parameter_is_the_one_finding() {
        let url = "https://api.weixin.qq.com/cgi-bin/ticket/getticket?acess_token=T&tpye=wx_card";
        assert_eq!(
            codes("cgi-bin/ticket/getticket", url),
            [
                ("QUERY002", "acess_token".to_string()),
                ("QUERY002", "tpye".to_string())
            ]
        );
    }

    #[test]
    fn getticket_needs_a_known_type() {
        let bad = "https://api.weixin.qq.com/cgi-bin/ticket/getticket?access_token=T&type=card";
        assert_eq!(
            codes("cgi-bin/ticket/getticket", bad),
            [("QUERY003", "card".to_string())]
        );
        let none = "https://api.weixin.qq.com/cgi-bin/ticket/getticket?access_token=T";
        assert_eq!(codes("cgi-bin/ticket/getticket", none)[0].0, "QUERY004");
        for t in ["wx_card", "jsapi", "wx%5Fcard"] {
            let ok = format!(
                "https://api.weixin.qq.com/cgi-bin/ticket/getticket?access_token=T&type={t}"
            );
            assert!(codes("cgi-bin/ticket/getticket", &ok).is_empty(), "{t}");
        }
        // a path alone still has its written value checked
        let path = "/cgi-bin/ticket/getticket?type=wxcard";
        assert_eq!(codes("cgi-bin/ticket/getticket", path)[0].0, "QUERY003");
    }

    #[test]
    fn variables_are_judged_by_their_values() {
        let written = "{{host}}/card/create?access_token={{token}}";
        let expanded = "https://api.weixin.qq.com/card/create?access_token=T";
        assert!(check("card/create", written, 0, expanded).is_empty());
        let unset = "https://api.weixin.qq.com/card/create?{{auth}}";
        assert!(check("card/create", unset, 0, unset).is_empty());
    }
}

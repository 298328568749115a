//! URLs: card pages (`cardlint url`: `wechat_card_js=1`, a domain rather than an IP address,
//! no port but 80/443, no fragment when signing) and URL-valued fields of payloads (a scheme,
//! no spaces or line breaks copied from the docs).

use super::{Ctx, Out, Path};
use crate::finding::Hit;
use crate::model::Span;
use crate::registry::code;
use serde_json::Value;

/// The pieces of an absolute URL, as byte ranges into it.
pub struct Parts {
    pub host: Span,
    pub port: Option<Span>,
    pub query: Option<Span>,
    pub fragment: Option<Span>,
}

pub fn parse(url: &str) -> Option<Parts> {
    let scheme_end = url.find("://")?;
    let auth_start = scheme_end + 3;
    let rest = &url[auth_start..];
    let auth_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..auth_len];
    let host_start = auth_start + auth.rfind('@').map_or(0, |i| i + 1);
    let host_auth = &url[host_start..auth_start + auth_len];
    let (host, port) = if host_auth.starts_with('[') {
        let close = host_auth.find(']').map_or(host_auth.len(), |i| i + 1);
        let port = host_auth[close..]
            .strip_prefix(':')
            .map(|_| host_start + close + 1..auth_start + auth_len);
        (host_start..host_start + close, port)
    } else {
        match host_auth.rfind(':') {
            Some(i) => (
                host_start..host_start + i,
                Some(host_start + i + 1..auth_start + auth_len),
            ),
            None => (host_start..auth_start + auth_len, None),
        }
    };
    let fragment = url.find('#').map(|i| i..url.len());
    let query_end = fragment.as_ref().map_or(url.len(), |f| f.start);
    let query = url[..query_end].find('?').map(|i| i + 1..query_end);
    Some(Parts {
        host,
        port,
        query,
        fragment,
    })
}

pub fn host(url: &str) -> Option<String> {
    let p = parse(url.trim())?;
    Some(url.trim()[p.host].to_ascii_lowercase())
}

fn is_ip(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<std::net::IpAddr>().is_ok()
}

/// The URL with `wechat_card_js=1` added to its query, keeping the fragment last.
pub fn with_card_js(url: &str) -> String {
    let (before, fragment) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let sep = if !before.contains('?') {
        "?"
    } else if before.ends_with('?') || before.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{before}{sep}wechat_card_js=1{fragment}")
}

fn has_card_js(url: &str, parts: &Parts) -> bool {
    parts
        .query
        .as_ref()
        .is_some_and(|q| url[q.clone()].split('&').any(|kv| kv == "wechat_card_js=1"))
}

/// Checks of a card page URL given to `cardlint url`; spans are byte ranges of `url`.
pub fn check_page_url(url: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    let whole = 0..url.len();
    if let Some(h) = whitespace(url) {
        hits.push(h);
    }
    let Some(parts) = parse(url) else {
        hits.push(Hit::new(code::URL005, whole).arg("value", url));
        return hits;
    };
    let host = &url[parts.host.clone()];
    if is_ip(host) {
        hits.push(Hit::new(code::URL002, parts.host.clone()).arg("host", host));
    }
    if let Some(port) = &parts.port {
        let p = &url[port.clone()];
        if p != "80" && p != "443" && !p.is_empty() {
            hits.push(
                Hit::new(code::URL003, port.start.saturating_sub(1)..port.end).arg("port", p),
            );
        }
    }
    if !has_card_js(url, &parts) {
        let fixed = with_card_js(url);
        hits.push(
            Hit::new(code::URL001, whole.clone())
                .arg("fixed", fixed.clone())
                .fix(whole.clone(), fixed),
        );
    }
    if let Some(q) = &parts.query {
        hits.extend(secrets_in_query(url, q.clone()));
    }
    if let Some(f) = &parts.fragment {
        hits.push(
            Hit::new(code::URL004, f.clone())
                .arg("fragment", &url[f.clone()])
                .arg("signed", &url[..f.start]),
        );
    }
    hits
}

/// A credential in a page's own query (`?access_token=…`): the page URL reaches every visitor,
/// their history and the Referer of every request the page makes. Placeholders are fine.
fn secrets_in_query(url: &str, query: Span) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut at = query.start;
    for pair in url[query.clone()].split('&') {
        let start = at;
        at += pair.len() + 1;
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let key = key.trim_start_matches('?');
        if crate::redact::is_secret_key(key)
            && !value.is_empty()
            && !crate::redact::is_placeholder(value)
        {
            let lead = pair.len() - pair.trim_start_matches('?').len();
            hits.push(Hit::new(code::URL008, start + lead..start + pair.len()).arg("key", key));
        }
    }
    hits
}

fn whitespace(url: &str) -> Option<Hit> {
    let (i, c) = url.char_indices().find(|(_, c)| c.is_whitespace())?;
    // the page URL given to `cardlint url` has no field name: it is the URL itself
    Some(Hit::new(code::URL006, i..i + c.len_utf8()).arg("field", "URL"))
}

fn is_url_key(key: &str) -> bool {
    key == "url" || key.ends_with("_url") || key == "banner" || key == "icon_url_list"
}

/// URL-valued fields in a payload: a scheme, and no whitespace inside (called for every
/// value, from the shared walk).
pub fn field(ctx: &Ctx, out: &mut Out, path: &Path, v: &Value) {
    let Some(s) = v.as_str() else {
        return;
    };
    if !path.owning_key().is_some_and(is_url_key) || s.trim().is_empty() {
        return;
    }
    if s.chars().any(char::is_whitespace) {
        out.push(ctx.hit(code::URL006, &path.pointer()));
    } else if !(s.starts_with("http://") || s.starts_with("https://")) {
        out.push(ctx.hit(code::URL005, &path.pointer()).arg("value", s));
    } else if let Some(h) = host(s).filter(|h| h.ends_with('.')) {
        // `http://www.example.com.`: the sentence's full stop copied into the address
        out.push(ctx.hit(code::URL007, &path.pointer()).arg("host", h));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(url: &str) -> Vec<crate::finding::Code> {
        check_page_url(url).iter().map(|h| h.code).collect()
    }

    #[test]
    fn card_page_urls() {
        assert_eq!(
            codes("https://m.example.com/card.html?cardid=1"),
            [code::URL001]
        );
        assert_eq!(
            with_card_js("https://m.example.com/card.html?cardid=1"),
            "https://m.example.com/card.html?cardid=1&wechat_card_js=1"
        );
        assert_eq!(
            with_card_js("https://m.example.com/c#top"),
            "https://m.example.com/c?wechat_card_js=1#top"
        );
        assert_eq!(
            codes("http://192.168.1.20/card.html?wechat_card_js=1"),
            [code::URL002]
        );
        assert_eq!(
            codes("https://m.example.com:8080/c?wechat_card_js=1"),
            [code::URL003]
        );
        assert!(codes("https://m.example.com:443/c?wechat_card_js=1").is_empty());
        assert_eq!(
            codes("https://m.example.com/c?wechat_card_js=1#x"),
            [code::URL004]
        );
        assert_eq!(codes("www.example.com/card.html"), [code::URL005]);
        assert_eq!(host("http://[::1]:8080/x").as_deref(), Some("[::1]"));
    }
}

//! The sandbox's web page: the playground at `/`, the inspector at `/inspector`, and their
//! two assets, served from the binary (built from `web/` and committed, so neither `cargo
//! build` nor the page needs the network). Also the guard in front of the page and the
//! `/cardlint` API: cross-origin requests are refused, a loopback sandbox answers only loopback
//! host names (a rebound DNS name cannot reach it from a web page), and on another address the
//! calls that change the sandbox's state need the token printed at start.

use crate::registry::{say, Lang};

/// No inline script and no `eval`: the page's one script is `/assets/app.js`. Styles allow
/// `'unsafe-inline'` because the editor positions its elements with style attributes.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
frame-ancestors 'none'";

const PLAYGROUND: &[u8] = include_bytes!("../../web/static/index.html");
const INSPECTOR: &[u8] = include_bytes!("../../web/static/inspector.html");
const APP_JS: &[u8] = include_bytes!("../../web/dist/app.js");
const APP_CSS: &[u8] = include_bytes!("../../web/static/app.css");

/// The page or asset at `path`, with its content type.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    Some(match path {
        "/" | "/index.html" => ("text/html; charset=utf-8", PLAYGROUND),
        "/inspector" | "/inspector/" => ("text/html; charset=utf-8", INSPECTOR),
        "/assets/app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "/assets/app.css" => ("text/css; charset=utf-8", APP_CSS),
        _ => return None,
    })
}

/// Who may use the page and the `/cardlint` API.
#[derive(Debug, Clone)]
pub struct Access {
    /// The sandbox listens on a loopback address only.
    pub loopback: bool,
    /// Required in `X-Cardlint-Token` by the calls that change state (off loopback).
    pub token: Option<String>,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            loopback: true,
            token: None,
        }
    }
}

impl Access {
    /// For a sandbox bound to `addr`: loopback needs no token; any other address gets a fresh
    /// random one.
    pub fn for_addr(addr: &std::net::SocketAddr) -> Access {
        if addr.ip().is_loopback() {
            return Access::default();
        }
        let mut bytes = [0u8; 16];
        let token = match getrandom::fill(&mut bytes) {
            Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            // no system randomness: refuse every state-changing call rather than guessable
            Err(_) => String::new(),
        };
        Access {
            loopback: false,
            token: Some(token),
        }
    }
}

/// The headers the guard reads.
pub struct Asked<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub fetch_site: Option<&'a str>,
    pub token: Option<&'a str>,
}

/// Paths behind the guard: the page, its assets and the sandbox's own API. The card API
/// itself stays open to any client, as the live one is.
fn guarded(path: &str) -> bool {
    asset(path).is_some() || path.starts_with("/cardlint/")
}

/// The `/cardlint/...` actions that stand in for a user or the reviewer: they change the
/// sandbox's state (and push events), so they are journaled and need the token off loopback.
pub fn acts_for_a_user(action: &str) -> bool {
    matches!(
        action,
        "scan" | "gift" | "delete" | "view" | "enter-session" | "activate" | "pay" | "review"
    )
}

/// The `/cardlint` calls that change the sandbox's state (the others only compute).
fn mutating(method: &str, path: &str) -> bool {
    method.eq_ignore_ascii_case("POST")
        && path.strip_prefix("/cardlint/").is_some_and(acts_for_a_user)
}

/// `Err((status, message))` when the request must be refused.
pub fn guard(access: &Access, asked: &Asked, lang: Lang) -> Result<(), (u16, String)> {
    if !guarded(asked.path) {
        return Ok(());
    }
    if let Some(origin) = asked.origin {
        let same = asked
            .host
            .is_some_and(|host| origin_host(origin).eq_ignore_ascii_case(host));
        if !same {
            let args = [("origin", origin.to_string())];
            return Err((403, say(lang, "serve.web.cross_origin", &args)));
        }
    }
    if asked.fetch_site == Some("cross-site") {
        let args = [("origin", asked.origin.unwrap_or("-").to_string())];
        return Err((403, say(lang, "serve.web.cross_origin", &args)));
    }
    // a browser says where a request comes from; only a browser can be steered by a rebound
    // DNS name, and SDKs and scripts name whatever host they were given
    let browser = asked.origin.is_some() || asked.fetch_site.is_some();
    if access.loopback && browser {
        if let Some(host) = asked.host.filter(|h| !is_loopback_host(h)) {
            return Err((
                403,
                say(lang, "serve.web.host", &[("host", host.to_string())]),
            ));
        }
    }
    if let Some(token) = &access.token {
        let given = asked.token.unwrap_or("");
        if mutating(asked.method, asked.path) && (token.is_empty() || given != token) {
            return Err((403, say(lang, "serve.web.token", &[])));
        }
    }
    Ok(())
}

/// `http://127.0.0.1:8808` -> `127.0.0.1:8808` (what a `Host` header holds).
fn origin_host(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, r)| r);
    rest.trim_end_matches('/')
}

/// `127.0.0.1:8808`, `localhost`, `[::1]:80`: names that only reach this machine.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked<'a>(path: &'a str, host: &'a str, origin: Option<&'a str>) -> Asked<'a> {
        Asked {
            method: "POST",
            path,
            host: Some(host),
            origin,
            fetch_site: None,
            token: None,
        }
    }

    #[test]
    fn the_card_api_is_never_guarded() {
        let a = Access::default();
        let x = asked("/card/create", "evil.example", Some("http://evil.example"));
        assert!(guard(&a, &x, Lang::En).is_ok());
    }

    #[test]
    fn cross_origin_and_rebound_names_are_refused() {
        let a = Access::default();
        let own = asked(
            "/cardlint/check",
            "127.0.0.1:8808",
            Some("http://127.0.0.1:8808"),
        );
        assert!(guard(&a, &own, Lang::En).is_ok());
        let other = asked(
            "/cardlint/scan",
            "127.0.0.1:8808",
            Some("http://evil.example"),
        );
        assert_eq!(guard(&a, &other, Lang::En).unwrap_err().0, 403);
        let mut rebound = asked("/", "evil.example:8808", None);
        assert!(
            guard(&a, &rebound, Lang::En).is_ok(),
            "a script names any host"
        );
        rebound.fetch_site = Some("same-origin");
        assert_eq!(guard(&a, &rebound, Lang::En).unwrap_err().0, 403);
        for host in ["localhost:8808", "[::1]:8808", "127.0.0.1"] {
            assert!(
                guard(&a, &asked("/", host, None), Lang::En).is_ok(),
                "{host}"
            );
        }
    }

    #[test]
    fn off_loopback_a_state_change_needs_the_token() {
        let addr: std::net::SocketAddr = "0.0.0.0:8808".parse().unwrap();
        let a = Access::for_addr(&addr);
        let token = a.token.clone().unwrap();
        assert_eq!(token.len(), 32);
        let mut scan = asked("/cardlint/scan", "192.168.1.5:8808", None);
        assert!(guard(&a, &scan, Lang::En).is_err());
        scan.token = Some(&token);
        assert!(guard(&a, &scan, Lang::En).is_ok());
        let check = asked("/cardlint/check", "192.168.1.5:8808", None);
        assert!(
            guard(&a, &check, Lang::En).is_ok(),
            "computing calls need no token"
        );
    }
}

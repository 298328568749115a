//! `cardlint serve`: a local stand-in for the card API. Every request body is linted for the
//! endpoint its path names; a request with errors gets the errcode the live server would give
//! (plus every finding in a `cardlint` field), a clean one a state-backed answer. The handler
//! is plain Rust (`Sandbox::handle`), usable in-process; `http` puts it on a socket.
//!
//! ```
//! use cardlint::serve::{Config, Request, Sandbox};
//! let sandbox = Sandbox::new(Config::default());
//! let r = sandbox.handle(&Request {
//!     method: "POST",
//!     path: "/card/code/consume",
//!     query: "access_token=T",
//!     body: br#"{"code": 1434008071}"#,
//! });
//! // a code sent as a number: refused like the live API, the rule named in the hint
//! assert!(r.body.starts_with(r#"{"errcode":40053,"#), "{}", r.body);
//! assert!(r.body.contains("TYPE002"));
//! ```

mod api;
pub mod client;
pub mod events;
pub mod http;
mod journal;
pub mod push;
pub mod reply;
mod state;
mod store;
mod user;
pub mod web;
pub mod wxcrypt;

use crate::registry::Lang;
use crate::rules::{CardBook, CardDef, Signing};
use crate::{endpoint, lint_bytes, Options};
use serde_json::{Map, Value};
use state::{fail, Fail, State};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub use store::StoreError;

#[derive(Debug, Clone)]
pub struct Config {
    /// Refuse access tokens the sandbox did not issue (40001) or that expired (42001).
    pub strict_token: bool,
    /// Lifetime of issued access tokens and tickets, seconds (7200 like the live API).
    pub token_ttl: i64,
    pub lang: Lang,
    /// Cards kept at most; card/create past it answers 45009 like an exhausted quota.
    pub max_cards: usize,
    /// "Now" in Unix seconds; `None` is the system clock.
    pub now: Option<i64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            strict_token: false,
            token_ttl: 7200,
            lang: Lang::En,
            max_cards: 100_000,
            now: None,
        }
    }
}

/// One HTTP request as the sandbox sees it.
pub struct Request<'a> {
    pub method: &'a str,
    /// `/card/create`
    pub path: &'a str,
    /// The query string without `?`.
    pub query: &'a str,
    pub body: &'a [u8],
}

pub struct Response {
    pub status: u16,
    /// JSON text.
    pub body: String,
    /// For the log: the answer's errcode, how many findings, the request id.
    pub errcode: i64,
    pub findings: usize,
    pub rid: String,
}

pub struct Sandbox {
    state: Mutex<State>,
    store: Option<store::Store>,
    config: Config,
    requests: AtomicU64,
    journal: journal::Journal,
    outbox: Option<push::Outbox>,
}

impl Sandbox {
    /// A sandbox whose state lives in memory only.
    pub fn new(config: Config) -> Sandbox {
        Sandbox {
            state: Mutex::new(State::new(seed())),
            store: None,
            config,
            requests: AtomicU64::new(0),
            journal: journal::Journal::default(),
            outbox: None,
        }
    }

    /// A sandbox persisted in `path` (created when missing): what it held last time is back.
    pub fn open(config: Config, path: &std::path::Path) -> Result<Sandbox, StoreError> {
        let (store, saved) = store::Store::open(path)?;
        let state = match saved {
            Some((meta, cards)) => State::from_parts(meta, cards),
            None => {
                let s = State::new(seed());
                store.save(&s.meta, &[], &[])?;
                s
            }
        };
        Ok(Sandbox {
            state: Mutex::new(state),
            store: Some(store),
            config,
            requests: AtomicU64::new(0),
            journal: journal::Journal::default(),
            outbox: None,
        })
    }

    /// Pushes the card events to `callback` from now on (and what an earlier run with the same
    /// `--state` left undelivered); [`Sandbox::push_worker`] delivers them.
    pub fn push_to(&mut self, callback: push::Callback) {
        let saved = match &self.store {
            Some(store) => store.events().unwrap_or_else(|e| {
                http::log_error(&format!("undelivered events not read: {e}"));
                Vec::new()
            }),
            None => Vec::new(),
        };
        let saved = saved
            .iter()
            .filter_map(|j| serde_json::from_str::<push::Queued>(j).ok())
            .collect();
        self.outbox = Some(push::Outbox::new(callback, saved));
    }

    /// The task that delivers the pushed events, once (`None` without a callback).
    pub fn push_worker(
        self: &Arc<Self>,
    ) -> Option<impl std::future::Future<Output = ()> + Send + 'static> {
        let outbox = self.outbox.as_ref()?;
        let rx = outbox.take_receiver()?;
        let me = self.clone();
        Some(push::deliver(outbox.callback.clone(), rx, move |seq| {
            me.event_done(seq)
        }))
    }

    /// Queues events (kept in the state file until delivered when there is one).
    fn emit(&self, events: Vec<events::Event>) {
        let Some(outbox) = &self.outbox else {
            return;
        };
        for e in events {
            if let Some(q) = outbox.queue(e) {
                if let (Some(store), Ok(json)) = (&self.store, serde_json::to_string(&q)) {
                    if let Err(e) = store.put_event(q.seq, &json) {
                        http::log_error(&format!("event not saved: {e}"));
                    }
                }
            }
        }
    }

    fn event_done(&self, seq: u64) {
        if let Some(outbox) = &self.outbox {
            outbox.done();
        }
        if let Some(store) = &self.store {
            if let Err(e) = store.remove_event(seq) {
                http::log_error(&format!("delivered event not removed: {e}"));
            }
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The wx_card ticket the sandbox hands out and verifies card_ext signatures with.
    pub fn wx_card_ticket(&self) -> String {
        self.lock().meta.wx_card_ticket.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // a panic while holding the lock leaves the state as the last complete operation
        // wrote it, so carrying on is safe
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> i64 {
        self.config.now.unwrap_or_else(crate::unix_now)
    }

    pub fn handle(&self, req: &Request) -> Response {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let rid = format!("{:08x}-sandbox", n);
        let path = req.path.trim_matches('/');
        if let Some(own) = path.strip_prefix("cardlint/") {
            // the page's and the scripts' own calls; scan acts for a user, so it is journaled
            let (status, answer) = self.own(own, req, &rid);
            if web::acts_for_a_user(own) {
                self.journal(req, None, status, &answer);
            }
            return self.response(status, answer, 0, rid);
        }
        let ep = endpoint::ENDPOINTS
            .iter()
            .copied()
            .find(|e| *e == path && (e.starts_with("card/") || e.starts_with("datacube/")));
        let (status, answer, findings) = match path {
            "cgi-bin/token" => (200, self.token(req.query), 0),
            "cgi-bin/ticket/getticket" => (200, self.ticket(req.query, &rid), 0),
            "card/getcolors" => (200, self.colors(req.query, &rid), 0),
            p => match ep {
                Some(ep) => self.api(ep, req, &rid),
                None => {
                    let mut f = fail(48001, "unknown_path").with("path", format!("/{p}"));
                    if let Some(s) = endpoint::suggest(p) {
                        f = f.with("suggestion", format!("/{s}"));
                    }
                    (404, self.refused(&f, &rid), 0)
                }
            },
        };
        self.journal(req, ep, status, &answer);
        self.response(status, answer, findings, rid)
    }

    /// `/cardlint/...`: the sandbox's own actions and the JSON API of its page.
    fn own(&self, path: &str, req: &Request, rid: &str) -> (u16, Map<String, Value>) {
        let lang = self.config.lang;
        let post = req.method.eq_ignore_ascii_case("POST");
        match path {
            "verify-card-ext" => {
                let (status, m, _) = self.verify_card_ext(req, rid);
                (status, m)
            }
            "scan" => (200, self.scan(req.body, rid)),
            "gift" => (200, self.act(req.body, rid, |s, b, now| s.gift(b, now))),
            "delete" => (
                200,
                self.act(req.body, rid, |s, b, now| s.user_delete(b, now)),
            ),
            "view" => (
                200,
                self.act(req.body, rid, |s, b, now| {
                    s.user_action("user_view_card", b, now)
                }),
            ),
            "enter-session" => (
                200,
                self.act(req.body, rid, |s, b, now| {
                    s.user_action("user_enter_session_from_card", b, now)
                }),
            ),
            "activate" => (
                200,
                self.act(req.body, rid, |s, b, now| {
                    s.user_action("submit_membercard_user_info", b, now)
                }),
            ),
            "pay" => (200, self.act(req.body, rid, |s, b, now| s.user_pay(b, now))),
            "review" => (200, self.act(req.body, rid, |s, b, now| s.review(b, now))),
            "check" => api::check(req.query, req.body, lang),
            "fix" => api::fix(req.query, req.body, lang),
            "explain" => api::explain(req.query, post.then_some(req.body), lang),
            "sign/card-ext" => api::sign_card_ext(req.query, req.body, lang),
            "sign/card-ext/check" => api::check_card_ext(req.query, req.body, lang),
            "endpoints" => api::endpoints(),
            "requests" => {
                let after = param(req.query, "after").and_then(|a| a.parse().ok());
                (200, api::object(self.journal.since(after.unwrap_or(0))))
            }
            "state" => api::state(&self.lock()),
            other => {
                let f = fail(48001, "unknown_path").with("path", format!("/cardlint/{other}"));
                (404, self.refused(&f, rid))
            }
        }
    }

    fn journal(
        &self,
        req: &Request,
        ep: Option<&'static str>,
        status: u16,
        answer: &Map<String, Value>,
    ) {
        self.journal.record(journal::Exchange {
            method: req.method,
            path: req.path,
            endpoint: ep,
            query: req.query,
            body: req.body,
            status,
            errcode: answer.get("errcode").and_then(Value::as_i64).unwrap_or(0),
            answer,
        });
    }

    fn response(
        &self,
        status: u16,
        answer: Map<String, Value>,
        findings: usize,
        rid: String,
    ) -> Response {
        let errcode = answer.get("errcode").and_then(Value::as_i64).unwrap_or(0);
        Response {
            status,
            body: Value::Object(answer).to_string(),
            errcode,
            findings,
            rid,
        }
    }

    /// Checks the access_token of the query: missing is 41001; with --strict-token, unknown is
    /// 40001 and expired 42001.
    fn authorise(&self, query: &str, rid: &str) -> Result<(), Map<String, Value>> {
        let token = param(query, "access_token").unwrap_or_default();
        if token.is_empty() {
            return Err(self.refused(&fail(41001, "token_missing"), rid));
        }
        if !self.config.strict_token {
            return Ok(());
        }
        match self.lock().meta.tokens.get(&token) {
            None => Err(self.refused(&fail(40001, "token_unknown"), rid)),
            Some(exp) if *exp <= self.now() => {
                Err(self.refused(&fail(42001, "token_expired"), rid))
            }
            Some(_) => Ok(()),
        }
    }

    fn token(&self, query: &str) -> Map<String, Value> {
        let rid = "token";
        if param(query, "grant_type").as_deref() != Some("client_credential") {
            return self.refused(&fail(40002, "grant_type"), rid);
        }
        if param(query, "appid").is_none_or(|a| a.is_empty()) {
            return self.refused(&fail(41002, "appid_missing"), rid);
        }
        if param(query, "secret").is_none_or(|s| s.is_empty()) {
            return self.refused(&fail(41004, "secret_missing"), rid);
        }
        let now = self.now();
        let mut state = self.lock();
        let token = state.issue_token(now, self.config.token_ttl);
        self.persist(&mut state);
        let mut m = Map::new();
        m.insert("access_token".into(), Value::from(token));
        m.insert("expires_in".into(), Value::from(self.config.token_ttl));
        m
    }

    fn ticket(&self, query: &str, rid: &str) -> Map<String, Value> {
        if let Err(refused) = self.authorise(query, rid) {
            return refused;
        }
        let state = self.lock();
        let ticket = match param(query, "type").as_deref() {
            Some("wx_card") => state.meta.wx_card_ticket.clone(),
            Some("jsapi") => state.meta.jsapi_ticket.clone(),
            _ => return self.refused(&fail(40097, "ticket_type"), rid),
        };
        state::ok_with([
            ("ticket", Value::from(ticket)),
            ("expires_in", Value::from(self.config.token_ttl)),
        ])
    }

    fn colors(&self, query: &str, rid: &str) -> Map<String, Value> {
        if let Err(refused) = self.authorise(query, rid) {
            return refused;
        }
        let colors = crate::model::facts::PALETTE
            .iter()
            .map(|(name, value)| serde_json::json!({"name": name, "value": value}))
            .collect();
        state::ok_with([("colors", Value::Array(colors))])
    }

    /// A user's (or the reviewer's) action: the state change and the events it pushes.
    fn act(
        &self,
        body: &[u8],
        rid: &str,
        op: impl FnOnce(&mut State, &Value, i64) -> user::Done,
    ) -> Map<String, Value> {
        let value = match body_value(body) {
            Ok(v) => v,
            Err(f) => return self.refused(&f, rid),
        };
        let now = self.now();
        let mut state = self.lock();
        let done = op(&mut state, &value, now);
        let answer = done.map(|(m, events)| {
            self.emit(events);
            m
        });
        self.persist(&mut state);
        answer.unwrap_or_else(|f| self.refused(&f, rid))
    }

    fn scan(&self, body: &[u8], rid: &str) -> Map<String, Value> {
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => return self.refused(&fail(47001, "scan_body"), rid),
        };
        let now = self.now();
        let mut state = self.lock();
        let answer = state.scan(&value, now);
        if let Ok(m) = &answer {
            let events = state.events_of_scan(m, now);
            self.emit(events);
        }
        self.persist(&mut state);
        answer.unwrap_or_else(|f| self.refused(&f, rid))
    }

    /// A card API call: lint, then (when nothing refuses it) the state operation.
    fn api(&self, ep: &'static str, req: &Request, rid: &str) -> (u16, Map<String, Value>, usize) {
        if !req.method.eq_ignore_ascii_case("POST") {
            return (
                200,
                self.refused(
                    &fail(43002, "use_post")
                        .with("method", req.method)
                        .with("endpoint", format!("/{ep}")),
                    rid,
                ),
                0,
            );
        }
        if let Err(refused) = self.authorise(req.query, rid) {
            return (200, refused, 0);
        }
        // parsed once: for the cards the body names, then for the state operation
        let parsed = body_value(req.body);
        let report = match self.lint(ep, req.body, parsed.as_ref().ok(), Signing::default()) {
            Ok(r) => r,
            Err(e) => return (200, reply::refusal(47001, &e, rid), 0),
        };
        self.answer(&report, rid, || {
            let body = match parsed {
                Ok(v) => v,
                Err(f) => return self.refused(&f, rid),
            };
            let now = self.now();
            let mut state = self.lock();
            let answer = self.operate(&mut state, ep, &body, now);
            if let Ok(m) = &answer {
                // queued under the lock: events leave in the order the state changed
                let events = state.events_after(ep, &body, m, now);
                self.emit(events);
            }
            self.persist(&mut state);
            drop(state);
            answer.unwrap_or_else(|f| self.refused(&f, rid))
        })
    }

    /// The answer to a linted request: refused for its deciding finding, else `then()`; with
    /// the findings in a `cardlint` field whenever there are any.
    fn answer(
        &self,
        report: &crate::Report,
        rid: &str,
        then: impl FnOnce() -> Map<String, Value>,
    ) -> (u16, Map<String, Value>, usize) {
        let findings = report.findings.len();
        let mut m = match reply::deciding(report) {
            Some((f, errcode)) => reply::refusal(errcode, &reply::hint(f), rid),
            None => then(),
        };
        if findings > 0 {
            m.insert("cardlint".into(), reply::findings_doc(report));
        }
        (200, m, findings)
    }

    fn operate(
        &self,
        s: &mut State,
        ep: &str,
        body: &Value,
        now: i64,
    ) -> Result<Map<String, Value>, Fail> {
        match ep {
            "card/create" => {
                if s.cards.len() >= self.config.max_cards {
                    return Err(fail(45009, "max_cards").with("limit", s.cards.len()));
                }
                s.create(body, now)
            }
            "card/get" => s.get(body),
            "card/delete" => s.delete(body),
            "card/batchget" => s.batchget(body),
            "card/update" => s.update(body),
            "card/modifystock" => s.modify_stock(body),
            "card/qrcode/create" => s.qrcode(body, now),
            "card/landingpage/create" => s.landing_page(body),
            "card/mpnews/gethtml" => s.mpnews(body),
            "card/code/get" => s.code_get(body),
            "card/code/consume" => s.consume(body),
            "card/code/decrypt" => s.decrypt(body),
            "card/code/update" => s.code_update(body),
            "card/code/unavailable" => s.unavailable(body),
            "card/code/deposit" => s.deposit(body),
            "card/code/getdepositcount" => s.deposit_count(body),
            "card/code/checkcode" => s.check_codes(body),
            "card/user/getcardlist" => s.user_cards(body),
            "card/membercard/userinfo/get" => s.member_info(body),
            _ => s.touch(body),
        }
    }

    /// Lints a body as `ep`, with the cards it names (`parsed`, when it is JSON serde reads)
    /// taken from the state for the cross-request checks.
    fn lint(
        &self,
        ep: &str,
        body: &[u8],
        parsed: Option<&Value>,
        signing: Signing,
    ) -> Result<crate::Report, String> {
        let cards = self.book(ep, parsed, signing.card_id.as_deref());
        let options = Options {
            endpoint: Some(ep.to_string()),
            lang: Some(self.config.lang),
            cards: Arc::new(cards),
            signing,
            now: Some(self.now()),
        };
        let path = format!("/{ep}");
        lint_bytes(&options, &path, body)
            .map_err(|e| crate::messages::lint_error(&e, self.config.lang))
    }

    /// The created cards a body names (every `card_id`/`cardId` string in it), for the
    /// endpoints whose checks look across requests (`registry::cross_card`, and wx.addCard for
    /// the card_ext it holds); each read from the card object the sandbox keeps.
    fn book(&self, ep: &str, parsed: Option<&Value>, extra: Option<&str>) -> CardBook {
        if ep != "wx.addCard" && crate::registry::cross_card::checks_for(ep).is_empty() {
            return CardBook::new();
        }
        let mut ids = Vec::new();
        if let Some(v) = parsed {
            collect_ids(v, &mut ids);
        }
        ids.extend(extra.map(String::from));
        if ids.is_empty() {
            return CardBook::new();
        }
        let state = self.lock();
        ids.into_iter()
            .filter_map(|id| {
                let c = state.cards.get(&id)?;
                let body: Value = serde_json::from_str(&c.body).ok()?;
                let mut def = CardDef::from_card(&format!("card/create {id}"), &body)?;
                // the stock as it is now (card/modifystock and claims change it)
                def.quantity = Some(c.quantity);
                Some((id, def))
            })
            .collect()
    }

    /// `POST /cardlint/verify-card-ext`: the `wx.addCard` argument (`{"cardList":[..]}`) or a
    /// card_ext object with `?card_id=`; signatures are checked with the sandbox's wx_card ticket.
    fn verify_card_ext(&self, req: &Request, rid: &str) -> (u16, Map<String, Value>, usize) {
        let card_id = param(req.query, "card_id");
        let parsed = body_value(req.body).ok();
        let is_add_card = parsed
            .as_ref()
            .is_some_and(|v| v.get("cardList").is_some() || v.get("card_list").is_some());
        let ep = if is_add_card {
            "wx.addCard"
        } else {
            "card_ext"
        };
        let signing = Signing {
            api_ticket: Some(self.wx_card_ticket()),
            jsapi_ticket: None,
            card_id: if is_add_card { None } else { card_id },
        };
        match self.lint(ep, req.body, parsed.as_ref(), signing) {
            Ok(report) => self.answer(&report, rid, state::ok),
            Err(e) => (200, reply::refusal(47001, &e, rid), 0),
        }
    }

    /// The refusal for a sandbox rule, in the sandbox's language.
    fn refused(&self, f: &Fail, rid: &str) -> Map<String, Value> {
        reply::refused(f, self.config.lang, rid)
    }

    fn persist(&self, state: &mut State) {
        let dirty = std::mem::take(&mut state.dirty);
        let qrs = std::mem::take(&mut state.dirty_qrs);
        if let Some(store) = &self.store {
            let cards: Vec<&state::Card> =
                dirty.iter().filter_map(|id| state.cards.get(id)).collect();
            if let Err(e) = store.save(&state.meta, &cards, &qrs) {
                http::log_error(&format!("state not saved: {e}"));
            }
        }
    }
}

fn body_value(body: &[u8]) -> Result<Value, Fail> {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    serde_json::from_slice(body).map_err(|e| fail(47001, "not_json").with("reason", e))
}

fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match v {
                    Value::String(s) if k == "card_id" || k == "cardId" => out.push(s.clone()),
                    _ => collect_ids(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_ids(i, out)),
        _ => {}
    }
}

/// A query parameter's value (percent-decoding is not needed for tokens, ids and types).
fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v.to_string())
    })
}

/// Distinct sandboxes hand out distinct ids and tickets.
fn seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    t ^ (std::process::id() as u64).rotate_left(32)
}

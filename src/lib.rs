//! cardlint checks WeChat Card (微信卡券) API request bodies before they are sent.
//!
//! ```
//! let report = cardlint::lint(
//!     Some("card/code/get"),
//!     r#"{"card_id": "pbLatjvtAmVivCwKrXnWJgR5XuqA", "code": 1434008071}"#,
//! )
//! .expect("readable input");
//! let f = &report.findings[0];
//! assert_eq!(f.code, "TYPE002"); // a code must be a quoted string
//! assert_eq!(f.pointer, "/code");
//! assert_eq!((f.line, f.column), (1, 53));
//! assert!(report.has_errors());
//! ```
//!
//! The pipeline runs one way: [`source`] (bytes to text) -> [`syntax`] (strict parse with
//! recovery) -> [`endpoint`] (which request this is) -> [`schema`] (per-endpoint JSON
//! Schema) -> [`locate`] (pointer to line and column) -> [`Finding`]s, rendered by `report`.

// the layers, bottom up (tests/layers.rs keeps imports pointing down)
pub mod endpoint;
pub mod finding;
pub mod locate;
pub mod model;
pub mod redact;
pub mod registry;
pub mod rules;
pub mod schema;
pub mod signature;
pub mod source;
pub mod suggest;
pub mod syntax;
// above the pipeline (this file): what runs it or renders its results
pub mod baseline;
pub mod config;
pub mod explain;
pub mod fix;
#[doc(hidden)]
pub mod fuzzing;
pub mod lsp;
pub mod messages;
pub mod proxy;
pub mod report;
pub mod serve;

pub use finding::{Finding, Severity};
pub use model::unix_now;
pub use registry::Lang;
pub use source::{InputError, Source};

use crate::registry::code;
use finding::{Hit, Related};
use model::Span;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// An endpoint name such as `card/create`; `None` infers it.
    pub endpoint: Option<String>,
    pub lang: Option<Lang>,
    /// Cards by card_id, for the cross-payload checks (`--card ID=PATH`).
    pub cards: std::sync::Arc<rules::CardBook>,
    /// Tickets and card_id for verifying card_ext signatures (`--api-ticket`).
    pub signing: rules::Signing,
    /// "Now" in Unix seconds for date checks; `None` is the system clock.
    pub now: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("unknown endpoint `{name}`{}", .suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownEndpoint {
        name: String,
        suggestion: Option<String>,
    },
}

/// The result for one input: the endpoint it was checked as and its findings, sorted by
/// position.
pub struct Report {
    pub source: Source,
    pub endpoint: Option<&'static str>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Lints one request body, with English text. `endpoint` is an API path such as
/// `card/create`; `None` infers it from the payload's shape.
pub fn lint(endpoint: Option<&str>, text: &str) -> Result<Report, LintError> {
    let options = Options {
        endpoint: endpoint.map(str::to_string),
        lang: Some(Lang::En),
        ..Options::default()
    };
    lint_bytes(&options, "<input>", text.as_bytes())
}

/// Lints the bytes of a file (`path` decides `.http` handling and is shown in reports).
pub fn lint_bytes(options: &Options, path: &str, bytes: &[u8]) -> Result<Report, LintError> {
    let forced = match &options.endpoint {
        Some(name) => {
            Some(
                endpoint::canonical(name).ok_or_else(|| LintError::UnknownEndpoint {
                    name: name.clone(),
                    suggestion: endpoint::suggest(name),
                })?,
            )
        }
        None => None,
    };
    let source = Source::from_bytes(path, bytes)?;
    let lang = options.lang.unwrap_or_else(Lang::from_env);
    let now = options.now.unwrap_or_else(unix_now);
    let env = Env {
        forced,
        now,
        cards: &options.cards,
        signing: &options.signing,
    };
    if rules::html::is_page(path) {
        // a page or script: only its wx.addCard / wx.chooseCard calls are checked; a byte
        // order mark an editor saved before it never reaches a request body
        let mut hits: Vec<Hit> = source
            .hits
            .iter()
            .filter(|h| h.code != code::JSON010)
            .cloned()
            .collect();
        let page = rules::html::scan_page(&source.text);
        hits.extend(page.hits);
        for embed in &page.embedded {
            if let Some(span) = &embed.span {
                hits.extend(embedded(&source.text, span.clone(), embed, &env));
            }
        }
        for concat in &page.concatenated {
            hits.extend(concatenated(&source.text, concat, &env));
        }
        // cardExt objects and wx.chooseCard arguments: their signatures, when a ticket is given
        hits.extend(
            page.signed
                .iter()
                .filter_map(|s| rules::ext::object_signature(s, env.signing)),
        );
        hits.extend(
            page.choose
                .iter()
                .filter_map(|c| rules::ext::choose_card_sign(c, env.signing)),
        );
        let findings = resolve(&source, hits, lang);
        return Ok(Report {
            source,
            endpoint: Some("wx.addCard"),
            findings,
        });
    }
    let (endpoint, hits) = analyse(&source, &env).map_err(|deep| {
        let (line, column) = locate::LineIndex::new(&source.text).line_col(deep.offset);
        InputError::TooDeep {
            path: path.to_string(),
            depth: syntax::parser::MAX_DEPTH,
            line,
            column,
        }
    })?;
    let findings = resolve(&source, hits, lang);
    Ok(Report {
        source,
        endpoint,
        findings,
    })
}

/// What the checks need besides the input itself.
#[derive(Clone, Copy)]
struct Env<'a> {
    forced: Option<&'static str>,
    now: i64,
    cards: &'a rules::CardBook,
    signing: &'a rules::Signing,
}

/// Checks a card page URL (`cardlint url`): `wechat_card_js=1`, a domain host, the port, the
/// fragment. Positions are columns within the URL.
pub fn lint_url(url: &str, lang: Lang) -> Report {
    let source = Source {
        path: url.to_string(),
        text: url.to_string(),
        body: 0..url.len(),
        request: None,
        more: Vec::new(),
        hits: Vec::new(),
    };
    let hits = rules::url::check_page_url(url);
    let findings = resolve(&source, hits, lang);
    Report {
        source,
        endpoint: Some("url"),
        findings,
    }
}

fn analyse(
    source: &Source,
    env: &Env,
) -> Result<(Option<&'static str>, Vec<Hit>), syntax::parser::TooDeep> {
    let mut hits = source.hits.clone();
    let (endpoint, found) = request(source, source.request.as_ref(), source.body.clone(), env)?;
    hits.extend(found);
    // the other requests of an .http file, each as its own endpoint
    for (r, body) in &source.more {
        hits.extend(request(source, Some(r), body.clone(), env)?.1);
    }
    Ok((endpoint, hits))
}

/// One request body, as its request line (or `--endpoint`, or its shape) says.
fn request(
    source: &Source,
    line: Option<&source::Request>,
    body: Span,
    env: &Env,
) -> Result<(Option<&'static str>, Vec<Hit>), syntax::parser::TooDeep> {
    let mut hits = Vec::new();
    let from_request = line.and_then(|r| Some((r.endpoint.as_deref()?, r.span.clone(), &r.url)));
    let Some((path, span, expanded)) = from_request.filter(|_| env.forced.is_none()) else {
        let doc = document(&source.text, body, env.forced, env)?;
        return Ok((doc.endpoint, doc.hits));
    };
    let span = url_span(&source.text, span);
    // the query of the URL, for the endpoint it is checked as
    let (written, at) = (&source.text[span.clone()], span.start);
    let query = |endpoint: &str| schema::query::check(endpoint, written, at, expanded);
    let named = match endpoint::resolve_path(path) {
        endpoint::PathMatch::Exact(e) => {
            if !normal_path(&source.text[span.clone()]) {
                hits.push(
                    Hit::new(code::EP007, span.clone())
                        .arg("path", path_of(&source.text[span.clone()]))
                        .arg("endpoint", e),
                );
            }
            e
        }
        endpoint::PathMatch::Near(e) => {
            // a path WeChat does not serve: said, and the body checked as the one meant
            hits.push(
                Hit::new(code::EP005, span)
                    .arg("path", path)
                    .arg("endpoint", e),
            );
            e
        }
        endpoint::PathMatch::Sibling(e) => {
            let doc = document(&source.text, body.clone(), None, env)?;
            if doc.endpoint == Some(e) {
                // another API's path with this endpoint's body: said, and checked as it
                hits.push(
                    Hit::new(code::EP006, span)
                        .arg("path", path)
                        .arg("endpoint", e),
                );
                hits.extend(query(e));
                hits.extend(doc.hits);
                return Ok((doc.endpoint, hits));
            }
            return syntax_only(source, body, path, span, hits);
        }
        endpoint::PathMatch::Bodiless(e) => {
            hits.extend(query(e));
            return Ok((Some(e), bodiless(source, body, hits)?));
        }
        endpoint::PathMatch::Other => return syntax_only(source, body, path, span, hits),
    };
    hits.extend(query(named));
    let doc = document(&source.text, body, Some(named), env)?;
    hits.extend(doc.hits);
    Ok((doc.endpoint, hits))
}

/// The path part of a request line's URL, as written (`{{host}}` variables left as they are).
fn path_of(url: &str) -> &str {
    let no_query = url.split(['?', '#']).next().unwrap_or(url);
    match no_query.find("://") {
        Some(i) => {
            let rest = &no_query[i + 3..];
            rest.find('/').map_or("", |j| &rest[j..])
        }
        // `{{host}}/card/create`: the path starts after the variable
        None => no_query
            .find("}}/")
            .map_or(no_query, |j| &no_query[j + 2..]),
    }
}

/// Whether the path has no empty segment and no trailing slash.
fn normal_path(url: &str) -> bool {
    let p = path_of(url);
    let trailing_slash = p.len() > 1 && p.ends_with('/');
    !(p.contains("//") || trailing_slash)
}

/// The URL of a request line (`POST <url> HTTP/1.1`), where a finding on the path belongs.
fn url_span(text: &str, line: Span) -> Span {
    let Some(l) = text.get(line.clone()) else {
        return line;
    };
    let start = l
        .find(char::is_whitespace)
        .map_or(0, |i| i + l[i..].len() - l[i..].trim_start().len());
    let end = l[start..]
        .find(char::is_whitespace)
        .map_or(l.len(), |i| start + i);
    if start < end {
        line.start + start..line.start + end
    } else {
        line
    }
}

/// A request line naming an API cardlint has no checks for: the syntax is still checked;
/// nothing that needs the endpoint is.
fn syntax_only(
    source: &Source,
    body: Span,
    path: &str,
    span: Span,
    mut hits: Vec<Hit>,
) -> Result<(Option<&'static str>, Vec<Hit>), syntax::parser::TooDeep> {
    hits.push(Hit::new(code::EP003, span).arg("endpoint", path));
    let parsed = syntax::parser::parse(&source.text, body.start, body.end)?;
    hits.extend(parsed.hits);
    Ok((None, hits))
}

/// A GET endpoint or the PDF upload: its query is its request. A JSON body sent along is
/// still read for its syntax (WeChat ignores it, and a parameter put there is said missing
/// from the query).
fn bodiless(
    source: &Source,
    body: Span,
    mut hits: Vec<Hit>,
) -> Result<Vec<Hit>, syntax::parser::TooDeep> {
    let text = &source.text[body.clone()];
    if text.trim().is_empty() || !text.trim_start().starts_with(['{', '[']) {
        // no body, or the multipart upload's: nothing JSON to read
        return Ok(hits);
    }
    hits.extend(syntax::parser::parse(&source.text, body.start, body.end)?.hits);
    Ok(hits)
}

/// What one JSON document gave: the endpoint it was checked as and the hits.
struct Document {
    endpoint: Option<&'static str>,
    hits: Vec<Hit>,
    /// Whether it parsed into an object, and without a syntax finding.
    object: bool,
    syntax_clean: bool,
}

/// Parse, endpoint, schema and rules for the JSON in `text[body]`; the documents the rules
/// find inside string values go through here again (see [`embedded`]).
fn document(
    text: &str,
    body: std::ops::Range<usize>,
    named: Option<&'static str>,
    env: &Env,
) -> Result<Document, syntax::parser::TooDeep> {
    let parsed = syntax::parser::parse(text, body.start, body.end)?;
    let mut hits = parsed.hits;
    let syntax_clean = hits.is_empty();
    // a word without a colon after it became a key only because recovery made it one: what
    // the schema or the rules would say about that key is noise
    let invented: Vec<String> = hits
        .iter()
        .filter(|h| h.code == code::JSON020)
        .map(|h| h.pointer.clone())
        .collect();
    // a bare word as the whole body is a string only because recovery read it as one: the
    // schema's "must be an object, got a string" would say JSON017's mistake again
    let bare_root = hits
        .iter()
        .any(|h| h.code == code::JSON017 && h.pointer.is_empty());
    let recovered = |h: &Hit| {
        (bare_root && h.code == code::SCHEMA001 && h.pointer.is_empty())
            || invented.iter().any(|p| {
                h.pointer
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
    };
    let real = |h: &Hit| !recovered(h);
    let Some(root) = parsed.root else {
        return Ok(Document {
            endpoint: named,
            hits,
            object: false,
            syntax_clean,
        });
    };
    let object = matches!(root.kind, syntax::ast::Kind::Object(_));
    let value = root.to_value();
    let root_mark = root.span.start..root.span.start + 1;
    let detected = match named {
        Some(e) => endpoint::Detected::One(e),
        None => endpoint::detect(&value),
    };
    let chosen = match detected {
        endpoint::Detected::One(e) => {
            let mut found = match schema::compiled(e) {
                Some(c) => c.check(&value, &root, text),
                None => Vec::new(),
            };
            let ctx = rules::Ctx {
                endpoint: e,
                value: &value,
                root: &root,
                text,
                now: env.now,
                cards: env.cards,
                signing: env.signing,
            };
            let out = rules::run(&ctx);
            found.retain(|h| !out.explains_hit(h) && real(h));
            hits.extend(found);
            hits.extend(out.hits.into_iter().filter(|h| real(h)));
            for embed in &out.embedded {
                if let Some(t) = locate::find(&root, &embed.pointer) {
                    let mut inner = embedded(text, t.node.span.clone(), embed, env);
                    if !syntax_clean {
                        // where the string holding the document ends was recovery's guess: an
                        // edit inside it could move that guess, so none is offered
                        inner.iter_mut().for_each(|h| h.edits.clear());
                    }
                    hits.extend(inner);
                }
            }
            Some(e)
        }
        endpoint::Detected::Ambiguous(candidates) => {
            hits.push(Hit::new(code::EP001, root_mark).arg("candidates", candidates.join(", ")));
            hits.extend(common_hits(&candidates, &value, &root, text));
            None
        }
        endpoint::Detected::Unknown => {
            hits.push(Hit::new(code::EP002, root_mark));
            None
        }
    };
    Ok(Document {
        endpoint: chosen,
        hits,
        object,
        syntax_clean,
    })
}

/// Lints the JSON inside a string value as its own document (the whole pipeline, on the
/// decoded text) and maps every hit back onto the bytes of the outer file.
fn embedded(text: &str, span: Span, embed: &rules::Embed, env: &Env) -> Vec<Hit> {
    let raw = &text[span.clone()];
    // only plain "..." (or a script's '...') strings map back byte for byte
    let quoted = |q: char| raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q);
    let script_quote = quoted('\'') || quoted('`');
    if !(quoted('"') || (embed.span.is_some() && script_quote)) {
        return Vec::new();
    }
    let broken = || Hit::new(embed.broken, span.clone()).at(embed.pointer.clone());
    let content_start = span.start + 1;
    let (decoded, map) = syntax::escape::decode(&raw[1..raw.len() - 1]);
    let map: Vec<usize> = map.iter().map(|i| content_start + i).collect();
    let to_outer = |s: &Span| through(&map, s);
    let signing = rules::Signing {
        card_id: embed.card_id.clone(),
        ..env.signing.clone()
    };
    let inner_env = Env {
        signing: &signing,
        ..*env
    };
    let doc = match document(&decoded, 0..decoded.len(), Some(embed.endpoint), &inner_env) {
        Ok(d) => d,
        Err(_) => return vec![broken()],
    };
    if !doc.object {
        // not an object at all: what the rules of an object would say is noise
        return vec![broken()];
    }
    let mut hits = Vec::with_capacity(doc.hits.len() + 1);
    if !doc.syntax_clean {
        hits.push(broken());
    }
    for mut h in doc.hits {
        h.span = to_outer(&h.span);
        h.related = h.related.iter().map(&to_outer).collect();
        // a repair inside the string is written with the string's escapes
        for e in &mut h.edits {
            e.span = to_outer(&e.span);
            let escaped = serde_json::to_string(&e.text).unwrap_or_default();
            e.text = escaped[1..escaped.len() - 1].to_string();
        }
        // a pointer cannot reach inside a string: findings point at the string value
        h.pointer = embed.pointer.clone();
        hits.push(h);
    }
    hits
}

/// A cardExt built by concatenation (`'{"code":"' + code + '",}'`): what its literals spell
/// out, with a stand-in `0` for each expression where a JSON value or string text goes, linted
/// as card_ext. Its values are known only at run time, so what lands on a stand-in, every
/// signature check and every repair are left out; the ticket keys are the page scan's.
fn concatenated(text: &str, concat: &rules::html::Concat, env: &Env) -> Vec<Hit> {
    use rules::html::Piece;
    let mut doc = String::new();
    // where each byte of `doc` was written in the page
    let mut map: Vec<usize> = Vec::new();
    let mut stand_ins: Vec<Span> = Vec::new();
    for piece in &concat.pieces {
        match piece {
            Piece::Literal(span) => {
                let Some(inner) = text.get(span.start + 1..span.end - 1) else {
                    return Vec::new();
                };
                let (decoded, at) = syntax::escape::decode(inner);
                map.extend(at.iter().take(decoded.len()).map(|i| span.start + 1 + i));
                doc.push_str(&decoded);
            }
            Piece::Expr(span) => {
                if !rules::html::takes_a_value(&doc) {
                    // a key or whole members built at run time: nothing to read
                    return Vec::new();
                }
                stand_ins.push(doc.len()..doc.len() + 1);
                doc.push('0');
                map.push(span.start);
            }
        }
    }
    map.push(concat.span.end);
    let unsigned = rules::Signing::default();
    let inner_env = Env {
        signing: &unsigned,
        ..*env
    };
    let Ok(d) = document(&doc, 0..doc.len(), Some("card_ext"), &inner_env) else {
        return Vec::new();
    };
    if !d.object {
        return Vec::new();
    }
    let to_outer = |s: &Span| through(&map, s);
    let on_stand_in = |s: &Span| stand_ins.iter().any(|p| s.start < p.end && p.start < s.end);
    let mut hits = Vec::new();
    if !d.syntax_clean {
        hits.push(Hit::new(code::EXT002, concat.span.clone()).at(concat.pointer.clone()));
    }
    for mut h in d.hits {
        if on_stand_in(&h.span) || h.code == code::EXT004 {
            continue;
        }
        h.span = to_outer(&h.span);
        h.related = h.related.iter().map(&to_outer).collect();
        h.edits.clear();
        h.pointer = concat.pointer.clone();
        hits.push(h);
    }
    hits
}

/// A span of a decoded document in the page or file it was written in: `map[i]` is where
/// decoded byte `i` was written (past the end, where its last byte was).
fn through(map: &[usize], s: &Span) -> Span {
    let at = |i: usize| map[i.min(map.len() - 1)];
    at(s.start)..at(s.end).max(at(s.start))
}

/// For an ambiguous payload, what every candidate endpoint agrees is wrong.
fn common_hits(
    candidates: &[&'static str],
    value: &serde_json::Value,
    root: &syntax::ast::Node,
    text: &str,
) -> Vec<Hit> {
    let mut per: Vec<Vec<Hit>> = candidates
        .iter()
        .filter_map(|e| schema::compiled(e))
        .map(|c| c.check(value, root, text))
        .collect();
    let Some(first) = per.pop() else {
        return Vec::new();
    };
    // keys unknown to every candidate suggest yet another endpoint, not a mistake
    first
        .into_iter()
        .filter(|h| h.code != code::SCHEMA003)
        .filter(|h| {
            per.iter()
                .all(|o| o.iter().any(|x| x.code == h.code && x.pointer == h.pointer))
        })
        .collect()
}

/// Findings reported per file at most; a file past this is broken throughout, and what is
/// left is counted in one EP004 finding instead (bounded output and memory).
pub const MAX_FINDINGS: usize = 500;

/// Positions and text: the last step of the pipeline.
fn resolve(source: &Source, mut hits: Vec<Hit>, lang: Lang) -> Vec<Finding> {
    if hits.is_empty() {
        return Vec::new(); // a clean file needs no line index
    }
    hits.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code))
    });
    hits.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.pointer == b.pointer);
    if hits.len() > MAX_FINDINGS {
        let more = hits.len() - MAX_FINDINGS;
        hits.truncate(MAX_FINDINGS);
        let at = hits.last().map_or(0..0, |h| h.span.clone());
        hits.push(
            Hit::new(code::EP004, at)
                .arg("count", more.to_string())
                .arg("limit", MAX_FINDINGS.to_string()),
        );
    }
    let index = locate::LineIndex::new(&source.text);
    hits.into_iter()
        .map(|mut hit| {
            redact::args(&hit.pointer.clone(), &mut hit.args);
            #[cfg(debug_assertions)]
            if let Err(e) = registry::check_args(hit.code, &hit.args) {
                panic!("{e}"); // tests run unoptimised: a wrong argument fails them
            }
            let rule = registry::get(hit.code);
            let text = rule.text(lang);
            let pos = index.position(&hit.span);
            let related = hit
                .related
                .iter()
                .map(|span| {
                    let p = index.position(span);
                    Related {
                        line: p.line,
                        column: p.column,
                        end_line: p.end_line,
                        end_column: p.end_column,
                        message: text
                            .related
                            .as_deref()
                            .map(|t| registry::render(t, &hit.args, lang))
                            .unwrap_or_default(),
                        span: span.clone(),
                    }
                })
                .collect();
            let fix = (rule.fix != finding::FixSafety::None && !hit.edits.is_empty()).then(|| {
                finding::Fix {
                    safety: rule.fix,
                    edits: hit
                        .edits
                        .iter()
                        .map(|e| {
                            let p = index.position(&e.span);
                            finding::FixEdit {
                                line: p.line,
                                column: p.column,
                                end_line: p.end_line,
                                end_column: p.end_column,
                                replacement: e.text.clone(),
                                span: e.span.clone(),
                            }
                        })
                        .collect(),
                }
            });
            Finding {
                code: rule.code.clone(),
                name: rule.name.clone(),
                severity: rule.severity,
                pointer: hit.pointer.clone(),
                line: pos.line,
                column: pos.column,
                end_line: pos.end_line,
                end_column: pos.end_column,
                message: registry::render(&text.message, &hit.args, lang),
                explanation: registry::render(&text.why, &hit.args, lang),
                help: registry::render(&text.help, &hit.args, lang),
                errcodes: rule.errcodes.clone(),
                related,
                fix,
                span: hit.span,
            }
        })
        .collect()
}

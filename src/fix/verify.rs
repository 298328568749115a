//! Verifies a pass of fixes before it is made: every key and value no edit targets reads the
//! same afterwards, at its moved place; each edit makes the change its rule declares; no
//! duplicate key appears. The lexer recovers broken text by context, so an edit can change
//! how text it never touched is read (a quote written after an unterminated string moves
//! where that string ends); predicting every such case from the findings is not possible,
//! checking the result is. `--fix` applies only passes this accepts, and the fuzz target
//! checks the same property.

use crate::fix::Applied;
use crate::syntax::ast::{Kind, Node};
use std::collections::HashMap;
use std::ops::Range;

/// A key or a scalar value as the parser read it.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Key(String),
    Value(Kind),
}

struct Written {
    span: Range<usize>,
    pointer: String,
    item: Item,
}

/// Every key and scalar value of the text's body, and how many duplicate keys it has.
fn written(text: &str, body: Range<usize>) -> Option<(Vec<Written>, usize)> {
    let parsed = crate::syntax::parser::parse(text, body.start, body.end).ok()?;
    let mut out = Vec::new();
    let mut duplicates = 0;
    if let Some(root) = &parsed.root {
        collect(root, String::new(), &mut out, &mut duplicates);
    }
    Some((out, duplicates))
}

fn collect(node: &Node, pointer: String, out: &mut Vec<Written>, duplicates: &mut usize) {
    match &node.kind {
        Kind::Object(members) => {
            let keys: std::collections::HashSet<&str> =
                members.iter().map(|m| m.key.as_str()).collect();
            *duplicates += members.len() - keys.len();
            for m in members {
                let p = format!("{pointer}/{}", crate::model::pointer::escape(&m.key));
                out.push(Written {
                    span: m.key_span.clone(),
                    pointer: p.clone(),
                    item: Item::Key(m.key.clone()),
                });
                collect(&m.value, p, out, duplicates);
            }
        }
        Kind::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{pointer}/{i}"), out, duplicates);
            }
        }
        scalar => out.push(Written {
            span: node.span.clone(),
            pointer,
            item: Item::Value(scalar.clone()),
        }),
    }
}

/// Whether `edit` reaches into `span`: they overlap, or it inserts inside (an empty
/// edit strictly between the span's ends).
fn reaches(edit: &Range<usize>, span: &Range<usize>) -> bool {
    edit.start < span.end && span.start < edit.end
}

/// One edit, where it was and where its text is after the pass.
struct Edit<'a> {
    code: &'a str,
    old: Range<usize>,
    new: Range<usize>,
    text: &'a str,
}

/// The edits of `applied` in order, each with where its text lands.
fn placed(applied: &[Applied]) -> Vec<Edit<'_>> {
    let mut edits: Vec<Edit> = applied
        .iter()
        .flat_map(|a| {
            a.edits.iter().map(move |(r, t)| Edit {
                code: a.code.as_str(),
                old: r.clone(),
                new: 0..0,
                text: t.as_str(),
            })
        })
        .collect();
    edits.sort_by_key(|e| (e.old.start, e.old.end));
    let mut delta: isize = 0;
    for e in &mut edits {
        let start = (e.old.start as isize + delta) as usize;
        e.new = start..start + e.text.len();
        delta += e.text.len() as isize - e.old.len() as isize;
    }
    edits
}

/// One pass: the text before and after, its edits, and what the parser read in each.
struct Pass<'a> {
    text: &'a str,
    after: &'a str,
    edits: Vec<Edit<'a>>,
    old: Vec<Written>,
    new: Vec<Written>,
    fixes: String,
    /// The JSON body before the pass: edits elsewhere (a request line) are not judged.
    body: Range<usize>,
}

impl Pass<'_> {
    /// A position outside every edit, moved by the edits before it (`back`: the other
    /// way).
    fn shift(&self, at: usize, back: bool) -> usize {
        let d: isize = self
            .edits
            .iter()
            .filter(|e| {
                if back {
                    e.new.end <= at
                } else {
                    e.old.end <= at
                }
            })
            .map(|e| e.text.len() as isize - e.old.len() as isize)
            .sum();
        (at as isize + if back { -d } else { d }) as usize
    }

    /// Every key and value no edit reaches is read the same, at its moved place; a
    /// string edited inside (the document it holds) stays a string.
    fn untargeted_kept(&self, problems: &mut Vec<String>) {
        let new_at: HashMap<(usize, usize), &Written> = self
            .new
            .iter()
            .map(|w| ((w.span.start, w.span.end), w))
            .collect();
        for w in &self.old {
            let reached: Vec<&Edit> = self
                .edits
                .iter()
                .filter(|e| reaches(&e.old, &w.span))
                .collect();
            let start = self.shift(w.span.start, false);
            if reached.is_empty() {
                match new_at.get(&(start, start + w.span.len())) {
                    Some(n) if n.item == w.item => {}
                    other => problems.push(format!(
                        "{}: not targeted by [{}], yet {:?} became {:?}\n{}\n=>\n{}",
                        w.pointer,
                        self.fixes,
                        w.item,
                        other.map(|n| &n.item),
                        self.text,
                        self.after
                    )),
                }
                continue;
            }
            let inside = |e: &&Edit| w.span.start < e.old.start && e.old.end < w.span.end;
            let string = |i: &Item| matches!(i, Item::Value(Kind::String(_)));
            if string(&w.item)
                && reached.iter().all(inside)
                && !self
                    .new
                    .iter()
                    .any(|n| n.span.start == start && string(&n.item))
            {
                problems.push(format!(
                    "{}: a fix inside the string [{}] made it something else\n{}",
                    w.pointer, self.fixes, self.after
                ));
            }
        }
    }

    /// Every key and value after the pass that no edit wrote was there before.
    fn nothing_appeared(&self, problems: &mut Vec<String>) {
        let old_at = self.old_at();
        for n in &self.new {
            if self.edits.iter().any(|e| reaches(&e.new, &n.span)) {
                continue;
            }
            let start = self.shift(n.span.start, true);
            if !old_at
                .get(&(start, start + n.span.len()))
                .is_some_and(|w| w.item == n.item)
            {
                problems.push(format!(
                    "{}: {:?} appeared where no fix [{}] wrote\n{}\n=>\n{}",
                    n.pointer, n.item, self.fixes, self.text, self.after
                ));
            }
        }
    }

    /// Every edit (but those of a document inside a string, which are in that document's
    /// terms, mapped through the escapes) makes the change its rule declares.
    fn edits_declared(&self, problems: &mut Vec<String>) {
        let old_at = self.old_at();
        for e in &self.edits {
            let embedded = self.old.iter().any(|w| {
                matches!(w.item, Item::Value(Kind::String(_)))
                    && w.span.start < e.old.start
                    && e.old.end < w.span.end
            });
            let in_body = self.body.start <= e.old.start && e.old.end <= self.body.end;
            if embedded || !in_body {
                continue;
            }
            if let Err(why) = declared(e, self.text, &old_at) {
                problems.push(format!(
                    "{} edit {:?} -> {:?}: {why}\n{}",
                    e.code,
                    self.text.get(e.old.clone()).unwrap_or_default(),
                    e.text,
                    self.text
                ));
            }
        }
    }

    fn old_at(&self) -> HashMap<(usize, usize), &Written> {
        self.old
            .iter()
            .map(|w| ((w.span.start, w.span.end), w))
            .collect()
    }
}

/// Checks one pass: `text` (its JSON at `body`) with `applied` made.
pub fn pass(text: &str, body: Range<usize>, applied: &[Applied]) -> Vec<String> {
    let mut problems = Vec::new();
    let after = crate::fix::apply_plan(text, applied);
    let mut codes: Vec<&str> = applied.iter().map(|a| a.code.as_str()).collect();
    codes.dedup();
    let mut pass = Pass {
        text,
        after: &after,
        edits: placed(applied),
        old: Vec::new(),
        new: Vec::new(),
        fixes: codes.join(","),
        body: body.clone(),
    };
    let grown = after.len() as isize - text.len() as isize;
    let body_after = pass.shift(body.start, false)..(body.end as isize + grown).max(0) as usize;
    let (Some((old, old_dups)), Some((new, new_dups))) =
        (written(text, body), written(&after, body_after))
    else {
        return problems;
    };
    (pass.old, pass.new) = (old, new);
    pass.untargeted_kept(&mut problems);
    pass.nothing_appeared(&mut problems);
    pass.edits_declared(&mut problems);
    if new_dups > old_dups {
        problems.push(format!(
            "[{}] made a duplicate key\n{text}\n=>\n{after}",
            pass.fixes
        ));
    }
    problems
}

/// A string literal as written (any of the quotes the lexer takes), read with JSON's
/// escapes (and `\'` as the quote); None when an escape in it is not JSON's.
fn written_string(literal: &str) -> Option<String> {
    let mut chars = literal.chars();
    let (open, _close) = (chars.next()?, chars.next_back()?);
    let mut json = String::from("\"");
    let mut body = chars.as_str().chars();
    while let Some(c) = body.next() {
        match c {
            '\\' => match body.next()? {
                '\'' if open != '"' => json.push('\''),
                e => {
                    json.push('\\');
                    json.push(e);
                }
            },
            '"' => json.push_str("\\\""),
            c if (c as u32) < 0x20 => json.push_str(&format!("\\u{:04x}", c as u32)),
            c => json.push(c),
        }
    }
    json.push('"');
    decoded(&json)
}

fn decoded(json: &str) -> Option<String> {
    serde_json::from_str::<String>(json).ok()
}

/// Whether `text` is the JSON string of the percent-decoding of the string at `at`.
fn url_decoding(at: Option<&Item>, text: &str) -> bool {
    match (at, decoded(text)) {
        (Some(Item::Value(Kind::String(s))), Some(t)) => {
            crate::rules::text::url_decoded(None, s).as_deref() == Some(t.as_str())
        }
        _ => false,
    }
}

/// The change an edit makes is the one its rule declares.
fn declared(
    e: &Edit,
    text: &str,
    old_at: &HashMap<(usize, usize), &Written>,
) -> Result<(), String> {
    let was = text.get(e.old.clone()).ok_or("edit out of bounds")?;
    let at = old_at.get(&(e.old.start, e.old.end)).map(|w| &w.item);
    let ok = |b: bool, why: &str| if b { Ok(()) } else { Err(why.to_string()) };
    // the written string read with JSON's escapes: a requoting keeps exactly that (a
    // string the parser dropped, in a value where a key belongs, included)
    let string_kept = || {
        ok(
            written_string(was).is_some() && decoded(e.text) == written_string(was),
            "not the string's text with its escapes as written",
        )
    };
    match e.code {
        // quoting: exactly the text written, between quotes
        "JSON017" | "TYPE002" | "JSON014" | "EXT001" => ok(
            decoded(e.text).as_deref() == Some(was),
            "not the written text quoted",
        ),
        "QR003" if matches!(at, Some(Item::Value(_))) => ok(
            decoded(e.text).as_deref() == Some(was),
            "not the written text quoted",
        ),
        "JSON005" | "JSON009" => string_kept(),
        // a full-width punctuation mark, or an odd blank (U+3000, a vertical tab)
        "JSON002" if was.chars().count() == 1 => ok(
            e.text.len() == 1 && (!was.is_ascii() || (was.trim().is_empty() && e.text == " ")),
            "not one full-width character or odd blank made ASCII",
        ),
        "JSON002" => string_kept(),
        "CARD027" => ok(
            url_decoding(at, e.text),
            "not the string's percent-decoding",
        ),
        "TYPE001" | "TYPE008" => match at {
            Some(Item::Value(Kind::String(s))) => ok(
                s == e.text && serde_json::from_str::<serde_json::Number>(e.text).is_ok(),
                "not the string's own text as a JSON number",
            ),
            _ => Err("not a quoted number".into()),
        },
        // a Python or JavaScript literal (also in a value the parser read past) spelt as
        // JSON's; a value of the schema's boolean written as one
        "JSON003" => ok(
            matches!(e.text, "true" | "false" | "null")
                && was
                    .trim_start_matches(['-', '+'])
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic()),
            "not a literal spelt as JSON's",
        ),
        "TYPE003" => ok(
            matches!(e.text, "true" | "false") && matches!(at, Some(Item::Value(_))),
            "not a boolean for a value",
        ),
        "JSON004" => {
            let comment = was.trim_start_matches([' ', '\t']);
            let lead = text[..e.old.start].trim_end();
            ok(
                e.text.is_empty()
                    && (comment.starts_with('#')
                        || comment.starts_with("//")
                        || comment.starts_with("/*"))
                    && !lead.ends_with(':'),
                "not a comment where a comment can stand",
            )
        }
        "JSON001" => ok(
            e.text.is_empty() && was.trim() == ",",
            "not a comma removed",
        ),
        "JSON010" => ok(e.text.is_empty() && was == "\u{feff}", "not a BOM removed"),
        // a query parameter's misspelt name replaced by the name the endpoint reads
        "QUERY002" => ok(
            matches!(e.text, "access_token" | "type")
                && crate::suggest::closest(was, [e.text]).as_deref() == Some(e.text),
            "not a misspelt parameter name renamed",
        ),
        "JSON007" => {
            // between a value and the next, not inside text glued together (`"20元"新春`):
            // what a comma put right after a value precedes opens a string or a container
            // inside a string holding JSON (a cardExt), `\"` is the embedded quote
            let before = if text[..e.old.start].ends_with("\\\"") {
                Some('"')
            } else {
                text[..e.old.start].chars().next_back()
            };
            let after = if text[e.old.start..].starts_with("\\\"") {
                Some('"')
            } else {
                text[e.old.start..].chars().next()
            };
            let text_char = |c: &char| !c.is_whitespace() && !c.is_control();
            let glued = before.is_some_and(|c| text_char(&c) && !"{}[]".contains(c))
                && after.is_some_and(|c| text_char(&c) && !"{}[]\"'“”‘’".contains(c));
            ok(
                e.old.is_empty() && e.text == "," && !glued,
                "not a comma inserted between two values",
            )
        }
        // any other: a key renamed to a key, a value replaced by a value
        _ => match at {
            Some(Item::Key(_)) => ok(decoded(e.text).is_some(), "a key became no key"),
            Some(Item::Value(_)) => ok(
                serde_json::from_str::<serde_json::Value>(e.text)
                    .is_ok_and(|v| !v.is_array() && !v.is_object()),
                "a value became no value",
            ),
            None => Err("an edit of neither a key nor a value".into()),
        },
    }
}

//! Recursive-descent parser over the forgiving lexer. Every deviation from strict JSON
//! becomes a Hit, and the parser recovers so that one file reports all of its independent
//! problems and the checks after it still see the payload the author meant.

use super::ast::{Kind, Member, Node, Span};
use super::lexer::{Lexer, Tok, Token};
use crate::finding::Hit;
use crate::registry::code;

/// Card payloads nest fewer than 10 levels; anything past this is hostile or broken input.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, thiserror::Error)]
#[error("nesting deeper than {MAX_DEPTH} levels at byte {offset}")]
pub struct TooDeep {
    pub offset: usize,
}

pub struct Parsed {
    pub root: Option<Node>,
    pub hits: Vec<Hit>,
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// Up to two tokens read ahead, next first.
    peeked: std::collections::VecDeque<Token>,
    /// End of the last token consumed, where a missing comma belongs.
    last_end: usize,
    /// Where the parser is, for the pointer of what it reports.
    path: Vec<Step>,
    /// The closing bracket each open container waits for, innermost last.
    closers: Vec<Tok>,
    hits: Vec<Hit>,
}

pub fn parse(text: &str, start: usize, end: usize) -> Result<Parsed, TooDeep> {
    let mut p = Parser {
        lexer: Lexer::new(text, start, end),
        peeked: std::collections::VecDeque::new(),
        last_end: start,
        path: Vec::new(),
        closers: Vec::new(),
        hits: Vec::new(),
    };
    let body = text.get(start..end).unwrap_or_default();
    if let Some(first) = super::form::first_key(body) {
        let lead = body.len() - body.trim_start().len();
        let span = start + lead..start + body.trim_end().len();
        let hit = Hit::new(code::JSON023, span).arg("first", first);
        return Ok(Parsed {
            root: None,
            hits: vec![hit],
        });
    }
    let root = if p.peek().tok == Tok::Eof {
        let span = start..end;
        p.hits.push(Hit::new(code::JSON013, span));
        None
    } else {
        p.value(0)?
    };
    // anything after the root value: a second object, a `;`, a stray bracket
    let t = p.bump();
    if t.tok != Tok::Eof {
        p.hits.push(Hit::new(code::JSON022, t.span.start..end));
    }
    let mut hits = p.lexer.hits;
    if let Some(root) = &root {
        for h in &mut hits {
            h.pointer = super::ast::pointer_at(root, h.span.start);
        }
    }
    hits.append(&mut p.hits);
    hits.sort_by_key(|h| (h.span.start, h.span.end));
    unsure_after_unterminated(text, &mut hits);
    Ok(Parsed { root, hits })
}

/// After a string without its closing quote, which quote ends it is a guess: a fix further
/// on that writes or removes a quote would change it, so none is offered.
fn unsure_after_unterminated(text: &str, hits: &mut [Hit]) {
    let Some(cut) = hits
        .iter()
        .filter(|h| h.code == code::JSON019)
        .map(|h| h.span.start)
        .min()
    else {
        return;
    };
    for h in hits.iter_mut() {
        let moves_quote = h.edits.iter().any(|e| {
            e.span.end > cut
                && (has_quote(&e.text) || text.get(e.span.clone()).is_some_and(has_quote))
        });
        if moves_quote {
            h.edits.clear();
        }
    }
}

/// Whether `s` has a character the lexer takes for a quote.
pub fn has_quote(s: &str) -> bool {
    s.contains(['"', '\'', '“', '”', '‘', '’'])
}

enum Step {
    Key(String),
    Index(usize),
}

/// What the next token is, without copying its text.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    Scalar,
    Eof,
}

fn shape(tok: &Tok) -> Shape {
    match tok {
        Tok::LBrace => Shape::LBrace,
        Tok::RBrace => Shape::RBrace,
        Tok::LBracket => Shape::LBracket,
        Tok::RBracket => Shape::RBracket,
        Tok::Colon => Shape::Colon,
        Tok::Comma => Shape::Comma,
        Tok::Str(_) | Tok::Num(_) | Tok::Word(_) => Shape::Scalar,
        Tok::Eof => Shape::Eof,
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::LBrace => "{".into(),
        Tok::RBrace => "}".into(),
        Tok::LBracket => "[".into(),
        Tok::RBracket => "]".into(),
        Tok::Colon => ":".into(),
        Tok::Comma => ",".into(),
        Tok::Str(s) => format!("\"{}\"", crate::model::text::preview(s, 16)),
        Tok::Num(n) => n.to_string(),
        Tok::Word(w) => crate::model::text::preview(w, 16),
        Tok::Eof => "EOF".into(),
    }
}

/// Python / JavaScript spellings and what JSON calls them.
fn foreign_literal(word: &str) -> Option<(Kind, &'static str)> {
    Some(match word {
        "True" | "TRUE" => (Kind::Bool(true), "true"),
        "False" | "FALSE" => (Kind::Bool(false), "false"),
        "None" | "NULL" | "Null" | "nil" | "undefined" => (Kind::Null, "null"),
        "NaN" | "Infinity" | "-Infinity" | "+Infinity" | "inf" | "-inf" => (Kind::Null, "null"),
        _ => return None,
    })
}

impl Parser<'_> {
    fn peek(&mut self) -> &Token {
        self.peek_nth(0)
    }

    fn peek_nth(&mut self, n: usize) -> &Token {
        while self.peeked.len() <= n {
            let t = self.lexer.next_token();
            self.peeked.push_back(t);
        }
        &self.peeked[n]
    }

    fn bump(&mut self) -> Token {
        let t = match self.peeked.pop_front() {
            Some(t) => t,
            None => self.lexer.next_token(),
        };
        if t.tok != Tok::Eof {
            self.last_end = t.span.end;
        }
        t
    }

    fn pointer(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            out.push('/');
            match step {
                Step::Key(k) => out.push_str(&crate::model::pointer::escape(k)),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// The key of the member being read (pushed by `member`).
    fn key(&self) -> &str {
        match self.path.last() {
            Some(Step::Key(k)) => k,
            _ => "",
        }
    }

    /// Whether a container further out is waiting for this closer: then the current one was
    /// never closed, and the closer belongs to the outer one.
    fn closes_outer(&self, closer: &Tok) -> bool {
        let n = self.closers.len();
        n >= 2 && self.closers[..n - 1].contains(closer)
    }

    fn unclosed(&mut self, open: Span, o: &str, c: &str, kind: Kind) -> Node {
        self.closers.pop();
        self.report(
            Hit::new(code::JSON018, open.clone())
                .arg("open", o)
                .arg("close", c),
        );
        Node {
            kind,
            span: open.start..self.last_end,
        }
    }

    fn report(&mut self, hit: Hit) {
        let ptr = self.pointer();
        self.hits.push(hit.at(ptr));
    }

    fn value(&mut self, depth: usize) -> Result<Option<Node>, TooDeep> {
        // the root is level 1: a value at depth MAX_DEPTH is one level too deep
        if depth >= MAX_DEPTH {
            return Err(TooDeep {
                offset: self.peek().span.start,
            });
        }
        let t = self.bump();
        let kind = match t.tok {
            Tok::LBrace => {
                self.closers.push(Tok::RBrace);
                return self.object(t.span, depth).map(Some);
            }
            Tok::LBracket => {
                self.closers.push(Tok::RBracket);
                return self.array(t.span, depth).map(Some);
            }
            Tok::Str(s) => {
                if let Some(glued) = self.inner_quotes(&t.span) {
                    return Ok(Some(glued));
                }
                Kind::String(s)
            }
            Tok::Num(n) => {
                if let Some(run) = self.glued_number(&t.span) {
                    return Ok(Some(run));
                }
                Kind::Number(n, self.lexer.slice(t.span.clone()).to_string())
            }
            Tok::Word(w) => {
                // `"prerogative": ToDo "text",`: a stray word before the real value
                let stray = !matches!(w.as_str(), "true" | "false" | "null")
                    && matches!(self.peek().tok, Tok::Str(_))
                    && matches!(
                        self.peek_nth(1).tok,
                        Tok::Comma | Tok::RBrace | Tok::RBracket | Tok::Eof
                    );
                if stray {
                    self.report(Hit::new(code::JSON012, t.span.clone()).arg("found", w));
                    return self.value(depth);
                }
                self.word_value(w, t.span.clone())
            }
            Tok::Eof => {
                self.report(Hit::new(code::JSON021, t.span.clone()));
                return Ok(None);
            }
            other => {
                let found = describe(&other);
                self.report(Hit::new(code::JSON012, t.span.clone()).arg("found", found));
                return Ok(None);
            }
        };
        Ok(Some(Node { kind, span: t.span }))
    }

    fn word_value(&mut self, w: String, span: Span) -> Kind {
        match w.as_str() {
            "true" => Kind::Bool(true),
            "false" => Kind::Bool(false),
            "null" => Kind::Null,
            _ => match foreign_literal(&w) {
                Some((kind, json)) => {
                    self.report(
                        Hit::new(code::JSON003, span.clone())
                            .arg("found", w)
                            .arg("json", json)
                            .fix(span, json),
                    );
                    kind
                }
                None => {
                    // one unquoted run is one value, however the lexer split it
                    let (w, span) = self.unquoted_run(w, span);
                    let hit = Hit::new(code::JSON017, span.clone())
                        .arg("value", crate::model::text::preview(&w, 32));
                    let hit = self.quoting(hit, span, &w);
                    self.report(hit);
                    Kind::String(w)
                }
            },
        }
    }

    /// `021-62781234`, `2024/12/31`, `12元`: a number with more text glued to it is one
    /// unquoted value, quoted as written (a number followed by a blank, a comma, a bracket
    /// or a comment stays a number).
    fn glued_number(&mut self, span: &Span) -> Option<Node> {
        let text = self
            .lexer
            .slice(span.start..self.lexer.unquoted_run_end(span.start));
        let rest = text.get(span.end - span.start..).unwrap_or("");
        let next = rest.chars().next()?;
        let apart = next.is_whitespace()
            || matches!(next, '#' | '\'' | '“' | '”' | '‘' | '’')
            || rest.starts_with("//")
            || rest.starts_with("/*")
            || super::lexer::is_structure(next);
        if apart {
            return None;
        }
        let end = span.start + text.len();
        self.peeked.clear();
        // the number's own finding (JSON016) goes with it
        self.lexer.skip(span.start, end);
        self.last_end = end;
        let value = text.to_string();
        let hit = Hit::new(code::JSON017, span.start..end)
            .arg("value", crate::model::text::preview(&value, 32));
        let hit = self.quoting(hit, span.start..end, &value);
        self.report(hit);
        Some(Node {
            kind: Kind::String(value),
            span: span.start..end,
        })
    }

    /// `"20元"新春"代金券"`: quotes inside a string that were not escaped. The glued pieces
    /// are one value, reported where the string was cut and left for the author to escape
    /// (splitting them into values and keys would change what was written).
    fn inner_quotes(&mut self, span: &Span) -> Option<Node> {
        let mut end = span.end;
        let mut first: Option<Token> = None;
        loop {
            let t = self.peek();
            let glued = t.span.start == end
                && matches!(t.tok, Tok::Word(_) | Tok::Num(_) | Tok::Str(_))
                && (first.is_some() || !matches!(t.tok, Tok::Str(_)));
            if !glued {
                break;
            }
            let t = self.bump();
            end = t.span.end;
            first.get_or_insert(t);
        }
        let first = first?;
        self.report(Hit::new(code::JSON012, first.span.clone()).arg("found", describe(&first.tok)));
        let raw = self.lexer.slice(span.start..end);
        let inner = raw
            .get(1..raw.len() - usize::from(raw.len() > 1 && raw.ends_with('"')))
            .unwrap_or(raw);
        Some(Node {
            kind: Kind::String(inner.to_string()),
            span: span.start..end,
        })
    }

    /// JSON007 where the last value ends, with the comma as its fix when only blanks stand
    /// between that value and the next token (after a stray `:` or `]`, or next to a stray
    /// character, a comma would repair nothing).
    fn missing_comma(&mut self, value_end: usize) {
        let at = self.last_end;
        let next = self.peek().span.start.max(at);
        let blank = self.lexer.slice(at..next).trim().is_empty();
        // text glued to text (`outer_str\":`) is one broken run, not two values: a comma in it
        // would split what was written
        let before = self.lexer.slice(0..at).chars().next_back();
        let after = self
            .lexer
            .slice(at..self.lexer.end().max(at))
            .chars()
            .next();
        let text_char = |c: &char| !c.is_whitespace() && !c.is_control();
        let glued = before.is_some_and(|c| text_char(&c) && !"{}[]".contains(c))
            && after.is_some_and(|c| text_char(&c) && !"{}[]\"'“”‘’".contains(c));
        let hit = Hit::new(code::JSON007, at..at);
        self.report(if at == value_end && blank && !glued {
            hit.fix(at..at, ",")
        } else {
            hit
        });
    }

    /// A quoting finding with its fix: `text` (what is written at `span`) between quotes.
    /// Text glued to a quote (`ck_consume": false`, `x"y"`) is more likely a string whose
    /// quote went astray: quoting it would change how that string is read, so no fix.
    fn quoting(&self, hit: Hit, span: Span, text: &str) -> Hit {
        let quote =
            |c: Option<char>| c.is_some_and(|c| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’'));
        let before = self.lexer.slice(0..span.start).chars().next_back();
        let after = self.lexer.slice(span.end..self.lexer.end()).chars().next();
        if quote(before) || quote(after) {
            return hit;
        }
        let quoted = serde_json::to_string(text).unwrap_or_default();
        hit.fix(span, quoted)
    }

    /// The whole unquoted run that starts with the word `w` at `span`.
    fn unquoted_run(&mut self, w: String, span: Span) -> (String, Span) {
        let end = self.lexer.unquoted_run_end(span.start);
        if end <= span.end {
            return (w, span);
        }
        self.peeked.clear();
        self.lexer.skip(span.end, end);
        self.last_end = end;
        (
            self.lexer.slice(span.start..end).to_string(),
            span.start..end,
        )
    }

    fn object(&mut self, open: Span, depth: usize) -> Result<Node, TooDeep> {
        let mut members: Vec<Member> = Vec::new();
        let mut seen = KeyIndex::default();
        let mut comma: Option<Span> = None;
        let mut need_comma = false;
        // where the last member (or stray value) ends: a missing comma goes there
        let mut value_end = usize::MAX;
        // whether the comma last read follows a whole member: removing a comma after `"a": ,`
        // would make the next line (a comment, say) that member's value
        let mut after_member = false;
        loop {
            match shape(&self.peek().tok) {
                Shape::RBracket => {
                    if self.closes_outer(&Tok::RBracket) {
                        return Ok(self.unclosed(open, "{", "}", Kind::Object(members)));
                    }
                    let t = self.bump();
                    self.report(Hit::new(code::JSON012, t.span).arg("found", "]"));
                }
                Shape::RBrace => {
                    let t = self.bump();
                    self.closers.pop();
                    if let Some(c) = comma.take() {
                        let hit = Hit::new(code::JSON001, c.clone());
                        self.report(if after_member { hit.fix(c, "") } else { hit });
                    }
                    return Ok(Node {
                        kind: Kind::Object(members),
                        span: open.start..t.span.end,
                    });
                }
                Shape::Eof => return Ok(self.unclosed(open, "{", "}", Kind::Object(members))),
                Shape::Comma => {
                    // right after a member's value, not after a stray `:` or a second comma
                    after_member =
                        comma.is_none() && value_end != usize::MAX && self.last_end == value_end;
                    let t = self.bump();
                    if comma.is_some() || members.is_empty() {
                        self.report(Hit::new(code::JSON012, t.span.clone()).arg("found", ","));
                    }
                    comma = Some(t.span);
                    need_comma = false;
                }
                Shape::Scalar => {
                    if need_comma {
                        self.missing_comma(value_end);
                    }
                    let t = self.bump();
                    let key = match t.tok {
                        Tok::Str(s) => s,
                        // `007:`, `1e2:`: a key is the text written, quoted as it is
                        Tok::Word(_) | Tok::Num(_) => {
                            let raw = self.lexer.slice(t.span.clone()).to_string();
                            let hit = Hit::new(code::JSON014, t.span.clone())
                                .arg("key", crate::model::text::preview(&raw, 32));
                            let hit = self.quoting(hit, t.span.clone(), &raw);
                            self.report(hit);
                            raw
                        }
                        _ => unreachable!("matched above"),
                    };
                    let read = self.member(key, t.span, &mut members, &mut seen, depth)?;
                    comma = None;
                    need_comma = true;
                    value_end = if read { self.last_end } else { usize::MAX };
                }
                next @ (Shape::LBrace | Shape::LBracket | Shape::Colon) => {
                    // a value where a key belongs: report it and read past it
                    let t = self.peek();
                    let (found, span) = (describe(&t.tok), t.span.clone());
                    self.report(Hit::new(code::JSON012, span).arg("found", found));
                    if next == Shape::Colon {
                        self.bump();
                    } else {
                        let stray = self.value(depth + 1)?;
                        value_end = if stray.is_some() {
                            self.last_end
                        } else {
                            usize::MAX
                        };
                    }
                    comma = None;
                    need_comma = true;
                }
            }
        }
    }

    fn member(
        &mut self,
        key: String,
        key_span: Span,
        members: &mut Vec<Member>,
        seen: &mut KeyIndex,
        depth: usize,
    ) -> Result<bool, TooDeep> {
        self.path.push(Step::Key(key));
        if self.peek().tok == Tok::Colon {
            self.bump();
        } else {
            let key = self.key().to_string();
            self.report(Hit::new(code::JSON020, key_span.clone()).arg("key", key));
        }
        let value = if matches!(self.peek().tok, Tok::Comma | Tok::RBrace | Tok::Eof) {
            let at = self.last_end;
            self.report(Hit::new(code::JSON021, at..at));
            None
        } else {
            self.value(depth + 1)?
        };
        if value.is_some() {
            if let Some(first) = seen.first(members, self.key()) {
                let first_span = members[first].key_span.clone();
                let key = self.key().to_string();
                self.report(
                    Hit::new(code::JSON008, key_span.clone())
                        .arg("key", key)
                        .related(first_span),
                );
            }
        }
        let Some(Step::Key(key)) = self.path.pop() else {
            unreachable!("pushed above")
        };
        let read = value.is_some();
        if let Some(value) = value {
            seen.add(members, &key);
            members.push(Member {
                key,
                key_span,
                value,
            });
        }
        Ok(read)
    }

    fn array(&mut self, open: Span, depth: usize) -> Result<Node, TooDeep> {
        let mut items: Vec<Node> = Vec::new();
        let mut comma: Option<Span> = None;
        let mut need_comma = false;
        let mut value_end = usize::MAX;
        loop {
            match shape(&self.peek().tok) {
                Shape::RBrace => {
                    if self.closes_outer(&Tok::RBrace) {
                        return Ok(self.unclosed(open, "[", "]", Kind::Array(items)));
                    }
                    let t = self.bump();
                    self.report(Hit::new(code::JSON012, t.span).arg("found", "}"));
                }
                Shape::RBracket => {
                    let t = self.bump();
                    self.closers.pop();
                    if let Some(c) = comma.take() {
                        self.report(Hit::new(code::JSON001, c.clone()).fix(c, ""));
                    }
                    return Ok(Node {
                        kind: Kind::Array(items),
                        span: open.start..t.span.end,
                    });
                }
                Shape::Eof => return Ok(self.unclosed(open, "[", "]", Kind::Array(items))),
                Shape::Comma => {
                    let t = self.bump();
                    if comma.is_some() || items.is_empty() {
                        self.report(Hit::new(code::JSON012, t.span.clone()).arg("found", ","));
                    }
                    comma = Some(t.span);
                    need_comma = false;
                }
                Shape::Colon => {
                    let t = self.bump();
                    self.report(Hit::new(code::JSON012, t.span.clone()).arg("found", ":"));
                }
                _ => {
                    if need_comma {
                        self.missing_comma(value_end);
                    }
                    self.path.push(Step::Index(items.len()));
                    let v = self.value(depth + 1)?;
                    self.path.pop();
                    value_end = if v.is_some() {
                        self.last_end
                    } else {
                        usize::MAX
                    };
                    if let Some(v) = v {
                        items.push(v);
                    }
                    comma = None;
                    need_comma = true;
                }
            }
        }
    }
}

/// Finds an earlier member with the same key: a scan for the small objects cards are made
/// of, a hash index once an object grows (a million keys must not take a million squared).
#[derive(Default)]
struct KeyIndex {
    index: Option<std::collections::HashMap<String, usize>>,
}

impl KeyIndex {
    const SCAN_LIMIT: usize = 32;

    fn first(&self, members: &[Member], key: &str) -> Option<usize> {
        match &self.index {
            Some(map) => map.get(key).copied(),
            None => members.iter().position(|m| m.key == key),
        }
    }

    /// Records the member about to be pushed at `members.len()`.
    fn add(&mut self, members: &[Member], key: &str) {
        if self.index.is_none() && members.len() >= Self::SCAN_LIMIT {
            let mut map = std::collections::HashMap::with_capacity(members.len() * 2);
            for (i, m) in members.iter().enumerate() {
                map.entry(m.key.clone()).or_insert(i);
            }
            self.index = Some(map);
        }
        if let Some(map) = &mut self.index {
            map.entry(key.to_string()).or_insert(members.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::syntax::ast::Kind;

    /// The root's member `key`, and every finding as (code, the edits' replacements).
    fn read(text: &str, key: &str) -> (Kind, Vec<(String, Vec<String>)>) {
        let p = parse(text, 0, text.len()).unwrap();
        let root = p.root.expect("a root");
        let kind = root.member(key).expect(key).value.kind.clone();
        let hits = p
            .hits
            .iter()
            .map(|h| {
                let edits = h.edits.iter().map(|e| e.text.clone()).collect();
                (h.code.to_string(), edits)
            })
            .collect();
        (kind, hits)
    }

    #[test]
    fn number_like_text_is_one_unquoted_value_quoted_as_written() {
        for written in [
            "021-62781234",
            "192.168.1.1",
            "0x1F",
            "123abc",
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
            "12元",
            "2个面包、蛋糕",
            "2024/12/31",
        ] {
            let (kind, hits) = read(&format!("{{\"a\":{written},\"b\":1}}"), "a");
            assert_eq!(kind, Kind::String(written.into()), "{written}");
            assert_eq!(
                hits,
                vec![("JSON017".into(), vec![format!("\"{written}\"")])],
                "{written}"
            );
        }
    }

    #[test]
    fn numbers_keep_the_text_they_were_written_with() {
        for written in ["1.50", "12e3", "123456789012345678901234", "-0.5", "0"] {
            let (kind, hits) = read(&format!("{{\"a\": {written} , \"b\":1}}"), "a");
            assert!(
                matches!(kind, Kind::Number(_, ref raw) if raw == written),
                "{written}"
            );
            assert!(hits.is_empty(), "{written}: {hits:?}");
        }
        // loosely written: JSON016 without a fix, the text kept for whatever quotes it
        for written in ["007", "012345678901", "+1", "1.", ".5", "1E400"] {
            let (kind, hits) = read(&format!("{{\"a\":{written}}}"), "a");
            assert!(
                matches!(kind, Kind::Number(_, ref raw) if raw == written),
                "{written}"
            );
            assert_eq!(hits, vec![("JSON016".into(), vec![])], "{written}");
        }
        // full-width commas between numbers stay commas
        let p = parse("[1，2]", 0, 7).unwrap();
        assert!(matches!(p.root.unwrap().kind, Kind::Array(ref items) if items.len() == 2));
    }

    #[test]
    fn numeric_keys_are_quoted_as_written() {
        let text = "{007: 1, 1e2: 2}";
        let p = parse(text, 0, text.len()).unwrap();
        let root = p.root.unwrap();
        assert!(root.member("007").is_some() && root.member("1e2").is_some());
        let edits: Vec<&str> = p
            .hits
            .iter()
            .filter(|h| h.code.to_string() == "JSON014")
            .flat_map(|h| h.edits.iter().map(|e| e.text.as_str()))
            .collect();
        assert_eq!(edits, ["\"007\"", "\"1e2\""]);
    }

    #[test]
    fn hash_and_slashes_in_a_value_position_are_values() {
        let (kind, hits) = read("{\"color\":#63b359,\"title\":\"x\"}", "color");
        assert_eq!(kind, Kind::String("#63b359".into()));
        assert_eq!(hits, vec![("JSON017".into(), vec!["\"#63b359\"".into()])]);
        let (kind, _) = read("{\"url\": //cdn.example.com/a.png, \"b\": 1}", "url");
        assert_eq!(kind, Kind::String("//cdn.example.com/a.png".into()));
        let (kind, _) = read("{\"url\": http://a.b/c#top, \"b\": 1}", "url");
        assert_eq!(kind, Kind::String("http://a.b/c#top".into()));
        let (kind, _) = read("{\n \"color\": #63b359\n \"title\": \"x\"\n}", "title");
        assert_eq!(kind, Kind::String("x".into()));
        let (kind, _) = read("{\"c\": [#fff, #000]}", "c");
        assert!(matches!(kind, Kind::Array(ref items) if items.len() == 2));
        // where a comment can stand, it is one, with the fix that deletes it
        let (kind, hits) = read(
            "{\"a\": [\n  \"x\", // the first\n  \"y\" # last\n], \"b\": 1 // c\n}",
            "a",
        );
        assert!(matches!(kind, Kind::Array(ref items) if items.len() == 2));
        assert_eq!(hits.len(), 3, "{hits:?}");
        assert!(hits
            .iter()
            .all(|(c, e)| c == "JSON004" && e == &vec![String::new()]));
    }

    #[test]
    fn inner_quotes_are_one_value_without_a_fix() {
        let (kind, hits) = read("{\"d\":\"20元\"新春\"代金券\",\"e\":1}", "d");
        assert_eq!(kind, Kind::String("20元\"新春\"代金券".into()));
        assert_eq!(hits, vec![("JSON012".into(), vec![])]);
    }

    #[test]
    fn string_rewrites_keep_every_escape_or_offer_none() {
        // a lone surrogate and a cut escape: JSON009 stays, without a fix
        let (_, hits) = read(r#"{"a":"\u4e2d\ud83dx\u12"}"#, "a");
        assert!(
            hits.iter().any(|(c, e)| c == "JSON009" && e.is_empty()),
            "{hits:?}"
        );
        assert!(hits.iter().all(|(_, e)| e.is_empty()), "{hits:?}");
        // `\x41` has no JSON spelling: no requoting
        let (_, hits) = read(r#"{"a":'a\x41'}"#, "a");
        assert!(
            hits.iter().any(|(c, e)| c == "JSON005" && e.is_empty()),
            "{hits:?}"
        );
        // every escape as written; `\'` is the quote; a raw `"` gets its escape
        let (kind, hits) = read(r#"{"a":'it\'s "q" \u4e2d\/\u0041'}"#, "a");
        assert_eq!(kind, Kind::String("it's \"q\" 中/A".into()));
        let rewrite = &hits.iter().find(|(c, _)| c == "JSON005").unwrap().1;
        assert_eq!(rewrite, &vec![r#""it's \"q\" 中\/\u0041""#.to_string()]);
        let (_, hits) = read(r#"{"a":"\u4e2d\/\n"}"#, "a");
        assert_eq!(hits, vec![("JSON009".into(), vec![r#""中\/\n""#.into()])]);
    }
}

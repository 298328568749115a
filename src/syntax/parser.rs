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
    Ok(Parsed { root, hits })
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
        if depth > MAX_DEPTH {
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
            Tok::Str(s) => Kind::String(s),
            Tok::Num(n) => Kind::Number(n),
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
                    let quoted = serde_json::to_string(&w).unwrap_or_default();
                    self.report(
                        Hit::new(code::JSON017, span.clone())
                            .arg("value", crate::model::text::preview(&w, 32))
                            .fix(span, quoted),
                    );
                    Kind::String(w)
                }
            },
        }
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
                        self.report(Hit::new(code::JSON001, c.clone()).fix(c, ""));
                    }
                    return Ok(Node {
                        kind: Kind::Object(members),
                        span: open.start..t.span.end,
                    });
                }
                Shape::Eof => return Ok(self.unclosed(open, "{", "}", Kind::Object(members))),
                Shape::Comma => {
                    let t = self.bump();
                    if comma.is_some() || members.is_empty() {
                        self.report(Hit::new(code::JSON012, t.span.clone()).arg("found", ","));
                    }
                    comma = Some(t.span);
                    need_comma = false;
                }
                Shape::Scalar => {
                    if need_comma {
                        let at = self.last_end;
                        self.report(Hit::new(code::JSON007, at..at).fix(at..at, ","));
                    }
                    let t = self.bump();
                    let key = match t.tok {
                        Tok::Str(s) => s,
                        Tok::Word(w) => {
                            let quoted = serde_json::to_string(&w).unwrap_or_default();
                            self.report(
                                Hit::new(code::JSON014, t.span.clone())
                                    .arg("key", crate::model::text::preview(&w, 32))
                                    .fix(t.span.clone(), quoted),
                            );
                            w
                        }
                        Tok::Num(n) => {
                            self.report(
                                Hit::new(code::JSON014, t.span.clone())
                                    .arg("key", n.to_string())
                                    .fix(t.span.clone(), format!("\"{n}\"")),
                            );
                            n.to_string()
                        }
                        _ => unreachable!("matched above"),
                    };
                    self.member(key, t.span, &mut members, &mut seen, depth)?;
                    comma = None;
                    need_comma = true;
                }
                next @ (Shape::LBrace | Shape::LBracket | Shape::Colon) => {
                    // a value where a key belongs: report it and read past it
                    let t = self.peek();
                    let (found, span) = (describe(&t.tok), t.span.clone());
                    self.report(Hit::new(code::JSON012, span).arg("found", found));
                    if next == Shape::Colon {
                        self.bump();
                    } else {
                        self.value(depth + 1)?;
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
    ) -> Result<(), TooDeep> {
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
        if let Some(value) = value {
            seen.add(members, &key);
            members.push(Member {
                key,
                key_span,
                value,
            });
        }
        Ok(())
    }

    fn array(&mut self, open: Span, depth: usize) -> Result<Node, TooDeep> {
        let mut items: Vec<Node> = Vec::new();
        let mut comma: Option<Span> = None;
        let mut need_comma = false;
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
                        let at = self.last_end;
                        self.report(Hit::new(code::JSON007, at..at).fix(at..at, ","));
                    }
                    self.path.push(Step::Index(items.len()));
                    let v = self.value(depth + 1)?;
                    self.path.pop();
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

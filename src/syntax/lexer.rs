//! A forgiving tokenizer: it reads what people actually paste (comments, full-width
//! punctuation, single or typographic quotes, Python literals) as the token they meant,
//! and records a finding for every deviation from strict JSON.

use super::ast::Span;
use crate::finding::{Edit, Hit};
use crate::registry::code;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    Str(String),
    Num(serde_json::Number),
    Word(String),
    Eof,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

pub struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
    pub hits: Vec<Hit>,
    /// Tokens recovered from inside a broken one, handed out before reading on.
    queue: Vec<Token>,
    /// What the last token handed out was: after a `:`, or at an array's item, `#` and `//`
    /// start a value (`"color":#63b359`, `//cdn.example.com/a.png`), not a comment.
    prev: Prev,
    /// The brackets still open (`{` or `[`), innermost last.
    open: Vec<u8>,
    /// The state before each of the last few tokens, so that `skip` can take back the
    /// tokens the parser read ahead.
    undo: std::collections::VecDeque<Undo>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Prev {
    Start,
    Colon,
    Comma,
    /// `{` or `[`.
    Open,
    /// A value or a closing bracket.
    Value,
}

struct Undo {
    start: usize,
    prev: Prev,
    depth: usize,
    /// What a closing bracket took off `open`, bottom first.
    popped: Vec<u8>,
}

/// How many tokens `undo` remembers: the parser reads at most two ahead.
const UNDO_DEPTH: usize = 8;

/// Full-width or typographic characters that people use in place of JSON structure.
fn full_width(c: char) -> Option<(Tok, &'static str)> {
    Some(match c {
        '｛' => (Tok::LBrace, "{"),
        '｝' => (Tok::RBrace, "}"),
        '［' => (Tok::LBracket, "["),
        '］' => (Tok::RBracket, "]"),
        '：' => (Tok::Colon, ":"),
        '，' | '、' => (Tok::Comma, ","),
        _ => return None,
    })
}

/// A full-width character that stands for JSON structure (`，` `：` `｛` …).
pub fn is_structure(c: char) -> bool {
    full_width(c).is_some()
}

fn is_word_char(c: char) -> bool {
    !(c.is_whitespace()
        || matches!(
            c,
            '{' | '}' | '[' | ']' | ':' | ',' | '"' | '\'' | '/' | '#' | '“' | '”' | '‘' | '’'
        )
        || full_width(c).is_some()
        || c.is_control())
}

/// The quotes that may close a string opened by `open`: typographic quotes are paired loosely,
/// since editors and chat apps rarely get the left/right direction right.
fn closers(open: char) -> &'static [char] {
    match open {
        '"' => &['"'],
        '\'' => &['\''],
        '‘' | '’' => &['’', '‘', '\''],
        _ => &['”', '“', '"'],
    }
}

/// `“…“`: a typographic pair that does not even match is worth its own finding.
fn mismatched_pair(open: char, close: char, span: Span) -> Option<Hit> {
    if matches!(close, '"' | '\'') || close != open {
        return None;
    }
    let ascii = if matches!(close, '‘' | '’') {
        "'"
    } else {
        "\""
    };
    Some(
        Hit::new(code::JSON002, span)
            .arg("char", close.to_string())
            .arg("ascii", ascii),
    )
}

/// The one-character escapes of JSON, by the letter after the backslash.
fn simple_escape(c: char) -> Option<char> {
    Some(match c {
        '"' | '\\' | '/' => c,
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        _ => return None,
    })
}

/// What reading one string collects besides where it ends.
#[derive(Default)]
struct StrScan {
    out: String,
    /// (byte pos, out len) of the first raw line break: where an unterminated string is cut.
    first_newline: Option<(usize, usize)>,
    /// The first `\u` escape of a non-ASCII character: such text is better written raw.
    escaped_non_ascii: Option<Span>,
    /// Kept apart from the lexer's until the string ends, since a cut string drops some.
    hits: Vec<Hit>,
}

impl StrScan {
    fn control(&mut self, c: char, at: usize, end: usize) {
        if matches!(c, '\n' | '\r') && self.first_newline.is_none() {
            self.first_newline = Some((at, self.out.len()));
        }
        self.out.push(c);
        // one finding per string: a wrapped paragraph is one mistake, not ten
        if !self.hits.iter().any(|h: &Hit| h.code == code::JSON006) {
            self.hits
                .push(Hit::new(code::JSON006, at..end).arg("char", format!("U+{:04X}", c as u32)));
        }
    }
}

impl<'a> Lexer<'a> {
    /// Reads on from `to` (after the parser took a value ending at `to` as one unquoted run):
    /// what was lexed after `from`, and its findings, are dropped.
    pub fn skip(&mut self, from: usize, to: usize) {
        self.pos = to.min(self.end);
        self.queue.clear();
        // everything lexed after `from` was read ahead and is read again from `to`
        self.hits.retain(|h| h.span.start < from);
        while self.undo.back().is_some_and(|u| u.start >= from) {
            if let Some(u) = self.undo.pop_back() {
                self.prev = u.prev;
                self.open.truncate(u.depth - u.popped.len());
                self.open.extend(u.popped);
            }
        }
        self.undo.clear();
        // what was skipped over is one value
        self.prev = Prev::Value;
    }

    /// The end of an unquoted value written at `start`: people write text without quotes up
    /// to the next comma, closing bracket, line end or key, with spaces and full-width commas
    /// inside it (`双人套餐，含饮料 不退款`, base64 `aGVs/bG8=`, `http://a.b/c`).
    pub fn unquoted_run_end(&self, start: usize) -> usize {
        let text = &self.text[..self.end];
        let mut end = start;
        for (i, c) in text[start..].char_indices() {
            let at = start + i;
            match c {
                ',' | '}' | ']' | '{' | '[' | '"' | '\n' | '\r' => break,
                // a separator inside the text, unless a key, bracket or line end follows it
                ' ' | '\t' | '\u{3000}' | '，' => {
                    let rest =
                        text[at + c.len_utf8()..].trim_start_matches([' ', '\t', '\u{3000}']);
                    if rest.is_empty()
                        || rest.starts_with(['"', ',', '}', ']', '\n', '\r', '“', '，'])
                    {
                        break;
                    }
                }
                _ => end = at + c.len_utf8(),
            }
        }
        end
    }

    pub fn slice(&self, span: Span) -> &'a str {
        &self.text[span]
    }

    /// Where the text being read ends.
    pub fn end(&self) -> usize {
        self.end
    }

    pub fn new(text: &'a str, start: usize, end: usize) -> Self {
        Lexer {
            text,
            pos: start,
            end,
            hits: Vec::new(),
            queue: Vec::new(),
            prev: Prev::Start,
            open: Vec::new(),
            undo: std::collections::VecDeque::new(),
        }
    }

    /// Whether a value is expected here: after a `:`, or at an item of an array.
    fn value_position(&self) -> bool {
        self.prev == Prev::Colon
            || (matches!(self.prev, Prev::Open | Prev::Comma) && self.open.last() == Some(&b'['))
    }

    /// Whether `#` or `//` at `start` (`prefix` bytes long) is a comment. In a value position
    /// it is the value written without quotes (`"color":#63b359`): after a `:` always, at an
    /// array's item unless a blank follows the prefix (`"a", // the first`).
    fn comment_here(&self, start: usize, prefix: usize) -> bool {
        if !self.value_position() {
            return true;
        }
        self.prev != Prev::Colon
            && self
                .char_at(start + prefix)
                .is_none_or(|c| c.is_whitespace())
    }

    /// An unquoted value that starts with `#` or `//`, up to where such a run ends.
    fn unquoted_word(&mut self, start: usize) -> Token {
        let end = self.unquoted_run_end(start).max(start + 1);
        self.pos = end;
        Token {
            tok: Tok::Word(self.text[start..end].to_string()),
            span: start..end,
        }
    }

    /// Records what `t` changes in the state that tells a value position.
    fn track(&mut self, t: &Token) {
        let mut undo = Undo {
            start: t.span.start,
            prev: self.prev,
            depth: self.open.len(),
            popped: Vec::new(),
        };
        self.prev = match &t.tok {
            Tok::Eof => return,
            Tok::LBrace | Tok::LBracket => {
                self.open
                    .push(if t.tok == Tok::LBrace { b'{' } else { b'[' });
                Prev::Open
            }
            Tok::RBrace | Tok::RBracket => {
                // as the parser does: a closer ends every container opened inside its own
                let want = if t.tok == Tok::RBrace { b'{' } else { b'[' };
                if let Some(i) = self.open.iter().rposition(|&b| b == want) {
                    undo.popped = self.open.split_off(i);
                }
                Prev::Value
            }
            Tok::Colon => Prev::Colon,
            Tok::Comma => Prev::Comma,
            Tok::Str(_) | Tok::Num(_) | Tok::Word(_) => Prev::Value,
        };
        if self.undo.len() == UNDO_DEPTH {
            self.undo.pop_front();
        }
        self.undo.push_back(undo);
    }

    fn peek_char(&self) -> Option<char> {
        self.text[self.pos..self.end].chars().next()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..self.end).and_then(|s| s.chars().next())
    }

    pub fn next_token(&mut self) -> Token {
        let t = self.lex();
        self.track(&t);
        t
    }

    fn lex(&mut self) -> Token {
        if let Some(t) = self.queue.pop() {
            return t;
        }
        loop {
            let start = self.pos;
            let Some(c) = self.peek_char() else {
                return Token {
                    tok: Tok::Eof,
                    span: self.end..self.end,
                };
            };
            let after = start + c.len_utf8();
            if c == '\u{feff}' {
                // a BOM inside the body (the leading one is reported by `source`)
                self.pos = after;
                self.hits.push(Hit::new(code::JSON010, start..after));
                continue;
            }
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.pos = after;
                continue;
            }
            if c.is_whitespace() {
                // U+3000 and friends: invisible in an editor, fatal for a JSON parser
                self.pos = after;
                self.hits.push(
                    Hit::new(code::JSON002, start..after)
                        .arg("char", format!("U+{:04X}", c as u32))
                        .arg("ascii", " ")
                        .fix(start..after, " "),
                );
                continue;
            }
            let simple = match c {
                '{' => Some(Tok::LBrace),
                '}' => Some(Tok::RBrace),
                '[' => Some(Tok::LBracket),
                ']' => Some(Tok::RBracket),
                ':' => Some(Tok::Colon),
                ',' => Some(Tok::Comma),
                _ => None,
            };
            if let Some(tok) = simple {
                self.pos = after;
                return Token {
                    tok,
                    span: start..after,
                };
            }
            if let Some((tok, ascii)) = full_width(c) {
                self.pos = after;
                self.hits.push(
                    Hit::new(code::JSON002, start..after)
                        .arg("char", c.to_string())
                        .arg("ascii", ascii)
                        .fix(start..after, ascii),
                );
                return Token {
                    tok,
                    span: start..after,
                };
            }
            match c {
                '/' if self.char_at(after) == Some('/') => {
                    if !self.comment_here(start, 2) {
                        return self.unquoted_word(start);
                    }
                    self.skip_line_comment(start);
                    continue;
                }
                '/' if self.char_at(after) == Some('*') => {
                    self.skip_block_comment(start);
                    continue;
                }
                '#' => {
                    if !self.comment_here(start, 1) {
                        return self.unquoted_word(start);
                    }
                    self.skip_line_comment(start);
                    continue;
                }
                '"' | '\'' | '“' | '”' | '‘' | '’' => return self.string(start, c),
                '-' | '+' | '.' | '0'..='9' => {
                    let next = self.char_at(after);
                    if matches!(c, '-' | '+') && next.is_some_and(|n| n.is_alphabetic()) {
                        return self.word(start);
                    }
                    return self.number(start);
                }
                _ if is_word_char(c) => return self.word(start),
                _ => {
                    self.pos = after;
                    self.hits.push(
                        Hit::new(code::JSON012, start..after)
                            .arg("found", crate::model::text::printable(c).to_string()),
                    );
                    continue;
                }
            }
        }
    }

    fn skip_line_comment(&mut self, start: usize) {
        let rest = &self.text[start..self.end];
        let len = rest.find(['\n', '\r']).unwrap_or(rest.len());
        self.pos = start + len;
        let before = &self.text[..start];
        let blanks = before.len() - before.trim_end_matches([' ', '\t']).len();
        self.hits
            .push(Hit::new(code::JSON004, start..self.pos).fix(start - blanks..self.pos, ""));
    }

    fn skip_block_comment(&mut self, start: usize) {
        let rest = &self.text[start + 2..self.end];
        match rest.find("*/") {
            Some(i) => {
                self.pos = start + 2 + i + 2;
                self.hits
                    .push(Hit::new(code::JSON004, start..self.pos).fix(start..self.pos, ""));
            }
            None => {
                self.pos = self.end;
                self.hits.push(Hit::new(code::JSON004, start..start + 2));
            }
        }
    }

    fn word(&mut self, start: usize) -> Token {
        let mut p = start;
        let mut first = true;
        while let Some(c) = self.char_at(p) {
            if !(is_word_char(c) || (first && matches!(c, '-' | '+'))) {
                break;
            }
            first = false;
            p += c.len_utf8();
        }
        self.pos = p;
        Token {
            tok: Tok::Word(self.text[start..p].to_string()),
            span: start..p,
        }
    }

    fn number(&mut self, start: usize) -> Token {
        let mut p = start;
        let mut prev = '\0';
        while let Some(c) = self.char_at(p) {
            let ok = c.is_ascii_alphanumeric()
                || c == '.'
                || (matches!(c, '+' | '-') && (p == start || matches!(prev, 'e' | 'E')));
            if !ok {
                break;
            }
            prev = c;
            p += 1;
        }
        self.pos = p;
        let raw = &self.text[start..p];
        let num = match strict_number(raw) {
            Some(n) => n,
            // `+1`, `007`, `1.`, `1E400`: a number written loosely, read as the one it means
            None if loose_number(raw) => {
                self.hits
                    .push(Hit::new(code::JSON016, start..p).arg("value", raw.to_string()));
                repair_number(raw)
            }
            // `0x1F`, `192.168.1.1`, `123abc`: text without quotes that starts like a number
            None => {
                return Token {
                    tok: Tok::Word(raw.to_string()),
                    span: start..p,
                }
            }
        };
        Token {
            tok: Tok::Num(num),
            span: start..p,
        }
    }

    fn string(&mut self, start: usize, open: char) -> Token {
        let closers = closers(open);
        let opener = self.report_opener(start, open);
        let mut s = StrScan::default();
        let mut p = start + open.len_utf8();
        let close_at = loop {
            if open == '"' {
                p = self.plain_run(p, &mut s.out);
            }
            let Some(c) = self.char_at(p) else {
                return self.unterminated(start, open, s);
            };
            let at = p;
            p += c.len_utf8();
            if closers.contains(&c) {
                if self.opens_next_key(&s, p) {
                    return self.unterminated(start, open, s);
                }
                if let Some(h) = mismatched_pair(open, c, at..p) {
                    s.hits.push(h);
                }
                break at;
            }
            match c {
                '\\' => p = self.escape(at, p, &mut s),
                c if (c as u32) < 0x20 => s.control(c, at, p),
                c => s.out.push(c),
            }
        };
        let body = start + open.len_utf8()..close_at;
        self.finish_string(start, p, opener, body, s)
    }

    /// Anything but `"` opens a string that strict JSON rejects; the finding is recorded now
    /// (so it comes before those inside the string) and gets its repair once the string is
    /// read. Returns its index in `hits`.
    fn report_opener(&mut self, start: usize, open: char) -> Option<usize> {
        if open == '"' {
            return None;
        }
        let code = if matches!(open, '\'' | '‘' | '’') {
            code::JSON005
        } else {
            code::JSON002
        };
        let hit = Hit::new(code, start..start + open.len_utf8());
        self.hits.push(if code == code::JSON002 {
            hit.arg("char", open.to_string()).arg("ascii", "\"")
        } else {
            hit
        });
        Some(self.hits.len() - 1)
    }

    /// Copies the plain run up to the next quote, escape or control character at once,
    /// rather than char by char; returns where the run stops.
    fn plain_run(&self, p: usize, out: &mut String) -> usize {
        let run = self.text.as_bytes()[p..self.end]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(self.end - p);
        out.push_str(&self.text[p..p + run]);
        p + run
    }

    /// A quote that opens the next key (`"a,\n  "next": 1`) means this string lost its
    /// closing quote at the line break.
    fn opens_next_key(&self, s: &StrScan, after: usize) -> bool {
        let next = self.char_at(after);
        s.first_newline.is_some() && next.is_some_and(|n| n.is_alphanumeric() || n == '_')
    }

    /// Reads the escape whose backslash is at `at` (`p` just after it); returns where
    /// reading goes on.
    fn escape(&self, at: usize, mut p: usize, s: &mut StrScan) -> usize {
        let bad_escape =
            |p: usize| Hit::new(code::JSON015, at..p).arg("escape", self.text[at..p].to_string());
        match self.char_at(p) {
            Some('u') => {
                let (ch, len) = self.unicode_escape(p + 1);
                p += 1 + len;
                match ch {
                    Some(ch) => {
                        if ch as u32 >= 0x80 && s.escaped_non_ascii.is_none() {
                            s.escaped_non_ascii = Some(at..p);
                        }
                        s.out.push(ch);
                    }
                    None => s.hits.push(bad_escape(p)),
                }
            }
            Some(e) => match simple_escape(e) {
                Some(ch) => {
                    s.out.push(ch);
                    p += 1;
                }
                None => {
                    // kept as the character it escapes: most likely what was meant
                    p += e.len_utf8();
                    s.out.push(e);
                    s.hits.push(bad_escape(p));
                }
            },
            None => {}
        }
        p
    }

    /// Gives the quoting findings their repair and records the string's own findings.
    fn finish_string(
        &mut self,
        start: usize,
        p: usize,
        opener: Option<usize>,
        body: Span,
        s: StrScan,
    ) -> Token {
        let StrScan {
            out,
            escaped_non_ascii,
            hits: mut string_hits,
            ..
        } = s;
        // the repair of a quoting problem is the string written again as JSON: same text,
        // double quotes, raw UTF-8 (written only for a string that needs it, and only when
        // every escape in it can be carried over)
        let needs_rewrite = opener.is_some()
            || escaped_non_ascii.is_some()
            || string_hits.iter().any(|h| h.code == code::JSON002);
        let open = self.text[start..].chars().next().unwrap_or('"');
        let rewritten = if needs_rewrite {
            rewrite(&self.text[body], open)
                .filter(|r| serde_json::from_str::<String>(r).is_ok_and(|decoded| decoded == out))
        } else {
            None
        };
        if let Some(rewritten) = &rewritten {
            for h in string_hits.iter_mut().filter(|h| h.code == code::JSON002) {
                h.edits.push(Edit {
                    span: start..p,
                    text: rewritten.clone(),
                });
            }
            if let Some(i) = opener {
                self.hits[i].edits.push(Edit {
                    span: start..p,
                    text: rewritten.clone(),
                });
            }
        }
        self.hits.append(&mut string_hits);
        if let Some(span) = escaped_non_ascii {
            let mut h =
                Hit::new(code::JSON009, span).arg("text", crate::model::text::preview(&out, 24));
            if let Some(rewritten) = rewritten {
                h = h.fix(start..p, rewritten);
            }
            self.hits.push(h);
        }
        self.pos = p;
        Token {
            tok: Tok::Str(out),
            span: start..p,
        }
    }

    /// A string without its closing quote: end it at its first raw line break if it has one,
    /// so the rest of the file can still be read; a comma just before the break is taken as
    /// the separator it was meant to be.
    fn unterminated(&mut self, start: usize, open: char, s: StrScan) -> Token {
        let StrScan {
            mut out,
            first_newline,
            hits: mut string_hits,
            ..
        } = s;
        let (stop, keep) = first_newline.unwrap_or((self.end, out.len()));
        out.truncate(keep);
        string_hits.retain(|h: &Hit| h.span.start < stop);
        self.hits.append(&mut string_hits);
        self.hits
            .push(Hit::new(code::JSON019, start..start + open.len_utf8()));
        let mut end = stop;
        let trimmed = out.trim_end();
        if first_newline.is_some() && trimmed.ends_with(',') {
            let comma_at = self.text[..stop].rfind(',').unwrap_or(stop);
            out.truncate(trimmed.len() - 1);
            self.queue.push(Token {
                tok: Tok::Comma,
                span: comma_at..comma_at + 1,
            });
            end = comma_at;
        }
        self.pos = stop;
        Token {
            tok: Tok::Str(out),
            span: start..end,
        }
    }

    /// Reads the 4 hex digits after `\u` (and a following low surrogate); returns the
    /// character and how many bytes were consumed after the `u`.
    fn unicode_escape(&self, at: usize) -> (Option<char>, usize) {
        let hex = |from: usize| -> Option<u32> {
            let s = self.text.get(from..from + 4)?;
            if from + 4 > self.end || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(s, 16).ok()
        };
        let Some(hi) = hex(at) else {
            let len = self.text[at..self.end]
                .chars()
                .take(4)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            return (None, len);
        };
        if (0xD800..0xDC00).contains(&hi) && self.text.get(at + 4..at + 6) == Some("\\u") {
            if let Some(lo) = hex(at + 6).filter(|lo| (0xDC00..0xE000).contains(lo)) {
                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return (char::from_u32(cp), 10);
            }
        }
        (char::from_u32(hi), 4)
    }
}

/// The body of a string opened by `open`, written again between double quotes: a `\uXXXX`
/// escape of non-ASCII text becomes the character, a quote that needed no escape in the old
/// quoting gets one in the new, a raw control character is escaped, and every other escape
/// stays as written. None when an escape has no JSON spelling of the same text (`\x41`, a
/// lone surrogate, a cut `\u12`).
fn rewrite(body: &str, open: char) -> Option<String> {
    let mut out = String::with_capacity(body.len() + 2);
    out.push('"');
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'u' => {
                        let (ch, len) = unicode_at(body, i + 2)?;
                        if (ch as u32) < 0x80 {
                            out.push_str(&body[i..i + 2 + len]);
                        } else {
                            out.push(ch);
                        }
                        for _ in 0..len {
                            chars.next();
                        }
                    }
                    // `\'` in a single-quoted string is the quote itself
                    '\'' if open != '"' => out.push('\''),
                    e if simple_escape(e).is_some() => {
                        out.push('\\');
                        out.push(e);
                    }
                    _ => return None,
                }
            }
            '"' => out.push_str("\\\""),
            c if (c as u32) < 0x20 => match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c => out.push_str(&format!("\\u{:04x}", c as u32)),
            },
            c => out.push(c),
        }
    }
    out.push('"');
    Some(out)
}

/// The character of the `\u` escape whose hex digits start at `at` (a surrogate pair
/// included), and how many bytes follow the `u`.
fn unicode_at(body: &str, at: usize) -> Option<(char, usize)> {
    let hex = |from: usize| -> Option<u32> {
        let h = body.get(from..from + 4)?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(h, 16).ok()
    };
    let hi = hex(at)?;
    if (0xD800..0xDC00).contains(&hi) {
        let lo = body
            .get(at + 4..at + 6)
            .filter(|s| *s == "\\u")
            .and_then(|_| hex(at + 6))
            .filter(|lo| (0xDC00..0xE000).contains(lo))?;
        return Some((
            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?,
            10,
        ));
    }
    Some((char::from_u32(hi)?, 4))
}

/// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
fn strict_number(raw: &str) -> Option<serde_json::Number> {
    let b = raw.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    let int_start = i;
    if digits(&mut i) == 0 || (b[int_start] == b'0' && i - int_start > 1) {
        return None;
    }
    let int_end = i;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    // a plain non-negative integer that fits: what serde_json would make of it, cheaper
    if int_start == 0 && int_end == b.len() && b.len() <= 19 {
        if let Ok(n) = raw.parse::<u64>() {
            return Some(n.into());
        }
    }
    serde_json::from_str(raw).ok()
}

/// A number in JSON's shape but for a sign, leading zeros or a missing digit around the
/// point (`+1`, `007`, `1.`, `.5`), or one out of range (`1E400`).
fn loose_number(raw: &str) -> bool {
    let b = raw.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    let mut n = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Best guess at what a loosely written number meant, so checks can go on (`+1`, `007`,
/// `1.`); a fix never writes it, it quotes what was written.
fn repair_number(raw: &str) -> serde_json::Number {
    let t = raw.trim_start_matches('+');
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let body = body.trim_start_matches('0');
    let body = body.trim_end_matches('.');
    let body = if body.is_empty() || body.starts_with('.') {
        format!("0{body}")
    } else {
        body.to_string()
    };
    let candidate = if neg { format!("-{body}") } else { body };
    strict_number(&candidate).unwrap_or_else(|| 0.into())
}

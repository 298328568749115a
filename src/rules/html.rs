//! Pages and scripts (.html, .js, .ts, .vue ...): a `wx.addCard(...)` / `wx.chooseCard(...)`
//! call whose `cardExt` is an object literal, or a variable that holds one, instead of a string.

use super::Embed;
use crate::finding::Hit;
use crate::model::Span;
use crate::registry::code;

pub const EXTENSIONS: &[&str] = &["html", "htm", "js", "mjs", "jsx", "ts", "tsx", "vue"];

pub fn is_page(path: &str) -> bool {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    path.contains('.') && EXTENSIONS.contains(&ext.as_str())
}

/// Byte offset just past the literal, comment or template starting at `i`, if one does.
fn skip_opaque(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        q @ (b'"' | b'\'' | b'`') => {
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 2,
                    c if c == q => return Some(j + 1),
                    b'\n' if q != b'`' => return Some(j),
                    _ => j += 1,
                }
            }
            Some(b.len())
        }
        b'/' if b.get(i + 1) == Some(&b'/') => Some(
            b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p),
        ),
        b'/' if b.get(i + 1) == Some(&b'*') => Some(
            b[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(b.len(), |p| i + 2 + p + 2),
        ),
        _ => None,
    }
}

/// Byte offset just past the comment starting at `i`, if one does.
pub(super) fn skip_comment(b: &[u8], i: usize) -> Option<usize> {
    match (b[i], b.get(i + 1)) {
        (b'/', Some(b'/') | Some(b'*')) => skip_opaque(b, i),
        _ => None,
    }
}

/// The end (exclusive) of the bracketed group opening at `open`.
pub(super) fn matching(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        if let Some(next) = skip_opaque(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// Whether the last assignment to `name` before `before` is an object literal.
fn assigned_object(text: &str, name: &str, before: usize) -> bool {
    assigned_value(text, name, before).is_some_and(|v| text[v..].starts_with('{'))
}

/// Where the value of the last assignment to `name` before `before` starts.
fn assigned_value(text: &str, name: &str, before: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut found = None;
    let mut from = 0;
    while let Some(p) = text[from..before].find(name) {
        let at = from + p;
        from = at + name.len();
        let bounded =
            (at == 0 || !is_ident(b[at - 1])) && !b.get(from).is_some_and(|c| is_ident(*c));
        if !bounded {
            continue;
        }
        let rest = &text[from..before];
        let eq = rest.len() - rest.trim_start().len();
        if rest[eq..].starts_with('=') && !rest[eq + 1..].starts_with('=') {
            let v = from + eq + 1;
            found = Some(v + (text[v..before].len() - text[v..before].trim_start().len()));
        }
    }
    found
}

/// A cardExt written as an object in page code (`JSON.stringify({...})`, or a variable that
/// holds one): its literal fields, for verifying the signature.
pub struct SignedExt {
    pub card_id: Option<String>,
    pub fields: Vec<super::js_object::Field>,
    /// The whole object, where a finding goes when the signature value is not literal.
    pub span: Span,
}

/// A `wx.chooseCard({...})` call: its literal arguments and the page's `wx.config` appId.
pub struct ChooseCall {
    pub fields: Vec<super::js_object::Field>,
    pub app_id: Option<String>,
    pub span: Span,
}

/// What a page gives the checks.
#[derive(Default)]
pub struct Page {
    pub hits: Vec<Hit>,
    /// cardExt string literals for the pipeline to lint as card_ext.
    pub embedded: Vec<Embed>,
    /// cardExt strings built by concatenation, for the pipeline to lint what they spell out.
    pub concatenated: Vec<Concat>,
    pub signed: Vec<SignedExt>,
    pub choose: Vec<ChooseCall>,
}

/// The hits of a page, and its cardExt string literals for the pipeline to lint as card_ext.
pub fn scan(text: &str) -> Vec<Hit> {
    scan_page(text).hits
}

pub fn scan_page(text: &str) -> Page {
    let b = text.as_bytes();
    let mut page = Page::default();
    let mut i = 0;
    while i < b.len() {
        if let Some(next) = skip_opaque(b, i) {
            i = next;
            continue;
        }
        let call = ["wx.addCard", "wx.chooseCard"]
            .into_iter()
            .find(|c| b[i..].starts_with(c.as_bytes()));
        let Some(call) = call else {
            i += 1;
            continue;
        };
        let open = i + call.len() + text[i + call.len()..].len()
            - text[i + call.len()..].trim_start().len();
        if b.get(open) != Some(&b'(') {
            i += call.len();
            continue;
        }
        let end = matching(b, open);
        if call == "wx.chooseCard" {
            page.choose.extend(choose_call(text, open, end));
        }
        for found in card_ext_args(text, open, end) {
            match found {
                Found::Hit(h) => page.hits.push(h),
                Found::Embed(e) => page.embedded.push(e),
                Found::Signed(s) => page.signed.push(s),
                Found::Concat(c) => page.concatenated.push(c),
            }
        }
        i = end;
    }
    page
}

/// The object argument of `wx.chooseCard(` at `open`.
fn choose_call(text: &str, open: usize, end: usize) -> Option<ChooseCall> {
    let arg = open + 1 + (text[open + 1..end].len() - text[open + 1..end].trim_start().len());
    let fields = super::js_object::fields(text, arg)?;
    Some(ChooseCall {
        fields,
        app_id: config_app_id(text),
        span: arg..matching(text.as_bytes(), arg),
    })
}

/// The `appId` literal of the page's `wx.config({...})`.
fn config_app_id(text: &str) -> Option<String> {
    let at = text.find("wx.config")? + "wx.config".len();
    let open = at + text[at..].find('(')? + 1;
    let arg = open + (text[open..].len() - text[open..].trim_start().len());
    let fields = super::js_object::fields(text, arg)?;
    let f = fields.into_iter().find(|f| f.key == "appId")?;
    f.value.text().map(str::to_string)
}

enum Found {
    Hit(Hit),
    Embed(Embed),
    Signed(SignedExt),
    Concat(Concat),
}

/// A cardExt built by `+` (`'{"code":"' + code + '"}'`): string literals and the
/// expressions between them, in order.
#[derive(Debug, Clone)]
pub struct Concat {
    pub span: Span,
    /// `/cardList/N/cardExt`: which entry of the call it is.
    pub pointer: String,
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
pub enum Piece {
    /// A quoted literal, quotes included.
    Literal(Span),
    /// Anything else, known only at run time.
    Expr(Span),
}

/// Whether JSON text ending with `doc` expects a value or string text next (after `:`, `[`,
/// a `,` in an array, or inside a string), where a stand-in for an expression can go.
pub fn takes_a_value(doc: &str) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    let mut open: Vec<u8> = Vec::new();
    let mut last = 0u8;
    for c in doc.bytes() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => open.push(c),
            b'}' | b']' => {
                open.pop();
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
    }
    in_string || matches!(last, b':' | b'[') || (last == b',' && open.last() == Some(&b'['))
}

/// The `+`-joined pieces of the value starting at `v`, when it is a concatenation with at
/// least one literal (a template with `${}` is one expression).
fn concatenation(text: &str, v: usize, end: usize) -> Option<Concat> {
    let b = text.as_bytes();
    let stop = value_end(b, v, end);
    let mut bounds = vec![v];
    top_level(b, v, stop, |i, c| {
        if c == b'+' {
            bounds.push(i);
        }
        false
    });
    bounds.push(stop);
    let mut pieces = Vec::new();
    for (k, w) in bounds.windows(2).enumerate() {
        let from = if k == 0 { w[0] } else { w[0] + 1 };
        let part = &text[from..w[1]];
        let start = from + (part.len() - part.trim_start().len());
        let span = start..from + part.trim_end().len();
        if span.is_empty() {
            return None;
        }
        // a closed literal: an unterminated one ends at its line, on no quote
        let literal = matches!(b[start], b'"' | b'\'' | b'`')
            && span.len() >= 2
            && b[span.end - 1] == b[start]
            && skip_opaque(b, start) == Some(span.end)
            && !(b[start] == b'`' && text[span.clone()].contains("${"));
        pieces.push(if literal {
            Piece::Literal(span)
        } else {
            Piece::Expr(span)
        });
    }
    let literals = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Literal(_)))
        .count();
    (pieces.len() > 1 && literals > 0).then(|| Concat {
        span: v..text[..stop].trim_end().len(),
        pointer: String::new(),
        pieces,
    })
}

/// `cardExt: <value>` properties inside a call's arguments.
fn card_ext_args(text: &str, start: usize, end: usize) -> Vec<Found> {
    let b = text.as_bytes();
    let mut hits = Vec::new();
    // the `cardId: '...'` literal seen last: the card a following cardExt is signed for
    let mut card_id: Option<String> = None;
    // the nth cardExt of the call is taken to be the one of cardList's nth entry
    let mut index = 0;
    let mut pointer = || {
        index += 1;
        format!("/cardList/{}/cardExt", index - 1)
    };
    let mut i = start;
    while i < end {
        if let Some(next) = skip_opaque(b, i) {
            // a quoted key "cardExt": is a key, not a string value
            let lit = &b[i..next.min(end)];
            if lit.len() > 2 && &lit[1..lit.len() - 1] == b"cardExt" {
                hits.extend(value_found(text, next, end, card_id.clone(), &pointer()));
            } else if lit.len() > 2 && &lit[1..lit.len() - 1] == b"cardId" {
                card_id = literal_after(text, next, end);
            }
            i = next;
            continue;
        }
        // bytes, not str: `i` walks bytes and may sit inside a CJK character
        if b[i..].starts_with(b"cardExt") && (i == 0 || !is_ident(b[i - 1])) {
            let after = i + "cardExt".len();
            if !b.get(after).is_some_and(|c| is_ident(*c)) {
                hits.extend(value_found(text, after, end, card_id.clone(), &pointer()));
            }
            i = after;
            continue;
        }
        if b[i..].starts_with(b"cardId") && (i == 0 || !is_ident(b[i - 1])) {
            let after = i + "cardId".len();
            if !b.get(after).is_some_and(|c| is_ident(*c)) {
                card_id = literal_after(text, after, end);
            }
            i = after;
            continue;
        }
        i += 1;
    }
    hits
}

/// Where the value after `key:` starts, if a colon follows `from`.
fn value_start(text: &str, from: usize, end: usize) -> Option<usize> {
    let b = text.as_bytes();
    if from > end || !text.is_char_boundary(from) || !text.is_char_boundary(end) {
        return None;
    }
    let rest = &text[from..end];
    let colon = rest.len() - rest.trim_start().len();
    if b.get(from + colon) != Some(&b':') {
        return None;
    }
    let v = from + colon + 1;
    Some(v + (text[v..end].len() - text[v..end].trim_start().len()))
}

/// The text of a string literal without escapes after `key:` (a card_id is letters and
/// digits).
fn literal_after(text: &str, from: usize, end: usize) -> Option<String> {
    let v = value_start(text, from, end)?;
    let b = text.as_bytes();
    let q = *b.get(v).filter(|q| matches!(q, b'"' | b'\''))?;
    let close = v + 1 + b.get(v + 1..end)?.iter().position(|c| *c == q)?;
    let inner = &text[v + 1..close];
    (!inner.contains('\\')).then(|| inner.to_string())
}

/// What the value of a `cardExt:` property gives: its ticket keys (EXT004), then EXT009 or the
/// embedded card_ext.
fn value_found(
    text: &str,
    from: usize,
    end: usize,
    card_id: Option<String>,
    pointer: &str,
) -> Vec<Found> {
    let Some(v) = value_start(text, from, end) else {
        return Vec::new();
    };
    let mut found: Vec<Found> = ticket_keys(text, v, value_end(text.as_bytes(), v, end))
        .into_iter()
        .map(Found::Hit)
        .collect();
    found.extend(value_after(text, from, end, card_id));
    // where it sits in wx.addCard's argument, as a JSON body would say it
    for f in &mut found {
        match f {
            Found::Hit(h) => h.pointer = pointer.to_string(),
            Found::Embed(e) => e.pointer = pointer.to_string(),
            Found::Concat(c) => c.pointer = pointer.to_string(),
            Found::Signed(_) => {}
        }
    }
    found
}

/// Where the property value starting at `v` ends: the `,` or closing bracket at its level.
pub(super) fn value_end(b: &[u8], v: usize, end: usize) -> usize {
    top_level(b, v, end, |_, c| matches!(c, b',' | b')' | b']' | b'}'))
}

/// Walks the bytes of `b[from..end]` at their own level (literals, comments and bracketed
/// parts skipped whole), calling `stop_at` on each; where it first says yes, else `end`.
fn top_level(
    b: &[u8],
    from: usize,
    end: usize,
    mut stop_at: impl FnMut(usize, u8) -> bool,
) -> usize {
    let mut i = from;
    while i < end {
        if let Some(next) = skip_opaque(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => i = matching(b, i),
            c if stop_at(i, c) => return i,
            _ => i += 1,
        }
    }
    end
}

/// EXT004 in page code: a ticket key in a cardExt value that is no plain string (those go
/// through the pipeline): an object literal key (`{api_ticket: t}`, also inside
/// `JSON.stringify(...)`), or a quoted key inside the string pieces of a concatenation
/// (`'..."api_ticket":"' + t + '"...'`).
fn ticket_keys(text: &str, v: usize, end: usize) -> Vec<Hit> {
    let b = text.as_bytes();
    let plain_string = matches!(b.get(v), Some(b'"' | b'\''))
        && skip_opaque(b, v).is_some_and(|close| {
            let rest = text[close.min(end)..end].trim_start();
            rest.is_empty()
        });
    if plain_string {
        return Vec::new();
    }
    let mut hits = Vec::new();
    let mut i = v;
    while i < end {
        if let Some(next) = skip_opaque(b, i) {
            let next = next.min(end);
            if matches!(b[i], b'"' | b'\'' | b'`') {
                let lit = &text[i..next];
                let followed_by_colon = text[next..end].trim_start().starts_with(':');
                let inner = lit.get(1..lit.len().saturating_sub(1)).unwrap_or("");
                if followed_by_colon && super::ext::TICKET_KEYS.contains(&inner) {
                    hits.push(Hit::new(code::EXT004, i..next).arg("key", inner));
                } else {
                    hits.extend(quoted_keys_in(lit, i));
                }
            }
            i = next;
            continue;
        }
        if is_ident(b[i]) && (i == 0 || !is_ident(b[i - 1])) {
            let len = b[i..end].iter().take_while(|c| is_ident(**c)).count();
            let word = &text[i..i + len];
            if super::ext::TICKET_KEYS.contains(&word)
                && text[i + len..end].trim_start().starts_with(':')
            {
                hits.push(Hit::new(code::EXT004, i..i + len).arg("key", word));
            }
            i += len;
            continue;
        }
        i += 1;
    }
    hits
}

/// `"api_ticket"` (or `\"api_ticket\"`) written as a key inside a string piece at `at`.
fn quoted_keys_in(lit: &str, at: usize) -> Vec<Hit> {
    let mut hits = Vec::new();
    for key in super::ext::TICKET_KEYS {
        let mut from = 0;
        while let Some(p) = lit[from..].find(key) {
            let start = from + p;
            let stop = start + key.len();
            from = stop;
            let before = lit[..start].trim_end_matches('\\');
            let after = &lit[stop..];
            let quoted_before = before.ends_with('"');
            let after = after.trim_start_matches('\\');
            if quoted_before && after.starts_with('"') && after[1..].trim_start().starts_with(':') {
                hits.push(Hit::new(code::EXT004, at + start..at + stop).arg("key", *key));
            }
        }
    }
    hits
}

fn value_after(text: &str, from: usize, end: usize, card_id: Option<String>) -> Option<Found> {
    let b = text.as_bytes();
    let v = value_start(text, from, end)?;
    match b.get(v) {
        // a string literal (or a template without substitutions): the card_ext itself, linted
        // by the pipeline; a concatenation, what its literals spell out around stand-ins for
        // the expressions
        Some(q @ (b'"' | b'\'' | b'`')) => {
            let close = skip_opaque(b, v)?.min(end);
            let substituted = *q == b'`' && text[v..close].contains("${");
            if text[close..end].trim_start().starts_with('+') {
                return concatenation(text, v, end).map(Found::Concat);
            }
            if substituted {
                return None;
            }
            Some(Found::Embed(Embed {
                pointer: String::new(),
                span: Some(v..close),
                endpoint: "card_ext",
                card_id,
                broken: code::EXT002,
            }))
        }
        Some(b'{') => {
            let span: Span = v..matching(b, v).min(end);
            let (start, end) = (span.start, span.end);
            Some(Found::Hit(
                Hit::new(code::EXT009, span)
                    .term("kind", "kind.object")
                    .fix(start..start, "JSON.stringify(")
                    .fix(end..end, ")"),
            ))
        }
        Some(c) if is_ident(*c) && !c.is_ascii_digit() => {
            let len = b[v..end].iter().take_while(|c| is_ident(**c)).count();
            let name = &text[v..v + len];
            let next = text[v + len..end].trim_start();
            if name == "JSON" && next.starts_with(".stringify") {
                return stringified(text, v, end, card_id).map(Found::Signed);
            }
            // `obj.ext`, `f(x)`: not a bare variable
            if next.starts_with('(') || next.starts_with('.') {
                return None;
            }
            if assigned_object(text, name, v) {
                let hit = Hit::new(code::EXT009, v..v + len).term("kind", "kind.variable");
                return Some(Found::Hit(hit));
            }
            // a variable that holds `JSON.stringify({...})`
            let init = assigned_value(text, name, v)?;
            text[init..]
                .starts_with("JSON.stringify")
                .then(|| stringified(text, init, text.len(), card_id))
                .flatten()
                .map(Found::Signed)
        }
        _ => None,
    }
}

/// `JSON.stringify(<object literal or a variable assigned one>)` at `v`: its literal fields.
fn stringified(text: &str, v: usize, end: usize, card_id: Option<String>) -> Option<SignedExt> {
    let b = text.as_bytes();
    let open = v + text[v..end].find('(')?;
    let arg = open + 1 + (text[open + 1..end].len() - text[open + 1..end].trim_start().len());
    let object = match b.get(arg)? {
        b'{' => arg,
        c if is_ident(*c) => {
            let len = b[arg..end].iter().take_while(|c| is_ident(**c)).count();
            let init = assigned_value(text, &text[arg..arg + len], arg)?;
            (b.get(init) == Some(&b'{')).then_some(init)?
        }
        _ => return None,
    };
    let fields = super::js_object::fields(text, object)?;
    Some(SignedExt {
        card_id,
        fields,
        span: object..matching(b, object),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stand_in_goes_where_a_value_or_string_text_goes() {
        assert!(takes_a_value(r#"{"code": ""#));
        assert!(takes_a_value(r#"{"timestamp": "#));
        assert!(takes_a_value(r#"{"list": [1, "#));
        assert!(!takes_a_value(r#"{"a": 1, "#));
        assert!(!takes_a_value("{"));
        assert!(!takes_a_value(""));
        assert!(takes_a_value(r#"{"a": "x\"y "#));
    }

    #[test]
    fn a_concatenation_is_its_literals_and_expressions() {
        let js = r#"x = {cardExt: '{"code":"' + f(a, b) + '"}' + '', k: 1}"#;
        let v = js.find("'{").unwrap();
        let c = concatenation(js, v, js.len()).unwrap();
        let kinds: Vec<&str> = c
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(s) | Piece::Expr(s) => &js[s.clone()],
            })
            .collect();
        assert_eq!(kinds, [r#"'{"code":"'"#, "f(a, b)", r#"'"}'"#, "''"]);
        assert_eq!(&js[c.span], r#"'{"code":"' + f(a, b) + '"}' + ''"#);
        assert!(concatenation("'a'", 0, 3).is_none());
    }

    #[test]
    fn object_literal_and_object_variable() {
        let page = "<script>\nwx.addCard({cardList:[{cardId:'p1',cardExt:{timestamp:'1',signature:'x'}}]})\n</script>";
        let hits = scan(page);
        assert_eq!(hits.len(), 1);
        assert_eq!(&page[hits[0].span.clone()], "{timestamp:'1',signature:'x'}");
        let js = "var ext = {timestamp: t};\nwx.addCard({cardList: [{cardId: id, cardExt: ext}]});";
        assert_eq!(scan(js).len(), 1);
        let ok = "var ext = JSON.stringify({timestamp: t});\nwx.addCard({cardList: [{cardId: id, cardExt: ext}]});\nwx.addCard({cardList:[{cardId:id, cardExt: JSON.stringify(e)}]})";
        assert!(scan(ok).is_empty());
        let quoted = "wx.addCard({\"cardList\": [{\"cardId\": \"p\", \"cardExt\": {\"a\": 1}}]})";
        assert_eq!(scan(quoted).len(), 1);
        assert!(scan("// wx.addCard({cardList:[{cardExt:{}}]})").is_empty());
    }
}

//! Rule checks that JSON Schema cannot express run here, after the schema. A check returns
//! Hits (pointer, span and arguments, never text; the text lives in `rules/*.toml`) and may
//! name schema findings it explains better, which are then dropped.

pub mod card;
pub mod cards;
pub mod docs;
pub mod ext;
pub mod html;
pub mod ids;
pub mod qr;
pub mod registry;
pub mod time;
pub mod url;

use crate::finding::Hit;
use crate::locate;
use crate::syntax::ast::{Node, Span};
use serde_json::Value;

pub use cards::{CardBook, CardDef};

/// Everything a check may look at.
pub struct Ctx<'a> {
    pub endpoint: &'static str,
    pub value: &'a Value,
    pub root: &'a Node,
    pub text: &'a str,
    /// Unix seconds "now", for dates in the past (fixed in tests).
    pub now: i64,
    pub cards: &'a CardBook,
    pub signing: &'a Signing,
}

/// What `check --api-ticket` knows for verifying card_ext signatures.
#[derive(Debug, Clone, Default)]
pub struct Signing {
    pub api_ticket: Option<String>,
    pub jsapi_ticket: Option<String>,
    pub card_id: Option<String>,
}

#[derive(Default)]
pub struct Out {
    pub hits: Vec<Hit>,
    /// Schema findings (code, pointer) that a hit here explains better.
    pub superseded: Vec<(&'static str, String)>,
}

impl Out {
    pub fn push(&mut self, hit: Hit) {
        self.hits.push(hit);
    }

    pub fn supersede(&mut self, code: &'static str, pointer: impl Into<String>) {
        self.superseded.push((code, pointer.into()));
    }

    /// Whether a schema finding is explained by a hit here; a superseded pointer ending in
    /// `/*` covers the direct children of that object.
    pub fn explains(&self, code: &str, pointer: &str) -> bool {
        self.superseded.iter().any(|(c, p)| {
            *c == code
                && match p.strip_suffix("/*") {
                    Some(parent) => pointer
                        .strip_prefix(parent)
                        .and_then(|rest| rest.strip_prefix('/'))
                        .is_some_and(|rest| !rest.contains('/')),
                    None => p == pointer,
                }
        })
    }
}

impl<'a> Ctx<'a> {
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.value.pointer(pointer)
    }

    /// The span of the value at `pointer` (or of its nearest existing parent).
    pub fn span(&self, pointer: &str) -> Span {
        match locate::find(self.root, pointer) {
            Some(t) => t.node.span.clone(),
            None => locate::nearest(self.root, pointer).0.node.span.clone(),
        }
    }

    /// The span of the key at `pointer`, else of its value.
    pub fn key_span(&self, pointer: &str) -> Span {
        match locate::find(self.root, pointer) {
            Some(t) => t.key_span.unwrap_or_else(|| t.node.span.clone()),
            None => {
                let (t, _) = locate::nearest(self.root, pointer);
                t.key_span
                    .unwrap_or(t.node.span.start..t.node.span.start + 1)
            }
        }
    }

    /// A hit on the value at `pointer`.
    pub fn hit(&self, code: &'static str, pointer: &str) -> Hit {
        Hit::new(code, self.span(pointer))
            .at(pointer)
            .arg("field", crate::schema::field_name(pointer))
    }

    /// The repair that writes `value` (as JSON) where the value at `pointer` is.
    pub fn replace_value(&self, hit: Hit, pointer: &str, value: &Value) -> Hit {
        let span = self.span(pointer);
        hit.fix(span, value.to_string())
    }

    /// The repair that renames the key at `pointer`.
    pub fn rename_key(&self, hit: Hit, pointer: &str, key: &str) -> Hit {
        match crate::locate::find(self.root, pointer).and_then(|t| t.key_span) {
            Some(span) => hit.fix(span, Value::from(key).to_string()),
            None => hit,
        }
    }

    /// A hit on the key at `pointer`.
    pub fn key_hit(&self, code: &'static str, pointer: &str) -> Hit {
        Hit::new(code, self.key_span(pointer))
            .at(pointer)
            .arg("field", crate::schema::field_name(pointer))
    }
}

pub fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", locate::escape(key))
}

/// One step from a container to a value in it.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

impl Seg<'_> {
    /// Whether the step reads as an array index (a key of digits does too, as in pointers).
    fn numeric(&self) -> bool {
        match self {
            Seg::Key(k) => k.parse::<usize>().is_ok(),
            Seg::Index(_) => true,
        }
    }
}

/// Where a value sits, as the steps from the root: the walk keeps these instead of pointer
/// strings, and a pointer is only written out for a value a check reports.
#[derive(Debug, Default)]
pub struct Path<'v> {
    segs: Vec<Seg<'v>>,
}

impl<'v> Path<'v> {
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for seg in &self.segs {
            out.push('/');
            match seg {
                Seg::Key(k) => out.push_str(&locate::escape(k)),
                Seg::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// The last object key, skipping array indexes (what `schema::field_name` gives for the
    /// pointer).
    pub fn field(&self) -> Option<&'v str> {
        self.segs.iter().rev().find_map(|s| match s {
            Seg::Key(k) if !s.numeric() => Some(*k),
            _ => None,
        })
    }

    /// The object key a value sits under, looking through one array index
    /// (`/base_info/location_id_list/2` -> `location_id_list`).
    pub fn owning_key(&self) -> Option<&'v str> {
        let mut segs = self.segs.iter().rev().peekable();
        if segs.peek().is_some_and(|s| s.numeric()) {
            segs.next();
        }
        match segs.next() {
            Some(s @ Seg::Key(k)) if !s.numeric() => Some(*k),
            _ => None,
        }
    }

    /// Whether the last steps are these object keys.
    pub fn ends_with_keys(&self, keys: &[&str]) -> bool {
        self.segs.len() >= keys.len()
            && self.segs[self.segs.len() - keys.len()..]
                .iter()
                .zip(keys)
                .all(|(s, k)| matches!(s, Seg::Key(x) if x == k))
    }
}

/// Calls `f` for every value in the document with where it sits, parents first.
pub fn visit<'v>(value: &'v Value, path: &mut Path<'v>, f: &mut impl FnMut(&Path<'v>, &'v Value)) {
    f(path, value);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.segs.push(Seg::Key(k));
                visit(v, path, f);
                path.segs.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.segs.push(Seg::Index(i));
                visit(v, path, f);
                path.segs.pop();
            }
        }
        _ => {}
    }
}

/// Calls `f` for every value in the document with its pointer (for one-off uses; the
/// checks use [`visit`], which writes no pointer it does not report).
pub fn walk<'v>(value: &'v Value, ptr: &mut String, f: &mut dyn FnMut(&str, &'v Value)) {
    f(ptr, value);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&locate::escape(k));
                walk(v, ptr, f);
                ptr.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(&i.to_string());
                walk(v, ptr, f);
                ptr.truncate(len);
            }
        }
        _ => {}
    }
}

/// The checks that look at every value, in one walk of the document.
fn each_value(ctx: &Ctx, out: &mut Out) {
    // image hosts are part of the card rules, which need the card type object
    let card = matches!(ctx.endpoint, "card/create" | "card/update") && card::inner(ctx).is_some();
    visit(ctx.value, &mut Path::default(), &mut |path, v| {
        time::millis(ctx, out, path, v);
        url::field(ctx, out, path, v);
        ids::value(ctx, out, path, v);
        if card {
            card::image(ctx, out, path, v);
        }
    });
}

/// Runs the checks that apply to `ctx.endpoint`.
pub fn run(ctx: &Ctx) -> Out {
    let mut out = Out::default();
    each_value(ctx, &mut out);
    time::ranges(ctx, &mut out);
    match ctx.endpoint {
        "card/create" | "card/update" => card::check(ctx, &mut out),
        "card/qrcode/create" => qr::check(ctx, &mut out),
        "wx.addCard" | "card_ext" => ext::check(ctx, &mut out),
        _ => {}
    }
    cards::check(ctx, &mut out);
    out
}

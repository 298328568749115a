//! Rule checks that JSON Schema cannot express run here, after the schema. A check returns
//! Hits (pointer, span and arguments, never text; the text lives in `rules/*.toml`) and may
//! name schema findings it explains better, which are then dropped.

pub mod card_book;
pub mod card_create;
pub mod ext;
pub mod html;
pub mod ids;
pub mod js_object;
pub mod money;
pub mod qr;
pub mod text;
pub mod time;
pub mod url;

use crate::finding::{Code, Hit};
use crate::locate;
use crate::model::path::{visit, Path};
use crate::model::pointer::field_label;
use crate::model::Span;
use crate::syntax::ast::Node;
use serde_json::Value;

pub use crate::model::pointer::join;
pub use card_book::{CardBook, CardDef};

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
    pub superseded: Vec<(Code, String)>,
    /// Pointers where a hit here says the field must go, so no schema finding on its value
    /// (a type or a range) is a second one.
    pub unwanted: Vec<String>,
    /// JSON documents inside string values, for the pipeline to lint as their own endpoint.
    pub embedded: Vec<Embed>,
    /// Strings sent encoded (pointer, characters and UTF-8 bytes of the text they stand for):
    /// a length limit the encoding alone breaks is the encoding's finding, not a second one.
    pub encoded_lengths: Vec<(String, usize, usize)>,
}

/// A string value that holds a JSON document of another endpoint (a cardExt string holds a
/// `card_ext`): the pipeline runs itself on the decoded text and maps what it finds back.
#[derive(Debug, Clone)]
pub struct Embed {
    pub pointer: String,
    /// The string literal's bytes, quotes included, where no pointer reaches (a page).
    pub span: Option<Span>,
    pub endpoint: &'static str,
    /// The card it belongs to, for verifying its signature.
    pub card_id: Option<String>,
    /// Reported on the string when its text is not a JSON object.
    pub broken: Code,
}

impl Out {
    pub fn embed(&mut self, embed: Embed) {
        self.embedded.push(embed);
    }

    pub fn push(&mut self, hit: Hit) {
        self.hits.push(hit);
    }

    pub fn supersede(&mut self, code: Code, pointer: impl Into<String>) {
        self.superseded.push((code, pointer.into()));
    }

    /// Every schema finding at or below `pointer` is explained by a hit that removes it.
    pub fn unwanted(&mut self, pointer: impl Into<String>) {
        self.unwanted.push(pointer.into());
    }

    /// The string at `pointer` stands for `text` (see `encoded_lengths`).
    pub fn encoded(&mut self, pointer: &str, text: &str) {
        self.encoded_lengths
            .push((pointer.to_string(), text.chars().count(), text.len()));
    }

    /// Whether a schema finding is explained by a hit here: superseded, or a length limit
    /// that the text an encoded string stands for keeps.
    pub fn explains_hit(&self, hit: &Hit) -> bool {
        if self.explains(hit.code, &hit.pointer) {
            return true;
        }
        let limit = hit.args.iter().find_map(|(name, arg)| match arg {
            crate::finding::Arg::Text(t) if *name == "limit" => t.parse::<usize>().ok(),
            _ => None,
        });
        let Some(limit) = limit else {
            return false;
        };
        self.encoded_lengths
            .iter()
            .filter(|(p, _, _)| *p == hit.pointer)
            .any(|(_, chars, bytes)| {
                (hit.code == crate::registry::code::SCHEMA006 && *chars <= limit)
                    || (hit.code == crate::registry::code::SCHEMA005 && *bytes <= limit)
            })
    }

    /// Whether a schema finding is explained by a hit here; a superseded pointer ending in
    /// `/*` covers the direct children of that object.
    pub fn explains(&self, code: Code, pointer: &str) -> bool {
        let below = |p: &String| {
            pointer == p
                || pointer
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        };
        if self.unwanted.iter().any(below) {
            return true;
        }
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
        crate::model::pointer::lookup(self.value, pointer)
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

    /// A hit on the value at `pointer` (with the field's name when the rule's text shows it).
    pub fn hit(&self, code: Code, pointer: &str) -> Hit {
        with_field(Hit::new(code, self.span(pointer)).at(pointer), pointer)
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
    pub fn key_hit(&self, code: Code, pointer: &str) -> Hit {
        with_field(Hit::new(code, self.key_span(pointer)).at(pointer), pointer)
    }
}

fn with_field(hit: Hit, pointer: &str) -> Hit {
    if hit.code.uses("field") {
        hit.arg("field", field_label(pointer))
    } else {
        hit
    }
}

/// The checks that look at every value, in one walk of the document.
fn each_value(ctx: &Ctx, out: &mut Out) {
    // image hosts are part of the card rules, which need the card type object
    let card =
        matches!(ctx.endpoint, "card/create" | "card/update") && card_create::inner(ctx).is_some();
    visit(ctx.value, &mut Path::default(), &mut |path, v| {
        time::timestamp(ctx, out, path, v);
        url::field(ctx, out, path, v);
        ids::value(ctx, out, path, v);
        text::value(ctx, out, path, v);
        money::balance(ctx, out, path, v);
        if card {
            card_create::image(ctx, out, path, v);
        }
    });
}

/// Runs the checks that apply to `ctx.endpoint`.
pub fn run(ctx: &Ctx) -> Out {
    let mut out = Out::default();
    each_value(ctx, &mut out);
    time::ranges(ctx, &mut out);
    match ctx.endpoint {
        "card/create" | "card/update" => card_create::check(ctx, &mut out),
        "card/qrcode/create" => qr::check(ctx, &mut out),
        "wx.addCard" | "card_ext" => ext::check(ctx, &mut out),
        _ => {}
    }
    card_book::check(ctx, &mut out);
    out
}

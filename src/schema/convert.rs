//! From a jsonschema error to the Hit a card developer reads: one function per keyword,
//! each saying the mistake in the terms people make it in rather than the validator's.

use super::Compiled;
use crate::finding::{Arg, Code, Hit};
use crate::locate;
use crate::model::pointer::{display_pointer, escape, field_label};
use crate::model::value::{json_type, show};
use crate::model::Span;
use crate::registry::code;
use crate::suggest;
use crate::syntax::ast::{Kind as NodeKind, Node};
use jsonschema::error::ValidationErrorKind as Kind;
use jsonschema::ValidationError;
use serde_json::Value;

/// Where in the payload an error is, and what is there.
struct Site<'a> {
    root: &'a Node,
    pointer: String,
    field: String,
    instance: &'a Value,
}

impl<'a> Site<'a> {
    fn new(err: &'a ValidationError, root: &'a Node) -> Self {
        let pointer = err.instance_path().as_str().to_string();
        let field = field_label(&pointer);
        Site {
            root,
            pointer,
            field,
            instance: err.instance(),
        }
    }

    /// The value at `ptr`, or the closest thing that exists when the error points past
    /// what was written.
    fn span(&self, ptr: &str) -> Span {
        match locate::find(self.root, ptr) {
            Some(t) => t.node.span.clone(),
            None => locate::nearest(self.root, ptr).0.node.span.clone(),
        }
    }

    fn here(&self) -> Span {
        self.span(&self.pointer)
    }

    /// The key of `ptr` when it was written, so a label sits on the name and not the value.
    fn key_span(&self, ptr: &str) -> Span {
        locate::find(self.root, ptr)
            .and_then(|t| t.key_span)
            .unwrap_or_else(|| self.here())
    }

    /// The shape most rules share: the value, named by its field.
    fn hit(&self, code: Code) -> Hit {
        named(Hit::new(code, self.here()), &self.field).at(&self.pointer)
    }

    fn child(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, escape(key))
    }
}

impl Compiled {
    /// Most errors are one hit; an object with unknown keys is one per key.
    pub(super) fn convert(&self, err: &ValidationError, root: &Node, hits: &mut Vec<Hit>) {
        let site = Site::new(err, root);
        let hit = match err.kind() {
            Kind::Type { .. } => self.wrong_type(err, &site),
            Kind::Required { property } => missing(&site, property),
            Kind::AdditionalProperties { unexpected } => {
                return self.unknown_keys(err, &site, unexpected, hits)
            }
            Kind::Enum { options } => not_allowed(&site, options),
            Kind::Custom { message, .. } => too_many_bytes(&site, message),
            Kind::MaxLength { limit } => too_many_chars(&site, *limit),
            // an optional field sent empty is the field left out: no evidence WeChat minds
            Kind::MinLength { .. } | Kind::Pattern { .. }
                if site.instance.as_str() == Some("") && !self.required_at(&site.pointer) =>
            {
                return
            }
            Kind::MinLength { .. } => site.hit(code::SCHEMA008),
            Kind::Minimum { .. }
            | Kind::Maximum { .. }
            | Kind::ExclusiveMinimum { .. }
            | Kind::ExclusiveMaximum { .. } => self.out_of_range(err, &site),
            Kind::MaxItems { limit } => item_count(&site, code::SCHEMA009, *limit),
            Kind::MinItems { limit } => item_count(&site, code::SCHEMA010, *limit),
            Kind::UniqueItems => site.hit(code::SCHEMA011),
            // an empty string fails its pattern for being empty, which has its own rule
            Kind::Pattern { .. } if site.instance.as_str() == Some("") => site.hit(code::SCHEMA008),
            Kind::Pattern { pattern } => mismatch(&site, pattern),
            Kind::Not { schema } => match conflict(schema) {
                Some(fields) => sent_together(&site, &fields),
                None => return,
            },
            Kind::MinProperties { .. } => empty_object(&site),
            // the schemas use no other keyword (a test keeps it so), so nothing else gets here
            _ => return,
        };
        hits.push(hit);
    }

    /// The schema object holding the failed keyword.
    fn keyword_parent(&self, err: &ValidationError) -> Option<&Value> {
        let path = err.schema_path().as_str();
        let parent = &path[..path.rfind('/').unwrap_or(0)];
        self.schema.pointer(parent)
    }

    fn keyword_value(&self, err: &ValidationError, keyword: &str) -> Option<&Value> {
        self.keyword_parent(err)?.get(keyword)
    }

    fn wrong_type(&self, err: &ValidationError, site: &Site) -> Hit {
        let expected = self
            .keyword_value(err, "type")
            .cloned()
            .unwrap_or(Value::Null);
        let mut h = type_hit(&expected, site.instance, &site.field);
        h.span = site.here();
        // the repair is the value written as the type it should have been: a number quoted
        // exactly as written (`012`, `1.50`, `12e3` keep their text), a quoted integer
        // unquoted only when its text is already a JSON integer (`"007"` is left alone)
        let replacement = match h.code {
            code::TYPE001 => site
                .instance
                .as_str()
                .filter(|s| is_json_integer(s))
                .map(str::to_string),
            code::TYPE002 => match written_number(site) {
                Some(raw) => {
                    set_arg(&mut h, "value", &raw);
                    set_arg(&mut h, "quoted", &format!("\"{raw}\""));
                    arg_text(&h, "quoted")
                }
                None => None,
            },
            // a 0 or 1 only as written so (`01` is the parser's reading of something else)
            code::TYPE003 => arg_text(&h, "bool").filter(|_| {
                !site.instance.is_number()
                    || written_number(site).is_some_and(|raw| matches!(raw.as_str(), "0" | "1"))
            }),
            _ => None,
        };
        if let Some(r) = replacement {
            let at = h.span.clone();
            h = h.fix(at, r);
        }
        h.at(&site.pointer)
    }

    fn unknown_keys(
        &self,
        err: &ValidationError,
        site: &Site,
        unexpected: &[String],
        hits: &mut Vec<Hit>,
    ) {
        let allowed: Vec<&str> = self
            .keyword_value(err, "properties")
            .and_then(Value::as_object)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        // a payload with thousands of unknown keys is garbage after the first hundred
        for key in unexpected.iter().take(100) {
            hits.push(self.unknown_key(site, key, &allowed));
        }
    }

    fn unknown_key(&self, site: &Site, key: &str, allowed: &[&str]) -> Hit {
        let ptr = site.child(key);
        let key_span = site.key_span(&ptr);
        let trimmed = key.trim();
        if trimmed != key && allowed.contains(&trimmed) {
            // `" code"`: a stray blank is a different mistake from a wrong name
            let h = Hit::new(code::SCHEMA015, key_span.clone())
                .arg("field", format!("{key:?}"))
                .arg("suggestion", trimmed)
                .at(ptr);
            // renaming onto a key that is there already would make a duplicate
            return if has_key(site, trimmed) {
                h
            } else {
                h.fix(key_span, quote(trimmed))
            };
        }
        let mut h = Hit::new(code::SCHEMA003, key_span)
            .arg("field", key)
            .arg("parent", display_pointer(&site.pointer))
            .at(ptr.clone());
        let closest = suggest::closest(key, allowed.iter().copied());
        if closest.is_none() {
            if let Some(inside) = self.sibling_declaring(&site.pointer, key) {
                h = h.arg("inside", inside);
            }
        }
        if let Some(s) = closest {
            let span = h.span.clone();
            h = h.arg("suggestion", s.clone());
            // rename only when the value suits the field it would become
            let value = locate::find(site.root, &ptr).map(|t| t.node.to_value());
            let expected = self.type_at(&site.child(&s));
            if value.is_some_and(|v| type_fits(expected, &v)) && !has_key(site, &s) {
                h = h.fix(span, quote(&s));
            }
        }
        h
    }

    fn out_of_range(&self, err: &ValidationError, site: &Site) -> Hit {
        // both bounds are told, whichever was crossed, so the range is read at once
        let parent = self.keyword_parent(err);
        let get = |k: &str| parent.and_then(|p| p.get(k)).map(show);
        let mut h = site.hit(code::SCHEMA007).arg("value", show(site.instance));
        if let Some(min) = get("minimum").or_else(|| get("exclusiveMinimum")) {
            h = h.arg("min", min);
        }
        if let Some(max) = get("maximum").or_else(|| get("exclusiveMaximum")) {
            h = h.arg("max", max);
        }
        h
    }
}

fn missing(site: &Site, property: &Value) -> Hit {
    let name = property.as_str().unwrap_or_default().to_string();
    let missing = site.child(&name);
    // nothing to point at but the object that lacks the field: its key, or its `{`
    let span = match locate::find(site.root, &site.pointer) {
        Some(t) => t
            .key_span
            .unwrap_or(t.node.span.start..t.node.span.start + 1),
        None => 0..0,
    };
    Hit::new(code::SCHEMA002, span)
        .arg("field", name)
        .arg("parent", display_pointer(&site.pointer))
        .at(missing)
}

fn not_allowed(site: &Site, options: &Value) -> Hit {
    let opts: Vec<String> = options
        .as_array()
        .map(|a| a.iter().map(show).collect())
        .unwrap_or_default();
    let text = site
        .instance
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| show(site.instance));
    if let Some(h) = enum_shape_mistake(site, &opts, &text) {
        return h;
    }
    let mut h = site
        .hit(code::SCHEMA004)
        .arg("value", show(site.instance))
        .arg("allowed", list(&opts));
    if let Some(s) = suggest::closest(&text, opts.iter().map(|o| o.trim_matches('"'))) {
        h = h.arg("suggestion", s);
    }
    h
}

/// The two classic shapes of a wrong enum value, which get their own rules: an allowed
/// value with blanks in it, and a number where only strings are allowed.
fn enum_shape_mistake(site: &Site, opts: &[String], text: &str) -> Option<Hit> {
    let instance = site.instance;
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if instance.is_string()
        && squeezed != text
        && opts.iter().any(|o| o.trim_matches('"') == squeezed)
    {
        let at = site.here();
        return Some(
            site.hit(code::TYPE007)
                .arg("value", show(instance))
                .arg("suggestion", squeezed.clone())
                .fix(at, quote(&squeezed)),
        );
    }
    if instance.is_number() && opts.iter().all(|o| o.starts_with('"')) {
        return Some(
            site.hit(code::TYPE006)
                .arg("value", show(instance))
                .arg("allowed", list(opts)),
        );
    }
    None
}

/// `maxBytes` is the only custom keyword, and its error message is the limit.
fn too_many_bytes(site: &Site, message: &str) -> Hit {
    let bytes = site.instance.as_str().map(str::len).unwrap_or_default();
    let chars = char_count(site.instance);
    let limit: u64 = message.parse().unwrap_or(0);
    // `cjk` tells how many Chinese characters fit, which is how the limit bites in practice
    site.hit(code::SCHEMA005)
        .arg("bytes", bytes.to_string())
        .arg("chars", chars.to_string())
        .arg("limit", limit.to_string())
        .arg("cjk", (limit / 3).to_string())
}

fn too_many_chars(site: &Site, limit: u64) -> Hit {
    site.hit(code::SCHEMA006)
        .arg("chars", char_count(site.instance).to_string())
        .arg("limit", limit.to_string())
}

fn item_count(site: &Site, code: Code, limit: u64) -> Hit {
    site.hit(code)
        .arg("count", count(site.instance))
        .arg("limit", limit.to_string())
}

fn mismatch(site: &Site, pattern: &str) -> Hit {
    site.hit(code::SCHEMA012)
        .arg("value", show(site.instance))
        .arg("pattern", pattern)
}

/// `"not": {"required": [a, b]}`: fields that must not be sent together; the label goes on
/// the second key, the one that made the pair.
fn sent_together(site: &Site, fields: &[String]) -> Hit {
    let last = fields.last().cloned().unwrap_or_default();
    let ptr = site.child(&last);
    Hit::new(code::SCHEMA013, site.key_span(&ptr))
        .arg("fields", fields.join(", "))
        .arg("parent", display_pointer(&site.pointer))
        .at(ptr)
}

fn empty_object(site: &Site) -> Hit {
    // the root object has no field name; `/` still says which object is meant
    let field = if site.field.is_empty() {
        "/".to_string()
    } else {
        site.field.clone()
    };
    Hit::new(code::SCHEMA014, site.here())
        .arg("field", field)
        .at(&site.pointer)
}

/// Whether `v` has the JSON type the schema's `type` asks for (no `type`: anything goes).
fn type_fits(expected: Option<&Value>, v: &Value) -> bool {
    let actual = json_type(v);
    let ok = |t: &Value| {
        let t = t.as_str().unwrap_or("");
        t == actual || (t == "number" && actual == "integer")
    };
    match expected {
        None => true,
        Some(Value::Array(ts)) => ts.iter().any(ok),
        Some(t) => ok(t),
    }
}

/// Whether the object at the site has a member `key` (any of them, as written).
fn has_key(site: &Site, key: &str) -> bool {
    locate::find(site.root, &site.pointer).is_some_and(|t| match &t.node.kind {
        NodeKind::Object(members) => members.iter().any(|m| m.key == key),
        _ => false,
    })
}

/// The text of the number at the site as it was written (`012345678901`, `1.50`, `1E400`).
fn written_number(site: &Site) -> Option<String> {
    match &locate::find(site.root, &site.pointer)?.node.kind {
        NodeKind::Number(_, raw) => Some(raw.clone()),
        _ => None,
    }
}

/// A JSON integer as JSON writes it: no sign but `-`, no leading zero, no blank.
fn is_json_integer(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && s != "-0"
}

fn set_arg(h: &mut Hit, name: &'static str, value: &str) {
    for (n, a) in &mut h.args {
        if *n == name {
            *a = Arg::Text(value.to_string());
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn arg_text(h: &Hit, name: &str) -> Option<String> {
    h.args
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, a)| match a {
            Arg::Text(t) => Some(t.clone()),
            Arg::Term(_) => None,
        })
}

/// A missing field that an unknown key next to it was probably meant to be (`newcode` for
/// `new_code`) is one mistake, reported once as the unknown key.
pub(super) fn drop_explained_missing(hits: &mut Vec<Hit>) {
    let explained: Vec<String> = hits
        .iter()
        .filter(|h| h.code == code::SCHEMA003)
        .filter_map(|h| {
            let suggestion = h.args.iter().find(|(n, _)| *n == "suggestion")?;
            let Arg::Text(s) = &suggestion.1 else {
                return None;
            };
            let parent = &h.pointer[..h.pointer.rfind('/')?];
            Some(format!("{parent}/{}", escape(s)))
        })
        .collect();
    hits.retain(|h| !(h.code == code::SCHEMA002 && explained.contains(&h.pointer)));
}

/// The field names of a `{"required": [..]}` schema used under `not`.
fn conflict(schema: &Value) -> Option<Vec<String>> {
    let req = schema.get("required")?.as_array()?;
    (schema.as_object()?.len() == 1 && req.len() >= 2).then(|| {
        req.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

/// A type mismatch, told as the mistake people actually make.
/// `field` for a finding: the field's label, or "the request body" for the root.
fn named(hit: Hit, field: &str) -> Hit {
    if field.is_empty() {
        hit.term("field", "field.body")
    } else {
        hit.arg("field", field)
    }
}

fn type_hit(expected: &Value, instance: &Value, field: &str) -> Hit {
    let wants = |t: &str| match expected {
        Value::String(s) => s == t,
        Value::Array(a) => a.iter().any(|v| v == t),
        _ => false,
    };
    let first = match expected {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.first().and_then(Value::as_str).unwrap_or("").to_string(),
        _ => String::new(),
    };
    let first: &'static str = match first.as_str() {
        "integer" => "integer",
        "number" => "number",
        "string" => "string",
        "boolean" => "boolean",
        "object" => "object",
        "array" => "array",
        _ => "null",
    };
    let mk = |code| named(Hit::new(code, 0..0), field).shared_arg("value", show(instance));
    match instance {
        Value::Null => mk(code::TYPE004).term("expected", first),
        Value::String(s) if (wants("integer") || wants("number")) && is_integer_text(s) => {
            mk(code::TYPE001).arg("number", s.trim())
        }
        Value::String(s)
            if wants("boolean")
                && matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "false") =>
        {
            mk(code::TYPE003).arg("bool", s.trim().to_ascii_lowercase())
        }
        Value::Number(n)
            if wants("boolean") && (n.as_u64() == Some(0) || n.as_u64() == Some(1)) =>
        {
            mk(code::TYPE003).arg(
                "bool",
                if n.as_u64() == Some(1) {
                    "true"
                } else {
                    "false"
                },
            )
        }
        Value::Number(n) if wants("string") => mk(code::TYPE002).arg("quoted", format!("\"{n}\"")),
        Value::Number(n) if wants("integer") && n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            let h = mk(code::TYPE005);
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                h.arg("integer", format!("{}", f as i64))
            } else {
                h
            }
        }
        _ => mk(code::SCHEMA001)
            .term("expected", first)
            .term("actual", json_type(instance)),
    }
}

fn is_integer_text(s: &str) -> bool {
    let t = s.trim();
    let t = t.strip_prefix('-').unwrap_or(t);
    !t.is_empty() && t.len() <= 19 && t.bytes().all(|b| b.is_ascii_digit())
}

fn char_count(v: &Value) -> usize {
    v.as_str().map(|s| s.chars().count()).unwrap_or(0)
}

fn count(v: &Value) -> String {
    v.as_array().map(Vec::len).unwrap_or(0).to_string()
}

/// Long enums are cut: the message is read, not searched.
fn list(items: &[String]) -> String {
    if items.len() > 12 {
        format!("{}, …", items[..12].join(", "))
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_json_integer_is_unquoted() {
        for s in ["0", "7", "100", "-5", "123456789012345678"] {
            assert!(super::is_json_integer(s), "{s}");
        }
        for s in ["007", "0100", "-0", "+1", " 1", "1 ", "", "-", "1.0", "1e2"] {
            assert!(!super::is_json_integer(s), "{s}");
        }
    }
}

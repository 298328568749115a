//! Endpoint schemas: compiled once per process, on first use, and their errors turned into
//! Hits with a rule code and arguments a card developer can act on.

use crate::finding::Hit;
use crate::locate;
use crate::model::path::{visit, Path};
use crate::model::pointer::{display_pointer, escape, field_name, segments};
use crate::model::value::{json_type, show};
use crate::registry::code;
use crate::registry::SCHEMA_FILES;
use crate::suggest;
use crate::syntax::ast::Node;
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Keyword, ValidationError, Validator};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

pub struct Compiled {
    validator: Validator,
    /// The schema as compiled (shared `$defs` merged in), for reading keyword operands.
    schema: Value,
}

/// The embedded schema text for an endpoint (`card/code/get` -> `schemas/card.code.get.json`).
pub fn source(endpoint: &str) -> Option<&'static str> {
    let stem = endpoint.replace('/', ".");
    SCHEMA_FILES
        .iter()
        .find(|(s, _)| *s == stem)
        .map(|(_, text)| *text)
}

/// Every property name any schema declares (for recognising field names in errmsg text).
pub fn field_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = std::collections::BTreeSet::new();
        for (_, text) in SCHEMA_FILES {
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            visit(&v, &mut Path::default(), &mut |_, node| {
                if let Some(props) = node.get("properties").and_then(Value::as_object) {
                    names.extend(props.keys().cloned());
                }
            });
        }
        names.into_iter().collect()
    })
}

fn defs() -> &'static Map<String, Value> {
    static DEFS: OnceLock<Map<String, Value>> = OnceLock::new();
    DEFS.get_or_init(|| {
        let text = source("defs").expect("schemas/defs.json is embedded");
        let v: Value = serde_json::from_str(text).expect("schemas/defs.json parses");
        match v.get("$defs") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        }
    })
}

/// Compiles (once) and returns the validator of an endpoint.
pub fn compiled(endpoint: &str) -> Option<&'static Compiled> {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static Compiled>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().ok()?.get(endpoint) {
        return Some(c);
    }
    let compiled: &'static Compiled = Box::leak(Box::new(compile(endpoint)?));
    cache.lock().ok()?.insert(endpoint.to_string(), compiled);
    Some(compiled)
}

pub fn compile(endpoint: &str) -> Option<Compiled> {
    let text = source(endpoint)?;
    let mut schema: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("schema of {endpoint} does not parse: {e}"));
    let obj = schema.as_object_mut().expect("a schema is an object");
    let entry = obj
        .entry("$defs")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(local) = entry {
        for (k, v) in defs() {
            local.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    let validator = jsonschema::options()
        .with_keyword("maxBytes", |_, value, _| {
            Ok(Box::new(MaxBytes(value.as_u64().unwrap_or(u64::MAX))))
        })
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema of {endpoint} does not compile: {e}"));
    Some(Compiled { validator, schema })
}

/// WeChat's `string(N)` limits count UTF-8 bytes (a CJK character costs 3), which
/// `maxLength` (code points) cannot say.
struct MaxBytes(u64);

impl<'i> Keyword<'i> for MaxBytes {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(self.0.to_string()))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        match instance {
            Value::String(s) => s.len() as u64 <= self.0,
            _ => true,
        }
    }
}

impl Compiled {
    pub fn check(&self, value: &Value, root: &Node, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        if !self.validator.is_valid(value) {
            for err in self.validator.iter_errors(value) {
                self.convert(&err, root, &mut hits);
            }
            drop_explained_missing(&mut hits);
        }
        self.decimal_integers(value, root, text, &mut hits);
        hits
    }

    /// `"bonus": 100.0000` passes JSON Schema (100.0 is an integer there) but the server
    /// answers -1: integer fields must be written without a decimal point.
    fn decimal_integers(&self, value: &Value, root: &Node, text: &str, hits: &mut Vec<Hit>) {
        let mut path = Path::default();
        visit(value, &mut path, &mut |path, v| {
            let Value::Number(n) = v else { return };
            let whole = n.is_f64() && n.as_f64().is_some_and(|f| f.fract() == 0.0);
            if !whole {
                return;
            }
            let ptr = &path.pointer();
            if !self.type_at(ptr).is_some_and(|t| t == "integer") {
                return;
            }
            if let Some(t) = locate::find(root, ptr) {
                let f = n.as_f64().unwrap_or(0.0);
                let mut h = Hit::new(code::TYPE005, t.node.span.clone())
                    .arg("field", field_name(ptr))
                    .arg("value", text.get(t.node.span.clone()).unwrap_or_default())
                    .at(ptr);
                if f.abs() < 9.0e15 {
                    h = h.arg("integer", format!("{}", f as i64));
                }
                hits.push(h);
            }
        });
    }

    /// The `type` the schema gives the value at `pointer`, following `$ref`, `items`,
    /// `properties` and the `then` branches of `allOf` dispatch.
    pub fn type_at(&self, pointer: &str) -> Option<&Value> {
        let mut node = self.deref(&self.schema);
        for seg in segments(pointer) {
            node = self.child(node, &seg)?;
        }
        node.get("type")
    }

    fn deref<'a>(&'a self, mut node: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with('#') => match self.schema.pointer(&r[1..]) {
                    Some(target) => node = target,
                    None => break,
                },
                _ => break,
            }
        }
        node
    }

    fn child<'a>(&'a self, node: &'a Value, seg: &str) -> Option<&'a Value> {
        if let Some(p) = node.get("properties").and_then(|p| p.get(seg)) {
            return Some(self.deref(p));
        }
        if seg.parse::<usize>().is_ok() {
            if let Some(items) = node.get("items") {
                return Some(self.deref(items));
            }
        }
        node.get("allOf")?.as_array()?.iter().find_map(|branch| {
            let branch = self.deref(branch);
            let then = branch.get("then").map(|t| self.deref(t)).unwrap_or(branch);
            self.child(then, seg)
        })
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

    fn convert(&self, err: &ValidationError, root: &Node, hits: &mut Vec<Hit>) {
        let pointer = err.instance_path().as_str().to_string();
        let instance: &Value = err.instance();
        let field = field_name(&pointer);
        let span = |ptr: &str| match locate::find(root, ptr) {
            Some(t) => t.node.span.clone(),
            None => locate::nearest(root, ptr).0.node.span.clone(),
        };
        let hit = match err.kind() {
            ValidationErrorKind::Type { .. } => {
                let expected = self
                    .keyword_value(err, "type")
                    .cloned()
                    .unwrap_or(Value::Null);
                let mut h = type_hit(&expected, instance, &field);
                h.span = span(&pointer);
                // the repair is the value written as the type it should have been
                let replacement = match h.code {
                    code::TYPE001 => arg_text(&h, "number"),
                    code::TYPE002 => arg_text(&h, "quoted"),
                    code::TYPE003 => arg_text(&h, "bool"),
                    _ => None,
                };
                if let Some(r) = replacement {
                    let at = h.span.clone();
                    h = h.fix(at, r);
                }
                h.at(&pointer)
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default().to_string();
                let missing = format!("{pointer}/{}", escape(&name));
                let target = locate::find(root, &pointer);
                let span = match target {
                    Some(t) => t
                        .key_span
                        .unwrap_or(t.node.span.start..t.node.span.start + 1),
                    None => 0..0,
                };
                Hit::new(code::SCHEMA002, span)
                    .arg("field", name)
                    .arg("parent", display_pointer(&pointer))
                    .at(missing)
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed: Vec<&str> = self
                    .keyword_value(err, "properties")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                // a payload with thousands of unknown keys is garbage after the first hundred
                for key in unexpected.iter().take(100) {
                    let ptr = format!("{pointer}/{}", escape(key));
                    let key_span = locate::find(root, &ptr)
                        .and_then(|t| t.key_span)
                        .unwrap_or_else(|| span(&pointer));
                    let trimmed = key.trim();
                    if trimmed != key && allowed.contains(&trimmed) {
                        hits.push(
                            Hit::new(code::SCHEMA015, key_span.clone())
                                .arg("field", format!("{key:?}"))
                                .arg("suggestion", trimmed)
                                .fix(key_span, quote(trimmed))
                                .at(ptr),
                        );
                        continue;
                    }
                    let mut h = Hit::new(code::SCHEMA003, key_span)
                        .arg("field", key.clone())
                        .arg("parent", display_pointer(&pointer))
                        .at(ptr.clone());
                    if let Some(s) = suggest::closest(key, allowed.iter().copied()) {
                        let span = h.span.clone();
                        h = h.arg("suggestion", s.clone());
                        // rename only when the value suits the field it would become
                        let value = locate::find(root, &ptr).map(|t| t.node.to_value());
                        let expected = self.type_at(&format!("{pointer}/{}", escape(&s)));
                        if value.is_some_and(|v| type_fits(expected, &v)) {
                            h = h.fix(span, quote(&s));
                        }
                    }
                    hits.push(h);
                }
                return;
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().map(show).collect())
                    .unwrap_or_default();
                let mut h = Hit::new(code::SCHEMA004, span(&pointer))
                    .arg("field", field.clone())
                    .arg("value", show(instance))
                    .arg("allowed", list(&opts))
                    .at(&pointer);
                let text = instance
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| show(instance));
                // the two classic shapes of a wrong enum value get their own rules
                let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                if instance.is_string()
                    && squeezed != text
                    && opts.iter().any(|o| o.trim_matches('"') == squeezed)
                {
                    let at = span(&pointer);
                    hits.push(
                        Hit::new(code::TYPE007, at.clone())
                            .arg("field", field.clone())
                            .arg("value", show(instance))
                            .arg("suggestion", squeezed.clone())
                            .fix(at, quote(&squeezed))
                            .at(&pointer),
                    );
                    return;
                }
                if instance.is_number() && opts.iter().all(|o| o.starts_with('"')) {
                    hits.push(
                        Hit::new(code::TYPE006, span(&pointer))
                            .arg("field", field.clone())
                            .arg("value", show(instance))
                            .arg("allowed", list(&opts))
                            .at(&pointer),
                    );
                    return;
                }
                if let Some(s) = suggest::closest(&text, opts.iter().map(|o| o.trim_matches('"'))) {
                    h = h.arg("suggestion", s);
                }
                h
            }
            ValidationErrorKind::Custom { message, .. } => {
                let bytes = instance.as_str().map(str::len).unwrap_or_default();
                let chars = instance.as_str().map(|s| s.chars().count()).unwrap_or(0);
                let limit: u64 = message.parse().unwrap_or(0);
                Hit::new(code::SCHEMA005, span(&pointer))
                    .arg("field", field.clone())
                    .arg("bytes", bytes.to_string())
                    .arg("chars", chars.to_string())
                    .arg("limit", limit.to_string())
                    .arg("cjk", (limit / 3).to_string())
                    .at(&pointer)
            }
            ValidationErrorKind::MaxLength { limit } => {
                let chars = instance.as_str().map(|s| s.chars().count()).unwrap_or(0);
                Hit::new(code::SCHEMA006, span(&pointer))
                    .arg("field", field.clone())
                    .arg("chars", chars.to_string())
                    .arg("limit", limit.to_string())
                    .at(&pointer)
            }
            ValidationErrorKind::MinLength { .. } => Hit::new(code::SCHEMA008, span(&pointer))
                .arg("field", field.clone())
                .at(&pointer),
            ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
            | ValidationErrorKind::ExclusiveMinimum { .. }
            | ValidationErrorKind::ExclusiveMaximum { .. } => {
                let parent = self.keyword_parent(err);
                let get = |k: &str| parent.and_then(|p| p.get(k)).map(show);
                let mut h = Hit::new(code::SCHEMA007, span(&pointer))
                    .arg("field", field.clone())
                    .arg("value", show(instance))
                    .at(&pointer);
                if let Some(min) = get("minimum").or_else(|| get("exclusiveMinimum")) {
                    h = h.arg("min", min);
                }
                if let Some(max) = get("maximum").or_else(|| get("exclusiveMaximum")) {
                    h = h.arg("max", max);
                }
                h
            }
            ValidationErrorKind::MaxItems { limit } => Hit::new(code::SCHEMA009, span(&pointer))
                .arg("field", field.clone())
                .arg("count", count(instance))
                .arg("limit", limit.to_string())
                .at(&pointer),
            ValidationErrorKind::MinItems { limit } => Hit::new(code::SCHEMA010, span(&pointer))
                .arg("field", field.clone())
                .arg("count", count(instance))
                .arg("limit", limit.to_string())
                .at(&pointer),
            ValidationErrorKind::UniqueItems => Hit::new(code::SCHEMA011, span(&pointer))
                .arg("field", field.clone())
                .at(&pointer),
            ValidationErrorKind::Pattern { .. } if instance.as_str() == Some("") => {
                Hit::new(code::SCHEMA008, span(&pointer))
                    .arg("field", field.clone())
                    .at(&pointer)
            }
            ValidationErrorKind::Pattern { pattern } => Hit::new(code::SCHEMA012, span(&pointer))
                .arg("field", field.clone())
                .arg("value", show(instance))
                .arg("pattern", pattern.clone())
                .at(&pointer),
            ValidationErrorKind::Not { schema } if conflict(schema).is_some() => {
                // `"not": {"required": [a, b]}`: fields that must not be sent together;
                // the label goes on the second key
                let fields = conflict(schema).unwrap_or_default();
                let last = fields.last().cloned().unwrap_or_default();
                let ptr = format!("{pointer}/{}", escape(&last));
                let at = locate::find(root, &ptr)
                    .and_then(|t| t.key_span)
                    .unwrap_or_else(|| span(&pointer));
                Hit::new(code::SCHEMA013, at)
                    .arg("fields", fields.join(", "))
                    .arg("parent", display_pointer(&pointer))
                    .at(ptr)
            }
            ValidationErrorKind::MinProperties { .. } => Hit::new(code::SCHEMA014, span(&pointer))
                .arg(
                    "field",
                    if field.is_empty() {
                        "/".to_string()
                    } else {
                        field.clone()
                    },
                )
                .at(&pointer),
            // the schemas use no other keyword (a test keeps it so), so nothing else gets here
            _ => return,
        };
        hits.push(hit);
    }
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

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn arg_text(h: &Hit, name: &str) -> Option<String> {
    h.args
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, a)| match a {
            crate::finding::Arg::Text(t) => Some(t.clone()),
            crate::finding::Arg::Term(_) => None,
        })
}

/// A missing field that an unknown key next to it was probably meant to be (`newcode` for
/// `new_code`) is one mistake, reported once as the unknown key.
fn drop_explained_missing(hits: &mut Vec<Hit>) {
    let explained: Vec<String> = hits
        .iter()
        .filter(|h| h.code == code::SCHEMA003)
        .filter_map(|h| {
            let suggestion = h.args.iter().find(|(n, _)| *n == "suggestion")?;
            let crate::finding::Arg::Text(s) = &suggestion.1 else {
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
    let mk = |code| {
        Hit::new(code, 0..0)
            .arg("field", field)
            .shared_arg("value", show(instance))
    };
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

fn count(v: &Value) -> String {
    v.as_array().map(Vec::len).unwrap_or(0).to_string()
}

fn list(items: &[String]) -> String {
    if items.len() > 12 {
        format!("{}, …", items[..12].join(", "))
    } else {
        items.join(", ")
    }
}

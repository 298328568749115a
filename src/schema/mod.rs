//! Endpoint schemas: compiled once per process, on first use, and their errors turned into
//! Hits with a rule code and arguments a card developer can act on.

mod convert;
pub mod query;

use crate::finding::Hit;
use crate::locate;
use crate::model::path::{visit, Path};
use crate::model::pointer::{field_label, segments};
use crate::registry::code;
use crate::registry::SCHEMA_FILES;
use crate::syntax::ast::Node;
use convert::drop_explained_missing;
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
                    .arg("field", field_label(ptr))
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

    /// Whether the value at `pointer` must be there: an array item, or a property its
    /// object's schema (or one of the schemas it refers to or dispatches to) requires.
    pub fn required_at(&self, pointer: &str) -> bool {
        let segs: Vec<String> = segments(pointer).collect();
        let Some((last, parents)) = segs.split_last() else {
            return true;
        };
        if last.parse::<usize>().is_ok() {
            return true;
        }
        let mut node = self.deref(&self.schema);
        // the parent as written: `{"$ref": .., "required": [..]}` keeps its own list
        let mut raw = &self.schema;
        for seg in parents {
            raw = node
                .get("properties")
                .and_then(|p| p.get(seg))
                .unwrap_or(node);
            match self.child(node, seg) {
                Some(n) => node = n,
                None => return true,
            }
        }
        self.requires(raw, last, 0)
    }

    /// Whether `node`, a schema it refers to, or one of its `allOf` branches requires `key`.
    fn requires(&self, node: &Value, key: &str, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let listed = node
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|k| k.as_str() == Some(key)));
        let referred = || {
            node.get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|r| self.schema.pointer(r))
                .is_some_and(|t| self.requires(t, key, depth + 1))
        };
        let branches = || {
            node.get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|b| {
                    b.iter().any(|br| {
                        self.requires(br, key, depth + 1)
                            || br
                                .get("then")
                                .is_some_and(|t| self.requires(t, key, depth + 1))
                    })
                })
        };
        listed || referred() || branches()
    }

    /// The schema of the value at `pointer` (following `$ref`, `items`, `properties` and the
    /// `then` branches), for showing a field's type and limits.
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        let mut node = self.deref(&self.schema);
        for seg in segments(pointer) {
            node = self.child(node, &seg)?;
        }
        Some(node)
    }

    /// The properties an object at `pointer` may have (its own and its `allOf` branches'),
    /// each with its schema, in the schema's order.
    pub fn properties_at(&self, pointer: &str) -> Vec<(&str, &Value)> {
        let mut out: Vec<(&str, &Value)> = Vec::new();
        if let Some(node) = self.at(pointer) {
            self.collect_properties(node, &mut out, 0);
        }
        out
    }

    fn collect_properties<'a>(
        &'a self,
        node: &'a Value,
        out: &mut Vec<(&'a str, &'a Value)>,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                if !out.iter().any(|(n, _)| *n == k) {
                    out.push((k.as_str(), self.deref(v)));
                }
            }
        }
        for branch in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let branch = self.deref(branch);
            let then = branch.get("then").map(|t| self.deref(t)).unwrap_or(branch);
            self.collect_properties(then, out, depth + 1);
        }
    }

    /// The values a field's schema lists (`enum`, `const`, and those of its `oneOf`/`anyOf`
    /// branches), for completing them.
    pub fn values_of(&self, node: &Value) -> Vec<Value> {
        let mut out = Vec::new();
        self.collect_values(node, &mut out, 0);
        out
    }

    fn collect_values(&self, node: &Value, out: &mut Vec<Value>, depth: usize) {
        let node = self.deref(node);
        if depth > 8 {
            return;
        }
        for v in node
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        if let Some(c) = node.get("const") {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        for key in ["oneOf", "anyOf"] {
            for b in node
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.collect_values(b, out, depth + 1);
            }
        }
    }

    /// Whether the object at `pointer` requires `key` (see [`Compiled::required_at`]).
    pub fn requires_key(&self, pointer: &str, key: &str) -> bool {
        self.required_at(&format!("{pointer}/{}", crate::model::pointer::escape(key)))
    }

    /// The property of the object at `pointer` whose own object schema declares `key` (for
    /// a field written one level too high, such as `is_notify_bonus` beside `notify_optional`).
    pub fn sibling_declaring(&self, pointer: &str, key: &str) -> Option<String> {
        let mut node = self.deref(&self.schema);
        for seg in segments(pointer) {
            node = self.child(node, &seg)?;
        }
        let properties = node.get("properties")?.as_object()?;
        properties.iter().find_map(|(name, schema)| {
            let inner = self.deref(schema);
            let inner = inner.get("items").map(|i| self.deref(i)).unwrap_or(inner);
            inner
                .get("properties")
                .and_then(|p| p.get(key))
                .map(|_| name.clone())
        })
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
}

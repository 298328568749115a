//! The tree the strict parser builds: every node keeps its byte range in the source text,
//! and objects keep every member, duplicates included, in source order.

pub use crate::model::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number (repaired to what it means when written loosely, `+1` or `007`) and its
    /// text as written, which is what a fix quotes.
    Number(serde_json::Number, String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    /// The member that a JSON parser keeps for `key`: the last one, as serde_json and most
    /// server-side parsers do.
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            Kind::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn item(&self, index: usize) -> Option<&Node> {
        match &self.kind {
            Kind::Array(items) => items.get(index),
            _ => None,
        }
    }

    /// Converts to the `serde_json::Value` the checks run on (last duplicate key wins).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(n, _) => Value::Number(n.clone()),
            Kind::String(s) => Value::String(s.clone()),
            Kind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Object(members) => {
                let mut map = serde_json::Map::with_capacity(members.len());
                for m in members {
                    // a duplicate moves to where the last one stands (rare: one lookup else)
                    if map.insert(m.key.clone(), m.value.to_value()).is_some() {
                        if let Some(v) = map.shift_remove(&m.key) {
                            map.insert(m.key.clone(), v);
                        }
                    }
                }
                Value::Object(map)
            }
        }
    }
}

/// The pointer of the innermost value whose span contains `offset` (for findings the lexer
/// makes before the tree exists).
pub fn pointer_at(root: &Node, offset: usize) -> String {
    let mut segs: Vec<String> = Vec::new();
    let mut node = root;
    'down: loop {
        match &node.kind {
            Kind::Object(members) => {
                for m in members.iter().rev() {
                    let start = m.key_span.start;
                    if (start..m.value.span.end.max(m.key_span.end)).contains(&offset) {
                        segs.push(m.key.clone());
                        if m.value.span.contains(&offset) {
                            node = &m.value;
                            continue 'down;
                        }
                        break 'down;
                    }
                }
                break;
            }
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.span.contains(&offset) {
                        segs.push(i.to_string());
                        node = item;
                        continue 'down;
                    }
                }
                break;
            }
            _ => break,
        }
    }
    crate::model::pointer::pointer_of(&segs)
}

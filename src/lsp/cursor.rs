//! What the cursor is on in a parsed body: a key, a value, or a place in an object where a
//! member can be written; with the JSON Pointer of each, for looking the schema up.

use crate::model::pointer::escape;
use crate::model::Span;
use crate::syntax::ast::{Kind, Node};

#[derive(Debug, PartialEq)]
pub enum Spot {
    /// On a key: the object's pointer, the key, and the key's span (quotes included).
    Key {
        object: String,
        key: String,
        span: Span,
    },
    /// On a scalar value: its pointer and span.
    Value { pointer: String, span: Span },
    /// Inside an object, between members: where a new key goes.
    Member { object: String },
}

/// The spot at byte `offset` (a cursor right after a token's last character is still on it,
/// as editors place it while typing).
pub fn spot(root: &Node, offset: usize) -> Option<Spot> {
    let within = |s: &Span| s.start <= offset && offset <= s.end;
    if !within(&root.span) {
        return None;
    }
    let mut node = root;
    let mut pointer = String::new();
    loop {
        match &node.kind {
            Kind::Object(members) => {
                let mut next = None;
                for m in members {
                    if within(&m.key_span) && m.key_span.start < offset {
                        return Some(Spot::Key {
                            object: pointer,
                            key: m.key.clone(),
                            span: m.key_span.clone(),
                        });
                    }
                    if within(&m.value.span) && m.value.span.start < offset {
                        next = Some((m, format!("{pointer}/{}", escape(&m.key))));
                        break;
                    }
                }
                match next {
                    Some((m, p)) => {
                        node = &m.value;
                        pointer = p;
                    }
                    None if offset > node.span.start => {
                        return Some(Spot::Member { object: pointer })
                    }
                    None => return None,
                }
            }
            Kind::Array(items) => {
                let hit = items
                    .iter()
                    .enumerate()
                    .find(|(_, i)| within(&i.span) && i.span.start < offset);
                match hit {
                    Some((i, item)) => {
                        pointer = format!("{pointer}/{i}");
                        node = item;
                    }
                    None => return None,
                }
            }
            _ => {
                return Some(Spot::Value {
                    pointer,
                    span: node.span.clone(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, marker: &str) -> Option<Spot> {
        let offset = text.find(marker).unwrap();
        let text = text.replacen(marker, "", 1);
        let parsed = crate::syntax::parser::parse(&text, 0, text.len()).unwrap();
        spot(parsed.root.as_ref()?, offset)
    }

    #[test]
    fn keys_values_and_places_for_members() {
        let t = r#"{"card": {"card_type": "GR|OUPON", "groupon": {}}}"#;
        assert_eq!(
            at(t, "|"),
            Some(Spot::Value {
                pointer: "/card/card_type".into(),
                span: 23..32
            })
        );
        let t = r#"{"card": {"card_ty|pe": "GROUPON"}}"#;
        assert!(
            matches!(at(t, "|"), Some(Spot::Key { object, key, .. }) if object == "/card" && key == "card_type")
        );
        let t = r#"{"card": {"groupon": {"base_info": { | }}}}"#;
        assert_eq!(
            at(t, "|"),
            Some(Spot::Member {
                object: "/card/groupon/base_info".into()
            })
        );
    }
}

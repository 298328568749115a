//! JSON Pointer -> node in the parsed tree -> byte range -> 1-based line and code-point column.
//! Positions are always found by walking the tree, never by searching the text.

use crate::finding::Position;
use crate::model::pointer::{pointer_of, segments};
use crate::model::Span;
use crate::syntax::ast::{Kind, Node};

/// What a pointer leads to: the value node, and the key span when reached through an object.
pub struct Target<'a> {
    pub node: &'a Node,
    pub key_span: Option<Span>,
}

pub fn find<'a>(root: &'a Node, pointer: &str) -> Option<Target<'a>> {
    let mut node = root;
    let mut key_span = None;
    for seg in segments(pointer) {
        match &node.kind {
            Kind::Object(_) => {
                let m = node.member(&seg)?;
                key_span = Some(m.key_span.clone());
                node = &m.value;
            }
            Kind::Array(_) => {
                node = node.item(seg.parse().ok()?)?;
                key_span = None;
            }
            _ => return None,
        }
    }
    Some(Target { node, key_span })
}

/// The deepest node the pointer reaches, with the pointer of that node (for fields that are
/// missing: the label goes on the nearest existing parent).
pub fn nearest<'a>(root: &'a Node, pointer: &str) -> (Target<'a>, String) {
    let segs: Vec<String> = segments(pointer).collect();
    for n in (0..=segs.len()).rev() {
        let p = pointer_of(&segs[..n]);
        if let Some(t) = find(root, &p) {
            return (t, p);
        }
    }
    (
        Target {
            node: root,
            key_span: None,
        },
        String::new(),
    )
}

/// Line starts of a text, for byte offset -> (line, column) in code points.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last position computed: findings come in order, so counting columns can resume
    /// from it instead of from the line start (a one-line 10 MB file has one line).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        }
        LineIndex {
            text,
            starts,
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }

    /// 1-based line and column; the column counts Unicode code points.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let (last_offset, last_line, last_col) = self.last.get();
        let col = if last_line == line && last_offset <= offset && last_offset >= self.starts[line]
        {
            last_col + self.text[last_offset..offset].chars().count()
        } else {
            self.text[self.starts[line]..offset].chars().count() + 1
        };
        self.last.set((offset, line, col));
        (line + 1, col)
    }

    pub fn position(&self, span: &Span) -> Position {
        let (line, column) = self.line_col(span.start);
        let (end_line, end_column) = self.line_col(span.end.max(span.start));
        Position {
            line,
            column,
            end_line,
            end_column,
        }
    }

    fn floor_char_boundary(&self, mut i: usize) -> usize {
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

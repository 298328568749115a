//! Where a value sits, as the steps from the root, and the one walk over a document that
//! every stage uses: the walk keeps steps, and a pointer is written out only for a value that
//! is reported.

use serde_json::Value;

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
                Seg::Key(k) => out.push_str(&super::pointer::escape(k)),
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

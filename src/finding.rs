//! What a check reports (`Hit`: where and with which arguments, never text) and what the
//! library hands out (`Finding`: positions resolved, text looked up in the rule's TOML).

use crate::model::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// An argument of a message template: plain text, or a term translated per language.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Term(&'static str),
}

/// A rule, as a check names it: only the constants build.rs generates from rules/*.toml
/// (`crate::registry::code::CARD006`) exist, so a misspelt code does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    name: &'static str,
    index: usize,
    placeholders: &'static [&'static str],
    required: &'static [&'static str],
}

impl Code {
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        index: usize,
        placeholders: &'static [&'static str],
        required: &'static [&'static str],
    ) -> Code {
        Code {
            name,
            index,
            placeholders,
            required,
        }
    }

    /// `CARD006`.
    pub fn as_str(self) -> &'static str {
        self.name
    }

    /// Where the rule's TOML sits among the embedded files.
    pub fn index(self) -> usize {
        self.index
    }

    /// Every placeholder the rule's text uses, in both languages.
    pub fn placeholders(self) -> &'static [&'static str] {
        self.placeholders
    }

    /// The placeholders outside `{?name:...}` sections: a hit must give each of them.
    pub fn required(self) -> &'static [&'static str] {
        self.required
    }

    pub fn uses(self, placeholder: &str) -> bool {
        self.placeholders.contains(&placeholder)
    }
}

/// A finding's code (text, as reports carry it) against a rule constant.
impl PartialEq<Code> for String {
    fn eq(&self, other: &Code) -> bool {
        self == other.name
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub code: Code,
    pub span: Span,
    pub pointer: String,
    pub args: Vec<(&'static str, Arg)>,
    /// Other places that belong to the finding (the first of two duplicate keys).
    pub related: Vec<Span>,
    /// Text replacements that repair it (applied by `--fix` as the rule's `fix` safety allows).
    pub edits: Vec<Edit>,
}

/// Replace the bytes of `span` with `text` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Hit {
    pub fn new(code: Code, span: Span) -> Self {
        Hit {
            code,
            span,
            pointer: String::new(),
            args: Vec::new(),
            related: Vec::new(),
            edits: Vec::new(),
        }
    }

    /// Adds a repair: `span` becomes `text`.
    pub fn fix(mut self, span: Span, text: impl Into<String>) -> Self {
        self.edits.push(Edit {
            span,
            text: text.into(),
        });
        self
    }

    /// Sets an argument; a later value replaces an earlier one of the same name, so a rule can
    /// name the missing member after a builder filled `field` from the pointer's parent.
    pub fn arg(self, name: &'static str, value: impl Into<String>) -> Self {
        self.set(name, Arg::Text(value.into()))
    }

    fn set(mut self, name: &'static str, value: Arg) -> Self {
        match self.args.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.args.push((name, value)),
        }
        self
    }

    /// An argument that a builder shared by several rules offers: given only to a rule whose
    /// text shows it (any other argument a rule does not use fails the tests).
    pub fn shared_arg(self, name: &'static str, value: impl Into<String>) -> Self {
        if self.code.uses(name) {
            self.arg(name, value)
        } else {
            self
        }
    }

    pub fn term(self, name: &'static str, term: &'static str) -> Self {
        self.set(name, Arg::Term(term))
    }

    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    pub fn related(mut self, span: Span) -> Self {
        self.related.push(span);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Related {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    #[serde(skip)]
    pub span: Span,
}

/// A finding with positions and text in one language; the shape of `--format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub pointer: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    pub explanation: String,
    pub help: String,
    pub errcodes: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// How `--fix` repairs it, when it can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// Byte range in the source text, for renderers that underline.
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixSafety {
    /// Keeps the meaning: applied by `--fix`.
    Safe,
    /// May change what the request means: only with `--unsafe-fixes`.
    Unsafe,
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    pub safety: FixSafety,
    pub edits: Vec<FixEdit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FixEdit {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub replacement: String,
    #[serde(skip)]
    pub span: Span,
}

//! Hover: on a flagged place, each finding's message, why it matters, the fix and the
//! errcodes WeChat answers; on a field name (or a value without a finding), what the
//! endpoint's schema says of the field: its type, its limit in bytes, its values, whether it
//! is required.

use super::cursor::{spot, Spot};
use super::encoding::LineIndex;
use super::Server;
use crate::registry::{say, term, Lang};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use serde_json::Value;

pub fn hover(server: &mut Server, p: HoverParams) -> Option<Hover> {
    let uri = p.text_document_position_params.text_document.uri;
    let checked = server.checked(&uri)?;
    let text = &checked.report.source.text;
    let index = LineIndex::new(text, server.encoding);
    let offset = index.offset(p.text_document_position_params.position);
    let lang = checked.options.lang.unwrap_or(Lang::En);
    let mut parts = Vec::new();
    let mut range = None;
    for f in checked
        .findings
        .iter()
        .filter(|f| f.span.start <= offset && offset <= f.span.end)
    {
        let mut s = format!(
            "**{}** `{}` ({})\n\n{}\n\n{}",
            f.code,
            f.name,
            f.severity.as_str(),
            f.message,
            f.explanation
        );
        if !f.help.is_empty() {
            s.push_str(&format!(
                "\n\n**{}:** {}",
                term(lang, "lsp.hover_fix"),
                f.help
            ));
        }
        if !f.errcodes.is_empty() {
            let codes: Vec<String> = f.errcodes.iter().map(|c| format!("`{c}`")).collect();
            s.push_str(&format!(
                "\n\n{}: {}",
                term(lang, "lsp.hover_errcodes"),
                codes.join(", ")
            ));
        }
        range.get_or_insert(index.range(&f.span));
        parts.push(s);
    }
    if let Some((field, span)) = field_doc(&checked, text, offset, lang) {
        range.get_or_insert(index.range(&span));
        parts.push(field);
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range,
    })
}

/// The body (and its endpoint) an offset is in: the JSON body, or one of the requests of an
/// `.http` file with several.
pub fn body_at(
    checked: &super::Checked,
    offset: usize,
) -> Option<(std::ops::Range<usize>, &'static str)> {
    let source = &checked.report.source;
    let within = |r: &std::ops::Range<usize>| r.start <= offset && offset <= r.end;
    if within(&source.body) {
        return Some((source.body.clone(), checked.report.endpoint?));
    }
    source
        .more
        .iter()
        .find(|(_, b)| within(b))
        .and_then(|(req, b)| {
            let name = req.endpoint.as_deref()?;
            Some((b.clone(), crate::endpoint::canonical(name)?))
        })
}

/// What the schema says of the field at `offset`, and the span it covers.
fn field_doc(
    checked: &super::Checked,
    text: &str,
    offset: usize,
    lang: Lang,
) -> Option<(String, std::ops::Range<usize>)> {
    if crate::rules::html::is_page(&checked.path) {
        return None;
    }
    let (body, endpoint) = body_at(checked, offset)?;
    let parsed = crate::syntax::parser::parse(text, body.start, body.end).ok()?;
    let (pointer, name, span) = match spot(parsed.root.as_ref()?, offset)? {
        Spot::Key { object, key, span } => {
            let p = format!("{object}/{}", crate::model::pointer::escape(&key));
            (p, key, span)
        }
        Spot::Value { pointer, span } => {
            let name = crate::model::pointer::field_name(&pointer).to_string();
            (pointer, name, span)
        }
        Spot::Member { .. } => return None,
    };
    let schema = crate::schema::compiled(endpoint)?;
    let node = schema.at(&pointer)?;
    let mut lines = vec![format!(
        "`{name}` — {} `{endpoint}`, {}",
        term(lang, "lsp.hover_endpoint"),
        if schema.required_at(&pointer) {
            term(lang, "lsp.hover_required")
        } else {
            term(lang, "lsp.hover_optional")
        }
    )];
    if let Some(t) = type_of(node) {
        lines.push(format!("{}: `{t}`", term(lang, "lsp.hover_type")));
    }
    if let Some(n) = node.get("maxBytes").and_then(Value::as_u64) {
        lines.push(format!(
            "{}: {}",
            term(lang, "lsp.hover_limit"),
            say(lang, "lsp.hover_limit_bytes", &[("count", n.to_string())])
        ));
    }
    let values = schema.values_of(node);
    if !values.is_empty() {
        let shown: Vec<String> = values.iter().take(20).map(|v| format!("`{v}`")).collect();
        lines.push(format!(
            "{}: {}",
            term(lang, "lsp.hover_values"),
            shown.join(", ")
        ));
    }
    Some((lines.join("\n\n"), span))
}

fn type_of(node: &Value) -> Option<String> {
    match node.get("type")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
        ),
        _ => None,
    }
}

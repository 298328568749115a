//! Completion from the endpoint's schema: the field names an object may have where a key
//! goes (with type and limit), the values a field lists where its value goes (palette
//! colours with their hex, so clients show a swatch), and a whole `date_info` of each type.

use super::cursor::{spot, Spot};
use super::encoding::LineIndex;
use super::hover::body_at;
use super::Server;
use crate::registry::{say, Lang};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionParams,
    CompletionResponse, CompletionTextEdit, Documentation, InsertTextFormat, TextEdit,
};
use serde_json::Value;

pub fn complete(server: &mut Server, p: CompletionParams) -> Option<CompletionResponse> {
    let uri = p.text_document_position.text_document.uri;
    let checked = server.checked(&uri)?;
    if crate::rules::html::is_page(&checked.path) {
        return None;
    }
    let text = &checked.report.source.text;
    let index = LineIndex::new(text, server.encoding);
    let offset = index.offset(p.text_document_position.position);
    let lang = checked.options.lang.unwrap_or(Lang::En);
    let (body, endpoint) = body_at(&checked, offset)?;
    let schema = crate::schema::compiled(endpoint)?;
    let parsed = crate::syntax::parser::parse(text, body.start, body.end).ok()?;
    let root = parsed.root.as_ref()?;
    let items = match spot(root, offset)? {
        Spot::Key { object, span, .. } => keys(schema, &object, Some(&index.range(&span)), lang),
        Spot::Member { object } => keys(schema, &object, None, lang),
        Spot::Value { pointer, span } => {
            let node = schema.at(&pointer)?;
            let range = index.range(&span);
            schema
                .values_of(node)
                .into_iter()
                .map(|v| value_item(&v, range))
                .collect()
        }
    };
    Some(CompletionResponse::Array(items))
}

/// The keys of the object at `object`: replacing the key written (`range`, quotes included)
/// or inserted as `"name": ` where a member goes.
fn keys(
    schema: &crate::schema::Compiled,
    object: &str,
    range: Option<&lsp_types::Range>,
    lang: Lang,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for (name, node) in schema.properties_at(object) {
        let required = schema.requires_key(object, name);
        let detail = describe(node, required);
        let (new_text, format) = match range {
            Some(_) => (format!("\"{name}\""), InsertTextFormat::PLAIN_TEXT),
            None => (format!("\"{name}\": $0"), InsertTextFormat::SNIPPET),
        };
        let mut item = CompletionItem {
            label: name.to_string(),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(detail),
            // required fields first, then the schema's order
            sort_text: Some(format!("{}{:03}", u8::from(!required), items.len())),
            insert_text_format: Some(format),
            ..CompletionItem::default()
        };
        match range {
            Some(r) => item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(*r, new_text))),
            None => item.insert_text = Some(new_text),
        }
        items.push(item);
        if name == "date_info" && range.is_none() {
            items.extend(date_info_snippets(lang));
        }
    }
    items
}

/// `string ≤ 48 bytes, required` and the like.
fn describe(node: &Value, required: bool) -> String {
    let mut parts = Vec::new();
    match node.get("type") {
        Some(Value::String(t)) => parts.push(t.clone()),
        Some(Value::Array(a)) => parts.push(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
        ),
        _ if node.get("enum").is_some() => parts.push("enum".into()),
        _ => {}
    }
    if let Some(n) = node.get("maxBytes").and_then(Value::as_u64) {
        parts.push(format!("≤ {n} bytes"));
    }
    if required {
        parts.push("required".into());
    }
    parts.join(", ")
}

fn value_item(v: &Value, range: lsp_types::Range) -> CompletionItem {
    let label = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let hex = crate::model::facts::PALETTE
        .iter()
        .find(|(name, _)| *name == label)
        .map(|(_, hex)| *hex);
    CompletionItem {
        label: label.clone(),
        // a Color item whose documentation is the hex is drawn as a swatch by VS Code
        kind: Some(if hex.is_some() {
            CompletionItemKind::COLOR
        } else {
            CompletionItemKind::ENUM_MEMBER
        }),
        label_details: hex.map(|h| CompletionItemLabelDetails {
            detail: Some(format!(" {h}")),
            description: None,
        }),
        documentation: hex.map(|h| Documentation::String(h.to_string())),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range,
            v.to_string(),
        ))),
        ..CompletionItem::default()
    }
}

/// A whole `date_info` of each type the server takes, with tab stops on its values.
fn date_info_snippets(lang: Lang) -> Vec<CompletionItem> {
    let kinds = [
        (
            "DATE_TYPE_FIX_TIME_RANGE",
            "\"date_info\": {\n\t\"type\": \"DATE_TYPE_FIX_TIME_RANGE\",\n\t\"begin_timestamp\": ${1:1798761600},\n\t\"end_timestamp\": ${2:1830297599}\n}",
        ),
        (
            "DATE_TYPE_FIX_TERM",
            "\"date_info\": {\n\t\"type\": \"DATE_TYPE_FIX_TERM\",\n\t\"fixed_term\": ${1:30},\n\t\"fixed_begin_term\": ${2:0}\n}",
        ),
        (
            "DATE_TYPE_PERMANENT",
            "\"date_info\": {\n\t\"type\": \"DATE_TYPE_PERMANENT\"\n}",
        ),
    ];
    kinds
        .iter()
        .map(|(t, body)| CompletionItem {
            label: format!("date_info: {t}"),
            kind: Some(CompletionItemKind::SNIPPET),
            detail: Some(say(
                lang,
                "lsp.snippet_date_info",
                &[("type", t.to_string())],
            )),
            insert_text: Some(body.to_string()),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            sort_text: Some(format!("2{t}")),
            ..CompletionItem::default()
        })
        .collect()
}

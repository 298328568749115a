//! Code actions: a quick fix per fixable finding under the cursor (the same edits `--fix`
//! makes, verified the same way; unsafe ones say so in their title), "Fix all safe
//! problems" (`source.fixAll.cardlint`, the whole `--fix` run), and "Ignore CODE in
//! cardlint.toml" (the root `ignore` list, edited with its comments and layout kept).

use super::encoding::LineIndex;
use super::Server;
use crate::finding::{Finding, FixSafety};
use crate::registry::{say, Lang};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CreateFile,
    CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};
use std::collections::HashMap;

pub const FIX_ALL: &str = "source.fixAll.cardlint";

pub fn code_actions(server: &mut Server, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = p.text_document.uri;
    let Some(checked) = server.checked(&uri) else {
        return Vec::new();
    };
    let text = &checked.report.source.text;
    let index = LineIndex::new(text, server.encoding);
    let lang = checked.options.lang.unwrap_or(Lang::En);
    let wanted = |kind: &str| {
        p.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
        })
    };
    let mut out = Vec::new();
    let from = index.offset(p.range.start);
    let to = index.offset(p.range.end);
    let under = |f: &Finding| f.span.start <= to && from <= f.span.end;
    if wanted(CodeActionKind::QUICKFIX.as_str()) {
        for f in checked.findings.iter().filter(|f| under(f)) {
            if let Some(action) = quick_fix(server, &uri, &index, &checked, f, lang) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
        let mut codes: Vec<&str> = checked
            .findings
            .iter()
            .filter(|f| under(f))
            .map(|f| f.code.as_str())
            .collect();
        codes.dedup();
        for code in codes {
            if let Some(action) = ignore_in_config(server, &checked, code, lang) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    if wanted(FIX_ALL) {
        if let Some(action) = fix_all(&uri, &index, &checked, lang) {
            out.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    out
}

/// One finding's fix, when its safety allows it and the verifier accepts it alone.
fn quick_fix(
    server: &Server,
    uri: &Uri,
    index: &LineIndex,
    checked: &super::Checked,
    f: &Finding,
    lang: Lang,
) -> Option<CodeAction> {
    let text = &checked.report.source.text;
    let fix = f.fix.as_ref()?;
    // verified as `--fix` verifies a pass (a page is edited inside its script, not checked)
    let page = crate::rules::html::is_page(&checked.path);
    let planned = crate::fix::single(text, checked.report.source.body.clone(), f, !page)?;
    let edits: Vec<TextEdit> = planned
        .iter()
        .flat_map(|a| a.edits.iter())
        .map(|(r, t)| TextEdit::new(index.range(r), t.clone()))
        .collect();
    let key = if fix.safety == FixSafety::Unsafe {
        "lsp.fix_unsafe"
    } else {
        "lsp.fix"
    };
    let title = say(
        lang,
        key,
        &[("code", f.code.clone()), ("help", f.help.clone())],
    );
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![server.diagnostic(uri, index, f)]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(fix.safety == FixSafety::Safe),
        ..CodeAction::default()
    })
}

/// The whole safe `--fix` of the document as one edit (the changed middle of the text).
fn fix_all(
    uri: &Uri,
    index: &LineIndex,
    checked: &super::Checked,
    lang: Lang,
) -> Option<CodeAction> {
    let text = &checked.report.source.text;
    let keep = |findings: &mut Vec<Finding>| checked.keep(findings);
    let fixed = crate::fix::fix_bytes(
        &checked.options,
        &checked.path,
        text.as_bytes(),
        false,
        &keep,
    )
    .ok()?;
    if fixed.fixed == 0 || fixed.text == *text {
        return None;
    }
    let edit = middle_edit(index, text, &fixed.text);
    Some(CodeAction {
        title: say(lang, "lsp.fix_all", &[("count", fixed.fixed.to_string())]),
        kind: Some(CodeActionKind::from(FIX_ALL)),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    })
}

/// One edit turning `old` into `new`: what lies between their common start and end.
pub fn middle_edit(index: &LineIndex, old: &str, new: &str) -> TextEdit {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = old[start..]
        .bytes()
        .rev()
        .zip(new[start..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - end) || !new.is_char_boundary(new.len() - end) {
        end -= 1;
    }
    TextEdit::new(
        index.range(&(start..old.len() - end)),
        new[start..new.len() - end].to_string(),
    )
}

/// "Ignore CODE in cardlint.toml": the code added to the root `ignore` list of the
/// document's config (its text as open in the editor, if it is), or a new cardlint.toml in
/// the document's folder when there is none and the client can create files.
fn ignore_in_config(
    server: &Server,
    checked: &super::Checked,
    code: &str,
    lang: Lang,
) -> Option<CodeAction> {
    let title = say(lang, "lsp.ignore", &[("code", code.to_string())]);
    let edit = match &checked.loaded.config.path {
        Some(path) => {
            let uri = super::uri_of(path)?;
            let text = match server.documents.get(&uri) {
                Some(doc) => doc.text.clone(),
                None => std::fs::read_to_string(path).ok()?,
            };
            let new = with_ignored(&text, code)?;
            let index = LineIndex::new(&text, server.encoding);
            WorkspaceEdit {
                changes: Some(HashMap::from([(
                    uri,
                    vec![middle_edit(&index, &text, &new)],
                )])),
                ..WorkspaceEdit::default()
            }
        }
        None => {
            if !server.can_create_files || !std::path::Path::new(&checked.path).is_absolute() {
                return None;
            }
            let dir = std::path::Path::new(&checked.path).parent()?;
            let uri = super::uri_of(&dir.join(crate::config::FILE_NAME))?;
            let new = with_ignored("", code)?;
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Operations(vec![
                    DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    })),
                    DocumentChangeOperation::Edit(TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri,
                            version: None,
                        },
                        edits: vec![OneOf::Left(TextEdit::new(lsp_types::Range::default(), new))],
                    }),
                ])),
                ..WorkspaceEdit::default()
            }
        }
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        edit: Some(edit),
        ..CodeAction::default()
    })
}

/// The config text with `code` in its root `ignore` list (made when missing), everything
/// else as it was; `None` when the text is not TOML or already ignores it.
pub fn with_ignored(text: &str, code: &str) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
    let item = doc
        .entry("ignore")
        .or_insert(toml_edit::value(toml_edit::Array::new()));
    if let Some(s) = item.as_str().map(str::to_string) {
        let mut a = toml_edit::Array::new();
        a.push(s);
        *item = toml_edit::value(a);
    }
    let array = item.as_array_mut()?;
    if array.iter().any(|v| v.as_str() == Some(code)) {
        return None;
    }
    array.push(code);
    // a new root key is written before the first table, so it stays the root's
    Some(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ignored_code_is_added_with_the_rest_kept() {
        let text = "# ours\nlang = \"zh\"\nignore = [\"JSON004\"] # comments\n\n[endpoints]\n\"a/*.json\" = \"card/create\"\n";
        let new = with_ignored(text, "CARD025").unwrap();
        assert!(
            new.contains("ignore = [\"JSON004\", \"CARD025\"] # comments"),
            "{new}"
        );
        assert!(new.starts_with("# ours\nlang = \"zh\"\n"));
        let parsed: toml::Table = toml::from_str(&new).unwrap();
        assert_eq!(parsed["ignore"].as_array().unwrap().len(), 2);
        assert!(parsed["endpoints"].is_table());
        // a config with tables only: the new key is the root's, not the table's
        let new = with_ignored("[endpoints]\n\"x\" = \"card/get\"\n", "CARD001").unwrap();
        let parsed: toml::Table = toml::from_str(&new).unwrap();
        assert!(parsed["ignore"].is_array(), "{new}");
        assert!(with_ignored(&new, "CARD001").is_none());
        assert!(with_ignored("not = = toml", "CARD001").is_none());
    }

    #[test]
    fn the_middle_edit_is_the_changed_part() {
        let old = "{\"a\":券,\"b\":1}";
        let new = "{\"a\":\"券\",\"b\":1}";
        let index = LineIndex::new(old, super::super::encoding::Encoding::Utf16);
        let e = middle_edit(&index, old, new);
        assert_eq!(e.new_text, "\"券\"");
        assert_eq!((e.range.start.character, e.range.end.character), (5, 6));
    }
}

//! `cardlint lsp`: a language server (LSP 3.17 over stdio) that shows cardlint's findings in
//! the editor as the user types, with the explanation on hover, the fixes as code actions and
//! completion from the endpoint's schema.
//!
//! One thread does the work: changes only mark a document as due after the debounce, and a
//! due document is checked in its newest version before the next message is read, so a
//! published result is never stale. Each check runs under `catch_unwind`: a panic in one is
//! logged and answered as an error, the server goes on.

mod actions;
mod completion;
mod cursor;
pub mod encoding;
mod hover;
pub mod settings;
pub mod transport;
mod workspace;

use crate::finding::Finding;
use crate::registry::Lang;
use crate::Report;
use encoding::{Encoding, LineIndex};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    CompletionOptions, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    HoverProviderCapability, InitializeParams, Location, NumberOrString, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde_json::Value;
use settings::Settings;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use transport::Out;
use workspace::Workspace;

/// An open document.
pub struct Document {
    pub text: String,
    pub version: i32,
    pub language_id: String,
    /// The last check, of `checked_version`.
    checked: Option<(i32, std::sync::Arc<Checked>)>,
}

/// One check of a document: its report (rule selection applied) and what was shown.
pub struct Checked {
    pub report: Report,
    /// The findings shown, with the config's and the settings' selection applied.
    pub findings: Vec<Finding>,
    pub options: crate::Options,
    /// The document's path relative to its config (for the config's globs).
    pub rel: String,
    pub path: String,
    /// The editor's selection, applied with the config's.
    pub selection: crate::config::Selection,
    pub loaded: std::sync::Arc<workspace::Loaded>,
}

impl Checked {
    /// Applies the config's and the editor's rule selection (not the `show` level) to
    /// findings of this document, as `--fix` does before fixing.
    pub fn keep(&self, findings: &mut Vec<Finding>) {
        self.loaded
            .config
            .filter(&self.rel, &self.selection, findings);
    }
}

pub struct Server {
    out: crossbeam_channel::Sender<Out>,
    pub encoding: Encoding,
    pub settings: Settings,
    /// The client's locale, when it said one.
    locale: Option<Lang>,
    pub documents: HashMap<Uri, Document>,
    pub workspace: Workspace,
    /// When each changed document is due to be checked.
    due: HashMap<Uri, Instant>,
    /// The client applies `CreateFile` (for "Ignore in cardlint.toml" without a config).
    pub can_create_files: bool,
    /// The client lets the server ask it to watch files (cardlint.toml).
    can_watch: bool,
    shutdown: bool,
}

/// Serves on stdio until `exit`; the exit code is 0 after `shutdown`, 1 otherwise.
pub fn run() -> std::process::ExitCode {
    let t = transport::stdio();
    let code = serve(t.sender.clone(), t.receiver);
    drop(t.sender);
    let _ = t.writer.join();
    std::process::ExitCode::from(code)
}

/// Serves on the given channels (the tests and the benchmark use in-memory ones).
pub fn serve(
    out: crossbeam_channel::Sender<Out>,
    input: crossbeam_channel::Receiver<Message>,
) -> u8 {
    let mut server: Option<Server> = None;
    let mut next_deadline: Option<Instant> = None;
    loop {
        let msg = match next_deadline {
            Some(at) => match input.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(m) => Some(m),
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return 1,
            },
            None => match input.recv() {
                Ok(m) => Some(m),
                Err(_) => return 1,
            },
        };
        if let Some(msg) = msg {
            match (&mut server, msg) {
                (_, Message::Notification(n)) if n.method == notification::Exit::METHOD => {
                    return if server.as_ref().is_some_and(|s| s.shutdown) {
                        0
                    } else {
                        1
                    };
                }
                (None, Message::Request(r)) if r.method == request::Initialize::METHOD => {
                    match serde_json::from_value::<InitializeParams>(r.params.clone()) {
                        Ok(params) => {
                            let (s, result) = Server::initialize(out.clone(), params);
                            server = Some(s);
                            let _ = out.send(Out::Message(Message::Response(Response::new_ok(
                                r.id, result,
                            ))));
                        }
                        Err(e) => {
                            respond_error(&out, r.id, ErrorCode::InvalidParams, &e.to_string())
                        }
                    }
                }
                (None, Message::Request(r)) => respond_error(
                    &out,
                    r.id,
                    ErrorCode::ServerNotInitialized,
                    "the server is not initialized",
                ),
                (None, _) => {}
                (Some(s), Message::Request(r)) => s.request(r),
                (Some(s), Message::Notification(n)) => s.notification(n),
                (Some(_), Message::Response(_)) => {}
            }
        }
        next_deadline = server.as_mut().and_then(|s| s.check_due());
    }
}

fn respond_error(
    out: &crossbeam_channel::Sender<Out>,
    id: RequestId,
    code: ErrorCode,
    message: &str,
) {
    let _ = out.send(Out::Message(Message::Response(Response::new_err(
        id,
        code as i32,
        message.to_string(),
    ))));
}

/// The file a document is: its path for `file:` URIs (percent-decoded), else a made-up name
/// with the extension its language id implies, so the right checks run.
pub fn path_of(uri: &Uri, language_id: &str) -> (String, bool) {
    let s = uri.as_str();
    if let Some(rest) = s.strip_prefix("file://") {
        let path = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
        // file:///C:/x on Windows
        let path = match path.as_bytes() {
            [b'/', d, b':', ..] if d.is_ascii_alphabetic() => path[1..].to_string(),
            _ => path.into_owned(),
        };
        return (path, true);
    }
    let ext = match language_id {
        "http" => "http",
        "html" | "vue" => "html",
        "javascript" | "typescript" => "js",
        _ => "json",
    };
    (format!("untitled.{ext}"), false)
}

/// A `file:` URI for a path.
pub fn uri_of(path: &std::path::Path) -> Option<Uri> {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let abs = std::path::absolute(path).ok()?;
    let s = abs.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    format!("file://{}", percent_encoding::utf8_percent_encode(&s, SET))
        .parse()
        .ok()
}

impl Server {
    fn initialize(
        out: crossbeam_channel::Sender<Out>,
        params: InitializeParams,
    ) -> (Server, Value) {
        let encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let mut server = Server {
            out,
            encoding,
            settings: Settings::default(),
            locale: params.locale.as_deref().map(settings::lang_of_locale),
            documents: HashMap::new(),
            workspace: Workspace::default(),
            due: HashMap::new(),
            can_create_files: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&lsp_types::ResourceOperationKind::Create)),
            can_watch: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            shutdown: false,
        };
        if let Some(opts) = &params.initialization_options {
            let problems = server.settings.update(opts);
            server.say_problems(&problems);
        }
        let capabilities = ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Kind(
                TextDocumentSyncKind::INCREMENTAL,
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec!["\"".into(), ":".into()]),
                ..CompletionOptions::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::from(actions::FIX_ALL),
                ]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        };
        let result = serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": ServerInfo {
                name: "cardlint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            },
        });
        (server, result)
    }

    /// The language messages are written in: the editor's setting, the document's
    /// cardlint.toml, the client's locale, the environment.
    pub fn lang(&self, config_lang: Option<Lang>) -> Lang {
        self.settings
            .lang
            .or(config_lang)
            .or(self.locale)
            .unwrap_or_else(Lang::from_env)
    }

    fn send(&self, m: Message) {
        let _ = self.out.send(Out::Message(m));
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )));
    }

    /// Settings or a config that could not be used entirely: said in the editor and logged.
    fn say_problems(&self, problems: &[String]) {
        for p in problems {
            eprintln!("cardlint lsp: {p}");
            self.notify::<notification::ShowMessage>(lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::WARNING,
                message: format!("cardlint: {p}"),
            });
        }
    }

    fn request(&mut self, r: Request) {
        if self.shutdown {
            return respond_error(&self.out, r.id, ErrorCode::InvalidRequest, "shutting down");
        }
        let id = r.id.clone();
        let method = r.method.clone();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.answer(&r.method, r.params)
        }));
        match result {
            Ok(Ok(value)) => self.send(Message::Response(Response::new_ok(id, value))),
            Ok(Err((code, message))) => respond_error(&self.out, id, code, &message),
            Err(_) => {
                eprintln!("cardlint lsp: {method} failed (a panic, logged above); going on");
                respond_error(
                    &self.out,
                    id,
                    ErrorCode::InternalError,
                    "cardlint failed on this request",
                );
            }
        }
    }

    fn answer(&mut self, method: &str, params: Value) -> Result<Value, (ErrorCode, String)> {
        let invalid = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        match method {
            request::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            request::HoverRequest::METHOD => {
                let p = serde_json::from_value(params).map_err(invalid)?;
                Ok(serde_json::to_value(hover::hover(self, p)).unwrap_or_default())
            }
            request::Completion::METHOD => {
                let p = serde_json::from_value(params).map_err(invalid)?;
                Ok(serde_json::to_value(completion::complete(self, p)).unwrap_or_default())
            }
            request::CodeActionRequest::METHOD => {
                let p = serde_json::from_value(params).map_err(invalid)?;
                Ok(serde_json::to_value(actions::code_actions(self, p)).unwrap_or_default())
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method {method}"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notified(n)));
        if done.is_err() {
            eprintln!("cardlint lsp: {method} failed (a panic, logged above); going on");
        }
    }

    fn notified(&mut self, n: Notification) {
        let params = n.params;
        match n.method.as_str() {
            notification::Initialized::METHOD => self.watch_configs(),
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
                else {
                    return;
                };
                let d = p.text_document;
                self.documents.insert(
                    d.uri.clone(),
                    Document {
                        text: d.text,
                        version: d.version,
                        language_id: d.language_id,
                        checked: None,
                    },
                );
                // shown at once when opened; later changes wait for the debounce
                self.due.insert(d.uri, Instant::now());
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                let encoding = self.encoding;
                let Some(doc) = self.documents.get_mut(&uri) else {
                    return;
                };
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let index = LineIndex::new(&doc.text, encoding);
                            let start = index.offset(range.start);
                            let end = index.offset(range.end).max(start);
                            doc.text.replace_range(start..end, &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                doc.version = p.text_document.version;
                let due = Instant::now() + Duration::from_millis(self.settings.debounce_ms);
                self.due.insert(uri.clone(), due);
                if workspace::is_config(&uri) {
                    self.config_changed();
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(params)
                {
                    if workspace::is_config(&p.text_document.uri) {
                        self.config_changed();
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params)
                {
                    let uri = p.text_document.uri;
                    self.documents.remove(&uri);
                    self.due.remove(&uri);
                    self.notify::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            notification::DidChangeConfiguration::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeConfigurationParams>(params)
                {
                    let problems = self.settings.update(&p.settings);
                    self.say_problems(&problems);
                    self.recheck_all();
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(params)
                {
                    if p.changes.iter().any(|c| workspace::is_config(&c.uri)) {
                        self.config_changed();
                    }
                }
            }
            _ => {}
        }
    }

    /// Asks the client to report changes of any cardlint.toml (clients that watch files for
    /// their servers only on request, like Neovim and Helix, would otherwise say nothing).
    fn watch_configs(&self) {
        if !self.can_watch {
            return;
        }
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String(format!(
                    "**/{}",
                    crate::config::FILE_NAME
                )),
                kind: None,
            }],
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "cardlint-config".into(),
                method: notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Message::Request(Request::new(
            RequestId::from("cardlint-watch".to_string()),
            request::RegisterCapability::METHOD.into(),
            params,
        )));
    }

    /// A cardlint.toml changed: configs are read again and every open document re-checked.
    fn config_changed(&mut self) {
        self.workspace.clear();
        self.recheck_all();
    }

    fn recheck_all(&mut self) {
        let now = Instant::now();
        for (uri, doc) in &mut self.documents {
            doc.checked = None;
            self.due.insert(uri.clone(), now);
        }
    }

    /// Checks and publishes every document that is due; returns when the next one is.
    fn check_due(&mut self) -> Option<Instant> {
        let now = Instant::now();
        let ready: Vec<Uri> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            self.publish(&uri);
        }
        self.due.values().min().copied()
    }

    fn publish(&mut self, uri: &Uri) {
        let Some(checked) = self.checked(uri) else {
            return;
        };
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        let diagnostics = self.diagnostics(uri, &checked);
        let version = Some(doc.version);
        self.notify::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        });
    }

    /// The check of the document's current version (made now when there is none).
    pub fn checked(&mut self, uri: &Uri) -> Option<std::sync::Arc<Checked>> {
        let doc = self.documents.get(uri)?;
        if let Some((v, c)) = &doc.checked {
            if *v == doc.version {
                return Some(c.clone());
            }
        }
        let (path, on_disk) = path_of(uri, &doc.language_id);
        let text = doc.text.clone();
        let version = doc.version;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            workspace::check(self, &path, on_disk, &text)
        }));
        let checked = match result {
            Ok(Ok(c)) => std::sync::Arc::new(c),
            Ok(Err(problem)) => {
                self.say_problems(&[problem]);
                return None;
            }
            Err(_) => {
                eprintln!(
                    "cardlint lsp: checking {} failed (a panic, logged above)",
                    uri.as_str()
                );
                return None;
            }
        };
        if let Some(doc) = self.documents.get_mut(uri) {
            doc.checked = Some((version, checked.clone()));
        }
        Some(checked)
    }

    /// The findings as LSP diagnostics, in the negotiated encoding.
    pub fn diagnostics(&self, uri: &Uri, checked: &Checked) -> Vec<Diagnostic> {
        let text = &checked.report.source.text;
        let index = LineIndex::new(text, self.encoding);
        checked
            .findings
            .iter()
            .map(|f| self.diagnostic(uri, &index, f))
            .collect()
    }

    pub fn diagnostic(&self, uri: &Uri, index: &LineIndex, f: &Finding) -> Diagnostic {
        let href = format!(
            "{}#{}",
            self.settings.rules_url,
            f.code.to_ascii_lowercase()
        );
        let related: Vec<DiagnosticRelatedInformation> = f
            .related
            .iter()
            .map(|r| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), index.range(&r.span)),
                message: r.message.clone(),
            })
            .collect();
        let data = f.fix.as_ref().map(|fix| {
            serde_json::json!({
                "safety": fix.safety,
                "edits": fix.edits.iter().map(|e| serde_json::json!({
                    "range": index.range(&e.span),
                    "newText": crate::redact::mask(&e.replacement),
                })).collect::<Vec<_>>(),
            })
        });
        Diagnostic {
            range: index.range(&f.span),
            severity: Some(match f.severity {
                crate::Severity::Error => DiagnosticSeverity::ERROR,
                crate::Severity::Warning => DiagnosticSeverity::WARNING,
                crate::Severity::Info => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(f.code.clone())),
            code_description: href
                .parse()
                .ok()
                .map(|href| lsp_types::CodeDescription { href }),
            source: Some("cardlint".into()),
            message: f.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data,
        }
    }
}

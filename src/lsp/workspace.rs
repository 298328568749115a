//! The cardlint.toml of each document (found from the document's folder, as `check` finds
//! it), read once and kept until a cardlint.toml changes, with the cards its `[cards]`
//! names for the cross-payload checks; and the check of one document with them.

use super::{Checked, Server};
use crate::config::{self, Config, Selection};
use crate::rules::{CardBook, CardDef};
use crate::{Options, Severity};
use lsp_types::Uri;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A config as read: the config, its cards, and the problems met reading them.
pub struct Loaded {
    pub config: Config,
    pub cards: Arc<CardBook>,
}

#[derive(Default)]
pub struct Workspace {
    /// By config path (`None`: no config above the document).
    loaded: HashMap<Option<PathBuf>, Arc<Loaded>>,
}

impl Workspace {
    pub fn clear(&mut self) {
        self.loaded.clear();
    }

    /// The config for a document at `path` (on disk or not), read when first needed; a
    /// config that cannot be read is said once and the defaults used.
    fn for_path(&mut self, path: &Path, on_disk: bool) -> (Arc<Loaded>, Vec<String>) {
        let start = if on_disk {
            path.to_path_buf()
        } else {
            PathBuf::from(".")
        };
        let found = config::discover(&start);
        if let Some(l) = self.loaded.get(&found) {
            return (l.clone(), Vec::new());
        }
        let mut problems = Vec::new();
        let config = match &found {
            Some(p) => Config::load(p).unwrap_or_else(|e| {
                problems.push(e.text(crate::registry::Lang::from_env()));
                default_config(p.parent())
            }),
            None => default_config(path.parent()),
        };
        let mut cards = CardBook::new();
        for (id, p) in &config.cards {
            let shown = p.display().to_string();
            match std::fs::read_to_string(p) {
                Ok(text) => match CardDef::from_text(&shown, &text) {
                    Ok(card) => {
                        cards.insert(id.clone(), card);
                    }
                    Err(e) => problems.push(e.to_string()),
                },
                Err(e) => problems.push(format!("{shown}: {e}")),
            }
        }
        let loaded = Arc::new(Loaded {
            config,
            cards: Arc::new(cards),
        });
        self.loaded.insert(found, loaded.clone());
        (loaded, problems)
    }
}

fn default_config(dir: Option<&Path>) -> Config {
    Config {
        dir: dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| std::path::absolute(".").unwrap_or_default()),
        ..Config::default()
    }
}

/// Whether a URI is a cardlint.toml.
pub fn is_config(uri: &Uri) -> bool {
    uri.as_str().ends_with(&format!("/{}", config::FILE_NAME))
}

/// Checks one document's text as `check` would the file: the endpoint from the `.http`
/// request line, the config's `[endpoints]` or the shape; the config's and the editor's rule
/// selection; findings below the editor's `show` level left out.
pub fn check(
    server: &mut Server,
    path: &str,
    on_disk: bool,
    text: &str,
) -> Result<Checked, String> {
    let (loaded, problems) = server.workspace.for_path(Path::new(path), on_disk);
    if !problems.is_empty() {
        server.say_problems(&problems);
    }
    let config = &loaded.config;
    let rel = config.relative(Path::new(path));
    let options = Options {
        endpoint: config.endpoint_for(&rel).map(str::to_string),
        lang: Some(server.lang(config.lang)),
        cards: loaded.cards.clone(),
        ..Options::default()
    };
    let report =
        crate::lint_bytes(&options, path, text.as_bytes()).map_err(|e| format!("{path}: {e}"))?;
    let mut findings = report.findings.clone();
    let selection = Selection {
        select: server.settings.select.clone(),
        ignore: server.settings.ignore.clone(),
        ..Selection::default()
    };
    config.filter(&rel, &selection, &mut findings);
    let show: Severity = server.settings.show;
    findings.retain(|f| f.severity >= show);
    Ok(Checked {
        report,
        findings,
        options,
        rel,
        path: path.to_string(),
        selection,
        loaded: loaded.clone(),
    })
}

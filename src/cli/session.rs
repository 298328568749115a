//! One `check` run's settings, resolved once: the config file, the language, the rule
//! selection, the cards and tickets, and the inputs (stdin read once, up front). Checking and
//! fixing lint an input through the same [`Session::options_for`] and [`Session::bytes`].

use super::check::CheckArgs;
use cardlint::config::{self, Config, FailOn, Selection};
use cardlint::messages::{card_error, input_error, lint_error, CardError};
use cardlint::report::Outcome;
use cardlint::rules::{CardBook, CardDef, Signing};
use cardlint::{InputError, Lang, LintError, Options};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input of the run.
pub enum Input {
    /// Standard input, already read (once, whatever the number of `-`).
    Stdin(Result<Vec<u8>, InputError>),
    File(PathBuf),
}

pub struct Session {
    pub config: Config,
    pub lang: Lang,
    /// `--select` / `--ignore`, applied with the config's own selection.
    pub selection: Selection,
    /// The options every input starts from; the config may name its endpoint.
    pub base: Options,
    pub fail_on: FailOn,
    pub stdin_name: String,
    pub max_bytes: u64,
    /// Unreadable entries of a walked folder are said on stderr instead of failing the run.
    pub skip_unreadable: bool,
}

/// Payload files; pages and scripts are checked when named, not when a folder is walked.
const EXTENSIONS: &[&str] = &["json", "jsonc", "http", "rest"];

impl Session {
    /// Reads the config, checks the flags and loads the cards; an error is the message to
    /// print before exiting with 2.
    pub fn open(args: &CheckArgs, cli_lang: Option<Lang>) -> Result<Session, String> {
        let env_lang = cli_lang.unwrap_or_else(Lang::from_env);
        let config = load_config(args).map_err(|e| e.text(env_lang))?;
        let lang = cli_lang.or(config.lang).unwrap_or(env_lang);
        if let Some(name) = &args.endpoint {
            if cardlint::endpoint::canonical(name).is_none() {
                let e = LintError::UnknownEndpoint {
                    name: name.clone(),
                    suggestion: cardlint::endpoint::suggest(name),
                };
                return Err(lint_error(&e, lang));
            }
        }
        for (flag, list) in [("--select", &args.select), ("--ignore", &args.ignore)] {
            for s in list {
                if let Err(suggestion) = config::check_selector(s) {
                    let mut a = vec![("flag", flag.to_string()), ("rule", s.clone())];
                    a.extend(suggestion.map(|s| ("suggestion", s)));
                    return Err(cardlint::registry::say(lang, "error.unknown_selector", &a));
                }
            }
        }
        let cards = load_cards(args, &config).map_err(|e| card_error(&e, lang))?;
        let base = Options {
            endpoint: args.endpoint.clone(),
            lang: Some(lang),
            cards: Arc::new(cards),
            signing: Signing {
                api_ticket: args.api_ticket.clone(),
                jsapi_ticket: args.jsapi_ticket.clone(),
                card_id: args.card_id.clone(),
            },
            now: None,
        };
        Ok(Session {
            fail_on: args.fail_on.or(config.fail_on).unwrap_or_default(),
            config,
            lang,
            selection: Selection {
                select: args.select.clone(),
                ignore: args.ignore.clone(),
                ..Selection::default()
            },
            base,
            stdin_name: args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "<stdin>".into()),
            max_bytes: args.max_bytes,
            skip_unreadable: args.skip_unreadable,
        })
    }

    /// The inputs of `paths` (folders walked for payload files with .gitignore and hidden
    /// entries skipped, in sorted order), and an outcome for each path that cannot be read.
    pub fn inputs(&self, paths: &[PathBuf]) -> (Vec<Input>, Vec<Outcome>) {
        let mut inputs = Vec::new();
        let mut failed = Vec::new();
        let mut stdin_read = false;
        for path in paths {
            if path.as_os_str() == "-" {
                if !std::mem::replace(&mut stdin_read, true) {
                    let stdin = std::io::stdin().lock();
                    let read =
                        cardlint::source::read_limited(stdin, &self.stdin_name, self.max_bytes);
                    inputs.push(Input::Stdin(read));
                }
                continue;
            }
            match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => {
                    let (files, unreadable) = walk(path);
                    inputs.extend(files.into_iter().map(Input::File));
                    for (p, e) in unreadable {
                        let error = input_error(&InputError::Io { path: p, source: e }, self.lang);
                        if self.skip_unreadable {
                            eprintln!("{error}");
                        } else {
                            failed.push(Outcome::Failed {
                                path: path.display().to_string(),
                                error,
                            });
                        }
                    }
                }
                Ok(_) => inputs.push(Input::File(path.to_path_buf())),
                Err(e) => failed.push(Outcome::Failed {
                    path: path.display().to_string(),
                    error: input_error(
                        &InputError::Io {
                            path: path.display().to_string(),
                            source: e,
                        },
                        self.lang,
                    ),
                }),
            }
        }
        (inputs, failed)
    }

    /// The name an input is shown by, and its bytes (or why they cannot be had).
    pub fn bytes<'a>(
        &self,
        input: &'a Input,
    ) -> (String, Result<std::borrow::Cow<'a, [u8]>, String>) {
        match input {
            Input::Stdin(read) => (
                self.stdin_name.clone(),
                read.as_ref()
                    .map(|b| std::borrow::Cow::Borrowed(b.as_slice()))
                    .map_err(|e| input_error(e, self.lang)),
            ),
            Input::File(p) => (
                p.display().to_string(),
                cardlint::source::read_path(p, self.max_bytes)
                    .map(std::borrow::Cow::Owned)
                    .map_err(|e| input_error(&e, self.lang)),
            ),
        }
    }

    /// The options for the input shown as `shown`: the config may name its endpoint.
    pub fn options_for(&self, rel: &str) -> Options {
        let mut options = self.base.clone();
        if options.endpoint.is_none() {
            options.endpoint = self.config.endpoint_for(rel).map(str::to_string);
        }
        options
    }

    /// Lints one input with the config's and the command line's rule selection applied.
    pub fn lint(&self, input: &Input, keep_text: bool) -> Outcome {
        let (shown, bytes) = self.bytes(input);
        let bytes = match bytes {
            Ok(b) => b,
            Err(error) => return Outcome::Failed { path: shown, error },
        };
        let rel = self.config.relative(Path::new(&shown));
        match cardlint::lint_bytes(&self.options_for(&rel), &shown, &bytes) {
            Ok(mut r) => {
                self.config.filter(&rel, &self.selection, &mut r.findings);
                // only the human report quotes the source: the batches waiting to be
                // written need not hold every file's text
                if !keep_text {
                    r.source.text = String::new();
                }
                Outcome::Checked(r)
            }
            Err(e) => Outcome::Failed {
                path: shown,
                error: lint_error(&e, self.lang),
            },
        }
    }

    /// Whether a finding reaches `--fail-on`.
    pub fn fails(&self, outcome: &Outcome) -> bool {
        match outcome {
            Outcome::Checked(r) => r.findings.iter().any(|f| self.fail_on.fails(f.severity)),
            Outcome::Failed { .. } => false,
        }
    }
}

/// 2 when an input could not be checked, 1 when a finding reaches --fail-on, else 0.
pub fn exit(failed: bool, fails: bool) -> std::process::ExitCode {
    std::process::ExitCode::from(if failed {
        2
    } else if fails {
        1
    } else {
        0
    })
}

fn load_config(args: &CheckArgs) -> Result<Config, config::ConfigError> {
    let path = args.config.clone().or_else(|| {
        let first = args.paths.first().filter(|p| p.as_os_str() != "-");
        let start = match (first, &args.stdin_filename) {
            (Some(p), _) => p.clone(),
            (None, Some(name)) => PathBuf::from(name),
            (None, None) => PathBuf::from("."),
        };
        config::discover(&start)
    });
    match &path {
        Some(p) => Config::load(p),
        None => Ok(Config {
            dir: std::path::absolute(".").unwrap_or_default(),
            ..Config::default()
        }),
    }
}

/// The cards of the config's `[cards]` and of `--card ID=PATH`, for the cross-payload checks.
fn load_cards(args: &CheckArgs, config: &Config) -> Result<CardBook, CardError> {
    let mut cards = CardBook::new();
    let from_config = config
        .cards
        .iter()
        .map(|(id, p)| Ok((id.clone(), p.clone())));
    let from_flags = args.cards.iter().map(|s| spec(s));
    for item in from_config.chain(from_flags) {
        let (id, path) = item?;
        cards.insert(id, load_card(&path)?);
    }
    Ok(cards)
}

/// The card a later payload names, read from its create payload or card/get response.
fn load_card(path: &Path) -> Result<CardDef, CardError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| CardError::Io(shown.clone(), e))?;
    CardDef::from_text(&shown, &text).map_err(CardError::NotACard)
}

fn spec(s: &str) -> Result<(String, PathBuf), CardError> {
    let (id, path) = s
        .split_once('=')
        .ok_or_else(|| CardError::Spec(s.to_string()))?;
    Ok((id.trim().to_string(), PathBuf::from(path)))
}

/// The payload files below `dir`, and the entries that could not be read (a folder without
/// permission is said, not skipped in silence).
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<(String, std::io::Error)>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .hidden(true)
        .require_git(false)
        .build()
    {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let p = e.into_path();
                let ext = p.extension().and_then(|e| e.to_str());
                if ext.is_some_and(|e| EXTENSIONS.contains(&e)) {
                    files.push(p);
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = walk_error_path(&e).unwrap_or_else(|| dir.display().to_string());
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("unreadable"));
                unreadable.push((path, io));
            }
        }
    }
    // the order of `Path` (component by component), with each path split once rather than
    // at every comparison: sorting 10 000 paths cost more than reading their files
    files.sort_by_cached_key(|p| {
        p.components()
            .map(|c| c.as_os_str().to_owned())
            .collect::<Vec<_>>()
    });
    (files, unreadable)
}

fn walk_error_path(e: &ignore::Error) -> Option<String> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.display().to_string()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

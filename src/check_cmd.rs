//! `cardlint check`: inputs (files, folders walked with .gitignore respected, stdin), the
//! config file, linting in parallel, the baseline, every output format and the exit code.

use crate::{render, Color, Format};
use cardlint::baseline::{self, Baseline, Entry, Matcher};
use cardlint::config::{self, Config, Selection};
use cardlint::messages::{lint_error, CardError};
use cardlint::registry::say;
use cardlint::report::{Outcome, Spill};
use cardlint::{Lang, LintError, Options, Severity};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files, directories or - (stdin)
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The API endpoint, e.g. card/create or card/code/get (default: config glob, .http request line, or the payload's shape)
    #[arg(long, short = 'e')]
    endpoint: Option<String>,
    /// Output format; repeat with --output to write several in one run
    #[arg(long, short = 'f', value_enum)]
    format: Vec<Format>,
    /// Write the format given at the same position to this file (default: stdout)
    #[arg(long, short = 'o')]
    output: Vec<PathBuf>,
    /// Exit with 1 when a finding of this severity or worse remains
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Only these rules: codes or family prefixes, comma-separated (JSON,CARD001)
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Never these rules: codes or family prefixes, comma-separated
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// The config file (default: the nearest cardlint.toml above the first path)
    #[arg(long)]
    config: Option<PathBuf>,
    /// The path stdin stands for, for config globs and reports
    #[arg(long)]
    stdin_filename: Option<String>,
    /// The baseline file (default: the config's `baseline`, else .cardlint-baseline.json)
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Write every current finding to the baseline and exit 0
    #[arg(long)]
    write_baseline: bool,
    /// Apply safe fixes in place (stdin: print the fixed payload), then report what remains
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, apply unsafe fixes too (they may change what a request means)
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing; exit 1 if there is something to fix
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Colors in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Largest input accepted, in bytes
    #[arg(long, default_value_t = cardlint::source::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// A card/create payload or card/get response that defines CARD_ID, for the cross-payload checks (repeatable)
    #[arg(long = "card", value_name = "CARD_ID=PATH")]
    cards: Vec<String>,
    /// The wx_card api_ticket, to verify card_ext signatures (never printed)
    #[arg(long, env = "CARDLINT_API_TICKET", hide_env_values = true)]
    api_ticket: Option<String>,
    /// The jsapi ticket, to tell whether it was used instead of the wx_card one
    #[arg(long, env = "CARDLINT_JSAPI_TICKET", hide_env_values = true)]
    jsapi_ticket: Option<String>,
    /// The card_id a card_ext was signed for, when the payload does not say
    #[arg(long)]
    card_id: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum, PartialEq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn parse(s: &str) -> FailOn {
        match s {
            "warning" => FailOn::Warning,
            "info" => FailOn::Info,
            "never" => FailOn::Never,
            _ => FailOn::Error,
        }
    }

    fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

enum Input {
    Stdin,
    File(PathBuf),
}

/// Payload files; pages and scripts are checked when named, not when a folder is walked.
const EXTENSIONS: &[&str] = &["json", "jsonc", "http", "rest"];

/// Files as given; folders walked for payload files with .gitignore and hidden entries
/// skipped, in sorted order.
fn collect(path: &Path, inputs: &mut Vec<Input>, outcomes: &mut Vec<Outcome>, lang: Lang) {
    if path.as_os_str() == "-" {
        inputs.push(Input::Stdin);
        return;
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(path)
                .hidden(true)
                .require_git(false)
                .build()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(ignore::DirEntry::into_path)
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e))
                })
                .collect();
            files.sort();
            inputs.extend(files.into_iter().map(Input::File));
        }
        Ok(_) => inputs.push(Input::File(path.to_path_buf())),
        Err(e) => outcomes.push(Outcome::Failed {
            path: path.display().to_string(),
            error: lint_error(
                &LintError::Input(cardlint::InputError::Io {
                    path: path.display().to_string(),
                    source: e,
                }),
                lang,
            ),
        }),
    }
}

/// The card a later payload names, read from its create payload or card/get response.
pub fn load_card(path: &Path) -> Result<cardlint::rules::CardDef, CardError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| CardError::Io(shown.clone(), e))?;
    cardlint::rules::CardDef::from_text(&shown, &text).map_err(CardError::NotACard)
}

fn spec(s: &str) -> Result<(String, PathBuf), CardError> {
    let (id, path) = s
        .split_once('=')
        .ok_or_else(|| CardError::Spec(s.to_string()))?;
    Ok((id.trim().to_string(), PathBuf::from(path)))
}

pub fn run(args: CheckArgs, cli_lang: Option<Lang>) -> ExitCode {
    let env_lang = cli_lang.unwrap_or_else(Lang::from_env);
    let config_path = args.config.clone().or_else(|| {
        let first = args.paths.first().filter(|p| p.as_os_str() != "-");
        let start = match (first, &args.stdin_filename) {
            (Some(p), _) => p.clone(),
            (None, Some(name)) => PathBuf::from(name),
            (None, None) => PathBuf::from("."),
        };
        config::discover(&start)
    });
    let config = match &config_path {
        Some(p) => match Config::load(p) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{}", e.text(env_lang));
                return ExitCode::from(2);
            }
        },
        None => Config {
            dir: std::path::absolute(".").unwrap_or_default(),
            ..Config::default()
        },
    };
    let lang = cli_lang.or(config.lang).unwrap_or(env_lang);
    if let Some(name) = &args.endpoint {
        if cardlint::endpoint::canonical(name).is_none() {
            let e = LintError::UnknownEndpoint {
                name: name.clone(),
                suggestion: cardlint::endpoint::suggest(name),
            };
            eprintln!("{}", lint_error(&e, lang));
            return ExitCode::from(2);
        }
    }
    let mut cards = cardlint::rules::CardBook::new();
    let from_flags = args.cards.iter().map(|s| spec(s));
    let from_config = config
        .cards
        .iter()
        .map(|(id, p)| Ok((id.clone(), p.clone())));
    for item in from_config.chain(from_flags) {
        match item.and_then(|(id, p)| load_card(&p).map(|d| (id, d))) {
            Ok((id, def)) => {
                cards.insert(id, def);
            }
            Err(e) => {
                eprintln!("{}", cardlint::messages::card_error(&e, lang));
                return ExitCode::from(2);
            }
        }
    }
    let base = Options {
        endpoint: args.endpoint.clone(),
        lang: Some(lang),
        cards: Arc::new(cards),
        signing: cardlint::rules::Signing {
            api_ticket: args.api_ticket.clone(),
            jsapi_ticket: args.jsapi_ticket.clone(),
            card_id: args.card_id.clone(),
        },
        now: None,
    };
    let mut inputs = Vec::new();
    let mut outcomes = Vec::new();
    for p in &args.paths {
        collect(p, &mut inputs, &mut outcomes, lang);
    }
    let cli_sel = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        ..Selection::default()
    };
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".into());
    // read stdin first, on this thread; files are read and linted in parallel
    let stdin_bytes = inputs.iter().any(|i| matches!(i, Input::Stdin)).then(|| {
        cardlint::source::read_limited(std::io::stdin().lock(), &stdin_name, args.max_bytes)
    });
    if args.fix || args.diff {
        let stdin = stdin_bytes
            .as_ref()
            .map(|r| r.as_ref().map_err(clone_input_error));
        return fix_run(
            &args,
            &inputs,
            stdin,
            outcomes,
            &config,
            &cli_sel,
            &base,
            &stdin_name,
            lang,
        );
    }
    let keep_text = args.format.is_empty() || args.format.contains(&Format::Human);
    let lint_one = |input: &Input| {
        let (shown, bytes) = match input {
            Input::Stdin => (
                stdin_name.clone(),
                match stdin_bytes.as_ref().expect("read above") {
                    Ok(b) => Ok(b.clone()),
                    Err(e) => Err(clone_input_error(e)),
                },
            ),
            Input::File(p) => (
                p.display().to_string(),
                cardlint::source::read_path(p, args.max_bytes),
            ),
        };
        let rel = config.relative(Path::new(&shown));
        let outcome = match bytes {
            Err(e) => Outcome::Failed {
                path: shown,
                error: lint_error(&LintError::Input(e), lang),
            },
            Ok(bytes) => {
                let mut options = base.clone();
                if options.endpoint.is_none() {
                    options.endpoint = config.endpoint_for(&rel).map(str::to_string);
                }
                match cardlint::lint_bytes(&options, &shown, &bytes) {
                    Ok(mut r) => {
                        config.filter(&rel, &cli_sel, &mut r.findings);
                        // only the human report quotes the source: the batches waiting to
                        // be written need not hold every file's text
                        if !keep_text {
                            r.source.text = String::new();
                        }
                        Outcome::Checked(r)
                    }
                    Err(e) => Outcome::Failed {
                        path: shown,
                        error: lint_error(&e, lang),
                    },
                }
            }
        };
        outcome
    };
    // the baseline: paths relative to the baseline file's folder
    let baseline_path = args
        .baseline
        .clone()
        .or(config.baseline.clone())
        .unwrap_or_else(|| config.dir.join(baseline::DEFAULT_NAME));
    let baseline_dir = std::path::absolute(&baseline_path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let mut matcher = None;
    if !args.write_baseline && baseline_path.is_file() {
        match Baseline::read(&baseline_path) {
            Ok(b) => matcher = Some(Matcher::new(&b)),
            Err(reason) => {
                let args = [
                    ("path", baseline_path.display().to_string()),
                    ("reason", reason),
                ];
                eprintln!("{}", say(lang, "error.baseline_read", &args));
                return ExitCode::from(2);
            }
        }
    }

    // outputs: the n-th format goes to the n-th --output, the rest to stdout; only the first
    // format is written to stdout as files are checked, the others are held until it is done
    let formats = if args.format.is_empty() {
        vec![Format::Human]
    } else {
        args.format.clone()
    };
    let sinks = if args.write_baseline {
        Vec::new()
    } else {
        formats
            .iter()
            .enumerate()
            .map(|(i, format)| Sink {
                stream: crate::writer(*format, args.color, lang),
                target: match args.output.get(i) {
                    Some(path) => Target::File(path.clone(), Spill::default()),
                    None if i == 0 => Target::Stdout(std::io::BufWriter::new(std::io::stdout())),
                    None => Target::Later(Spill::default()),
                },
                error: None,
            })
            .collect()
    };
    let mut run = Run {
        sinks,
        matcher,
        baseline_dir,
        keys: Vec::new(),
        accepted: args.write_baseline.then(Vec::new),
        fail_on: fail_on(&args, &config),
        failed: false,
        fails: false,
        errors: Vec::new(),
    };
    for o in outcomes {
        run.emit(o);
    }
    if inputs.len() > 1 {
        // each batch is linted in parallel while the one before it is written: memory holds
        // two batches, whatever the number of files
        let mut pending: Vec<Outcome> = Vec::new();
        for batch in inputs.chunks(BATCH) {
            let (next, ()) = rayon::join(
                || batch.par_iter().map(&lint_one).collect(),
                || pending.drain(..).for_each(|o| run.emit(o)),
            );
            pending = next;
        }
        for o in pending {
            run.emit(o);
        }
    } else {
        // one file is the common pre-commit case: no thread pool to start for it
        for input in &inputs {
            run.emit(lint_one(input));
        }
    }

    if let Some(accepted) = &run.accepted {
        let b = Baseline::from_findings(accepted.iter().map(|(k, f)| (k.clone(), f.as_slice())));
        if let Err(e) = b.write(&baseline_path) {
            let err = LintError::Input(cardlint::InputError::Io {
                path: baseline_path.display().to_string(),
                source: e,
            });
            eprintln!("{}", lint_error(&err, lang));
            return ExitCode::from(2);
        }
        let args = [
            ("count", b.entries.len().to_string()),
            ("path", baseline_path.display().to_string()),
        ];
        eprintln!("{}", say(lang, "baseline.written", &args));
        return ExitCode::SUCCESS;
    }
    let stale: Vec<Entry> = match &run.matcher {
        Some(m) => m.stale(&run.keys, |p| run.baseline_dir.join(p).exists()),
        None => Vec::new(),
    };
    for sink in &mut run.sinks {
        if let Err(err) = sink.finish(&stale) {
            eprintln!("{}", lint_error(&err, lang));
            return ExitCode::from(2);
        }
    }
    if !matches!(formats.first(), Some(Format::Human)) {
        for error in &run.errors {
            eprintln!("{error}");
        }
    }
    exit(run.failed, run.fails)
}

/// Files linted in parallel between two writes.
const BATCH: usize = 256;

/// Where a format's report goes.
enum Target {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    /// Written to the file at the end, as a whole, like a report rendered at once.
    File(PathBuf, Spill),
    /// For stdout after the first format's report.
    Later(Spill),
}

struct Sink {
    stream: Box<dyn cardlint::report::Stream>,
    target: Target,
    /// The first failure to hold the report back (a full temporary folder).
    error: Option<std::io::Error>,
}

impl Sink {
    fn file(&mut self, o: &Outcome) {
        let result = match &mut self.target {
            // a closed pipe (`| head`) is not an error worth stopping for
            Target::Stdout(out) => {
                let _ = self.stream.file(o, out);
                Ok(())
            }
            Target::File(_, spill) | Target::Later(spill) => self.stream.file(o, spill),
        };
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
    }

    /// Ends the report and writes it where it goes.
    fn finish(&mut self, stale: &[Entry]) -> Result<(), LintError> {
        match &mut self.target {
            Target::Stdout(out) => {
                let _ = self.stream.finish(stale, out);
                let _ = out.flush();
                Ok(())
            }
            Target::Later(spill) => {
                let _ = self.stream.finish(stale, spill);
                let mut out = std::io::stdout().lock();
                let _ = spill.copy_to(&mut out);
                let _ = out.flush();
                Ok(())
            }
            Target::File(path, spill) => {
                let io = |source| {
                    LintError::Input(cardlint::InputError::Io {
                        path: path.display().to_string(),
                        source,
                    })
                };
                if let Some(e) = self.error.take() {
                    return Err(io(e));
                }
                self.stream.finish(stale, spill).map_err(io)?;
                let mut file = std::fs::File::create(&*path).map_err(io)?;
                spill.copy_to(&mut file).map_err(io)?;
                file.flush().map_err(io)
            }
        }
    }
}

/// What a run keeps while its reports are written: totals, never the files' findings.
struct Run {
    sinks: Vec<Sink>,
    matcher: Option<Matcher>,
    baseline_dir: PathBuf,
    /// Baseline keys of the checked files (only with a baseline, for its stale entries).
    keys: Vec<String>,
    /// Every finding, for --write-baseline (which writes no report).
    accepted: Option<Vec<(String, Vec<cardlint::Finding>)>>,
    fail_on: FailOn,
    failed: bool,
    fails: bool,
    /// Inputs that could not be checked, repeated on stderr after a machine-readable report.
    errors: Vec<String>,
}

impl Run {
    /// A file's path as the baseline names it: relative to the baseline file's folder.
    fn key(&self, o: &Outcome) -> String {
        let path = o.path();
        let abs = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
        abs.strip_prefix(&self.baseline_dir)
            .unwrap_or(&abs)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Takes one outcome, in input order: baseline, totals, every report; then drops it.
    fn emit(&mut self, mut o: Outcome) {
        if self.accepted.is_some() {
            let key = self.key(&o);
            if let Outcome::Checked(r) = o {
                self.accepted
                    .get_or_insert_default()
                    .push((key, r.findings));
            }
            return;
        }
        if self.matcher.is_some() {
            let key = self.key(&o);
            if let (Some(m), Outcome::Checked(r)) = (&mut self.matcher, &mut o) {
                m.filter(&key, &mut r.findings);
            }
            self.keys.push(key);
        }
        match &o {
            Outcome::Checked(r) => {
                self.fails |= r.findings.iter().any(|f| self.fail_on.fails(f.severity));
            }
            Outcome::Failed { error, .. } => {
                self.failed = true;
                self.errors.push(error.clone());
            }
        }
        for sink in &mut self.sinks {
            sink.file(&o);
        }
    }
}

fn clone_input_error(e: &cardlint::InputError) -> cardlint::InputError {
    use cardlint::InputError::*;
    match e {
        Io { path, source } => Io {
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        TooLarge { path, limit } => TooLarge {
            path: path.clone(),
            limit: *limit,
        },
        Binary { path, offset } => Binary {
            path: path.clone(),
            offset: *offset,
        },
        Utf16 { path } => Utf16 { path: path.clone() },
        TooDeep {
            path,
            depth,
            line,
            column,
        } => TooDeep {
            path: path.clone(),
            depth: *depth,
            line: *line,
            column: *column,
        },
    }
}

/// `--fix` and `--diff`: fixes per file (respecting the config's rule selection), written in
/// place, printed (stdin), or shown as a diff; then what remains is reported as usual.
#[allow(clippy::too_many_arguments)]
fn fix_run(
    args: &CheckArgs,
    inputs: &[Input],
    stdin: Option<Result<&Vec<u8>, cardlint::InputError>>,
    mut outcomes: Vec<Outcome>,
    config: &Config,
    cli_sel: &Selection,
    base: &Options,
    stdin_name: &str,
    lang: Lang,
) -> ExitCode {
    let mut changed_any = false;
    let mut diffs = String::new();
    let mut stdin_fixed: Option<String> = None;
    for input in inputs {
        let (shown, bytes) = match input {
            Input::Stdin => (
                stdin_name.to_string(),
                match &stdin {
                    Some(Ok(b)) => Ok((*b).clone()),
                    Some(Err(e)) => Err(clone_input_error(e)),
                    None => Ok(Vec::new()),
                },
            ),
            Input::File(p) => (
                p.display().to_string(),
                cardlint::source::read_path(p, args.max_bytes),
            ),
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                outcomes.push(Outcome::Failed {
                    path: shown,
                    error: lint_error(&LintError::Input(e), lang),
                });
                continue;
            }
        };
        let rel = config.relative(Path::new(&shown));
        let mut options = base.clone();
        if options.endpoint.is_none() {
            options.endpoint = config.endpoint_for(&rel).map(str::to_string);
        }
        let keep = |f: &mut Vec<cardlint::Finding>| config.filter(&rel, cli_sel, f);
        match cardlint::fix::fix_bytes(&options, &shown, &bytes, args.unsafe_fixes, &keep) {
            Ok(fixed) => {
                let original = String::from_utf8_lossy(&bytes);
                let changed = fixed.text.as_bytes() != bytes.as_slice();
                changed_any |= changed;
                if args.diff {
                    if changed {
                        diffs.push_str(&cardlint::fix::diff(&shown, &original, &fixed.text));
                    }
                } else if matches!(input, Input::Stdin) {
                    stdin_fixed = Some(fixed.text.clone());
                } else if changed {
                    if let Err(e) = std::fs::write(&shown, &fixed.text) {
                        outcomes.push(Outcome::Failed {
                            path: shown.clone(),
                            error: lint_error(
                                &LintError::Input(cardlint::InputError::Io {
                                    path: shown,
                                    source: e,
                                }),
                                lang,
                            ),
                        });
                        continue;
                    }
                }
                if fixed.fixed > 0 && !args.diff {
                    let args = [("path", shown.clone()), ("count", fixed.fixed.to_string())];
                    eprintln!("{}", say(lang, "fix.fixed", &args));
                }
                outcomes.push(Outcome::Checked(fixed.report));
            }
            Err(e) => outcomes.push(Outcome::Failed {
                path: shown,
                error: lint_error(&e, lang),
            }),
        }
    }
    let failed = outcomes.iter().any(|o| matches!(o, Outcome::Failed { .. }));
    if args.diff {
        // a diff is output too: a ticket in its context lines is masked (that hunk then needs
        // applying by hand, which beats a ticket in a CI log)
        crate::print(&cardlint::redact::mask(&diffs));
        for o in &outcomes {
            if let Outcome::Failed { error, .. } = o {
                eprintln!("{error}");
            }
        }
        return ExitCode::from(if failed { 2 } else { u8::from(changed_any) });
    }
    let remaining = render(
        &outcomes,
        &[],
        args.format.first().copied().unwrap_or(Format::Human),
        args.color,
        lang,
    );
    match stdin_fixed {
        // stdout carries the fixed payload; what remains goes to stderr
        Some(text) => {
            crate::print(&text);
            eprint!("{remaining}");
        }
        None => crate::print(&remaining),
    }
    exit_code(&outcomes, args, config)
}

fn fail_on(args: &CheckArgs, config: &Config) -> FailOn {
    args.fail_on
        .or(config.fail_on.as_deref().map(FailOn::parse))
        .unwrap_or(FailOn::Error)
}

/// 2 when an input could not be checked, 1 when a finding reaches --fail-on, else 0.
fn exit(failed: bool, fails: bool) -> ExitCode {
    ExitCode::from(if failed {
        2
    } else if fails {
        1
    } else {
        0
    })
}

fn exit_code(outcomes: &[Outcome], args: &CheckArgs, config: &Config) -> ExitCode {
    let fail_on = fail_on(args, config);
    let failed = outcomes.iter().any(|o| matches!(o, Outcome::Failed { .. }));
    let fails = outcomes.iter().any(|o| match o {
        Outcome::Checked(r) => r.findings.iter().any(|f| fail_on.fails(f.severity)),
        Outcome::Failed { .. } => false,
    });
    exit(failed, fails)
}

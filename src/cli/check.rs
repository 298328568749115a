//! `cardlint check`: lint every input of a [`Session`] in parallel, in batches, writing each
//! format's report as files are done; the baseline; the exit code. `--fix` and `--diff` go to
//! [`super::fix`].

use super::output::{writer, Color, Format};
use super::session::{exit, Input, Session};
use cardlint::baseline::{self, Baseline, Entry, Matcher};
use cardlint::config::FailOn;
use cardlint::messages::write_error;
use cardlint::registry::say;
use cardlint::report::{Outcome, Spill};
use cardlint::Lang;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files, directories or - (stdin)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The API endpoint, e.g. card/create or card/code/get (default: config glob, .http request line, or the payload's shape)
    #[arg(long, short = 'e')]
    pub endpoint: Option<String>,
    /// Output format; repeat with --output to write several in one run
    #[arg(long, short = 'f', value_enum)]
    pub format: Vec<Format>,
    /// Write the format given at the same position to this file (default: stdout)
    #[arg(long, short = 'o')]
    pub output: Vec<PathBuf>,
    /// Exit with 1 when a finding of this severity or worse remains
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Only these rules: codes, families or ALL, comma-separated (JSON,CARD001)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Never these rules: codes or families, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The config file (default: the nearest cardlint.toml above the first path)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The path stdin stands for, for config globs and reports
    #[arg(long)]
    pub stdin_filename: Option<String>,
    /// The baseline file (default: the config's `baseline`, else .cardlint-baseline.json)
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to the baseline and exit 0
    #[arg(long)]
    pub write_baseline: bool,
    /// Apply safe fixes in place (stdin: print the fixed payload), then report what remains
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, apply unsafe fixes too (they may change what a request means)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing; exit 1 if there is something to fix
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Colors in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Say unreadable entries of a folder on stderr and go on, instead of exiting with 2
    #[arg(long)]
    pub skip_unreadable: bool,
    /// Largest input accepted, in bytes
    #[arg(long, default_value_t = cardlint::source::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// A card/create payload or card/get response that defines CARD_ID, for the cross-payload checks (repeatable)
    #[arg(long = "card", value_name = "CARD_ID=PATH")]
    pub cards: Vec<String>,
    /// The wx_card api_ticket, to verify card_ext signatures (never printed)
    #[arg(long, env = "CARDLINT_API_TICKET", hide_env_values = true)]
    pub api_ticket: Option<String>,
    /// The jsapi ticket, to tell whether it was used instead of the wx_card one
    #[arg(long, env = "CARDLINT_JSAPI_TICKET", hide_env_values = true)]
    pub jsapi_ticket: Option<String>,
    /// The card_id a card_ext was signed for, when the payload does not say
    #[arg(long)]
    pub card_id: Option<String>,
}

pub fn run(args: CheckArgs, cli_lang: Option<Lang>) -> ExitCode {
    let session = match Session::open(&args, cli_lang) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let (inputs, unreadable) = session.inputs(&args.paths);
    if args.fix || args.diff {
        return super::fix::run(&args, &session, &inputs, unreadable);
    }
    let lang = session.lang;
    // the baseline: paths relative to the baseline file's folder
    let baseline_path = args
        .baseline
        .clone()
        .or(session.config.baseline.clone())
        .unwrap_or_else(|| session.config.dir.join(baseline::DEFAULT_NAME));
    let matcher = match read_baseline(&args, &baseline_path) {
        Ok(m) => m,
        Err(reason) => {
            let a = [
                ("path", baseline_path.display().to_string()),
                ("reason", reason),
            ];
            eprintln!("{}", say(lang, "error.baseline_read", &a));
            return ExitCode::from(2);
        }
    };
    let formats = if args.format.is_empty() {
        vec![Format::Human]
    } else {
        args.format.clone()
    };
    if args.output.len() > formats.len() {
        // the n-th --output takes the n-th --format: one more would be written by nobody
        let a = [
            ("outputs", args.output.len().to_string()),
            ("formats", formats.len().to_string()),
        ];
        eprintln!("{}", say(lang, "error.extra_output", &a));
        return ExitCode::from(2);
    }
    let mut run = Run {
        sinks: if args.write_baseline {
            Vec::new()
        } else {
            sinks(&args, &formats, lang)
        },
        matcher,
        baseline_dir: std::path::absolute(&baseline_path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default(),
        keys: Vec::new(),
        accepted: args.write_baseline.then(Vec::new),
        fail_on: session.fail_on,
        failed: false,
        fails: false,
        errors: Vec::new(),
    };
    for o in unreadable {
        run.emit(o);
    }
    let keep_text = formats.contains(&Format::Human);
    lint_all(&session, &inputs, keep_text, &mut run);
    if let Some(accepted) = &run.accepted {
        return write_baseline(accepted, &baseline_path, lang);
    }
    let stale: Vec<Entry> = match &run.matcher {
        Some(m) => m.stale(&run.keys, |p| run.baseline_dir.join(p).exists()),
        None => Vec::new(),
    };
    for sink in &mut run.sinks {
        if let Err((path, err)) = sink.finish(&stale) {
            eprintln!("{}", write_error(&path, &err, lang));
            return ExitCode::from(2);
        }
    }
    if formats.first() != Some(&Format::Human) {
        for error in &run.errors {
            eprintln!("{error}");
        }
    }
    exit(run.failed, run.fails)
}

/// The baseline to filter against, unless it is being written (an error: why it is unusable).
fn read_baseline(args: &CheckArgs, path: &Path) -> Result<Option<Matcher>, String> {
    if args.write_baseline || !path.is_file() {
        return Ok(None);
    }
    Baseline::read(path).map(|b| Some(Matcher::new(&b)))
}

/// Outputs: the n-th format goes to the n-th --output, the rest to stdout; only the first
/// format is written to stdout as files are checked, the others are held until it is done.
fn sinks(args: &CheckArgs, formats: &[Format], lang: Lang) -> Vec<Sink> {
    formats
        .iter()
        .enumerate()
        .map(|(i, format)| Sink {
            stream: writer(*format, args.color, lang),
            target: match args.output.get(i) {
                Some(path) => Target::File(path.clone(), Spill::default()),
                None if i == 0 => Target::Stdout(std::io::BufWriter::new(std::io::stdout())),
                None => Target::Later(Spill::default()),
            },
            error: None,
        })
        .collect()
}

fn lint_all(session: &Session, inputs: &[Input], keep_text: bool, run: &mut Run) {
    let lint_one = |input: &Input| session.lint(input, keep_text);
    if inputs.len() > 1 {
        // each batch is linted in parallel while the one before it is written: memory holds
        // two batches, whatever the number of files
        let mut pending: Vec<Outcome> = Vec::new();
        for batch in inputs.chunks(BATCH) {
            let (next, ()) = rayon::join(
                || batch.par_iter().map(lint_one).collect(),
                || pending.drain(..).for_each(|o| run.emit(o)),
            );
            pending = next;
        }
        for o in pending {
            run.emit(o);
        }
    } else {
        // one file is the common pre-commit case: no thread pool to start for it
        for input in inputs {
            run.emit(lint_one(input));
        }
    }
}

/// `--write-baseline`: every current finding accepted, no report.
fn write_baseline(
    accepted: &[(String, Vec<cardlint::Finding>)],
    path: &Path,
    lang: Lang,
) -> ExitCode {
    let b = Baseline::from_findings(accepted.iter().map(|(k, f)| (k.clone(), f.as_slice())));
    if let Err(e) = b.write(path) {
        eprintln!("{}", write_error(&path.display().to_string(), &e, lang));
        return ExitCode::from(2);
    }
    let a = [
        ("count", b.entries.len().to_string()),
        ("path", path.display().to_string()),
    ];
    eprintln!("{}", say(lang, "baseline.written", &a));
    ExitCode::SUCCESS
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
    /// Ends the report and writes it where it goes; an error names the file not written.
    fn finish(&mut self, stale: &[Entry]) -> Result<(), (String, std::io::Error)> {
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
                let io = |e| (path.display().to_string(), e);
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

//! `cardlint.toml`: found by walking up from the checked path (or given with `--config`).
//! Severity overrides and `off`, select/ignore by code or family prefix, per-path overrides,
//! the endpoint of files by glob, the cards for cross-payload checks, the language and the
//! baseline. Unknown keys are errors with a did-you-mean.

use crate::finding::Finding;
use crate::registry::{self, Lang};
use crate::Severity;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "cardlint.toml";

const TOP_KEYS: &[&str] = &[
    "lang",
    "fail-on",
    "select",
    "ignore",
    "baseline",
    "rules",
    "endpoints",
    "cards",
    "overrides",
];
const OVERRIDE_KEYS: &[&str] = &["files", "select", "ignore", "rules"];
const LEVELS: &[&str] = &["off", "error", "warning", "info"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    Severity(Severity),
}

#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub rules: BTreeMap<String, Level>,
}

#[derive(Debug)]
pub struct Override {
    pub files: GlobSet,
    pub selection: Selection,
}

#[derive(Debug, Default)]
pub struct Config {
    /// The folder of the config file: relative paths and globs start there.
    pub dir: PathBuf,
    pub path: Option<PathBuf>,
    pub lang: Option<Lang>,
    pub fail_on: Option<FailOn>,
    pub baseline: Option<PathBuf>,
    pub selection: Selection,
    pub endpoints: Vec<(globset::GlobMatcher, String)>,
    pub cards: BTreeMap<String, PathBuf>,
    pub overrides: Vec<Override>,
}

/// The least severe finding that makes `check` exit 1 (`--fail-on`, `fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}: unknown key `{key}`")]
    UnknownKey {
        path: String,
        key: String,
        suggestion: Option<String>,
    },
    #[error("{path}: `{key}` = `{value}` is not valid")]
    BadValue {
        path: String,
        key: String,
        value: String,
        expected: String,
    },
    #[error("{path}: `{key}` names no rule or family: `{value}`")]
    UnknownRule {
        path: String,
        key: String,
        value: String,
        suggestion: Option<String>,
    },
}

impl ConfigError {
    /// The error in the user's language.
    pub fn text(&self, lang: Lang) -> String {
        let t = |key: &str, args: Vec<(&'static str, String)>| registry::say(lang, key, &args);
        match self {
            ConfigError::Read { path, reason } => t(
                "error.config_read",
                vec![("path", path.clone()), ("reason", reason.clone())],
            ),
            ConfigError::UnknownKey {
                path,
                key,
                suggestion,
            } => {
                let mut a = vec![("path", path.clone()), ("key", key.clone())];
                if let Some(s) = suggestion {
                    a.push(("suggestion", s.clone()));
                }
                t("error.config_unknown_key", a)
            }
            ConfigError::UnknownRule {
                path,
                key,
                value,
                suggestion,
            } => {
                let mut a = vec![
                    ("path", path.clone()),
                    ("key", key.clone()),
                    ("rule", value.clone()),
                ];
                if let Some(s) = suggestion {
                    a.push(("suggestion", s.clone()));
                }
                t("error.config_unknown_rule", a)
            }
            ConfigError::BadValue {
                path,
                key,
                value,
                expected,
            } => t(
                "error.config_bad_value",
                vec![
                    ("path", path.clone()),
                    ("key", key.clone()),
                    ("value", value.clone()),
                    ("expected", expected.clone()),
                ],
            ),
        }
    }
}

/// The nearest `cardlint.toml` in `start` or a folder above it.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(start).ok()?;
    let mut dir = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent()?
    };
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = dir.parent()?;
    }
}

fn unknown(path: &str, key: &str, known: &[&str]) -> ConfigError {
    ConfigError::UnknownKey {
        path: path.to_string(),
        key: key.to_string(),
        suggestion: crate::suggest::closest(key, known.iter().copied()),
    }
}

fn strings(path: &str, key: &str, v: &toml::Value) -> Result<Vec<String>, ConfigError> {
    let bad = || ConfigError::BadValue {
        path: path.to_string(),
        key: key.to_string(),
        value: v.to_string(),
        expected: "[\"CODE\", \"FAMILY\"]".into(),
    };
    match v {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string).ok_or_else(bad))
            .collect(),
        _ => Err(bad()),
    }
}

/// What `select` and `ignore` accept: `ALL`, a family (`CARD`) or a rule's code (`CARD006`).
/// Anything else is an error with the nearest of them: an unknown selector would otherwise
/// silently turn every check off (`--select type`) or none.
pub fn check_selector(s: &str) -> Result<(), Option<String>> {
    let codes = || registry::all().iter().map(|r| r.code.as_str());
    let family = |code: &str| {
        code.trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string()
    };
    let families: std::collections::BTreeSet<String> = codes().map(family).collect();
    if s == ALL || families.contains(s) || codes().any(|c| c == s) {
        return Ok(());
    }
    let upper = s.to_ascii_uppercase();
    if upper == ALL || families.contains(&upper) || codes().any(|c| c == upper) {
        return Err(Some(upper));
    }
    let mut candidates: Vec<String> = families.into_iter().collect();
    candidates.push(ALL.into());
    candidates.extend(codes().map(str::to_string));
    Err(crate::suggest::closest(
        s,
        candidates.iter().map(String::as_str),
    ))
}

/// Every rule, in `select` / `ignore`.
pub const ALL: &str = "ALL";

fn check_codes(path: &str, key: &str, codes: &[String]) -> Result<(), ConfigError> {
    for c in codes {
        check_selector(c).map_err(|suggestion| ConfigError::UnknownRule {
            path: path.to_string(),
            key: key.to_string(),
            value: c.clone(),
            suggestion,
        })?;
    }
    Ok(())
}

fn selection(path: &str, table: &toml::Table, known: &[&str]) -> Result<Selection, ConfigError> {
    let mut sel = Selection::default();
    for (k, v) in table {
        if !known.contains(&k.as_str()) {
            return Err(unknown(path, k, known));
        }
        match k.as_str() {
            "select" => {
                sel.select = strings(path, k, v)?;
                check_codes(path, k, &sel.select)?;
            }
            "ignore" => {
                sel.ignore = strings(path, k, v)?;
                check_codes(path, k, &sel.ignore)?;
            }
            "rules" => {
                let t = v.as_table().ok_or_else(|| ConfigError::BadValue {
                    path: path.to_string(),
                    key: k.clone(),
                    value: v.to_string(),
                    expected: "{ CODE = \"off\" }".into(),
                })?;
                let codes: Vec<&str> = registry::all().iter().map(|r| r.code.as_str()).collect();
                for (code, level) in t {
                    let rule = registry::lookup(code).ok_or_else(|| unknown(path, code, &codes))?;
                    let level = level.as_str().unwrap_or("");
                    let parsed = match level {
                        "off" => Level::Off,
                        "error" => Level::Severity(Severity::Error),
                        "warning" => Level::Severity(Severity::Warning),
                        "info" => Level::Severity(Severity::Info),
                        _ => {
                            return Err(ConfigError::BadValue {
                                path: path.to_string(),
                                key: format!("rules.{code}"),
                                value: level.to_string(),
                                expected: LEVELS.join(" | "),
                            })
                        }
                    };
                    sel.rules.insert(rule.code.clone(), parsed);
                }
            }
            _ => {}
        }
    }
    Ok(sel)
}

fn glob(path: &str, pattern: &str) -> Result<Glob, ConfigError> {
    Glob::new(pattern).map_err(|e| ConfigError::BadValue {
        path: path.to_string(),
        key: "glob".into(),
        value: pattern.to_string(),
        expected: e.to_string(),
    })
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            reason: e.message().to_string(),
        })?;
        let dir = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let mut cfg = Config {
            dir: dir.clone(),
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        for k in table.keys() {
            if !TOP_KEYS.contains(&k.as_str()) {
                return Err(unknown(&shown, k, TOP_KEYS));
            }
        }
        let sel_table: toml::Table = table
            .iter()
            .filter(|(k, _)| ["select", "ignore", "rules"].contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        cfg.selection = selection(&shown, &sel_table, &["select", "ignore", "rules"])?;
        if let Some(v) = table.get("lang") {
            cfg.lang = match v.as_str() {
                Some("zh") => Some(Lang::Zh),
                Some("en") => Some(Lang::En),
                _ => {
                    return Err(ConfigError::BadValue {
                        path: shown,
                        key: "lang".into(),
                        value: v.to_string(),
                        expected: "zh | en".into(),
                    })
                }
            };
        }
        if let Some(v) = table.get("fail-on") {
            match v.as_str() {
                Some("error") => cfg.fail_on = Some(FailOn::Error),
                Some("warning") => cfg.fail_on = Some(FailOn::Warning),
                Some("info") => cfg.fail_on = Some(FailOn::Info),
                Some("never") => cfg.fail_on = Some(FailOn::Never),
                _ => {
                    return Err(ConfigError::BadValue {
                        path: shown,
                        key: "fail-on".into(),
                        value: v.to_string(),
                        expected: "error | warning | info | never".into(),
                    })
                }
            }
        }
        if let Some(v) = table.get("baseline").and_then(|v| v.as_str()) {
            cfg.baseline = Some(dir.join(v));
        }
        if let Some(t) = table.get("endpoints").and_then(|v| v.as_table()) {
            cfg.endpoints = endpoint_globs(&shown, t)?;
        }
        if let Some(t) = table.get("cards").and_then(|v| v.as_table()) {
            for (id, p) in t {
                if let Some(p) = p.as_str() {
                    cfg.cards.insert(id.clone(), dir.join(p));
                }
            }
        }
        if let Some(list) = table.get("overrides").and_then(|v| v.as_array()) {
            for t in list.iter().filter_map(|item| item.as_table()) {
                cfg.overrides.push(override_of(&shown, t)?);
            }
        }
        Ok(cfg)
    }

    /// A path as the config's globs see it: relative to the config folder, with `/`.
    pub fn relative(&self, path: &Path) -> String {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let rel = abs.strip_prefix(&self.dir).unwrap_or(&abs);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// The endpoint the config gives this file, if a glob matches it.
    pub fn endpoint_for(&self, rel: &str) -> Option<&str> {
        self.endpoints
            .iter()
            .find(|(g, _)| g.is_match(rel))
            .map(|(_, e)| e.as_str())
    }

    /// Applies select/ignore and severity overrides (global, then matching overrides, then
    /// the command line's) to one file's findings.
    pub fn filter(&self, rel: &str, cli: &Selection, findings: &mut Vec<Finding>) {
        let mut layers: Vec<&Selection> = vec![&self.selection];
        layers.extend(
            self.overrides
                .iter()
                .filter(|o| o.files.is_match(rel))
                .map(|o| &o.selection),
        );
        layers.push(cli);
        // a family matches its codes (`CARD` ~ `CARD006`), never a longer family (`CARD` is no
        // prefix of `CARDX001`: the rest must be digits)
        let starts = |list: &[String], code: &str| {
            list.iter().any(|p| {
                p == ALL
                    || code
                        .strip_prefix(p.as_str())
                        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
            })
        };
        findings.retain_mut(|f| {
            let mut keep = true;
            for layer in &layers {
                if !layer.select.is_empty() {
                    keep = starts(&layer.select, &f.code);
                }
                if starts(&layer.ignore, &f.code) {
                    keep = false;
                }
                match layer.rules.get(&f.code) {
                    Some(Level::Off) => keep = false,
                    Some(Level::Severity(s)) => {
                        f.severity = *s;
                        keep = true;
                    }
                    None => {}
                }
            }
            keep
        });
    }
}

/// The commented starter config `cardlint init` writes.
pub const STARTER: &str = r#"# cardlint configuration (the README's "Configuration" section explains every key)
# Paths and globs are relative to this file.

# Language of messages: "zh" or "en" (default: from LANG).
# lang = "zh"

# Exit with code 1 when a finding of this severity or worse remains: error | warning | info | never.
# fail-on = "error"

# Only these rules (codes, families such as "CARD", or "ALL"), and never these.
# select = ["JSON", "SCHEMA", "TYPE", "CARD"]
# ignore = ["CARD013"]

# Known findings that are accepted for now (written by `cardlint check --write-baseline`).
# baseline = ".cardlint-baseline.json"

# Severity per rule: "off", "error", "warning" or "info".
[rules]
# CARD019 = "off"       # images not on the mmbiz CDN
# CARD008 = "error"     # validity already ended

# The endpoint of files whose shape alone does not say it.
[endpoints]
# "templates/qr/*.json" = "card/qrcode/create"

# The card/create payload (or saved card/get response) that defines a card_id, for the
# cross-payload checks of QR codes, card_ext and PayCell requests.
[cards]
# pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K = "templates/cash.json"

# Different settings for some files.
# [[overrides]]
# files = ["legacy/**/*.json"]
# ignore = ["CARD024"]
# rules = { CARD011 = "warning" }
"#;

/// `[endpoints]`: glob = endpoint, each endpoint checked against the known ones.
fn endpoint_globs(
    shown: &str,
    t: &toml::Table,
) -> Result<Vec<(globset::GlobMatcher, String)>, ConfigError> {
    let mut out = Vec::new();
    for (pattern, endpoint) in t {
        let name = endpoint.as_str().unwrap_or("");
        let canonical = crate::endpoint::canonical(name).ok_or_else(|| ConfigError::BadValue {
            path: shown.to_string(),
            key: format!("endpoints.\"{pattern}\""),
            value: name.to_string(),
            expected: crate::endpoint::suggest(name).unwrap_or_else(|| "cardlint endpoints".into()),
        })?;
        out.push((
            glob(shown, pattern)?.compile_matcher(),
            canonical.to_string(),
        ));
    }
    Ok(out)
}

/// One `[[overrides]]` entry: its file globs and its rule selection.
fn override_of(shown: &str, t: &toml::Table) -> Result<Override, ConfigError> {
    let mut files = GlobSetBuilder::new();
    if let Some(v) = t.get("files") {
        for pattern in strings(shown, "files", v)? {
            files.add(glob(shown, &pattern)?);
        }
    }
    let rest: toml::Table = t
        .iter()
        .filter(|(k, _)| k.as_str() != "files")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let selection = selection(shown, &rest, OVERRIDE_KEYS)?;
    Ok(Override {
        files: files.build().map_err(|e| ConfigError::BadValue {
            path: shown.to_string(),
            key: "files".into(),
            value: String::new(),
            expected: e.to_string(),
        })?,
        selection,
    })
}

//! Helpers shared by the integration tests: fixture discovery and a plain-text rendering of
//! findings for snapshots.
#![allow(dead_code)]

use cardlint::{Lang, Options, Report};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/<CODE>/` folders (rule fixtures), sorted.
pub fn rule_fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.file_name().unwrap() != "endpoints")
        .collect();
    dirs.sort();
    dirs
}

pub fn files_with_prefix(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    files.sort();
    files
}

pub fn endpoint_of(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("endpoint"))
        .ok()
        .map(|s| s.trim().to_string())
}

pub fn lint_file(path: &Path, endpoint: Option<String>, lang: Lang) -> Report {
    let bytes = std::fs::read(path).unwrap();
    let name = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let options = Options {
        endpoint,
        lang: Some(lang),
    };
    cardlint::lint_bytes(&options, &name, &bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Findings as plain text: position, severity, code, pointer, then message / why / help.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&format!(
            "{}:{}-{}:{} {} {} {} at {:?}\n  message: {}\n  why: {}\n  help: {}\n",
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            f.severity.as_str(),
            f.code,
            f.name,
            f.pointer,
            f.message,
            f.explanation,
            f.help
        ));
        for r in &f.related {
            out.push_str(&format!(
                "  related {}:{}: {}\n",
                r.line, r.column, r.message
            ));
        }
    }
    out
}

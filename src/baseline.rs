//! Baselines: accepted findings kept outside the payloads (JSON has no comments), keyed by
//! file + rule + JSON Pointer so they survive edits elsewhere in the file. Findings in the
//! baseline are not reported; entries that no longer match anything are reported as stale.

use crate::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const DEFAULT_NAME: &str = ".cardlint-baseline.json";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub code: String,
    pub pointer: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).expect("serializable");
        text.push('\n');
        // write-then-rename: parallel pre-commit runs never see half a file
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }

    pub fn from_findings<'a>(files: impl IntoIterator<Item = (String, &'a [Finding])>) -> Baseline {
        let mut entries: Vec<Entry> = files
            .into_iter()
            .flat_map(|(path, findings)| {
                findings.iter().map(move |f| Entry {
                    path: path.clone(),
                    code: f.code.clone(),
                    pointer: f.pointer.clone(),
                })
            })
            .collect();
        entries.sort();
        Baseline {
            version: 1,
            entries,
        }
    }
}

/// Matches findings against the baseline, one entry per finding.
pub struct Matcher {
    remaining: BTreeMap<Entry, usize>,
}

impl Matcher {
    pub fn new(b: &Baseline) -> Matcher {
        let mut remaining = BTreeMap::new();
        for e in &b.entries {
            *remaining.entry(e.clone()).or_insert(0) += 1;
        }
        Matcher { remaining }
    }

    /// Drops the findings of `path` that the baseline accepts.
    pub fn filter(&mut self, path: &str, findings: &mut Vec<Finding>) {
        findings.retain(|f| {
            let key = Entry {
                path: path.to_string(),
                code: f.code.clone(),
                pointer: f.pointer.clone(),
            };
            match self.remaining.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
    }

    /// Entries of the checked files (or of files that are gone) that matched nothing.
    pub fn stale(&self, checked: &[String], exists: impl Fn(&str) -> bool) -> Vec<Entry> {
        self.remaining
            .iter()
            .filter(|(e, n)| **n > 0 && (checked.contains(&e.path) || !exists(&e.path)))
            .flat_map(|(e, n)| std::iter::repeat_n(e.clone(), *n))
            .collect()
    }
}

//! `--format json`: one document, `{"version":1,"files":[..],"summary":{..}}` (see README).

use super::{Outcome, Summary};
use crate::Finding;
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    files: Vec<File<'a>>,
    summary: Summary,
    /// Baseline entries that matched nothing (only when a baseline is in use and some are stale).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    stale_baseline: &'a [crate::baseline::Entry],
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    endpoint: Option<&'a str>,
    findings: &'a [Finding],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

pub fn render(outcomes: &[Outcome], stale: &[crate::baseline::Entry]) -> String {
    let files = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Checked(r) => File {
                path: &r.source.path,
                endpoint: r.endpoint,
                findings: &r.findings,
                error: None,
            },
            Outcome::Failed { path, error } => File {
                path,
                endpoint: None,
                findings: &[],
                error: Some(error),
            },
        })
        .collect();
    let doc = Doc {
        version: 1,
        files,
        summary: Summary::of(outcomes),
        stale_baseline: stale,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("findings serialize");
    out.push('\n');
    out
}

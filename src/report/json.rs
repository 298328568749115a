//! `--format json`: one document, `{"version":1,"files":[..],"summary":{..}}` (see README),
//! written file by file; the bytes are those of `serde_json::to_string_pretty` of the whole.

use super::{pretty_at, put, Outcome, Shown, Stream, Summary};
use crate::Finding;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// One file of the document, secrets masked; also the `cardlint` field of the sandbox's
/// answers.
#[derive(Serialize)]
pub struct File<'a> {
    path: Cow<'a, str>,
    endpoint: Option<&'a str>,
    findings: Cow<'a, [Finding]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Cow<'a, str>>,
}

impl<'a> File<'a> {
    pub fn of(o: &'a Outcome) -> File<'a> {
        match o {
            Outcome::Checked(r) => File::checked(r),
            Outcome::Failed { path, error } => {
                let (path, error) = super::failed(path, error);
                File {
                    path,
                    endpoint: None,
                    findings: Cow::Borrowed(&[]),
                    error: Some(error),
                }
            }
        }
    }

    pub fn checked(r: &'a crate::Report) -> File<'a> {
        let shown = Shown::of(r);
        File {
            path: shown.path,
            endpoint: r.endpoint,
            findings: shown.findings,
            error: None,
        }
    }
}

const HEAD: &str = "{\n  \"version\": 1,\n  \"files\": [";

#[derive(Default)]
pub struct Json {
    summary: Summary,
}

impl Stream for Json {
    fn file(&mut self, o: &Outcome, out: &mut dyn Write) -> io::Result<()> {
        let file = File::of(o);
        let before = if self.summary.files == 0 { HEAD } else { "," };
        self.summary.add(o);
        put(out, &format!("{before}\n    {}", pretty_at(&file, 2)))
    }

    fn finish(&mut self, stale: &[crate::baseline::Entry], out: &mut dyn Write) -> io::Result<()> {
        let mut text = if self.summary.files == 0 {
            format!("{HEAD}]")
        } else {
            "\n  ]".to_string()
        };
        text.push_str(&format!(
            ",\n  \"summary\": {}",
            pretty_at(&self.summary, 1)
        ));
        // baseline entries that matched nothing (only when a baseline is in use and some are)
        if !stale.is_empty() {
            text.push_str(&format!(
                ",\n  \"stale_baseline\": {}",
                pretty_at(&super::stale(stale), 1)
            ));
        }
        text.push_str("\n}\n");
        put(out, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Entry;
    use serde_json::{json, to_value, Value};

    /// The document as it was rendered before it was streamed: all of it at once.
    fn whole(outcomes: &[Outcome], stale: &[Entry]) -> String {
        let files: Vec<Value> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Checked(r) => {
                    json!({"path": r.source.path, "endpoint": r.endpoint, "findings": r.findings})
                }
                Outcome::Failed { path, error } => {
                    json!({"path": path, "endpoint": null, "findings": [], "error": error})
                }
            })
            .collect();
        let mut doc = json!({"version": 1, "files": files, "summary": Summary::of(outcomes)});
        if !stale.is_empty() {
            doc["stale_baseline"] = to_value(stale).unwrap();
        }
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    #[test]
    fn streamed_document_is_the_whole_one_pretty_printed() {
        let checked = || {
            let text = r#"{"card_id": "pFS7FjqT2mW8xLc4Rb9NvYd6Hs3K", "code": 1434008071}"#;
            Outcome::Checked(crate::lint(Some("card/code/get"), text).unwrap())
        };
        let failed = Outcome::Failed {
            path: "b.json".into(),
            error: "b.json: cannot read".into(),
        };
        let stale = [Entry {
            path: "c.json".into(),
            code: "TYPE002".into(),
            pointer: "/code".into(),
        }];
        let outcomes = [checked(), failed, checked()];
        for (o, s) in [
            (&outcomes[..], &stale[..]),
            (&outcomes[..1], &[][..]),
            (&[][..], &[][..]),
            (&[][..], &stale[..]),
        ] {
            let streamed = crate::report::render(&mut Json::default(), o, s);
            assert_eq!(streamed, whole(o, s));
        }
    }
}

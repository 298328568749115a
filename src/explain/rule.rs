//! `cardlint explain RULE`: a rule's text, errcodes, symptoms, fix and evidence, with its
//! example fixture linted by the real pipeline.

use crate::finding::FixSafety;
use crate::registry::{self, docs::strip_placeholders, term, Lang, Rule, EXAMPLES};
use crate::Options;

pub fn example(rule: &Rule) -> Option<(&'static str, Option<&'static str>, &'static [u8])> {
    EXAMPLES
        .iter()
        .find(|(code, ..)| *code == rule.code)
        .map(|(_, name, endpoint, bytes)| (*name, *endpoint, *bytes))
}

pub fn explain(key: &str, lang: Lang) -> Option<String> {
    let rule = registry::lookup(key)?;
    let t = rule.text(lang);
    let heading = |k: &str| term(lang, k);
    let mut out = format!(
        "{} {} ({})\n\n{}: {}\n{}: {}\n{}: {}\n",
        rule.code,
        rule.name,
        term(lang, rule.severity.as_str()),
        heading("doc.what"),
        strip_placeholders(&t.message),
        heading("doc.why"),
        strip_placeholders(&t.why),
        heading("doc.fix"),
        strip_placeholders(&t.help),
    );
    if !rule.errcodes.is_empty() {
        let codes: Vec<String> = rule.errcodes.iter().map(i64::to_string).collect();
        out.push_str(&format!(
            "{}: {}\n",
            heading("doc.errcodes"),
            codes.join(", ")
        ));
    }
    if !rule.symptoms.is_empty() {
        out.push_str(&format!(
            "{}: {}\n",
            heading("doc.symptoms"),
            rule.symptoms.join(" / ")
        ));
    }
    if rule.fix != FixSafety::None {
        let kind = match rule.fix {
            FixSafety::Safe => "--fix",
            _ => "--fix --unsafe-fixes",
        };
        let note = t
            .fix_safety
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        out.push_str(&format!("{}: {kind}{note}\n", heading("doc.fix_safety")));
    }
    if !rule.evidence.is_empty() {
        out.push_str(&format!("{}:\n", heading("doc.evidence")));
        for e in &rule.evidence {
            let url = e
                .url
                .as_deref()
                .map(|u| format!(" <{u}>"))
                .unwrap_or_default();
            out.push_str(&format!("  {}: {}{url}\n", e.label(), e.title));
        }
    }
    if let Some((name, endpoint, bytes)) = example(rule) {
        let options = Options {
            endpoint: endpoint.map(str::to_string),
            lang: Some(lang),
            ..Options::default()
        };
        out.push_str(&format!("\n{} ({name}):\n", heading("doc.example")));
        out.push_str(&String::from_utf8_lossy(bytes));
        if !bytes.ends_with(b"\n") {
            out.push('\n');
        }
        if let Ok(report) = crate::lint_bytes(&options, name, bytes) {
            for f in report.findings.iter().filter(|f| f.code == rule.code) {
                out.push_str(&format!(
                    "  -> {}:{} {}\n     {}\n",
                    f.line, f.column, f.message, f.help
                ));
            }
        }
    }
    Some(out)
}

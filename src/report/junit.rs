//! `--format junit`: one test suite per file, one failing test case per finding (a clean file
//! is one passing case), for CI systems that read JUnit XML.

use super::{put, Outcome, Shown, Spill, Stream};
use std::io::{self, Write};

/// `s` as XML 1.0 text or attribute value: markup escaped, line breaks and tabs as character
/// references (attribute values keep them so), and the characters XML cannot carry at all
/// (other control characters, U+FFFE, U+FFFF, lone surrogates cannot occur in a `str`) shown
/// as `\u{..}` text.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// The suites are held back (in a [`Spill`]) because the root element carries the totals.
#[derive(Default)]
pub struct Junit {
    suites: Spill,
    tests: usize,
    failures: usize,
    errors: usize,
}

impl Stream for Junit {
    fn file(&mut self, o: &Outcome, _: &mut dyn Write) -> io::Result<()> {
        let mut suite = String::new();
        match o {
            Outcome::Checked(r) => {
                let shown = Shown::of(r);
                let path = xml(&shown.path);
                let n = shown.findings.len().max(1);
                let fails = shown.findings.len();
                self.tests += n;
                self.failures += fails;
                suite.push_str(&format!(
                    "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{fails}\" errors=\"0\">\n"
                ));
                if shown.findings.is_empty() {
                    suite.push_str(&format!(
                        "    <testcase name=\"{path}\" classname=\"cardlint\"/>\n"
                    ));
                }
                for f in shown.findings.iter() {
                    suite.push_str(&format!(
                        "    <testcase name=\"{} {}:{} {}\" classname=\"{path}\">\n      <failure type=\"{}\" message=\"{}\">{}:{} {} {}\n{}\n{}</failure>\n    </testcase>\n",
                        xml(&f.code),
                        f.line,
                        f.column,
                        xml(&f.pointer),
                        f.severity.as_str(),
                        xml(&f.message),
                        f.line,
                        f.column,
                        xml(&f.code),
                        xml(&f.message),
                        xml(&f.explanation),
                        xml(&f.help),
                    ));
                }
                suite.push_str("  </testsuite>\n");
            }
            Outcome::Failed { path, error } => {
                self.tests += 1;
                self.errors += 1;
                let (path, error) = super::failed(path, error);
                let path = xml(&path);
                suite.push_str(&format!(
                    "  <testsuite name=\"{path}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"{path}\" classname=\"cardlint\">\n      <error message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
                    xml(&error)
                ));
            }
        }
        put(&mut self.suites, &suite)
    }

    fn finish(&mut self, _: &[crate::baseline::Entry], out: &mut dyn Write) -> io::Result<()> {
        put(
            out,
            &format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cardlint\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                self.tests, self.failures, self.errors
            ),
        )?;
        self.suites.copy_to(out)?;
        put(out, "</testsuites>\n")
    }
}

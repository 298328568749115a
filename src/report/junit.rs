//! `--format junit`: one test suite per file, one failing test case per finding (a clean file
//! is one passing case), for CI systems that read JUnit XML.

use super::Outcome;

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(outcomes: &[Outcome]) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for o in outcomes {
        match o {
            Outcome::Checked(r) => {
                let path = xml(&r.source.path);
                let n = r.findings.len().max(1);
                let fails = r.findings.len();
                tests += n;
                failures += fails;
                suites.push_str(&format!(
                    "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{fails}\" errors=\"0\">\n"
                ));
                if r.findings.is_empty() {
                    suites.push_str(&format!(
                        "    <testcase name=\"{path}\" classname=\"cardlint\"/>\n"
                    ));
                }
                for f in &r.findings {
                    suites.push_str(&format!(
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
                suites.push_str("  </testsuite>\n");
            }
            Outcome::Failed { path, error } => {
                tests += 1;
                errors += 1;
                let path = xml(path);
                suites.push_str(&format!(
                    "  <testsuite name=\"{path}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"{path}\" classname=\"cardlint\">\n      <error message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
                    xml(error)
                ));
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cardlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
}

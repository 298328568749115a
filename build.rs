//! Embeds every rule TOML and endpoint schema in the binary, so the CLI reads no files at
//! start-up and a new rule or schema is registered by adding its file; and writes one typed
//! constant per rule (`code::CARD006`), so a check cannot name a rule that does not exist.

use std::fmt::Write;
use std::path::Path;

fn embed(dir: &str, ext: &str, out: &mut String, name: &str) {
    let root =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
    for f in files {
        let stem = f.file_stem().unwrap().to_string_lossy();
        writeln!(out, "    ({stem:?}, include_str!({:?})),", f.display()).unwrap();
    }
    writeln!(out, "];").unwrap();
}

/// The first `invalid*` fixture of every rule (and its `endpoint` file), for `cardlint explain`.
fn examples(out: &mut String) {
    let root =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("fixtures");
    println!("cargo:rerun-if-changed={}", root.display());
    writeln!(
        out,
        "pub static EXAMPLES: &[(&str, &str, Option<&str>, &[u8])] = &["
    )
    .unwrap();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        println!("cargo:rerun-if-changed={}", dir.display());
        let code = dir.file_name().unwrap().to_string_lossy();
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("invalid")
            })
            .collect();
        // `invalid.json` (the rule's main example) first, then the variants
        files.sort_by_key(|p| (p.file_stem().unwrap() != "invalid", p.clone()));
        let Some(first) = files.first() else { continue };
        let endpoint = std::fs::read_to_string(dir.join("endpoint"))
            .ok()
            .map(|s| s.trim().to_string());
        let name = first.file_name().unwrap().to_string_lossy();
        writeln!(
            out,
            "    ({code:?}, {name:?}, {endpoint:?}, include_bytes!({:?})),",
            first.display()
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
}

/// Placeholder names of a template: `(all, required)`, where the names inside or naming a
/// `{?name:...}` section are optional. `{{` and `}}` are literal braces.
fn placeholders(t: &str, all: &mut Vec<String>, required: &mut Vec<String>) {
    let b = t.as_bytes();
    let mut depth = 0usize; // depth of `{?...}` sections
    let mut stack: Vec<bool> = Vec::new(); // per open brace: is it a section?
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"{{") || b[i..].starts_with(b"}}") {
            i += 2;
            continue;
        }
        match b[i] {
            b'{' => {
                let rest = &t[i + 1..];
                let section = rest.starts_with('?');
                let name: String = rest
                    .trim_start_matches('?')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    all.push(name.clone());
                    if !section && depth == 0 {
                        required.push(name);
                    }
                }
                if section {
                    depth += 1;
                }
                stack.push(section);
            }
            b'}' if stack.pop() == Some(true) => depth -= 1,
            _ => {}
        }
        i += 1;
    }
}

/// `pub mod code { pub const CARD006: Code = ...; }`: the rule's index in RULE_FILES and the
/// placeholders its text uses.
fn codes(out: &mut String) {
    let root =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    writeln!(
        out,
        "/// One constant per rule, generated from rules/*.toml."
    )
    .unwrap();
    writeln!(out, "pub mod code {{").unwrap();
    writeln!(out, "    use crate::finding::Code;").unwrap();
    for (index, f) in files.iter().enumerate() {
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        if stem == "terms" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let code = table
            .get("code")
            .and_then(|c| c.as_str())
            .unwrap_or_else(|| panic!("{}: no code", f.display()))
            .to_string();
        assert!(
            stem.starts_with(&format!("{code}-")),
            "{}: the file name must start with `{code}-`",
            f.display()
        );
        let (mut all, mut required) = (Vec::new(), Vec::new());
        for lang in ["zh", "en"] {
            let Some(t) = table.get(lang).and_then(|t| t.as_table()) else {
                continue;
            };
            for field in ["message", "why", "help", "related"] {
                if let Some(s) = t.get(field).and_then(|v| v.as_str()) {
                    placeholders(s, &mut all, &mut required);
                }
            }
        }
        for v in [&mut all, &mut required] {
            v.sort();
            v.dedup();
        }
        writeln!(
            out,
            "    pub const {code}: Code = Code::new({code:?}, {index}, &{all:?}, &{required:?});"
        )
        .unwrap();
    }
    writeln!(out, "}}").unwrap();
}

fn main() {
    let mut out = String::new();
    embed("rules", "toml", &mut out, "RULE_FILES");
    codes(&mut out);
    embed("schemas", "json", &mut out, "SCHEMA_FILES");
    embed("schemas/query", "json", &mut out, "QUERY_SCHEMA_FILES");
    examples(&mut out);
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}

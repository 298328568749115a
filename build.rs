//! Embeds every rule TOML and endpoint schema in the binary, so the CLI reads no files at
//! start-up and a new rule or schema is registered by adding its file.

use std::fmt::Write;
use std::path::Path;

fn embed(dir: &str, ext: &str, out: &mut String, name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
    for f in files {
        let stem = f.file_stem().unwrap().to_string_lossy();
        writeln!(out, "    ({stem:?}, include_str!({:?})),", f.display()).unwrap();
    }
    writeln!(out, "];").unwrap();
}

/// The first `invalid*` fixture of every rule (and its `endpoint` file), for `cardlint explain`.
fn examples(out: &mut String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
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

fn main() {
    let mut out = String::new();
    embed("rules", "toml", &mut out, "RULE_FILES");
    embed("schemas", "json", &mut out, "SCHEMA_FILES");
    examples(&mut out);
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}

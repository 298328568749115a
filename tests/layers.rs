//! The library's layers read top-down: a module may use only modules of a lower layer (and
//! itself). docs/architecture.md explains the layers; this table is their source of truth.
//! Also: no function outside tests is longer than `MAX_FN_LINES`.

mod common;

/// Each top-level module of src/ with its layer, bottom first. `lib` is src/lib.rs, the one
/// place that runs the stages in order.
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("finding", 1),
    ("suggest", 1),
    ("registry", 2),
    ("redact", 3),
    ("signature", 3),
    ("source", 4),
    ("syntax", 5),
    ("locate", 6),
    ("endpoint", 7),
    ("schema", 8),
    ("rules", 9),
    ("lib", 10),
    ("messages", 11),
    ("baseline", 11),
    ("config", 12),
    ("fix", 12),
    ("report", 12),
    ("explain", 13),
    ("serve", 14),
    ("fuzzing", 15),
    ("lsp", 15),
    ("proxy", 15),
];

/// What the crate root re-exports or defines, by the module it really belongs to.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("Finding", "finding"),
    ("Severity", "finding"),
    ("Lang", "registry"),
    ("Source", "source"),
    ("InputError", "source"),
    ("unix_now", "model"),
    ("Report", "lib"),
    ("Options", "lib"),
    ("LintError", "lib"),
    ("lint", "lib"),
    ("lint_bytes", "lib"),
    ("lint_url", "lib"),
    ("MAX_FINDINGS", "lib"),
];

const MAX_FN_LINES: usize = 120;

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The code of a file without comments and string literals' contents that could look like
/// paths (doc examples are comments; they use the public API, not `crate::`).
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| match l.find("//") {
        Some(i) => &l[..i],
        None => l,
    })
}

/// The modules a file of `module` reaches with `crate::…` (and, in lib.rs, with a bare path
/// to a child module), each with the line that does it.
fn uses(module: &str, text: &str) -> Vec<(String, String)> {
    let path = regex::Regex::new(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*)").unwrap();
    let group = regex::Regex::new(r"\bcrate::\{([^}]*)").unwrap();
    let bare = regex::Regex::new(r"(?:^|[^:\w])([a-z_][a-z0-9_]*)::").unwrap();
    let mut out = Vec::new();
    for line in code_lines(text) {
        let grouped = group.captures_iter(line).flat_map(|c| {
            let items: Vec<String> = c[1]
                .split(',')
                .map(|i| i.trim().split("::").next().unwrap_or("").to_string())
                .filter(|i| !i.is_empty())
                .collect();
            items
        });
        let single = path.captures_iter(line).map(|c| c[1].to_string());
        for name in single.chain(grouped) {
            let name = name.as_str();
            let target = ROOT_ITEMS
                .iter()
                .find(|(item, _)| *item == name)
                .map_or(name, |(_, m)| *m);
            out.push((target.to_string(), line.trim().to_string()));
        }
        if module == "lib" {
            for c in bare.captures_iter(line) {
                if layer(&c[1]).is_some() {
                    out.push((c[1].to_string(), line.trim().to_string()));
                }
            }
        }
    }
    out
}

/// The imports of a file of `module` that reach a module of its own layer or above.
fn violations(module: &str, text: &str) -> Vec<String> {
    let Some(own) = layer(module) else {
        return vec![format!("module `{module}` has no layer in tests/layers.rs")];
    };
    uses(module, text)
        .into_iter()
        .filter(|(target, _)| target != module)
        .filter_map(|(target, line)| match layer(&target) {
            Some(l) if l < own => None,
            Some(l) => Some(format!(
                "`{module}` (layer {own}) uses `{target}` (layer {l}): {line}"
            )),
            None => Some(format!(
                "`{module}` uses `{target}`, which has no layer: {line}"
            )),
        })
        .collect()
}

/// The library's source files with the top-level module each belongs to (the binary's
/// main.rs and cli/ sit on top of everything and may use any of it).
fn library_files() -> Vec<(String, std::path::PathBuf)> {
    let src = common::root().join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !rel.ends_with(".rs") || rel == "main.rs" || rel.starts_with("cli/") {
                continue;
            }
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            out.push((top, p));
        }
    }
    out.sort();
    out
}

#[test]
fn every_module_imports_only_lower_layers() {
    let mut bad = Vec::new();
    for (module, path) in library_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for v in violations(&module, &text) {
            bad.push(format!("{}: {v}", path.display()));
        }
    }
    assert!(bad.is_empty(), "imports that point up:\n{}", bad.join("\n"));
}

#[test]
fn the_guard_catches_an_upward_import() {
    // a parser that reached for the sandbox, or a rule that ran the whole pipeline
    assert_eq!(violations("syntax", "use crate::serve::Sandbox;").len(), 1);
    assert_eq!(
        violations("rules", "let r = crate::lint_bytes(&o, p, b);").len(),
        1
    );
    assert_eq!(violations("model", "use crate::finding::Hit;").len(), 1);
    // a re-export counts as the module it comes from
    assert_eq!(violations("finding", "use crate::Lang;").len(), 1);
    // grouped imports are read item by item
    assert_eq!(
        violations("source", "use crate::{finding::Hit, schema, Report};").len(),
        2
    );
    // and lib.rs runs the stages, but may not reach above itself
    assert_eq!(violations("lib", "let x = report::render(a);").len(), 1);
    // downward imports are the rule, comments are not imports
    assert!(violations("rules", "use crate::model::path::Path;").is_empty());
    assert!(violations("syntax", "// see crate::serve::Sandbox").is_empty());
    assert!(violations("serve", "use crate::{lint_bytes, Options};").is_empty());
}

/// Function lengths by indentation (the tree is rustfmt-formatted): from a line starting a
/// `fn` to the closing brace at the same indentation, outside `mod tests`.
fn long_functions(text: &str, max: usize) -> Vec<(String, usize)> {
    let start =
        regex::Regex::new(r"^(\s*)(?:pub(?:\([a-z]+\))? )?(?:const )?(?:async )?fn (\w+)").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with("mod tests") {
            break; // test modules sit at the end of a file
        }
        if let Some(c) = start.captures(lines[i]) {
            let indent = &c[1];
            if !lines[i].trim_end().ends_with(';') {
                let close = format!("{indent}}}");
                let end = (i + 1..lines.len())
                    .find(|&j| lines[j] == close)
                    .unwrap_or(lines.len() - 1);
                let n = end - i + 1;
                if n > max {
                    out.push((c[2].to_string(), n));
                }
            }
        }
        i += 1;
    }
    out
}

#[test]
fn no_function_is_too_long() {
    let mut bad = Vec::new();
    let mut files = library_files();
    let src = common::root().join("src");
    files.push(("main".into(), src.join("main.rs")));
    for e in std::fs::read_dir(src.join("cli")).unwrap().flatten() {
        files.push(("cli".into(), e.path()));
    }
    for (_, path) in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (name, n) in long_functions(&text, MAX_FN_LINES) {
            bad.push(format!("{}: fn {name} has {n} lines", path.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "split these (at most {MAX_FN_LINES} lines a function):\n{}",
        bad.join("\n")
    );
    assert_eq!(
        long_functions("fn a() {\n    x;\n    y;\n}\n", 3),
        [("a".to_string(), 4)]
    );
}

//! The fix-soundness property (`cardlint::fuzzing::fix_soundness_of`, also the `fix_soundness`
//! fuzz target) over every fixture, the fuzz seed corpus and, with CARDLINT_CORPUS, the
//! real-world corpus: at both safety levels, a fix changes only what its rule declares.

mod common;

use cardlint::fuzzing::fix_soundness_of;
use cardlint::{Lang, Options};
use std::path::{Path, PathBuf};

fn payloads(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && ["json", "jsonc", "http", "html", "js", "vue"]
                    .contains(&p.extension().and_then(|e| e.to_str()).unwrap_or(""))
        })
        .collect();
    out.sort();
    out
}

fn check(file: &Path, options: &Options, problems: &mut Vec<String>) {
    let bytes = std::fs::read(file).unwrap();
    let name = file.display().to_string();
    for allow_unsafe in [false, true] {
        problems.extend(fix_soundness_of(options, &name, &bytes, allow_unsafe));
    }
}

/// The endpoint a fixture is linted as: its folder's, `endpoints.toml`'s for the file, or
/// the folder name under fixtures/endpoints/.
fn options_for(dir: &Path, file: &Path, endpoint_dir: bool) -> Options {
    let mut options = common::options_of(dir, Lang::En);
    if endpoint_dir {
        options.endpoint = Some(
            dir.file_name()
                .unwrap()
                .to_string_lossy()
                .replace("card.", "card/")
                .replace('.', "/")
                .replace("wx/addCard", "wx.addCard"),
        );
    }
    if let Some(e) = std::fs::read_to_string(dir.join("endpoints.toml"))
        .ok()
        .and_then(|t| toml::from_str::<std::collections::BTreeMap<String, String>>(&t).ok())
        .and_then(|m| {
            m.get(&*file.file_name().unwrap().to_string_lossy())
                .cloned()
        })
    {
        options.endpoint = Some(e);
    }
    options
}

#[test]
fn every_fixture_is_fixed_soundly() {
    let mut problems = Vec::new();
    let endpoints = common::root().join("fixtures/endpoints");
    let mut dirs = common::rule_fixture_dirs();
    dirs.extend(
        std::fs::read_dir(&endpoints)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path())),
    );
    let mut n = 0;
    for dir in dirs {
        let endpoint_dir = dir.starts_with(&endpoints);
        for file in payloads(&dir) {
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            // rule folders also hold card definitions for --card
            let fixture = name.starts_with("valid") || name.starts_with("invalid");
            if !(endpoint_dir || fixture) {
                continue;
            }
            check(
                &file,
                &options_for(&dir, &file, endpoint_dir),
                &mut problems,
            );
            n += 1;
        }
    }
    assert!(n > 100, "only {n} fixtures");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_fuzz_seed_corpus_is_fixed_soundly() {
    let dir = common::root().join("fuzz/corpus/fix_soundness");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        cardlint::fuzzing::fix_soundness(&std::fs::read(e.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n > 0, "{} is empty", dir.display());
}

#[test]
fn the_real_world_corpus_is_fixed_soundly() {
    let Some(dir) = std::env::var_os("CARDLINT_CORPUS").map(PathBuf::from) else {
        eprintln!("corpus fix-soundness test skipped: set CARDLINT_CORPUS");
        return;
    };
    let expect: toml::Table = toml::from_str(
        &std::fs::read_to_string(common::root().join("tests/corpus-expect.toml")).unwrap(),
    )
    .unwrap();
    let endpoints: std::collections::BTreeMap<String, String> = expect["file"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            Some((
                f.get("name")?.as_str()?.to_string(),
                f.get("endpoint")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let mut problems = Vec::new();
    for file in payloads(&dir) {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let options = Options {
            endpoint: endpoints.get(&name).cloned(),
            lang: Some(Lang::En),
            now: Some(common::NOW),
            ..Options::default()
        };
        check(&file, &options, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

//! `cardlint-floor DIR...`: reads every `.json` file under the given folders and parses each
//! with `serde_json::from_slice` into a `Value`, on as many threads as the machine has cores
//! (cardlint's default), and prints how many parsed. Nothing else: no positions, no schema, no
//! report. The cost of a linter can only come close to this.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for arg in std::env::args_os().skip(1) {
        let p = PathBuf::from(arg);
        if p.is_dir() {
            collect(&p, &mut files);
        } else {
            files.push(p);
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    let parsed: usize = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .filter(|p| {
                            std::fs::read(p).is_ok_and(|b| {
                                serde_json::from_slice::<serde_json::Value>(&b).is_ok()
                            })
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    println!("{parsed} of {} files parsed", files.len());
}

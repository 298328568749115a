//! Replays the fuzz corpus (fuzz/corpus/<target>/, seeded from the fixtures, plus every input
//! a fuzz run found interesting enough to keep) through the same properties the targets check.

mod common;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = common::root().join("fuzz/corpus").join(target);
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        check(&std::fs::read(&p).unwrap());
        n += 1;
    }
    assert!(n > 0, "{} is empty", dir.display());
}

#[test]
fn check_corpus() {
    replay("check", cardlint::fuzzing::check);
}

#[test]
fn parser_vs_serde_corpus() {
    replay("parser_vs_serde", cardlint::fuzzing::parser_vs_serde);
}

#[test]
fn positions_corpus() {
    replay("positions", cardlint::fuzzing::positions);
}

#[test]
fn card_ext_corpus() {
    replay("card_ext", cardlint::fuzzing::card_ext);
}

#[test]
fn serve_corpus() {
    replay("serve", cardlint::fuzzing::serve);
}

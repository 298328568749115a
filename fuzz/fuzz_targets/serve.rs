#![no_main]
// The property lives in cardlint::fuzzing, where tests/fuzz_corpus.rs replays the corpus.
libfuzzer_sys::fuzz_target!(|data: &[u8]| cardlint::fuzzing::serve(data));

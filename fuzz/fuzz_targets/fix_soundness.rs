#![no_main]
// The property lives in cardlint::fuzzing, where tests/fix_soundness.rs replays the corpus.
libfuzzer_sys::fuzz_target!(|data: &[u8]| cardlint::fuzzing::fix_soundness(data));

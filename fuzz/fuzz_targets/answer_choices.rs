//! Fuzz target: `patterns::fuzzing::answer_choices` (the same check runs in tests/fuzz_equivalents.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| patterns::fuzzing::answer_choices(data));

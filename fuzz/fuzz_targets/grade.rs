//! Fuzz target: `patterns::fuzzing::grade` (the same check runs in tests/fuzz_equivalents.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| patterns::fuzzing::grade(data));

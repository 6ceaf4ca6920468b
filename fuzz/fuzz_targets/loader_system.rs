//! Fuzz target: `patterns::fuzzing::loader_system` (the same check runs in tests/fuzz_equivalents.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| patterns::fuzzing::loader_system(data));

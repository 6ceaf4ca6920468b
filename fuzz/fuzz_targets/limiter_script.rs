//! Fuzz target: `patterns::fuzzing::limiter_script` (the same check runs in
//! tests/fuzz_equivalents.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| patterns::fuzzing::limiter_script(text));

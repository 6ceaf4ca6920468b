//! Fuzz target: `patterns::fuzzing::screens_at_size` on the first four bytes as width and
//! height (1-512 each; the same check runs in tests/fuzz_equivalents.rs over proptest sizes).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let [w0, w1, h0, h1, ..] = *data {
        let size = |a: u8, b: u8| u16::from_le_bytes([a, b]) % 512 + 1;
        patterns::fuzzing::screens_at_size(size(w0, w1), size(h0, h1));
    }
});

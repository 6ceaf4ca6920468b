//! Benchmarks (storm): written with the storm work.
fn main() {}

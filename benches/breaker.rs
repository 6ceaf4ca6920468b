//! Benchmarks (breaker): written with the breaker work.
fn main() {}

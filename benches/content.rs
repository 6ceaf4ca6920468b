//! Benchmarks (content): written with the content work.
fn main() {}

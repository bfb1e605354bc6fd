//! Criterion benchmarks: parse throughput and one year of a weekly series (issue 3 goals).
fn main() {}

//! Range-query benchmark (filled in below).
fn main() {}

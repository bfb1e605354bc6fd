//! almanac-caldav's integration tests, one binary for the crate: a binary per file cost a link
//! step each, and link steps dominated test builds on two cores. Each module was a file of its
//! own; run one with `cargo test -p almanac-caldav --test it -- wire::`.

// clippy's allow-unwrap-in-tests covers #[test] fns only, not the suites' helpers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fuzz_multistatus;
mod measure_batch;
mod real_servers;
mod wire;

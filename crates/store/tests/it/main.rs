//! almanac-store's integration tests, one binary for the crate: a binary per file cost a link step
//! each, and link steps dominated test builds on two cores. Each module was a file of its own;
//! run one with `cargo test -p almanac-store --test it -- agenda::`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod agenda;
mod alarms;
mod batches;
mod multi_uid;
mod no_secrets;

//! almanac-ical's integration tests, one binary for the crate: a binary per file cost a link step
//! each, and link steps dominated test builds on two cores. Each module was a file of its own;
//! run one with `cargo test -p almanac-ical --test it -- edges::`. proptest keeps failing cases
//! beside this directory, in `tests/proptest-regressions/<module>.txt` (its default, which
//! follows the source path up to `main.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod edges;
mod edit_properties;
mod edits;
mod file_properties;
mod files;
mod producers;
mod properties;
mod rfc5545_examples;

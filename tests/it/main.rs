//! The suites that cross crates (`almanac-tests`), one binary: a binary per file cost a link step
//! each, and link steps dominated test builds on two cores. Each module was a file of its own;
//! run one with `cargo test -p almanac-tests --test it -- layering::`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod crash_safety;
mod layering;
mod x_run;

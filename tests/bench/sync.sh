#!/usr/bin/env bash
# The sync benchmark (issue 6): prints figures, times nothing as a test. It builds release
# binaries of the `almanac` CLI and of `almanac-sync-bench` (tests/dataset), then runs the bench
# inside a throwaway desktop session (the CLI keeps the password in the Secret Service).
#
#   tests/bench/sync.sh [--events N] [--seed N]
#
# Needs the test venv with Radicale (`./x test` creates it) and GNU time (installed here with
# apt when missing). What it measures and the goals: tests/dataset/src/bin/sync_bench.rs.
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/time ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time
fi
[ -x .venv/bin/radicale ] || { echo "no .venv/bin/radicale: run ./x test once" >&2; exit 1; }

cargo build --release -q -p almanac-cli -p almanac-dataset --bin almanac --bin almanac-sync-bench
exec tests/desktop-session.sh target/release/almanac-sync-bench --almanac target/release/almanac "$@"

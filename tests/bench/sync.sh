#!/usr/bin/env bash
# The sync benchmark (issues 6 and 15): prints figures, times nothing as a test. It builds
# release binaries of the `almanac` CLI and of `almanac-sync-bench` (tests/dataset), installs
# vdirsyncer into the bench's own venv (.venv-bench), then runs the bench inside a throwaway
# desktop session (the CLI keeps the password in the Secret Service). Almanac and vdirsyncer
# sync the same generated dataset from the same Radicale, through the same proxy, in one run.
#
#   tests/bench/sync.sh [--events N] [--seed N] [--latency-ms N] [--keep-alive] [--almanac PATH]
#
# --latency-ms N  the proxy holds each new connection and each request N ms (a far server:
#                 iCloud is 100-300 ms away); default 0.
# --keep-alive    the proxy keeps client connections open from one request to the next, as a
#                 far server with keep-alive does (Radicale answers HTTP/1.0 and closes each
#                 connection, so without it every request also pays a new connection's latency).
# --almanac PATH  measure this `almanac` binary instead of building one from the work tree.
#
# Needs the test venv with Radicale (`./x test` creates it) and GNU time (installed here with
# apt when missing). What it measures and the goals: tests/dataset/src/bin/sync_bench/main.rs.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The reference client, pinned so that figures stay comparable from run to run.
VDIRSYNCER=vdirsyncer==0.21.0
VENV=.venv-bench
TARGET=${CARGO_TARGET_DIR:-target}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/time ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time
fi
[ -x .venv/bin/radicale ] || { echo "no .venv/bin/radicale: run ./x test once" >&2; exit 1; }

# Idempotent: a second run only compares the stamp.
if [ ! -x "$VENV/bin/vdirsyncer" ] || [ "$(cat "$VENV/.almanac-requirements" 2>/dev/null)" != "$VDIRSYNCER" ]; then
  echo "Installing $VDIRSYNCER into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "$VDIRSYNCER"
  echo "$VDIRSYNCER" >"$VENV/.almanac-requirements"
fi

given_cli=
for arg in "$@"; do
  if [ "$arg" = --almanac ]; then given_cli=1; fi
done
if [ -n "$given_cli" ]; then
  cargo build --release -q -p almanac-dataset --bin almanac-sync-bench
else
  cargo build --release -q -p almanac-cli -p almanac-dataset --bin almanac --bin almanac-sync-bench
  set -- --almanac "$TARGET/release/almanac" "$@"
fi
exec tests/desktop-session.sh "$TARGET/release/almanac-sync-bench" --vdirsyncer "$VENV/bin/vdirsyncer" "$@"

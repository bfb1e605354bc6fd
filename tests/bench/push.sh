#!/usr/bin/env bash
# The push benchmark (issue 17): N events (default 1,000) imported into one calendar and sent by
# one `almanac sync`, against loopback Radicale filled by `almanac-dataset-serve`; prints the
# wall time of the push, how many changes the server took, and the next (idle) sync. Figures,
# not a test. Runs in a throwaway desktop session (the CLI keeps the password in the Secret
# Service).
#
#   tests/bench/push.sh [N] [--latency-ms M]   (ALMANAC_BENCH_PROFILE=debug: the debug binaries)
#
# --latency-ms M  a proxy in front of Radicale holds each new connection and each request M ms,
#                 as a far server with keep-alive does (Radicale stores one write at a time, so
#                 on loopback its own time bounds the push; at a distance, the round trips do).
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET=${CARGO_TARGET_DIR:-target}
PROFILE=${ALMANAC_BENCH_PROFILE:-release}
if [ -z "${ALMANAC_DESKTOP_SESSION:-}" ]; then
  flags=(-q -p almanac-cli -p almanac-dataset --bin almanac --bin almanac-dataset-serve)
  if [ "$PROFILE" = release ]; then flags+=(--release); fi
  cargo build "${flags[@]}"
  exec tests/desktop-session.sh "$0" "$@"
fi
N=1000
SERVE_ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --latency-ms) SERVE_ARGS+=(--latency-ms "$2"); shift 2 ;;
    *) N=$1; shift ;;
  esac
done
BIN=$TARGET/$PROFILE
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
json() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$@"; }

coproc SERVE { "$BIN/almanac-dataset-serve" --events 50 --years 1 "${SERVE_ARGS[@]}"; }
read -r INFO <&"${SERVE[0]}"
export ALMANAC_DATA_DIR=$SCRATCH/data
json "$INFO" 'd["password"]' | "$BIN/almanac" account add caldav --url "$(json "$INFO" 'd["url"]')" \
  --user "$(json "$INFO" 'd["user"]')" --password-stdin >/dev/null
"$BIN/almanac" sync --json >/dev/null
CALENDAR=$(json "$("$BIN/almanac" calendars --json)" 'd[0]["name"]')
python3 - "$N" >"$SCRATCH/push.ics" <<'PY'
import sys
n = int(sys.argv[1])
out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Almanac bench//EN"]
for i in range(n):
    out += ["BEGIN:VEVENT", f"UID:push-{i}@bench", "DTSTAMP:20261101T000000Z",
            f"DTSTART:202612{1 + i % 28:02d}T{8 + i % 10:02d}0000Z", "DURATION:PT30M",
            f"SUMMARY:Pushed {i}", "END:VEVENT"]
out.append("END:VCALENDAR")
sys.stdout.write("\r\n".join(out) + "\r\n")
PY
"$BIN/almanac" import "$SCRATCH/push.ics" --calendar "$CALENDAR" >/dev/null
started=$(date +%s.%N)
REPORT=$("$BIN/almanac" sync --json)
ended=$(date +%s.%N)
echo "pushed $(json "$REPORT" 'd[0]["report"]["pushed"]') of $N, refused $(json "$REPORT" 'd[0]["report"]["push_refused"]'), in $(python3 -c "print('%.2f' % ($ended - $started))") s"
started=$(date +%s.%N)
"$BIN/almanac" sync --json >/dev/null
ended=$(date +%s.%N)
echo "the next sync, nothing to push: $(python3 -c "print('%.2f' % ($ended - $started))") s"
exec {SERVE[1]}>&-

#!/usr/bin/env bash
# The desktop app's memory (issue 15): prints figures, times nothing as a test. For each event
# count it gives the release `almanac-desktop` a fresh data directory holding one CalDAV account
# with that many generated events, starts it under Xvfb in a throwaway desktop session with its
# clock pinned inside the dataset (so the month shown is full of events), waits 15 s, and sums
# the PSS (/proc/PID/smaps_rollup) of almanac-desktop, WebKitWebProcess and WebKitNetworkProcess.
#
#   tests/bench/memory.sh [--events 0,10000,100000] [--bare] [--now RFC3339] [--after SECONDS]
#                         [--app PATH] [--almanac PATH] [--bare-app PATH] [--also PATH]
#                         [--screenshots DIR]
#
# --events        the event counts, comma-separated; 0 is the app with no account.
# --bare          also measure a bare Tauri 2 window (tests/bench/bare-tauri, built here in
#                 release with the workspace's Cargo.lock), the issue's baseline, and the same
#                 window showing only the calendar component, empty (tests/bench/bare-calendar):
#                 the floor of any window built on it.
# --now           the app's clock at start (ALMANAC_CLOCK_START); default 2026-12-15T09:00:00Z.
# --after         how long after start to read memory; default 15 (the issue's definition).
# --app PATH      measure this almanac-desktop instead of building one from the work tree;
# --almanac PATH  the CLI that fills the store (likewise); --bare-app PATH (likewise, implies
#                 --bare).
# --also PATH     measure this almanac-desktop too, on the same filled stores (each app starts
#                 from a copy of the store as the CLI left it): before and after a change in one
#                 run, with one fill per event count.
# --screenshots   save the screen at each reading there, to see what the window showed.
#
# How a store is filled: `almanac-dataset-serve` (tests/dataset) starts Radicale on loopback
# with the dataset written into its storage, and the release `almanac` CLI, pointed at the
# app's data directory (ALMANAC_DATA_DIR), signs in and syncs, its password in the session's
# Secret Service, where the app finds it. Radicale keeps running while the app is measured, so
# the app's own sync at start finds a live server with nothing new. Up to 10,000 events span
# 3 years from 2025-01-01 (the sync benchmark's dataset); more span 10 years, as the store of
# the month-switch benchmark (src-tauri/benches/range_ipc.rs) does: about 830 events start in a
# month, and with the recurring ones' occurrences a day of the month grid holds 60 to 90 items.
# Radicale parses each event once before the CLI syncs: filling 100,000 takes about 10 minutes
# on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

EVENTS=0,10000,100000 NOW=2026-12-15T09:00:00Z AFTER=15 APP= CLI= BARE= BARE_APP= SHOTS= ALSO=
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift 2 ;;
    --bare) BARE=1; shift ;;
    --now) NOW=$2; shift 2 ;;
    --after) AFTER=$2; shift 2 ;;
    --app) APP=$2; shift 2 ;;
    --almanac) CLI=$2; shift 2 ;;
    --bare-app) BARE=1 BARE_APP=$2; shift 2 ;;
    --also) ALSO=$2; shift 2 ;;
    --screenshots) SHOTS=$2; shift 2 ;;
    *) echo "memory.sh: unknown argument $1" >&2; exit 1 ;;
  esac
done

if [ -z "${ALMANAC_MEMORY_BENCH:-}" ]; then
  [ -x .venv/bin/radicale ] || { echo "no .venv/bin/radicale: run ./x test once" >&2; exit 1; }
  packages=(-p almanac-dataset --bin almanac-dataset-serve)
  [ -n "$CLI" ] || packages+=(-p almanac-cli --bin almanac)
  cargo build --release -q "${packages[@]}"
  if [ -z "$APP" ]; then
    (cd ui && npm run --silent build) >/dev/null
    cargo build --release -q -p almanac-desktop --features almanac-desktop/custom-protocol
  fi
  if [ -n "$BARE" ] && [ -z "$BARE_APP" ]; then
    # Copies under target/, so that their Cargo.lock (the workspace's, pruned by cargo) and
    # Tauri's generated files stay out of the source tree. The calendar's copy differs only in
    # its page and its name.
    for kind in tauri calendar; do
      bare=$TARGET/bench/bare-$kind
      rm -rf "$bare"
      mkdir -p "$bare"
      cp -r tests/bench/bare-tauri/. "$bare/"
      cp Cargo.lock "$bare/Cargo.lock"
      cp icons/128x128.png "$bare/icon.png"
      if [ "$kind" = calendar ]; then
        (cd ui && BARE_CALENDAR_OUT=$bare/dist npx vite build --config ../tests/bench/bare-calendar/vite.config.mjs)
        sed -i 's/bare-tauri/bare-calendar/' "$bare/Cargo.toml" "$bare/tauri.conf.json"
      fi
      CARGO_TARGET_DIR=$TARGET cargo build --release -q --manifest-path "$bare/Cargo.toml"
    done
  fi
  export ALMANAC_MEMORY_BENCH=1
  export ALMANAC_MEMORY_APP=${APP:-$TARGET/release/almanac-desktop}
  export ALMANAC_MEMORY_CLI=${CLI:-$TARGET/release/almanac}
  export ALMANAC_MEMORY_BARE=${BARE:+${BARE_APP:-$TARGET/release/almanac-bench-bare-tauri}}
  # Built here only (not with --bare-app).
  export ALMANAC_MEMORY_BARE_CALENDAR=
  if [ -n "$BARE" ] && [ -z "$BARE_APP" ]; then
    ALMANAC_MEMORY_BARE_CALENDAR=$TARGET/release/almanac-bench-bare-calendar
  fi
  export ALMANAC_MEMORY_SERVE=$TARGET/release/almanac-dataset-serve
  export ALMANAC_MEMORY_ALSO=$ALSO
  exec tests/desktop-session.sh "$0" "${args[@]}"
fi

# From here on: inside the desktop session (DISPLAY, D-Bus and the Secret Service are set).
APP=$ALMANAC_MEMORY_APP CLI=$ALMANAC_MEMORY_CLI SERVE=$ALMANAC_MEMORY_SERVE
BARE_APP=$ALMANAC_MEMORY_BARE ALSO=$ALMANAC_MEMORY_ALSO BARE_CALENDAR=$ALMANAC_MEMORY_BARE_CALENDAR
SCRATCH=$ALMANAC_SESSION_SCRATCH
[ -z "$SHOTS" ] || mkdir -p "$SHOTS"
# The apps started here stop with the script. The dataset server is not killed: it stops when
# its input closes, as it does when this script ends, and takes its Radicale with it.
running=()
stop_all() { for pid in "${running[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_all EXIT

# Polls a condition until a deadline; never a fixed sleep.
wait_for() { # description, seconds, command...
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "memory.sh: timed out waiting for $what" >&2; exit 1; fi
    sleep 0.2
  done
}
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
gone() { ! kill -0 "$1"; }
# Ready (it printed its address) or dead: either ends the wait.
served() { test -s "$2" || gone "$1"; }

# Every descendant of a process, depth first.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1"); do
    echo "$child"
    descendants "$child"
  done
}
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
name_of() { basename "$(readlink "/proc/$1/exe" 2>/dev/null || tr '\0' '\n' <"/proc/$1/cmdline" | head -n1)"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }

# Fills a fresh data directory with `events` events (none: no account) and starts the dataset
# server, which keeps running (fd 7 open) until `unseed`.
serve_pid=
seed() { # events, years
  local events=$1 years=$2 info=$case_dir/serve.json store=$XDG_DATA_HOME/app.almanac.desktop
  serve_pid=
  [ "$events" -gt 0 ] || return 0
  echo "memory.sh: $events events: seeding Radicale and syncing the store …" >&2
  mkfifo "$case_dir/serve.in"
  "$SERVE" --events "$events" --years "$years" <"$case_dir/serve.in" >"$info" 2>"$case_dir/serve.log" &
  serve_pid=$!
  # The server runs until this end of its input closes.
  exec 7>"$case_dir/serve.in"
  wait_for "the dataset server" 3600 served "$serve_pid" "$info"
  [ -s "$info" ] || { echo "memory.sh: the dataset server failed:" >&2; cat "$case_dir/serve.log" >&2; exit 1; }
  local first last
  first=$(json "$info" first_day) last=$(json "$info" last_day)
  if [[ ${NOW:0:10} < $first || ${NOW:0:10} > $last ]]; then
    echo "memory.sh: warning: --now $NOW is outside the dataset ($first to $last): the month shown is empty" >&2
  fi
  json "$info" password |
    ALMANAC_DATA_DIR=$store "$CLI" account add caldav --url "$(json "$info" url)" \
      --user "$(json "$info" user)" --password-stdin >/dev/null
  ALMANAC_DATA_DIR=$store "$CLI" sync >/dev/null
  local held
  held=$(ALMANAC_DATA_DIR=$store "$CLI" status --json |
    python3 -c 'import json,sys; print(sum(c["resources"] for a in json.load(sys.stdin) for c in a["calendars"]))')
  [ "$held" -eq "$events" ] || { echo "memory.sh: the store holds $held events, not $events" >&2; exit 1; }
}
unseed() {
  [ -n "$serve_pid" ] || return 0
  exec 7>&-
  wait "$serve_pid" || true
}

rows=() details=()
# Starts `app`, reads the memory of it and its descendants `AFTER` seconds later, stops it.
measure() { # label, years, app
  local label=$1 years=$2 app=$3 app_pid pid name p total=0 private=0 role others
  ALMANAC_CLOCK_START=$NOW "$app" >"$case_dir/app.log" 2>&1 &
  app_pid=$!
  running+=("$app_pid")
  # The measurement is defined as the reading this long after start.
  sleep "$AFTER"
  kill -0 "$app_pid" || { echo "memory.sh: $app exited early:" >&2; cat "$case_dir/app.log" >&2; exit 1; }
  [ -z "$SHOTS" ] || import -window root "$SHOTS/memory-${label//[^A-Za-z0-9]/-}.png"
  local -A pss=() rss=() uss=() seen=()
  local procs=("$app_pid")
  # shellcheck disable=SC2207 # pids are words
  procs+=($(descendants "$app_pid"))
  for pid in "${procs[@]}"; do
    # The app's own process is named for its role, whatever its file is called.
    if [ "$pid" = "$app_pid" ]; then name=app; else name=$(name_of "$pid") || continue; fi
    p=$(kib "$pid" Pss) && [ -n "$p" ] || continue
    pss[$name]=$((${pss[$name]:-0} + p))
    rss[$name]=$((${rss[$name]:-0} + $(kib "$pid" Rss)))
    uss[$name]=$((${uss[$name]:-0} + $(kib "$pid" Private_Clean) + $(kib "$pid" Private_Dirty)))
    seen[$name]=1
    role=$name
    [ "$name" != app ] || role=$(basename "$app")
    details+=("| $label | $role | $pid | $(mb "$p") | $(mb "$(kib "$pid" Rss)") |")
  done
  for name in app WebKitWebProcess WebKitNetworkProcess; do
    total=$((total + ${pss[$name]:-0}))
    private=$((private + ${uss[$name]:-0}))
    [ -n "${seen[$name]:-}" ] || echo "memory.sh: no $name process for $label" >&2
  done
  rows+=("| $label | $years | $(mb "${pss[app]:-0}") | $(mb "${pss[WebKitWebProcess]:-0}") | $(mb "${pss[WebKitNetworkProcess]:-0}") | **$(mb "$total")** | $(mb "$private") | $(mb "${rss[app]:-0}") |")
  # PSS shares each library page among every process that maps it, ours or not.
  others=$(ps -eo pid=,comm= | awk -v ours=" ${procs[*]} " \
    '$2 ~ /^(WebKitWebProces|WebKitNetworkPr|almanac-desktop)/ && index(ours, " " $1 " ") == 0' | wc -l)
  if [ "$others" -gt 0 ]; then
    echo "memory.sh: $others other WebKit or Almanac processes ran during \"$label\": its PSS reads low; compare the private column" >&2
  fi
  kill "$app_pid"
  wait "$app_pid" 2>/dev/null || true
  for pid in "${procs[@]:1}"; do
    wait_for "process $pid to end with the app" 20 gone "$pid"
  done
}

fresh_case() { # name
  case_dir=$SCRATCH/memory-$1
  export XDG_DATA_HOME=$case_dir/data XDG_CACHE_HOME=$case_dir/cache XDG_CONFIG_HOME=$case_dir/config
  mkdir -p "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME"
}

if [ -n "$BARE_APP" ]; then
  fresh_case bare
  measure "bare Tauri" - "$BARE_APP"
fi
if [ -n "$BARE_CALENDAR" ]; then
  fresh_case bare-calendar
  measure "bare Tauri + calendar component" - "$BARE_CALENDAR"
fi
IFS=, read -ra counts <<<"$EVENTS"
apps=("$APP")
[ -z "$ALSO" ] || apps+=("$ALSO")
for events in "${counts[@]}"; do
  years=3
  [ "$events" -le 10000 ] || years=10
  fresh_case "$events"
  seed "$events" "$years"
  store=$XDG_DATA_HOME/app.almanac.desktop
  # With no account there is no store yet: each app starts without one.
  [ -z "$ALSO" ] || [ ! -d "$store" ] || cp -a "$store" "$case_dir/store.filled"
  for app in "${apps[@]}"; do
    label="$events events"
    if [ -n "$ALSO" ]; then
      label="$label, $app"
      rm -rf "$store"
      [ ! -d "$case_dir/store.filled" ] || cp -a "$case_dir/store.filled" "$store"
    fi
    measure "$label" "$([ "$events" -gt 0 ] && echo "$years" || echo -)" "$app"
  done
  unseed
done

echo
echo "Release builds under Xvfb, ${AFTER} s after start, clock from $NOW (month view)."
echo "MB = 10^6 bytes, from /proc/PID/smaps_rollup; \"app\": almanac-desktop (or the bare Tauri"
echo "binary). PSS splits each shared page among the processes that map it, other programs' too;"
echo "\"private\" (Private_Clean + Private_Dirty of the three) does not depend on what else runs."
echo "\"years\": the span of the dataset from 2025-01-01."
echo
echo "| measured | years | app PSS MB | WebKitWebProcess PSS MB | WebKitNetworkProcess PSS MB | total PSS MB | total private MB | app RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
if [ -z "$BARE_APP" ]; then
  echo "Reference (issue 15): a bare Tauri 2 window is about 267 MB PSS in all (--bare measures it)."
fi
echo "Goal (issue 15): with 100,000 events, at most a bare Tauri window's total + 40 MB."
echo
echo "Each process:"
echo
echo "| measured | process | pid | PSS MB | RSS MB |"
echo "|---|---|---:|---:|---:|"
printf '%s\n' "${details[@]}"

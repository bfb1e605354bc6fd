#!/usr/bin/env bash
# Inside the desktop session: starts the iCloud emulator with demo data and tauri-driver on free
# ports, then runs the specs. The app reaches the emulator through ALMANAC_ICLOUD_URL, which
# tauri-driver passes on to the app it launches.
set -euo pipefail
EMULATOR=$ALMANAC_EMULATOR
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

deadline_wait() { # description, seconds, command...
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "with-driver.sh: $what did not start" >&2; exit 1; }
    sleep 0.1
  done
}

# Nothing here depends on the real date: every launch of the app starts its clock at this instant
# (then it runs at real speed), and the emulator builds its demo data around the same day. The
# default is a leap day, far from the day any spec was written; any other instant works too:
#   ALMANAC_E2E_NOW=2027-03-28T00:30:00Z tests/e2e/run.sh
export ALMANAC_E2E_NOW=${ALMANAC_E2E_NOW:-2028-02-29T09:00:00Z}
export ALMANAC_CLOCK_START=$ALMANAC_E2E_NOW

EMULATOR_INFO=$ALMANAC_ARTIFACTS/emulator.json
: >"$EMULATOR_INFO"
"$EMULATOR" --demo --json --today "${ALMANAC_E2E_NOW:0:10}" >"$EMULATOR_INFO" 2>"$ALMANAC_ARTIFACTS/emulator.log" &
pids+=($!)
deadline_wait "the iCloud emulator" 60 test -s "$EMULATOR_INFO"
export ALMANAC_EMULATOR_INFO=$EMULATOR_INFO
ALMANAC_ICLOUD_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry_url"])' "$EMULATOR_INFO")
export ALMANAC_ICLOUD_URL

# Every event the shell sends to the window, as JSON lines; the leak check searches it.
export ALMANAC_IPC_TRACE=$ALMANAC_ARTIFACTS/ipc-events.log
: >"$ALMANAC_IPC_TRACE"

# Every desktop notification the app sends, as D-Bus saw it; specs read this file.
export ALMANAC_NOTIFICATIONS=$ALMANAC_ARTIFACTS/notifications.log
dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" >"$ALMANAC_NOTIFICATIONS" 2>&1 &
pids+=($!)

# A spec that needs one launch to start at another instant writes it here (RFC 3339) before
# launching (and removes it after); without the file the app starts at ALMANAC_E2E_NOW.
export ALMANAC_CLOCK_FILE=$ALMANAC_ARTIFACTS/clock
rm -f "$ALMANAC_CLOCK_FILE"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TAURI_DRIVER_PORT=$(free_port)
export TAURI_DRIVER_PORT
tauri-driver --port "$TAURI_DRIVER_PORT" --native-port "$(free_port)" >"$ALMANAC_ARTIFACTS/tauri-driver.log" 2>&1 &
pids+=($!)
deadline_wait "tauri-driver" 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT"

node --test --test-concurrency=1 --test-reporter=spec "${@:-specs/}"

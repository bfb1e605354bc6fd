#!/usr/bin/env bash
# Runs inside the private D-Bus session that run.sh opened; everything started here stops with it.
set -euo pipefail

SCRATCH=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# A fresh home: the app's data, the keyring and the dunst config start empty on every run.
export HOME=$SCRATCH/home XDG_CONFIG_HOME=$SCRATCH/home/.config XDG_DATA_HOME=$SCRATCH/home/.local/share
export XDG_CACHE_HOME=$SCRATCH/home/.cache XDG_RUNTIME_DIR=$SCRATCH/run
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export NO_AT_BRIDGE=1 LIBGL_ALWAYS_SOFTWARE=1

# Waits for a condition with a deadline instead of sleeping a fixed time.
wait_for() { # description, seconds, command...
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "session.sh: timed out waiting for $what" >&2; exit 1; fi
    sleep 0.1
  done
}

# An unlocked default collection, so the keyring crate stores into the real Secret Service.
eval "$(printf 'almanac-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true

exec 3>"$SCRATCH/display"
Xvfb -displayfd 3 -screen 0 1280x860x24 -nolisten tcp -ac >"$SCRATCH/xvfb.log" 2>&1 &
pids+=($!)
wait_for "Xvfb" 20 test -s "$SCRATCH/display"
export DISPLAY=":$(head -n1 "$SCRATCH/display")"
exec 3>&-

dunst >"$ALMANAC_ARTIFACTS/dunst.log" 2>&1 &
pids+=($!)
wait_for "dunst on D-Bus" 20 dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
  org.freedesktop.DBus.GetNameOwner string:org.freedesktop.Notifications

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export TAURI_DRIVER_PORT; TAURI_DRIVER_PORT=$(free_port)
tauri-driver --port "$TAURI_DRIVER_PORT" --native-port "$(free_port)" >"$ALMANAC_ARTIFACTS/tauri-driver.log" 2>&1 &
pids+=($!)
wait_for "tauri-driver" 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT"

node --test --test-concurrency=1 --test-reporter=spec "${@:-specs/}"

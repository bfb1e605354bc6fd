#!/usr/bin/env bash
# Runs a command inside a throwaway desktop session: a private D-Bus session bus, gnome-keyring's
# Secret Service with an unlocked default collection, an Xvfb display and a dunst notification
# daemon. XDG directories point into a scratch directory, so the keyring, the app's data and the
# notification log start empty and a developer's own are never touched. Everything started here
# stops when the command ends.
#
#   tests/desktop-session.sh COMMAND [ARGS...]
set -euo pipefail

if [ -z "${ALMANAC_DESKTOP_SESSION:-}" ]; then
  export ALMANAC_DESKTOP_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

SCRATCH=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

export XDG_CONFIG_HOME=$SCRATCH/config XDG_DATA_HOME=$SCRATCH/data XDG_CACHE_HOME=$SCRATCH/cache
export XDG_RUNTIME_DIR=$SCRATCH/run ALMANAC_SESSION_SCRATCH=$SCRATCH
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# WebKit under Xvfb: without this, snapshots can show a stale frame from before the last input.
export NO_AT_BRIDGE=1 LIBGL_ALWAYS_SOFTWARE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1
LOGS=${ALMANAC_ARTIFACTS:-$SCRATCH}
mkdir -p "$LOGS"

# Polls a condition until a deadline; never a fixed sleep.
wait_for() { # description, seconds, command...
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "desktop-session.sh: timed out waiting for $what" >&2
      exit 1
    fi
    sleep 0.1
  done
}

# Unlocks (and so creates) the default collection, so the keyring crate stores into the real
# Secret Service rather than failing with "no result found".
eval "$(printf 'almanac-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
wait_for "the Secret Service" 20 dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
  org.freedesktop.DBus.GetNameOwner string:org.freedesktop.secrets

exec 3>"$SCRATCH/display"
Xvfb -displayfd 3 -screen 0 1280x860x24 -nolisten tcp >"$LOGS/xvfb.log" 2>&1 &
pids+=($!)
exec 3>&-
wait_for "Xvfb" 20 test -s "$SCRATCH/display"
export DISPLAY=":$(head -n1 "$SCRATCH/display")"

dunst >"$LOGS/dunst.log" 2>&1 &
pids+=($!)
wait_for "dunst" 20 dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
  org.freedesktop.DBus.GetNameOwner string:org.freedesktop.Notifications

"$@"

#!/usr/bin/env bash
# The real-window suite: the built app under Xvfb, in a private D-Bus session with an unlocked
# gnome-keyring and a dunst notification daemon, driven over WebDriver (tauri-driver in front of
# WebKitWebDriver) by node's test runner. Screenshots land in artifacts/e2e/.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
export ALMANAC_APP=${ALMANAC_APP:-$ROOT/target/debug/almanac-desktop}
export ALMANAC_ARTIFACTS=${ALMANAC_ARTIFACTS:-$ROOT/artifacts/e2e}
[ -x "$ALMANAC_APP" ] || { echo "run.sh: no app at $ALMANAC_APP (build it with ./x test)" >&2; exit 1; }
mkdir -p "$ALMANAC_ARTIFACTS"
exec dbus-run-session -- ./session.sh "$@"

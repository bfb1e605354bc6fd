#!/usr/bin/env bash
# The real-window suite: the built app in a throwaway desktop session (../desktop-session.sh),
# driven over WebDriver (tauri-driver in front of WebKitWebDriver) by node's test runner.
# Screenshots land in artifacts/e2e/.
#
#   tests/e2e/run.sh [SPEC...]     (default: every spec in specs/)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
export ALMANAC_APP=${ALMANAC_APP:-$TARGET/debug/almanac-desktop}
export ALMANAC_EMULATOR=${ALMANAC_EMULATOR:-$TARGET/debug/almanac-icloud-emulator}
export ALMANAC_ARTIFACTS=${ALMANAC_ARTIFACTS:-$ROOT/artifacts/e2e}
[ -x "$ALMANAC_APP" ] || { echo "run.sh: no app at $ALMANAC_APP (./x test builds it)" >&2; exit 1; }
mkdir -p "$ALMANAC_ARTIFACTS"
exec ../desktop-session.sh ./with-driver.sh "$@"

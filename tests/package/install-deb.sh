#!/usr/bin/env bash
# Installs Almanac's .deb the way a user would (apt-get install ./file.deb), checks that its files
# are where desktops look for them, opens the installed app in a real window, then purges the
# package and checks that nothing of it is left but the user's own data. The app runs in a
# throwaway desktop session (../desktop-session.sh), so its data lands in a scratch XDG_DATA_HOME.
# apt-get needs root (or sudo). The screenshot and logs land in artifacts/package/.
#
#   tests/package/install-deb.sh [DEB]   (default: the debug .deb that ./x test bundles)
set -euo pipefail
DEB_ARG=${1:+$(realpath -m "$1")}
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)

# fd 9 is the real stderr: a failure inside a polled condition (whose output is hidden) still shows.
exec 9>&2
fail() { echo "install-deb.sh: $*" >&9; exit 1; }

# Outside the desktop session: find the package, then run this script again inside one.
if [ -z "${ALMANAC_SESSION_SCRATCH:-}" ]; then
  TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
  DEB=${DEB_ARG:-$(ls -t "$TARGET"/debug/bundle/deb/*.deb 2>/dev/null | head -n1)}
  [ -f "$DEB" ] || fail "no .deb at '${DEB:-$TARGET/debug/bundle/deb/}' (./x test bundles one)"
  export ALMANAC_ARTIFACTS=${ALMANAC_ARTIFACTS:-$ROOT/artifacts/package}
  mkdir -p "$ALMANAC_ARTIFACTS"
  rm -f "$ALMANAC_ARTIFACTS"/{apt.log,app.log,files.txt,installed-app.png}
  exec ../desktop-session.sh "$PWD/$(basename "$0")" "$(realpath "$DEB")"
fi

DEB=$1
LOGS=$ALMANAC_ARTIFACTS
PKG=$(dpkg-deb -f "$DEB" Package)
BIN=/usr/bin/almanac-desktop
DESKTOP_FILE=/usr/share/applications/Almanac.desktop
ICONS=/usr/share/icons/hicolor
# Tauri's app_data_dir: $XDG_DATA_HOME/<identifier from tauri.conf.json>.
DATA_DIR=$XDG_DATA_HOME/app.almanac.desktop

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# The lock timeout makes apt wait for another apt run (CI may install packages in parallel).
apt_get() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q "$@" \
    >>"$LOGS/apt.log" 2>&1 || fail "apt-get $* failed; see $LOGS/apt.log"
}
pkg_state() { dpkg-query -W -f='${db:Status-Status}' "$PKG" 2>/dev/null || echo not-installed; }

# Polls a condition until a deadline; never a fixed sleep.
wait_for() { # description, seconds, command...
  local what=$1 limit=$2 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after $limit s waiting for $what"
    sleep 0.2
  done
}

# Idempotent: a copy left installed by an earlier, interrupted run goes first.
[ "$(pkg_state)" = not-installed ] || apt_get purge "$PKG"

echo "install-deb.sh: installing $DEB"
apt_get install --no-install-recommends "$DEB"
[ "$(pkg_state)" = installed ] || fail "$PKG is not installed after apt-get install"
dpkg -L "$PKG" >"$LOGS/files.txt"

# Each file must exist and belong to the package.
owned() {
  [ -e "$1" ] || fail "$1 is missing"
  grep -qxF "$1" "$LOGS/files.txt" || fail "$1 is not in dpkg -L $PKG"
}
owned "$BIN"
[ -x "$BIN" ] || fail "$BIN is not executable"
owned "$DESKTOP_FILE"
desktop-file-validate "$DESKTOP_FILE" || fail "$DESKTOP_FILE is not a valid desktop entry"
for line in 'Categories=Office;Calendar;' 'Exec=almanac-desktop' 'Icon=almanac-desktop'; do
  grep -qxF "$line" "$DESKTOP_FILE" || fail "$DESKTOP_FILE lacks the line $line"
done
for size in 32 64 128 256 512; do
  icon=$ICONS/${size}x${size}/apps/almanac-desktop.png
  owned "$icon"
  [ "$(/usr/bin/identify -format %wx%h "$icon")" = "${size}x${size}" ] || fail "$icon is not ${size}x${size}"
done
owned "$ICONS/scalable/apps/almanac-desktop.svg"
owned "/usr/share/doc/$PKG/copyright"
# Tauri adds these itself (the tray adds ayatana); a change in that would break installs elsewhere.
depends=$(dpkg-query -W -f='${Depends}' "$PKG")
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libayatana-appindicator3-1; do
  grep -Eq "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done

echo "install-deb.sh: starting the installed $BIN"
"$BIN" >"$LOGS/app.log" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null || true' EXIT
app_window() { # prints the window id once the app has mapped its window; fails if the app died
  kill -0 "$app" 2>/dev/null || fail "the app exited early; see $LOGS/app.log"
  xdotool search --onlyvisible --name '^Almanac$' | head -n1 | grep .
}
wait_for "the app's window" 60 app_window
window=$(app_window)
# The desktop file's StartupWMClass must name the window's class, or docks show a generic icon.
xdotool search --classname '^almanac-desktop$' | grep -qx "$window" \
  || fail "window class is not almanac-desktop: $(xprop -id "$window" WM_CLASS)"
# A mapped window can still be blank; wait until the web view has drawn the UI (many colours).
drawn() { [ "$(/usr/bin/import -window "$window" png:- | /usr/bin/convert png:- -format %k info:)" -gt 64 ]; }
wait_for "the UI to render" 60 drawn
/usr/bin/import -window root "$LOGS/installed-app.png"
wait_for "the data dir" 30 test -f "$DATA_DIR/almanac.sqlite3"

kill "$app"
wait_for "the app to exit" 20 bash -c "! kill -0 $app"
trap - EXIT

echo "install-deb.sh: purging $PKG"
apt_get purge "$PKG"
[ "$(pkg_state)" = not-installed ] || fail "$PKG is still known to dpkg after purge: $(pkg_state)"
# Whatever is left must be a directory another package owns too (/usr/bin, hicolor's size dirs).
leftovers=()
while read -r path; do
  [ "$path" = /. ] || [ ! -e "$path" ] && continue
  [ -d "$path" ] && dpkg -S "$path" >/dev/null 2>&1 && continue
  leftovers+=("$path")
done <"$LOGS/files.txt"
[ ${#leftovers[@]} -eq 0 ] || fail "left behind after purge: ${leftovers[*]}"
# Purging removes the program, never the user's calendars.
[ -f "$DATA_DIR/almanac.sqlite3" ] || fail "purge removed the user's data in $DATA_DIR"

echo "install-deb.sh: ok: $(wc -l <"$LOGS/files.txt") paths installed and removed, user data kept, ${SECONDS}s"

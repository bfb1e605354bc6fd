#!/usr/bin/env bash
# Inside the desktop session: starts tauri-driver on free ports and runs the specs against it.
set -euo pipefail
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TAURI_DRIVER_PORT=$(free_port)
export TAURI_DRIVER_PORT
tauri-driver --port "$TAURI_DRIVER_PORT" --native-port "$(free_port)" >"$ALMANAC_ARTIFACTS/tauri-driver.log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true' EXIT
deadline=$((SECONDS + 20))
until (exec 3<>"/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT") 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "with-driver.sh: tauri-driver did not start" >&2; exit 1; }
  sleep 0.1
done
node --test --test-concurrency=1 --test-reporter=spec "${@:-specs/}"

#!/usr/bin/env bash
# The console, on loopback, with a namespace guest running the samples: the instance list's time to interactive in
# Debian's Chromium next to the API answer it waits for; a live log line's latency from the guest runtime to the page
# (server-sent events over HTTPS) next to the same line followed with curl on the host's socket; and the remote CLI's
# `invoke -- true` (HTTPS, a token) next to the local CLI's, in the same run.
# Run as root after `./mvnw package`: sudo bench/console.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
. bench/lib.sh
NODE_DIR=eflow-host/src/test/node/console
[ -d "$NODE_DIR/node_modules/playwright-core" ] || (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts >/dev/null)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# the milliseconds between a followed log line's own time and its arrival here, for COUNT lines
follow_latency() {
  local count=$1
  curl -sN --unix-socket "$SOCK" "http://eflow/v1/instances/bench/modules/tempSensor/logs?follow=true&tail=0" | {
    n=0
    while IFS= read -r line && [ "$n" -lt "$count" ]; do
      arrived=$(date +%s%3N)
      stamp=$(sed -n 's/.*"time" *: *"\([^"]*\)".*/\1/p' <<<"$line")
      [ -n "$stamp" ] || continue
      echo $(( arrived - $(date -d "$stamp" +%s%3N) )); n=$((n + 1))
    done
  }
}

load before
$EFLOW image build >/dev/null 2>&1
$EFLOW deploy --name bench --backend namespace >/dev/null
for module in temperature-sensor filter; do
  $EFLOW image load --name bench "samples/$module/target/$module.tar" --reference "localhost:5000/eflow-samples/$module:0.1.0" >/dev/null
done
$EFLOW deployment apply --name bench samples/deployment.json >/dev/null
for _ in $(seq 120); do
  [ "$($EFLOW module list --name bench --json | grep -c '"runtimeStatus" : "running"' || true)" -ge 2 ] && break
  sleep 1
done
enabled=$($EFLOW console enable --listen "127.0.0.1:$PORT")
password=$(sed -n 's/.*first admin: admin, password: \([a-z0-9]*\).*/\1/p' <<<"$enabled")
$EFLOW console token create --name bench --user admin | head -1 > "$WORK/token"

page=$(EFLOW_CONSOLE_URL="https://127.0.0.1:$PORT/" EFLOW_ADMIN_PASSWORD="$password" RUNS="$RUNS" \
  PLAYWRIGHT_CORE="$PWD/$NODE_DIR/node_modules/playwright-core/index.mjs" node bench/console-page.mjs)
figures() { python3 -c "import json,sys; print('\n'.join('%.1f' % v for v in json.loads(sys.argv[1])['$1']))" "$page"; }
row "console: first page to interactive" "$(figures interactive | stats)" "its API call alone: $(figures api | stats)"
row "live log line, module -> page (SSE)" "$(figures latencies | stats)" "curl following the host socket: $(follow_latency $((RUNS * 2)) | stats)"

remote=(--host "https://127.0.0.1:$PORT" --token-file "$WORK/token" --ca "$EFLOW_HOME/console/ca.pem")
local_runs=(); remote_runs=()
for i in $(seq 1 "$RUNS"); do   # alternating, so drift falls on both alike
  t0=$(now); $EFLOW invoke --name bench -- true; t1=$(now); local_runs+=("$(ms "$t0" "$t1")")
  t0=$(now); $EFLOW "${remote[@]}" invoke --name bench -- true; t1=$(now); remote_runs+=("$(ms "$t0" "$t1")")
done
row "remote CLI invoke -- true (HTTPS)" "$(printf '%s\n' "${remote_runs[@]}" | stats)" "local CLI: $(printf '%s\n' "${local_runs[@]}" | stats)"
echo "loopback; $RUNS page loads in Chromium headless, $((RUNS * 2)) log lines, $RUNS invokes each"
load after

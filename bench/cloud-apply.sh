#!/usr/bin/env bash
# A deployment set in IoT Hub (the repository's emulator, through the official service SDK's
# applyConfigurationContentOnDevice, as `az iot edge set-modules` does) -> all its modules running in a provisioned
# namespace guest, images cached; next to the same manifest applied locally through eflow's API, in the same run.
# Both start from no modules; "cloud" is timed from the service call, which includes the SDK's own process start
# (printed beside it: node's time for a call that changes nothing).
# Run as root after `./mvnw package` and `scripts/install-host-deps`: sudo bench/cloud-apply.sh [runs] [modules]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
MODULES=${2:-10}
. bench/lib.sh

bench_busybox_image
manifest "$MODULES" > "$WORK/all.json"; manifest 0 > "$WORK/none.json"
until_running() {  # until_running COUNT: waits until exactly COUNT modules run
  local deadline=$(( $(now) + 300000000000 ))
  while [ "$(running)" -ne "$1" ]; do
    [ "$(now)" -lt "$deadline" ] || { echo "bench: $1 modules never ran" >&2; exit 1; }
    sleep 0.02
  done
}

bench_namespace_guest
$EFLOW image load --name bench "$WORK/busybox.tar" >/dev/null

# --- local: the manifest through eflow's API
local_times=()
for r in $(seq 1 "$RUNS"); do
  apply "$WORK/none.json"; until_running 0
  t0=$(now); apply "$WORK/all.json"; until_running "$MODULES"; t1=$(now)
  local_times+=("$(ms $t0 $t1)")
done
apply "$WORK/none.json"; until_running 0

# --- the cloud: the emulator on IoT Hub's ports, reached from the guest as CloudIT does
bench_iothub_emulator
connection=$(service create-edge bench-edge | sed -n 's/.*"connectionString":"\([^"]*\)".*/\1/p')
echo "$connection" | $EFLOW provision --name bench --type manual-connection-string --connection-string - \
  --trust-bundle "$NODE_EXTRA_CA_CERTS" >/dev/null

cloud_times=(); call_times=()
service apply bench-edge "$WORK/none.json" >/dev/null; until_running 0
for r in $(seq 1 "$RUNS"); do
  t0=$(now); service apply bench-edge "$WORK/all.json" >/dev/null; until_running "$MODULES"; t1=$(now)
  cloud_times+=("$(ms $t0 $t1)")
  t0=$(now); service apply bench-edge "$WORK/all.json" >/dev/null; t1=$(now)  # changes nothing: the SDK's own cost
  call_times+=("$(ms $t0 $t1)")
  service apply bench-edge "$WORK/none.json" >/dev/null; until_running 0
done

row "cloud apply -> $MODULES modules running" "$(printf '%s\n' "${cloud_times[@]}" | stats)" \
  "local apply: $(printf '%s\n' "${local_times[@]}" | stats)"
row "  of which the service SDK's call" "$(printf '%s\n' "${call_times[@]}" | stats)" "(node start + HTTPS to the emulator)"

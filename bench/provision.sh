#!/usr/bin/env bash
# Provision -> the edge device's link to IoT Hub up, through DPS with a group's derived symmetric key: `eflow provision
# --type dps-symmetric-key` timed from the CLI's start to its answer (DPS registration in the guest, then the hub's
# check of the assigned device; the CLI answers once both are done), each run a new registration. Next to it, in the
# same run, against the same emulator: the official Node SDKs doing the same from their process start
# (azure-iot-provisioning-device over HTTP, then azure-iot-device connecting to the assigned hub over MQTT).
# Run as root after `./mvnw package` and `scripts/install-host-deps`: sudo bench/provision.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
. bench/lib.sh

bench_namespace_guest
bench_iothub_emulator
GROUP_KEY=$(head -c 32 /dev/urandom | base64)
service enroll-key-group bench-fleet "$GROUP_KEY" >/dev/null

eflow_times=(); node_times=(); node_registered=(); node_loaded=()
for r in $(seq 1 "$RUNS"); do
  t0=$(now)
  echo "$GROUP_KEY" | $EFLOW provision --name bench --type dps-symmetric-key --global-endpoint "https://$HUB" \
    --scope-id "$DPS_ID_SCOPE" --registration-id "bench-eflow-$r" --group-key - --trust-bundle "$NODE_EXTRA_CA_CERTS" \
    > "$WORK/provision.out"
  t1=$(now)
  grep -q "connected" "$WORK/provision.out" || { echo "bench: provisioning did not connect: $(cat "$WORK/provision.out")" >&2; exit 1; }
  eflow_times+=("$(ms $t0 $t1)")

  t0=$(now)
  out=$(cd eflow-host && node src/test/node/provision-device.js "bench-node-$r" "$GROUP_KEY" 2>>"$WORK/service.err" | tail -1)
  t1=$(now)
  echo "$out" | grep -q '"connectedMs"' || { echo "bench: the Node SDK did not connect: $out" >&2; exit 1; }
  node_times+=("$(ms $t0 $t1)")
  node_registered+=("$(echo "$out" | sed -n 's/.*"registeredMs":\([0-9.]*\).*/\1/p' | cut -d. -f1)")
  node_loaded+=("$(echo "$out" | sed -n 's/.*"loadedMs":\([0-9.]*\).*/\1/p' | cut -d. -f1)")
done

row "eflow provision (DPS key) -> link up" "$(printf '%s\n' "${eflow_times[@]}" | stats)" \
  "Node SDKs register + connect: $(printf '%s\n' "${node_times[@]}" | stats)"
row "  Node: of which DPS registered at" "$(printf '%s\n' "${node_registered[@]}" | stats)" \
  "modules loaded at $(printf '%s\n' "${node_loaded[@]}" | median) ms (process start included in both)"

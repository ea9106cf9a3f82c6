#!/usr/bin/env bash
# Provision -> the edge device's link to IoT Hub up, through DPS: `eflow provision` timed from the CLI's start to its
# answer (DPS registration in the guest, then the hub's check of the assigned device; the CLI answers once both are
# done), each run a new registration, next to the official Node SDKs doing the same in the same run against the same
# emulator (azure-iot-provisioning-device over HTTP, then azure-iot-device connecting to the assigned hub over MQTT):
#   - a group's derived symmetric key; Node timed from its process start, as the CLI is;
#   - TPM attestation with swtpm: eflow's guest through the host's TPM (a swtpm as EFLOW_TPM) and eflow's proxy with
#     tpm2-tools; Node with azure-iot-security-tpm on tss.js and a swtpm of its own, timed from before its registration
#     (its process start and the untimed enrollment of its EK are left out; the CLI's JVM start is in eflow's figure).
# Run as root after `./mvnw package` and `scripts/install-host-deps`: sudo bench/provision.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
. bench/lib.sh

# the host's TPM for eflow (a swtpm), and one for the Node SDK's TPM client (TCP, as tss.js speaks to a simulator)
command -v swtpm >/dev/null || { echo "bench: needs swtpm (scripts/install-host-deps)" >&2; exit 1; }
TPM_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/host-tpm" "$WORK/node-tpm"
swtpm socket --tpm2 --tpmstate dir="$WORK/host-tpm" --server type=unixio,path="$WORK/host-tpm/tpm.sock" \
  --ctrl type=unixio,path="$WORK/host-tpm/ctrl.sock" --flags not-need-init,startup-clear >"$WORK/host-tpm.log" 2>&1 &
HOST_TPM_PID=$!
swtpm socket --tpm2 --tpmstate dir="$WORK/node-tpm" --server type=tcp,bindaddr=127.0.0.1,port="$TPM_PORT" \
  --ctrl type=unixio,path="$WORK/node-tpm/ctrl.sock" --flags not-need-init,startup-clear >"$WORK/node-tpm.log" 2>&1 &
NODE_TPM_PID=$!
bench_stop_tpms() { kill "$HOST_TPM_PID" "$NODE_TPM_PID" 2>/dev/null || true; }
trap 'bench_stop_tpms; bench_cleanup' EXIT
export EFLOW_TPM="unix:$WORK/host-tpm/tpm.sock"
for i in $(seq 1 100); do [ -S "$WORK/host-tpm/tpm.sock" ] && break; sleep 0.05; done

bench_namespace_guest
# the host's TPM for the guest from its next start, and the guest's network namespace again after it
$EFLOW feature set --name bench dps-tpm on >/dev/null
$EFLOW stop --name bench >/dev/null && $EFLOW start --name bench >/dev/null
netns=$(comm -13 <(echo "$netns_before") <(ip netns list | awk '{print $1}' | sort) | head -1)
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

# --- TPM: eflow's guest through the host's TPM; each run the provisioning removed (the key evicted) and made again
info=$($EFLOW tpm-info --json)
EK=$(echo "$info" | sed -n 's/.*"endorsementKey" *: *"\([^"]*\)".*/\1/p')
REG=$(echo "$info" | sed -n 's/.*"registrationId" *: *"\([^"]*\)".*/\1/p')
service enroll-tpm "$REG" "$EK" >/dev/null
eflow_tpm=(); node_tpm=(); node_tpm_registered=()
for r in $(seq 1 "$RUNS"); do
  $EFLOW provision remove --name bench >/dev/null
  t0=$(now)
  $EFLOW provision --name bench --type dps-tpm --global-endpoint "https://$HUB" --scope-id "$DPS_ID_SCOPE" \
    --trust-bundle "$NODE_EXTRA_CA_CERTS" > "$WORK/provision.out"
  t1=$(now)
  grep -q "connected" "$WORK/provision.out" || { echo "bench: TPM provisioning did not connect: $(cat "$WORK/provision.out")" >&2; exit 1; }
  eflow_tpm+=("$(ms $t0 $t1)")

  out=$(cd eflow-host && TPM_PORT=$TPM_PORT node src/test/node/provision-device-tpm.js 2>>"$WORK/service.err" | tail -1)
  echo "$out" | grep -q '"connectedMs"' || { echo "bench: the Node TPM client did not connect: $out" >&2; exit 1; }
  node_tpm+=("$(echo "$out" | sed -n 's/.*"connectedMs":\([0-9.]*\).*/\1/p' | cut -d. -f1)")
  node_tpm_registered+=("$(echo "$out" | sed -n 's/.*"registeredMs":\([0-9.]*\).*/\1/p' | cut -d. -f1)")
done

row "eflow provision (DPS key) -> link up" "$(printf '%s\n' "${eflow_times[@]}" | stats)" \
  "Node SDKs register + connect: $(printf '%s\n' "${node_times[@]}" | stats)"
row "  Node: of which DPS registered at" "$(printf '%s\n' "${node_registered[@]}" | stats)" \
  "modules loaded at $(printf '%s\n' "${node_loaded[@]}" | median) ms (process start included in both)"
row "eflow provision (DPS TPM) -> link up" "$(printf '%s\n' "${eflow_tpm[@]}" | stats)" \
  "Node TPM client register + connect: $(printf '%s\n' "${node_tpm[@]}" | stats)"
row "  Node TPM: of which DPS registered at" "$(printf '%s\n' "${node_tpm_registered[@]}" | stats)" \
  "(from before the registration; swtpm over TCP)"

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
HUB=iothub.eflow.test
. bench/lib.sh
EMULATOR_PID=""
bench_cleanup_extra() {
  [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null || true
}
command -v node >/dev/null || { echo "bench: needs node (scripts/install-host-deps)" >&2; exit 1; }
[ -d iothub-emulator/src/test/node/node_modules ] || { echo "bench: needs the SDKs: ./mvnw package -pl iothub-emulator" >&2; exit 1; }

bench_busybox_image
manifest "$MODULES" > "$WORK/all.json"; manifest 0 > "$WORK/none.json"
until_running() {  # until_running COUNT: waits until exactly COUNT modules run
  local deadline=$(( $(now) + 300000000000 ))
  while [ "$(running)" -ne "$1" ]; do
    [ "$(now)" -lt "$deadline" ] || { echo "bench: $1 modules never ran" >&2; exit 1; }
    sleep 0.02
  done
}

netns_before=$(ip netns list | awk '{print $1}' | sort)
$EFLOW image build >/dev/null 2>&1
$EFLOW deploy --name bench --data-size 2 >/dev/null
netns=$(comm -13 <(echo "$netns_before") <(ip netns list | awk '{print $1}' | sort) | head -1)
[ -n "$netns" ] || { echo "bench: the guest's network namespace was not found (is the backend namespace?)" >&2; exit 1; }
$EFLOW image load --name bench "$WORK/busybox.tar" >/dev/null

# --- local: the manifest through eflow's API
local_times=()
for r in $(seq 1 "$RUNS"); do
  apply "$WORK/none.json"; until_running 0
  t0=$(now); apply "$WORK/all.json"; until_running "$MODULES"; t1=$(now)
  local_times+=("$(ms $t0 $t1)")
done
apply "$WORK/none.json"; until_running 0

# --- the cloud: the emulator on IoT Hub's ports on the host's loopback, reached from the guest as CloudIT does (a
# loopback name of its own, redirected in its network namespace to reverse forwards of 8883 and 443)
bin/iothub-emulator --hostname "$HUB" --bind 127.0.0.1 --mqtt-port 8883 --https-port 443 --state "$WORK/iothub" \
  > "$WORK/emulator.out" 2> "$WORK/emulator.err" &
EMULATOR_PID=$!
for i in $(seq 1 300); do [ "$(wc -l < "$WORK/emulator.out")" -ge 2 ] && break; sleep 0.1; done
export IOTHUB_CONNECTION_STRING=$(sed -n 1p "$WORK/emulator.out") NODE_EXTRA_CA_CERTS=$(sed -n 2p "$WORK/emulator.out")
export IOTHUB_MQTT_PORT=8883 IOTHUB_HTTPS_PORT=443
[ -n "$IOTHUB_CONNECTION_STRING" ] || { echo "bench: the emulator did not start: $(cat "$WORK/emulator.err")" >&2; exit 1; }
service() { (cd eflow-host && node src/test/node/service.js "$@" 2>>"$WORK/service.err" | tail -1); }
$EFLOW forward add --name bench --reverse 8883 18883 >/dev/null
$EFLOW forward add --name bench --reverse 443 10443 >/dev/null
$EFLOW invoke --name bench -- sudo sh -c "echo '127.0.0.2 $HUB' >> /etc/hosts"
ip netns exec "$netns" nft -f - <<EOF
table ip eflow_bench_iothub {
  chain out {
    type nat hook output priority -100; policy accept;
    ip daddr 127.0.0.2 tcp dport 8883 redirect to :18883
    ip daddr 127.0.0.2 tcp dport 443 redirect to :10443
  }
}
EOF
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

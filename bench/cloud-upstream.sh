#!/usr/bin/env bash
# A provisioned edge device's module telemetry to IoT Hub: the edge hub's store drained by its upstream link as module
# filter, over TLS with SAS, to the IoT Hub emulator — next to the same backlog drained to mosquitto as a plain MQTT
# upstream, in the same run (256-byte bodies, QoS 1, best of three drains each). No root needed.
# Usage: bench/cloud-upstream.sh [messages per drain] (work folder: $BENCH_DIR or /var/tmp, on a real disk: the store
# syncs). mosquitto is stopped by its PID when the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-20000}
[ -x /usr/sbin/mosquitto ] || { echo "bench: needs mosquitto (/usr/sbin/mosquitto)" >&2; exit 1; }
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/eflow-cloud-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
./mvnw -B -ntp -o -q -pl eflow-guest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp" >/dev/null
CP=eflow-guest/target/classes:eflow-guest/target/test-classes:$(cat "$WORK/cp")
echo "load average (1, 5, 15 min) before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$CP" io.eflow.edge.cloud.CloudUpstreamBenchmark "$WORK" "$MESSAGES"
echo "load average (1, 5, 15 min) after: $(cut -d' ' -f1-3 /proc/loadavg)"

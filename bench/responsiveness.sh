#!/usr/bin/env bash
# How soon eflow acts once it should: the figures that used to be asserted inside unit tests, each next to the JVM
# doing the plain equivalent in the same run (a BlockingQueue handoff, a ScheduledExecutorService on the same delay,
# a bare Paho or SDK client):
#   a followed module log line, write -> seen          a waiting hub-queue consumer woken by an append
#   a hub message redelivered after its 200 ms timeout the MQTT head closing a client after 1.5 keep-alives, and a
#                                                       connection that sends no CONNECT after the 500 ms timeout
#   the host's UNIX-socket channel failing a read after its 200 ms timeout
#   the samples' hub connection (Azure IoT SDK) closing while it retries an absent hub (what a module's SIGTERM waits for)
# No root needed. Run after `./mvnw package` (it compiles the test classes too): bench/responsiveness.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/eflow-responsiveness.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
for built in eflow-host/target/eflow-host.jar eflow-host/target/test-classes samples/module-common/target/test-classes; do
  [ -e "$built" ] || { echo "bench: $built is missing; run ./mvnw -B -q package -DskipTests first" >&2; exit 1; }
done
# test scope too: the guest's test helpers (RawClient, TestHub) use it
./mvnw -B -ntp -o -q dependency:build-classpath -pl samples/module-common -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/samples.cp" >/dev/null
# with -am and a phase, so eflow-contract comes from this tree, not from a stale copy in ~/.m2 (each module writes the
# file in turn; eflow-guest's comes last)
./mvnw -B -ntp -o -q -pl eflow-guest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/guest.cp" >/dev/null

java -cp "eflow-guest/target/classes:eflow-guest/target/test-classes:$(cat "$WORK/guest.cp")" \
  io.eflow.edge.hub.mqtt.ResponsivenessBenchmark "$WORK" "$RUNS"
java -cp eflow-host/target/eflow-host.jar:eflow-host/target/test-classes io.eflow.channel.ReadTimeoutBenchmark "$RUNS"
java -cp "samples/module-common/target/classes:samples/module-common/target/test-classes:$(cat "$WORK/samples.cp")" \
  io.eflow.samples.module.CloseBenchmark "$((RUNS / 2 > 0 ? RUNS / 2 : 1))"

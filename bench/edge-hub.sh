#!/usr/bin/env bash
# The edge hub in-process (HubService, as the guest runs it) driven by Paho clients logged in as its modules, each
# figure next to mosquitto doing the same MQTT work on this machine in the same run; 256-byte bodies, QoS 1:
#   routed module -> module throughput             vs  mosquitto, one publisher and one subscriber on a topic
#   latency p50/p99/max at 1,000 msg/s              vs  the same through mosquitto
#   durable ingest into $upstream, upstream down    vs  the same publisher to mosquitto without persistence
#   drain of that backlog once the upstream is back vs  mosquitto's pub/sub throughput above
# The JVM gets the guest runtime's flags (read from its service's run script), so the hub's code runs as in a guest;
# HUB_JVM_FLAGS overrides them (-XX:+UseG1GC: the JVM's defaults). The Paho clients share that JVM, in the hub's runs
# and in mosquitto's alike.
# No root needed. Usage: bench/edge-hub.sh [messages per measurement] (work folder: $BENCH_DIR or /var/tmp; the
# store must be on a real disk, since a PUBACK waits for fdatasync). Every mosquitto it starts is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-20000}
[ -x /usr/sbin/mosquitto ] || { echo "bench: needs mosquitto (/usr/sbin/mosquitto)" >&2; exit 1; }
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/eflow-hub-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ "$(stat -f -c %T "$WORK")" = tmpfs ]; then
  echo "bench: $WORK is on tmpfs, where fdatasync costs nothing; set BENCH_DIR to a folder on a disk" >&2
  exit 1
fi

# with -am, so eflow-contract comes from this tree rather than a stale copy in ~/.m2 (each module writes the file
# in turn; eflow-guest's comes last)
./mvnw -B -ntp -o -q -pl eflow-guest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp" >/dev/null
CP=eflow-guest/target/classes:eflow-guest/target/test-classes:$(cat "$WORK/cp")

GUEST_RUN=eflow-guest/src/overlay/etc/eflow/services/eflow-guest/run
FLAGS=${HUB_JVM_FLAGS:-$(sed -n 's/^exec nice.* java \(.*\) \\$/\1/p' "$GUEST_RUN")}
[ -n "$FLAGS" ] || { echo "bench: found no JVM flags in $GUEST_RUN; set HUB_JVM_FLAGS" >&2; exit 1; }
# other work on the machine skews the figures, the hub's more (it hands each message between threads): say how much
load() { echo "load average (1, 5, 15 min) $1: $(cut -d' ' -f1-3 /proc/loadavg)"; }
load before
# shellcheck disable=SC2086 # the flags are words
java $FLAGS -cp "$CP" io.eflow.edge.hub.HubBenchmark "$WORK" "$MESSAGES"
load after

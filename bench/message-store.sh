#!/usr/bin/env bash
# The edge hub's message store on this machine's disk, each figure next to a reference measured in the same run:
#   durable ingest (256-byte messages, N producers, each append acknowledged after fdatasync)
#       vs  raw write+fdatasync of the same record bytes, N per sync (what the disk allows with that batching)
#   drain (poll + ack everything)  vs  the reopen that rebuilt the queue
#   plus dd oflag=dsync of the same record size: one sync per record, the no-group-commit floor
# No root needed. Usage: bench/message-store.sh [messages per measurement] (work folder: $BENCH_DIR or /var/tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-20000}
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/eflow-store-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# with -am, so eflow-contract comes from this tree rather than a stale copy in ~/.m2 (each module writes the file
# in turn; eflow-guest's comes last)
./mvnw -B -ntp -q -pl eflow-guest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp" >/dev/null
CP=eflow-guest/target/classes:eflow-guest/target/test-classes:$(cat "$WORK/cp")

mkdir -p "$WORK/store"
java -cp "$CP" io.eflow.edge.hub.store.StoreBenchmark "$WORK/store" "$MESSAGES"

# dd writes 302-byte records (a 256-byte message with its header) with O_DSYNC: one sync each
out=$(dd if=/dev/zero of="$WORK/dd" bs=302 count=3000 oflag=dsync 2>&1 | tail -1)
secs=$(echo "$out" | sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p')
printf '%-42s %-34s | %s\n' "reference: dd bs=302 count=3000 oflag=dsync" "$(awk -v s="$secs" 'BEGIN{printf "%.0f msg/s", 3000/s}')" "target: durable ingest >= 10,000 msg/s"

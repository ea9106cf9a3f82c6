#!/usr/bin/env bash
# Host-side checks whose cost a user pays before any guest runs, each next to a reference measured in the same run:
#   eflow image build, image already cached (what deploy relies on)  vs  sha256sum of the cached image's parts, and
#                                                                         a CLI call that does no work (eflow version)
#   the accelerator probe (once per daemon)                           vs  a bare QEMU run of the probe firmware (TCG)
# Run as root after `./mvnw package`: sudo bench/host-probes.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
. bench/lib.sh

$EFLOW image build >/dev/null 2>&1
IMAGE=$(readlink -f "${EFLOW_CACHE:-/var/cache/eflow}/images/current")
builds=(); sums=(); versions=()
for i in $(seq 1 "$RUNS"); do
  t0=$(now); $EFLOW image build >/dev/null 2>&1; t1=$(now); builds+=("$(ms $t0 $t1)")
  t0=$(now); sha256sum "$IMAGE"/* >/dev/null; t1=$(now); sums+=("$(ms $t0 $t1)")
  t0=$(now); $EFLOW version >/dev/null; t1=$(now); versions+=("$(ms $t0 $t1)")
done
row "image build, cached (CLI)" "$(printf '%s\n' "${builds[@]}" | stats)" \
  "sha256sum of its parts: $(printf '%s\n' "${sums[@]}" | median) ms; eflow version: $(printf '%s\n' "${versions[@]}" | median) ms"

java -cp eflow-host/target/eflow-host.jar:eflow-host/target/test-classes io.eflow.backend.qemu.ProbeBenchmark "$RUNS"

#!/usr/bin/env bash
# Issue 7's figures, each next to a reference measured in the same run (namespace backend; BACKEND=qemu for a VM):
#   apply time  `eflow update apply --no-restart` (verify the signature and every hash, write the inactive slot)
#               vs  a plain copy of the same image files (cp + sync), and sha256sum of them (what verifying costs)
#   downtime    guest stopped -> committed and healthy on the new slot (`eflow update apply`)
#               vs  a plain restart (`eflow stop && eflow start`, until the runtime reports running)
# Run as root after `./mvnw package`: sudo bench/update.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
BACKEND=${BACKEND:-namespace}
. bench/lib.sh

$EFLOW image build >/dev/null 2>&1
IMAGE=$(readlink -f "${EFLOW_CACHE:-/var/cache/eflow}/images/current")
$EFLOW deploy --name bench --backend "$BACKEND" --data-size 2 >/dev/null
runtime_running() { $EFLOW get --name bench --json | grep -q '"status" *: *"running"'; }
until runtime_running; do sleep 0.5; done

# bundles 0.1.1 .. 0.1.N+1 of the same image, made before any timing
for i in $(seq 1 $((RUNS + 1))); do
  $EFLOW image bundle --image "$IMAGE" --version "0.1.$i" --out "$WORK/eflow-0.1.$i.bundle" >/dev/null 2>&1
done
size_mib=$(( $(stat -c %s "$WORK/eflow-0.1.1.bundle") >> 20 ))

applies=(); copies=(); hashes=()
for r in $(seq 1 "$RUNS"); do
  t0=$(now); $EFLOW update apply --name bench --no-restart --allow-skip "$WORK/eflow-0.1.$((r + 1)).bundle" >/dev/null 2>&1; t1=$(now)
  applies+=("$(ms $t0 $t1)")
  rm -rf "$WORK/copy" && mkdir -p "$WORK/copy"
  t0=$(now); cp "$IMAGE"/rootfs.erofs "$IMAGE"/rootfs.verity "$IMAGE"/vmlinux "$IMAGE"/initrd.img "$WORK/copy/" && sync; t1=$(now)
  copies+=("$(ms $t0 $t1)")
  t0=$(now); sha256sum "$IMAGE"/rootfs.erofs "$IMAGE"/rootfs.verity "$IMAGE"/vmlinux "$IMAGE"/initrd.img >/dev/null; t1=$(now)
  hashes+=("$(ms $t0 $t1)")
done
$EFLOW update rollback --name bench >/dev/null 2>&1   # cancels the staged trial

downtimes=(); restarts=()
for r in $(seq 1 "$RUNS"); do
  v=$(( RUNS + 1 + r ))
  $EFLOW image bundle --image "$IMAGE" --version "0.1.$v" --out "$WORK/next.bundle" >/dev/null 2>&1
  t0=
  while IFS= read -r line; do
    case "$line" in *"stopping the guest"*) t0=$(now) ;; esac
  done < <($EFLOW update apply --name bench --allow-skip --health-timeout 300 "$WORK/next.bundle" 2>&1 >/dev/null)
  t1=$(now)
  $EFLOW get --name bench --json | grep -q "\"imageVersion\" *: *\"0.1.$v\"" || { echo "bench: update to 0.1.$v did not commit" >&2; exit 1; }
  downtimes+=("$(ms $t0 $t1)")

  t0=$(now); $EFLOW stop --name bench >/dev/null; $EFLOW start --name bench >/dev/null
  until runtime_running; do sleep 0.2; done; t1=$(now)
  restarts+=("$(ms $t0 $t1)")
done

row "update apply (bundle $size_mib MiB)" "$(printf '%s\n' "${applies[@]}" | stats)" "cp + sync of the image files: $(printf '%s\n' "${copies[@]}" | stats)"
row "" "" "sha256sum of the same files: $(printf '%s\n' "${hashes[@]}" | stats)"
row "downtime, stop -> committed" "$(printf '%s\n' "${downtimes[@]}" | stats)" "plain restart until running: $(printf '%s\n' "${restarts[@]}" | stats)"

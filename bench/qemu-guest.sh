#!/usr/bin/env bash
# Figures for the qemu backend, each next to a reference measured in the same run:
#   start -> SSH ready (CLI, API)    vs  a bare boot of the same kernel and initramfs, with the same machine,
#                                        accelerator, vCPUs and memory, to the initramfs's first line
#   invoke -- true (median, p99)     vs  a fresh OpenSSH client over a virtio-serial connect port
# Target (issue 19): start -> SSH ready <= 2 x the bare boot. On this machine QEMU runs under TCG (no usable KVM).
# Run as root after `./mvnw package`: sudo bench/qemu-guest.sh [starts] [invoke-count]
set -euo pipefail
cd "$(dirname "$0")/.."
STARTS_N=${1:-5}
N=${2:-50}
. bench/lib.sh

load before
$EFLOW image build >/dev/null 2>&1
IMAGE=$(readlink -f "${EFLOW_CACHE:-/var/cache/eflow}/images/current")

deploy_log=$($EFLOW deploy --name bench --backend qemu --cpus 1 --memory 1024 --data-size 2 2>&1)
accel=$(echo "$deploy_log" | sed -n 's/.*QEMU with \([a-z]*\),.*/\1/p' | head -1)
[ -n "$accel" ] || { echo "bench: deploy did not say which accelerator it used:" >&2; echo "$deploy_log" >&2; exit 1; }
cpu=max; [ "$accel" = tcg ] || cpu=host
# the guest's own kernel command line, read from its running QEMU, so the bare boot differs only in having no disks
qemu_pid=$(cat "$EFLOW_HOME"/run/instances/bench/qemu.pid)
append=$(tr '\0' '\n' < /proc/"$qemu_pid"/cmdline | sed -n '/^-append$/{n;p}')

# --- bare boot: from launching QEMU to the initramfs's first console line
bare=()
for i in $(seq 1 "$STARTS_N"); do
  rm -f "$WORK/serial.log" "$WORK/qemu.pid"
  t0=$(now)
  qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot -machine q35 -accel "$accel" -cpu "$cpu" \
    -smp 1 -m 1024 -kernel "$IMAGE/vmlinux" -initrd "$IMAGE/initrd.img" -append "$append" \
    -serial "file:$WORK/serial.log" -pidfile "$WORK/qemu.pid" -daemonize
  until grep -q 'eflow-init: start at' "$WORK/serial.log" 2>/dev/null; do sleep 0.01; done
  t1=$(now)
  pid=$(cat "$WORK/qemu.pid")
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  bare+=("$(ms $t0 $t1)")
done
bare_median=$(printf '%s\n' "${bare[@]}" | median)

# --- start -> SSH ready
measure_starts "$STARTS_N"
start_median=$(printf '%s\n' "${STARTS[@]}" | median)
row "bare boot to initramfs first line" "$(printf '%s\n' "${bare[@]}" | stats)" "accelerator $accel, 1 vCPU, 1024 MB"
row "start -> SSH ready (eflow start)" "$(printf '%s\n' "${STARTS[@]}" | stats)" \
  "$(awk -v s="$start_median" -v b="$bare_median" 'BEGIN {printf "%.2f x bare boot (target <= 2)", s / b}')"
api_median=$(printf '%s\n' "${API_STARTS[@]}" | median)
row "start -> SSH ready (API)" "$(printf '%s\n' "${API_STARTS[@]}" | stats)" "$(ratio "$api_median" "$bare_median" "<= 2") bare boot"

# --- invoke -- true
measure_invokes "$N"
load after

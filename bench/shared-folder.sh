#!/usr/bin/env bash
# A shared folder's read throughput in the guest next to the host reading the same file in the same run, cold (page
# cache dropped before each read) and warm. Both sides time themselves with dd, so no invoke or SSH cost is counted.
# Namespace: an ID-mapped bind mount (the host's own page cache); qemu: virtio-9p through QEMU.
# Run as root after `./mvnw package`: sudo bench/shared-folder.sh [namespace|qemu] [MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-namespace}
MIB=${2:-256}
. bench/lib.sh

# "<MB/s>" from dd's last line ("… copied, 0.123 s, 2.2 GB/s"), always in MB/s
dd_rate() { awk '/copied/ {for (i = 1; i <= NF; i++) if ($i == "s,") {printf "%.0f", ('"$MIB"' * 1.048576) / $(i-1); exit}}'; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }
host_read() { dd if="$WORK/share/data.bin" of=/dev/null bs=1M 2>&1 | dd_rate; }
guest_read() { $EFLOW invoke --name bench -- dd if=/var/bench-share/data.bin of=/dev/null bs=1M 2>&1 | dd_rate; }

load before
$EFLOW image build >/dev/null 2>&1
$EFLOW deploy --name bench --backend "$BACKEND" --data-size 2 >/dev/null
mkdir -p "$WORK/share"
head -c "$((MIB << 20))" /dev/urandom > "$WORK/share/data.bin"
$EFLOW share add --name bench --host-path "$WORK/share" --guest-path /var/bench-share --read-only >/dev/null
$EFLOW stop --name bench >/dev/null && $EFLOW start --name bench >/dev/null

host_cold=(); guest_cold=(); host_warm=(); guest_warm=()
for i in 1 2 3; do
  drop_caches; host_cold+=("$(host_read)")
  drop_caches; guest_cold+=("$(guest_read)")
  host_warm+=("$(host_read)")
  guest_warm+=("$(guest_read)")
done
hc=$(printf '%s\n' "${host_cold[@]}" | median); gc=$(printf '%s\n' "${guest_cold[@]}" | median)
hw=$(printf '%s\n' "${host_warm[@]}" | median); gw=$(printf '%s\n' "${guest_warm[@]}" | median)
row "shared folder read, cold ($BACKEND)" "guest $gc MB/s (${guest_cold[*]})" "host $hc MB/s (${host_cold[*]}): $(awk -v a="$gc" -v b="$hc" 'BEGIN {printf "%.2f", a / b}') x"
row "shared folder read, warm ($BACKEND)" "guest $gw MB/s (${guest_warm[*]})" "host $hw MB/s (${host_warm[*]}): $(awk -v a="$gw" -v b="$hw" 'BEGIN {printf "%.2f", a / b}') x"
echo "file: $MIB MiB of random bytes; medians of 3 reads each"
load after

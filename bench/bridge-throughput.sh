#!/usr/bin/env bash
# Throughput host -> guest through an endpoint on a bridge (an eflow nat network: the host's address on the bridge, a
# veth port into it, the guest's eth1) next to a plain veth pair between the host and a bare network namespace, in the
# same run, with Debian's iperf3. The server runs in the guest's own network namespace (namespace backend), behind the
# guest's firewall with the port allowed on that endpoint only.
# Run as root after `./mvnw package`: sudo bench/bridge-throughput.sh [seconds per run]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-5}
. bench/lib.sh
command -v iperf3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iperf3 >/dev/null
REF_NS=eflow-bench-veth-$$
REF_LINK=ebv$$
bench_cleanup_extra() {
  ip netns pids "$REF_NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip link del "$REF_LINK" 2>/dev/null || true
  ip netns del "$REF_NS" 2>/dev/null || true
  [ -n "${GUEST_NS:-}" ] && { ip netns pids "$GUEST_NS" 2>/dev/null | xargs -r -I{} sh -c 'grep -q iperf3 /proc/{}/comm && kill {}' || true; }
  $EFLOW remove --force --name bench >/dev/null 2>&1 || true
  $EFLOW network remove benchlab >/dev/null 2>&1 || true
}
# Mbit/s the receiver saw, from iperf3's summary line
receiver_mbits() { awk '/receiver/ {for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") {print $(i-1); exit}}'; }
measure() { # netns address
  ip netns exec "$1" iperf3 -s -1 -D -B "$2" >/dev/null
  sleep 0.3
  iperf3 -c "$2" -t "$DURATION" -f m | receiver_mbits
}

load before
$EFLOW image build >/dev/null 2>&1
$EFLOW deploy --name bench --backend namespace >/dev/null
$EFLOW network add benchlab --type nat --subnet 198.19.9.0/24 >/dev/null
$EFLOW endpoint add --name bench --network benchlab --ip 198.19.9.20 --prefix 24 >/dev/null
$EFLOW firewall allow --name bench --protocol tcp --port 5201 --endpoint benchlab >/dev/null
$EFLOW stop --name bench >/dev/null && $EFLOW start --name bench >/dev/null
GUEST_NS=$(ip netns list | awk '/^eflow-bench/ {print $1; exit}')

ip netns add "$REF_NS"
ip link add "$REF_LINK" type veth peer name eth0 netns "$REF_NS"
ip addr add 198.19.10.1/24 dev "$REF_LINK" && ip link set "$REF_LINK" up
ip -n "$REF_NS" addr add 198.19.10.2/24 dev eth0 && ip -n "$REF_NS" link set eth0 up && ip -n "$REF_NS" link set lo up

bridge=(); veth=()
for i in 1 2 3; do   # alternating, so drift over the run falls on both alike
  bridge+=("$(measure "$GUEST_NS" 198.19.9.20)")
  veth+=("$(measure "$REF_NS" 198.19.10.2)")
done
b=$(printf '%s\n' "${bridge[@]}" | median); v=$(printf '%s\n' "${veth[@]}" | median)
row "host -> guest, bridge endpoint" "$b Mbit/s (${bridge[*]})" "plain veth $v Mbit/s (${veth[*]}): $(awk -v a="$b" -v c="$v" 'BEGIN {printf "%.2f", a / c}') x"
echo "iperf3 TCP, one stream, ${DURATION} s per run; medians of 3 runs each"
load after

#!/usr/bin/env bash
# Figures for the namespace backend, each next to a reference measured in the same run:
#   deploy (image cached)            vs  a plain copy of the image's root file system
#   start -> SSH ready               vs  a raw `crun run` of the same root file system running /bin/true
#   invoke -- true (median, p99)     vs  a fresh OpenSSH client over the same socket
# Run as root after `./mvnw package`: sudo bench/namespace-guest.sh [invoke-count]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
N=${1:-200}
export EFLOW_HOME=$(mktemp -d /tmp/eflow-bench.XXXXXX)
EFLOW=bin/eflow
SOCK=$EFLOW_HOME/run/eflowd.sock
WORK=$(mktemp -d /tmp/eflow-bench-ref.XXXXXX)
cleanup() {
  $EFLOW remove --force --name bench >/dev/null 2>&1 || true
  # the daemon this run started (on demand) reports its pid
  pid=$(curl -sf --unix-socket "$SOCK" http://eflow/v1/version 2>/dev/null | sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p')
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  crun --root "$WORK/crun" delete -f ref >/dev/null 2>&1 || true
  mountpoint -q "$WORK/rootfs" && umount "$WORK/rootfs"
  rm -rf "$WORK" "$EFLOW_HOME"
}
trap cleanup EXIT

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
# median and p99 of the numbers on stdin (milliseconds, may be fractional)
stats() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.99+0.999)]; if(p=="")p=a[NR]; printf "median %s ms, p99 %s ms (n=%d)", m, p, NR}'; }
row() { printf '%-34s %-40s | %s\n' "$1" "$2" "$3"; }

$EFLOW image build >/dev/null 2>&1
IMAGE=$(readlink -f /var/cache/eflow/images/current)

# --- deploy, image cached, three times; reference: copying the root file system image
deploys=()
for i in 1 2 3; do
  t0=$(now); $EFLOW deploy --name bench --data-size 2 >/dev/null; t1=$(now)
  deploys+=("$(ms $t0 $t1)")
  [ $i -lt 3 ] && $EFLOW remove --force --name bench >/dev/null
done
t0=$(now); cp --sparse=always "$IMAGE/rootfs.erofs" "$WORK/copy.img"; sync "$WORK/copy.img"; t1=$(now)
row "deploy (image cached)" "$(printf '%s\n' "${deploys[@]}" | stats)" "plain copy of rootfs.erofs: $(ms $t0 $t1) ms"

# --- start -> SSH ready; reference: raw crun run of the same rootfs to /bin/true
starts=()
for i in $(seq 1 10); do
  $EFLOW stop --name bench >/dev/null
  t0=$(now); $EFLOW start --name bench >/dev/null; t1=$(now)
  starts+=("$(ms $t0 $t1)")
done
mkdir -p "$WORK/rootfs" "$WORK/bundle"
mount -o loop,ro "$IMAGE/rootfs.erofs" "$WORK/rootfs"
(cd "$WORK/bundle" && crun spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"\/bin\/true"/; s#"path": "rootfs"#"path": "'"$WORK"'/rootfs"#' config.json)
crunrun() {
  if [ -e /sys/fs/cgroup/unified/cgroup.controllers ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
    unshare --mount --propagation private -- sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' crun crun --root "$WORK/crun" run --bundle "$WORK/bundle" ref
  else
    crun --root "$WORK/crun" run --bundle "$WORK/bundle" ref
  fi
}
raw=()
for i in $(seq 1 10); do t0=$(now); crunrun >/dev/null; t1=$(now); raw+=("$(ms $t0 $t1)"); done
api_starts=()
for i in $(seq 1 10); do
  curl -sf --unix-socket "$SOCK" -X POST http://eflow/v1/instances/bench/stop >/dev/null
  t0=$(now); curl -sf --unix-socket "$SOCK" -X POST http://eflow/v1/instances/bench/start >/dev/null; t1=$(now)
  api_starts+=("$(ms $t0 $t1)")
done
row "start -> SSH ready (eflow start)" "$(printf '%s\n' "${starts[@]}" | stats)" "raw crun run /bin/true: $(printf '%s\n' "${raw[@]}" | stats)"
row "start -> SSH ready (API)" "$(printf '%s\n' "${api_starts[@]}" | stats)" "same reference"

# --- invoke -- true: through the daemon's API (what scripts and the console pay) and through the CLI process
api=()
for i in $(seq 1 "$N"); do
  t0=$(now)
  curl -sf --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' -d '{"command":["true"]}' \
    http://eflow/v1/instances/bench/invoke >/dev/null
  t1=$(now); api+=("$(( (t1 - t0) / 1000 ))")
done
cli=()
for i in $(seq 1 "$N"); do t0=$(now); $EFLOW invoke --name bench -- true; t1=$(now); cli+=("$(ms $t0 $t1)"); done
info=$(curl -sf --unix-socket "$SOCK" -X POST http://eflow/v1/instances/bench/connect)
field() { echo "$info" | sed -n 's/.*"'"$1"'" *: *"\([^"]*\)".*/\1/p'; }
ossh=()
for i in $(seq 1 20); do
  t0=$(now)
  ssh -F /dev/null -o BatchMode=yes -o "ProxyCommand=socat - UNIX-CONNECT:$(field socket)" -o "UserKnownHostsFile=$(field knownHostsFile)" \
    -o StrictHostKeyChecking=yes -o "HostKeyAlias=$(field hostAlias)" -i "$(field identityFile)" \
    -o "CertificateFile=$(field certificateFile)" -o IdentitiesOnly=yes "$(field user)@$(field hostAlias)" true
  t1=$(now); ossh+=("$(ms $t0 $t1)")
done
api_ms=$(printf '%s\n' "${api[@]}" | awk '{printf "%.1f\n", $1/1000}')
row "invoke -- true via API (curl)" "$(echo "$api_ms" | stats)" "fresh OpenSSH client: $(printf '%s\n' "${ossh[@]}" | stats)"
row "invoke -- true via CLI (new JVM)" "$(printf '%s\n' "${cli[@]}" | stats)" "same reference"

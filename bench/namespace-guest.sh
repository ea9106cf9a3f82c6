#!/usr/bin/env bash
# Figures for the namespace backend, each next to a reference measured in the same run:
#   deploy (image cached)            vs  a plain copy of the image's root file system
#   start -> SSH ready               vs  a raw `crun run` of the same root file system running /bin/true
#   invoke -- true (median, p99)     vs  a fresh OpenSSH client over the same socket
# Run as root after `./mvnw package`: sudo bench/namespace-guest.sh [invoke-count]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
. bench/lib.sh
bench_cleanup_extra() {
  crun --root "$WORK/crun" delete -f ref >/dev/null 2>&1 || true
  mountpoint -q "$WORK/rootfs" && umount "$WORK/rootfs"
}

load before
$EFLOW image build >/dev/null 2>&1
IMAGE=$(readlink -f "${EFLOW_CACHE:-/var/cache/eflow}/images/current")

# --- deploy, image cached, five times; reference: copying the root file system image. The daemon is started first
# (any call starts it on demand): its own start is not part of a deploy.
$EFLOW list >/dev/null
deploys=()
for i in 1 2 3 4 5; do
  t0=$(now); $EFLOW deploy --name bench --data-size 2 >/dev/null; t1=$(now)
  deploys+=("$(ms $t0 $t1)")
  [ $i -lt 5 ] && $EFLOW remove --force --name bench >/dev/null
done
t0=$(now); cp --sparse=always "$IMAGE/rootfs.erofs" "$WORK/copy.img"; sync "$WORK/copy.img"; t1=$(now)
row "deploy (image cached)" "$(printf '%s\n' "${deploys[@]}" | stats)" \
  "plain copy of rootfs.erofs: $(ms $t0 $t1) ms, $(ratio "$(printf '%s\n' "${deploys[@]}" | median)" "$(ms $t0 $t1)" "<= 3")"

# --- start -> SSH ready; reference: raw crun run of the same rootfs to /bin/true
measure_starts 10
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
raw_median=$(printf '%s\n' "${raw[@]}" | median)
row "start -> SSH ready (eflow start)" "$(printf '%s\n' "${STARTS[@]}" | stats)" "raw crun run /bin/true: $(printf '%s\n' "${raw[@]}" | stats); \
CLI - API: +$(( $(printf '%s\n' "${STARTS[@]}" | median) - $(printf '%s\n' "${API_STARTS[@]}" | median) )) ms (target: the CLI's own start, bench/cli-start.sh)"
row "start -> SSH ready (API)" "$(printf '%s\n' "${API_STARTS[@]}" | stats)" \
  "$(ratio "$(printf '%s\n' "${API_STARTS[@]}" | median)" "$raw_median" "<= 4") raw crun run"

# --- invoke -- true
measure_invokes "$N"
load after

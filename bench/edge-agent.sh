#!/usr/bin/env bash
# Issue 5's figures on the namespace backend, each next to a reference measured in the same run:
#   applied manifest -> 10 modules running (image cached)  vs  10 bare `crun run --detach` of the same image on the host
#   guest runtime RSS with 10 modules                      vs  the same runtime with no deployment
#   a crashed module's restart, late after its announced back-off  vs  the host's `sleep` late after the same delay
# Run as root after `./mvnw package`: sudo bench/edge-agent.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
. bench/lib.sh
bench_cleanup_extra() {
  for i in $(seq 1 10); do crun --root "$WORK/crun" delete -f "ref$i" >/dev/null 2>&1 || true; done
}

bench_busybox_image
manifest 10 > "$WORK/ten.json"; manifest 0 > "$WORK/none.json"
rss() { $EFLOW invoke --name bench -- sh -c 'grep VmRSS /proc/$(pgrep -f "[e]flow-guest.jar run" | head -1)/status' | awk '{print $2}'; }

$EFLOW image build >/dev/null 2>&1
$EFLOW deploy --name bench --data-size 2 >/dev/null
$EFLOW image load --name bench "$WORK/busybox.tar" >/dev/null
sleep 5
idle_rss=$(rss)

times=()
for r in $(seq 1 "$RUNS"); do
  apply "$WORK/none.json"
  while [ "$(running)" -ne 0 ]; do sleep 0.05; done
  t0=$(now); apply "$WORK/ten.json"
  while [ "$(running)" -lt 10 ]; do sleep 0.02; done
  t1=$(now); times+=("$(ms $t0 $t1)")
done
sleep 3
busy_rss=$(rss)

# --- a module that exits at once: each exit announces "next start in N s"; how late after N does the restart come?
# (EdgeAgentIT checks it never comes sooner.) Both instants are the agent's own, read from its module report.
printf '{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1", "runtime": {"type": "docker", "settings": {}},
  "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
    "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
  "modules": {"crasher": {"type": "docker", "status": "running", "restartPolicy": "always", "imagePullPolicy": "never",
    "settings": {"image": "eflow-bench/busybox:1", "createOptions": "{\\"Cmd\\":[\\"/bin/busybox\\",\\"sh\\",\\"-c\\",\\"exit 3\\"]}"}}}}},
  "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {}}}}}' > "$WORK/crasher.json"
apply "$WORK/crasher.json"
crasher() { curl -sf --unix-socket "$SOCK" http://eflow/v1/instances/bench/modules | sed 's/.*"crasher" *: *{//; s/}.*//'; }
field() { echo "$1" | sed -n 's/.*"'"$2"'" *: *"\{0,1\}\([^",]*\).*/\1/p'; }
late=(); sleeps=(); seen=0; exit_ns=""; delay_ms=0; deadline=$(( $(now) + 120000000000 ))
while [ ${#late[@]} -lt 3 ] && [ "$(now)" -lt "$deadline" ]; do
  m=$(crasher); count=$(field "$m" restartCount)
  if [ -n "$count" ] && [ "$count" -gt "$seen" ]; then
    # a restart pairs with the exit seen at the previous poll only when no cycle was missed in between
    if [ "$count" -eq $((seen + 1)) ] && [ -n "$exit_ns" ]; then
      late+=("$(( ($(date -d "$(field "$m" lastRestartTimeUtc)" +%s%N) - exit_ns) / 1000000 - delay_ms ))")
    fi
    seen=$count
  fi
  delay=$(echo "$m" | sed -n 's/.*next start in \([0-9.]*\) s.*/\1/p')
  if [ "$(field "$m" runtimeStatus)" = backoff ] && [ -n "$delay" ]; then
    exit_ns=$(date -d "$(field "$m" lastExitTimeUtc)" +%s%N); delay_ms=$(awk -v d="$delay" 'BEGIN {printf "%d", d * 1000}')
  else
    exit_ns=""
  fi
  sleep 0.05
done
[ ${#late[@]} -gt 0 ] || { echo "bench: saw no restart of the crashing module" >&2; exit 1; }
for d in 1 2 4; do t0=$(now); sleep "$d"; t1=$(now); sleeps+=("$(( $(ms $t0 $t1) - d * 1000 ))"); done

# reference: 10 detached crun containers of the same busybox root, started one after another on the host
mkdir -p "$WORK/bundle/rootfs" && cp -a "$WORK/img/l/." "$WORK/bundle/rootfs/"
(cd "$WORK/bundle" && crun spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"\/bin\/busybox", "sleep", "100000"/' config.json)
crunrun() {
  if [ -e /sys/fs/cgroup/unified/cgroup.controllers ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
    unshare --mount --propagation private -- sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' crun crun --root "$WORK/crun" run --detach --bundle "$WORK/bundle" "$1"
  else
    crun --root "$WORK/crun" run --detach --bundle "$WORK/bundle" "$1"
  fi
}
t0=$(now); for i in $(seq 1 10); do crunrun "ref$i" >/dev/null; done; t1=$(now)

row "manifest -> 10 modules running" "$(printf '%s\n' "${times[@]}" | stats)" "10 x crun run --detach on the host: $(ms $t0 $t1) ms (target <= 2000 ms)"
row "guest runtime RSS, 10 modules" "$((busy_rss / 1024)) MiB" "same runtime, no deployment: $((idle_rss / 1024)) MiB (target <= 100 MiB)"
row "restart late after its back-off" "$(printf '%s\n' "${late[@]}" | stats)" "host sleep 1/2/4 s, late by: $(printf '%s\n' "${sleeps[@]}" | stats)"

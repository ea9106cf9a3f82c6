# Shared by the guest benchmarks: a private EFLOW_HOME, timing helpers, and the invoke measurements both backends
# report the same way. Source it after `cd` to the repository root; it sets EFLOW, SOCK and WORK and cleans up on exit.
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
export EFLOW_HOME=$(mktemp -d /tmp/eflow-bench.XXXXXX)
EFLOW=bin/eflow
SOCK=$EFLOW_HOME/run/eflowd.sock
WORK=$(mktemp -d /tmp/eflow-bench-ref.XXXXXX)
bench_cleanup_extra() { :; }
bench_cleanup() {
  $EFLOW remove --force --name bench >/dev/null 2>&1 || true
  # the daemon this run started (on demand) reports its pid
  pid=$(curl -sf --unix-socket "$SOCK" http://eflow/v1/version 2>/dev/null | sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p')
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  bench_cleanup_extra
  rm -rf "$WORK" "$EFLOW_HOME"
}
trap bench_cleanup EXIT

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
# median and p99 of the numbers on stdin (milliseconds, may be fractional)
stats() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.99+0.999)]; if(p=="")p=a[NR]; printf "median %s ms, p99 %s ms (n=%d)", m, p, NR}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { printf '%-34s %-40s | %s\n' "$1" "$2" "$3"; }
# the machine's load, printed before and after a run's figures: they are only comparable within one run
load() { echo "load average ($1): $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"; }
# "1.23 x" of a figure over its reference, with the target beside it
ratio() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN {printf "%.2f x (target %s)", a / b, t}'; }

# start -> SSH ready through the CLI and through the API, COUNT times each; sets STARTS and API_STARTS. The two
# alternate, each after the same stop, so whatever drifts over a run (the guest's disks, the host's load) falls on
# both alike: in two blocks, the later block came out up to 10% slower whichever path it was.
measure_starts() {
  local count=$1 t0 t1
  STARTS=(); API_STARTS=()
  for i in $(seq 1 "$count"); do
    curl -sf --unix-socket "$SOCK" -X POST http://eflow/v1/instances/bench/stop >/dev/null
    t0=$(now); $EFLOW start --name bench >/dev/null; t1=$(now)
    STARTS+=("$(ms $t0 $t1)")
    curl -sf --unix-socket "$SOCK" -X POST http://eflow/v1/instances/bench/stop >/dev/null
    t0=$(now); curl -sf --unix-socket "$SOCK" -X POST http://eflow/v1/instances/bench/start >/dev/null; t1=$(now)
    API_STARTS+=("$(ms $t0 $t1)")
  done
}

# invoke -- true through the API (what scripts and the console pay) and the CLI (a new JVM), next to a fresh OpenSSH
# client over the guest's own connect socket; prints two rows
measure_invokes() {
  local count=$1 t0 t1 api=() cli=() ossh=() info
  for i in $(seq 1 "$count"); do
    t0=$(now)
    curl -sf --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' -d '{"command":["true"]}' \
      http://eflow/v1/instances/bench/invoke >/dev/null
    t1=$(now); api+=("$(( (t1 - t0) / 1000 ))")
  done
  for i in $(seq 1 "$count"); do t0=$(now); $EFLOW invoke --name bench -- true; t1=$(now); cli+=("$(ms $t0 $t1)"); done
  info=$(curl -sf --unix-socket "$SOCK" -X POST http://eflow/v1/instances/bench/connect)
  field() { echo "$info" | sed -n 's/.*"'"$1"'" *: *"\([^"]*\)".*/\1/p'; }
  for i in $(seq 1 20); do
    t0=$(now)
    ssh -F /dev/null -o BatchMode=yes -o "ProxyCommand=socat - UNIX-CONNECT:$(field socket)" -o "UserKnownHostsFile=$(field knownHostsFile)" \
      -o StrictHostKeyChecking=yes -o "HostKeyAlias=$(field hostAlias)" -i "$(field identityFile)" -o ConnectTimeout=20 \
      -o "CertificateFile=$(field certificateFile)" -o IdentitiesOnly=yes "$(field user)@$(field hostAlias)" true
    t1=$(now); ossh+=("$(ms $t0 $t1)")
  done
  row "invoke -- true via API (curl)" "$(printf '%s\n' "${api[@]}" | awk '{printf "%.1f\n", $1/1000}' | stats)" \
    "fresh OpenSSH client: $(printf '%s\n' "${ossh[@]}" | stats)"
  row "invoke -- true via CLI (new JVM)" "$(printf '%s\n' "${cli[@]}" | stats)" \
    "$(ratio "$(printf '%s\n' "${cli[@]}" | median)" "$(printf '%s\n' "${ossh[@]}" | median)" "<= 0.6") the OpenSSH client"
}

# a one-layer busybox image as a docker-archive, $WORK/busybox.tar (eflow-bench/busybox:1, sleeps until stopped); its
# root is $WORK/img/l for references run on the host
bench_busybox_image() {
  command -v busybox >/dev/null || { echo "bench: needs busybox-static (scripts/install-host-deps)" >&2; exit 1; }
  mkdir -p "$WORK/img/l/bin" "$WORK/img/blobs/sha256" && cp "$(command -v busybox)" "$WORK/img/l/bin/busybox"
  tar -C "$WORK/img/l" -cf "$WORK/img/layer.tar" bin
  local L C
  L=$(sha256sum "$WORK/img/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/busybox","sh","-c","trap \x27exit 0\x27 TERM; /bin/busybox sleep 100000 \x26 wait"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$L" > "$WORK/img/config.json"
  C=$(sha256sum "$WORK/img/config.json" | cut -d' ' -f1)
  cp "$WORK/img/layer.tar" "$WORK/img/blobs/sha256/$L"; cp "$WORK/img/config.json" "$WORK/img/blobs/sha256/$C"
  printf '[{"Config":"blobs/sha256/%s","RepoTags":["eflow-bench/busybox:1"],"Layers":["blobs/sha256/%s"]}]' "$C" "$L" > "$WORK/img/manifest.json"
  tar -C "$WORK/img" -cf "$WORK/busybox.tar" manifest.json blobs
}

# a deployment manifest of COUNT busybox modules m1..mCOUNT, no routes
manifest() {  # manifest COUNT
  local modules="" i
  for i in $(seq 1 "$1"); do
    [ -n "$modules" ] && modules="$modules,"
    modules="$modules\"m$i\": {\"type\": \"docker\", \"status\": \"running\", \"restartPolicy\": \"always\", \"imagePullPolicy\": \"never\",
      \"settings\": {\"image\": \"eflow-bench/busybox:1\", \"createOptions\": \"{}\"}}"
  done
  printf '{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1", "runtime": {"type": "docker", "settings": {}},
    "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
      "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
    "modules": {%s}}}, "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {}}}}}' "$modules"
}

# modules of instance bench running now
running() { curl -sf --unix-socket "$SOCK" http://eflow/v1/instances/bench/modules | grep -o '"runtimeStatus":"running"' | wc -l; }
# a manifest file applied to instance bench locally, through the API
apply() { curl -sf --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' --data-binary @"$1" http://eflow/v1/instances/bench/deployment >/dev/null; }

# A namespace guest named bench, deployed from a fresh image build; $netns is its network namespace.
bench_namespace_guest() {
  netns_before=$(ip netns list | awk '{print $1}' | sort)
  $EFLOW image build >/dev/null 2>&1
  $EFLOW deploy --name bench --data-size 2 >/dev/null
  netns=$(comm -13 <(echo "$netns_before") <(ip netns list | awk '{print $1}' | sort) | head -1)
  [ -n "$netns" ] || { echo "bench: the guest's network namespace was not found (is the backend namespace?)" >&2; exit 1; }
}

# The IoT Hub emulator (with DPS) on IoT Hub's ports on the host's loopback, reached from the bench guest as CloudIT
# does: a loopback name of the guest's own, redirected in its network namespace to reverse forwards of 8883 and 443.
# Exports what service.js and the SDK scripts read; service CMD… runs service.js. Stopped by bench_cleanup.
HUB=iothub.eflow.test
EMULATOR_PID=""
bench_cleanup_extra() {
  [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null || true
}
service() { (cd eflow-host && node src/test/node/service.js "$@" 2>>"$WORK/service.err" | tail -1); }
bench_iothub_emulator() {
  command -v node >/dev/null || { echo "bench: needs node (scripts/install-host-deps)" >&2; exit 1; }
  [ -d iothub-emulator/src/test/node/node_modules ] || { echo "bench: needs the SDKs: ./mvnw package -pl iothub-emulator" >&2; exit 1; }
  bin/iothub-emulator --hostname "$HUB" --bind 127.0.0.1 --mqtt-port 8883 --https-port 443 --state "$WORK/iothub" \
    > "$WORK/emulator.out" 2> "$WORK/emulator.err" &
  EMULATOR_PID=$!
  for i in $(seq 1 300); do [ "$(wc -l < "$WORK/emulator.out")" -ge 6 ] && break; sleep 0.1; done
  export IOTHUB_CONNECTION_STRING=$(sed -n 1p "$WORK/emulator.out") NODE_EXTRA_CA_CERTS=$(sed -n 2p "$WORK/emulator.out")
  export IOTHUB_MQTT_PORT=8883 IOTHUB_HTTPS_PORT=443
  export DPS_ID_SCOPE=$(sed -n 5p "$WORK/emulator.out") DPS_CONNECTION_STRING=$(sed -n 6p "$WORK/emulator.out")
  [ -n "$IOTHUB_CONNECTION_STRING" ] || { echo "bench: the emulator did not start: $(cat "$WORK/emulator.err")" >&2; exit 1; }
  $EFLOW forward add --name bench --reverse 8883 18883 >/dev/null
  $EFLOW forward add --name bench --reverse 443 10443 >/dev/null
  $EFLOW invoke --name bench -- sudo sh -c "echo '127.0.0.2 $HUB' >> /etc/hosts"
  ip netns exec "$netns" nft -f - <<EOF
table ip eflow_bench_iothub {
  chain out {
    type nat hook output priority -100; policy accept;
    ip daddr 127.0.0.2 tcp dport 8883 redirect to :18883
    ip daddr 127.0.0.2 tcp dport 443 redirect to :10443
  }
}
EOF
}

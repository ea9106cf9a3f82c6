#!/usr/bin/env bash
# A soak (issue 22): a guest runs for MINUTES with the samples' deployment (tempSensor -> filter -> hostApp and
# $upstream) plus a busybox module that writes 600 log lines and exits 1 after 3 s (restartPolicy always; the bench
# asks for its restart whenever the agent backs it off, so it crashes every ~5 s all along). A host application
# (bench/SoakClient.java) publishes numbered QoS 1 messages into the hub through a forward of the hub's TLS port at
# SOAK_RATE msg/s (40; 10 on qemu, whose TCG runs the hub several times slower), routed to $upstream: a real
# mosquitto on the host, reached by a reverse forward and stopped for a quarter of every 1-3 minutes. The daemon is
# restarted three times (10, 25 and 40 % into the run) and the guest once (55 %). Every 5-30 s it records the guest
# runtime's and the daemon's RSS, threads and open files, the hub store's disk use and the log folders' sizes (a CSV,
# kept: $SOAK_CSV). The reference is the run itself after warm-up: each figure must stay flat, or within its limit.
#
# The verdict, PASS/FAIL per line, exit 1 on any FAIL:
#   messages     every sequence number the hub PUBACKed arrived at mosquitto (duplicates allowed, counted)
#   RSS          least-squares slope after warm-up <= 5 % of its mean per hour (~7.5 MiB/h for the runtime, ~12 for
#                the daemon): what 50 bytes kept per message (144,000 an hour) or 10 KiB per module crash comes to;
#                a warm JVM's own drift (heap resizing, code cache) is well below it
#   threads and  slope <= 5 per hour each: a thread or file kept per event of the run's rarest repeated kind (an
#   open files   upstream outage, 20 an hour) climbs 20/h; one per crash (~700/h), invoke (120/h) or message far
#                faster. 5/h is a quarter of the slowest of those and about 5 standard errors of a flat series' slope
#                over an hour of 30-s samples (their levels move by +-3 as connections come and go)
#   store        after warm-up at most 2 segment files, 32 MiB: the store gives space back a whole 16 MiB segment at
#                a time, so its use is a saw-tooth whose slope over an hour says little (printed for information);
#                with every endpoint consuming, only the segment being written and the one before it hold live
#                messages (an outage's backlog is under 1 MiB), while a store that kept spent segments has a third
#                after ~32 MiB written: ~45 min at 40 msg/s (~350 bytes a record)
#   logs         every sample of every folder within its rotation limit: svlogd's defaults (no config file in
#                eflow-guest/src/overlay/etc/eflow/services/*/log: s=1000000 bytes, n=10 old files, so
#                <= 11,000,000 bytes plus its state files), ModuleLog's 4 files of 1 MiB (EdgeAgent: 1 << 20, 4), the
#                daemon's logback 10 MB + 5 rolled (+ eflowd.out), 61 MiB; whether each folder rotated is said too
# Slopes are fitted within each life of the process (the runtime's lives end at the guest restart, the daemon's at
# its restarts), so a restart's drop is not read as a trend; warm-up: the first 10 min (the first third when the run
# is shorter than 30 min), and as long again after each restart of that process: a JVM's RSS climbs for minutes
# after its start (the daemon's by ~50 MiB in 5 min, still ~1 MiB a minute at 10), which a shorter warm-up reads as a
# leak. So the daemon's restarts come early (its last life is 60 % of the run, judged after its warm-up) and the
# runtime sees them in its measured first life. Runs under ~30 min cannot resolve a slope of a few per hour: their
# slopes are warm-up and noise (the output says so).
# Run as root after `./mvnw package` (eflow-host and the samples): sudo bench/soak.sh [minutes=60] [backend=namespace]
# bench/soak.sh --self-test checks the verdict's arithmetic on made-up series (flat passes, a leak fails), no root;
# bench/soak.sh --judge CSV [warm-up s] judges a kept CSV's figures again.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- the verdict's arithmetic, shared by the run and the self-test

# Least-squares slope per hour of column Y against column t in CSV, fitted within each value of column SEG (a
# process's life: its own intercept), over rows at or after WARM s and, for a life that began during the run, REWARM s
# after its first row. Prints "n mean slope_per_hour standard_error_per_hour" (n 0 when too few rows).
slope() {  # slope CSV Y SEG WARM REWARM
  awk -F, -v yc="$2" -v sc="$3" -v warm="$4" -v rewarm="$5" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      t = $col["t"]; y = $col[yc]; s = $col[sc]
      if (y == "" || s == "") next
      if (!(s in first)) { first[s] = t; lives++; if (lives > 1) late[s] = 1 }
      if (t < warm || ((s in late) && t < first[s] + rewarm)) next
      n[s]++; sx[s] += t; sy[s] += y; sxx[s] += t * t; sxy[s] += t * y; syy[s] += y * y
    }
    END {
      for (s in n) {
        if (n[s] < 3) continue
        N += n[s]; segs++; Y += sy[s]
        Sxx += sxx[s] - sx[s] * sx[s] / n[s]; Sxy += sxy[s] - sx[s] * sy[s] / n[s]; Syy += syy[s] - sy[s] * sy[s] / n[s]
      }
      if (N < 4 || Sxx <= 0) { print 0, 0, 0, 0; exit }
      b = Sxy / Sxx; rss = Syy - b * Sxy; dof = N - segs - 1
      se = (dof > 0 && rss > 0) ? sqrt(rss / dof / Sxx) : 0
      printf "%d %.6g %.6g %.6g\n", N, Y / N, b * 3600, se * 3600
    }' "$1"
}
# The largest value of column Y at or after WARM s (all rows when WARM is 0); empty when there is none
peak() {  # peak CSV Y WARM
  awk -F, -v yc="$2" -v warm="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col[yc] != "" && $col["t"] >= warm && (m == "" || $col[yc] + 0 > m + 0) { m = $col[yc] } END { print m }' "$1"
}
# how often column Y changed value (the store's oldest segment moving on: space given back)
changes() {  # changes CSV Y
  awk -F, -v yc="$2" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col[yc] != "" { if (seen && $col[yc] != p) n++; p = $col[yc]; seen = 1 } END { print n + 0 }' "$1"
}
# acknowledged sequence numbers (file ACKED, one a line) that never arrived (file ARRIVED, duplicates allowed)
lost() { comm -23 <(sort -un "$1") <(sort -un "$2") | wc -l; }
# sets V to PASS when A <= B, else to FAIL and counts it
FAILS=0
verdict() { if awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; then V=PASS; else V=FAIL; FAILS=$((FAILS + 1)); fi; }
# one figure's slope line: slope_row LABEL CSV Y SEG UNIT DIVISOR BOUND_KIND BOUND (kind "rel": BOUND % of the mean per
# hour; "abs": BOUND units per hour); DIVISOR turns the column's unit into UNIT
slope_row() {
  local label=$1 csv=$2 y=$3 seg=$4 unit=$5 div=$6 kind=$7 bound=$8 n mean b se limit what
  read -r n mean b se < <(slope "$csv" "$y" "$seg" "$WARM" "$REWARM")
  if [ "$n" -eq 0 ]; then
    row "$label" "too few samples after warm-up" "FAIL"; FAILS=$((FAILS + 1)); return
  fi
  if [ "$kind" = rel ]; then
    limit=$(awk -v m="$mean" -v p="$bound" -v d="$div" 'BEGIN { printf "%.2f", m * p / 100 / d }')
    what="bound <= $limit $unit/h ($bound % of the mean)"
  else
    limit=$bound; what="bound <= $bound $unit/h"
  fi
  verdict "$(awk -v b="$b" -v d="$div" 'BEGIN { print b / d }')" "$limit"
  row "$label" "$(awk -v b="$b" -v se="$se" -v m="$mean" -v d="$div" -v u="$unit" -v n="$n" \
      'BEGIN { printf "%+.2f %s/h (se %.2f), mean %.1f %s, n=%d", b / d, u, se / d, m / d, u, n }')" "$what: $V"
}
row() { printf '%-32s %-58s | %s\n' "$1" "$2" "$3"; }

# The figures' rows and verdicts from a CSV of samples (WARM, REWARM and D set): the runtime's and the daemon's
# slopes, the store, the log folders (with ROTATED, "folder count" lines from the guest, when there is one)
SVLOGD_LIMIT=$((11 * 1000000 + 4096)); MODULE_LOG_LIMIT=$((4 * 1048576)); DAEMON_LOG_LIMIT=$((61 * 1048576))
STORE_SEGMENT=$((16 * 1048576)); STORE_LIMIT=$((2 * STORE_SEGMENT)); ROTATED=""
figures() {
  local csv=$1 store_peak segs_peak sn smean sb sse store_written f name col limit p r
  slope_row "guest runtime RSS" "$csv" rt_rss_kb rt_gen MiB 1024 rel 5
  slope_row "guest runtime threads" "$csv" rt_threads rt_gen threads 1 abs 5
  slope_row "guest runtime open files" "$csv" rt_fds rt_gen fds 1 abs 5
  slope_row "daemon RSS" "$csv" d_rss_kb d_gen MiB 1024 rel 5
  slope_row "daemon threads" "$csv" d_threads d_gen threads 1 abs 5
  slope_row "daemon open files" "$csv" d_fds d_gen fds 1 abs 5
  store_peak=$(peak "$csv" store_bytes "$WARM"); segs_peak=$(peak "$csv" store_segments "$WARM")
  read -r sn smean sb sse < <(slope "$csv" store_bytes rt_gen "$WARM" "$REWARM")
  store_written=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $col["store_oldest"] != "" { b = $col["store_oldest"] + 0 }
    $col["store_bytes"] != "" { last = b + $col["store_bytes"] } END { print last + 0 }' "$csv")
  verdict "$(( ${segs_peak:-0} > 2 || ${store_peak:-0} > STORE_LIMIT ))" 0
  row "hub store disk use" "peak $(awk -v p="${store_peak:-0}" 'BEGIN { printf "%.1f", p / 1048576 }') MiB in ${segs_peak:-0} segments after warm-up, slope $(awk -v b="$sb" 'BEGIN { printf "%+.1f", b / 1048576 }') MiB/h" \
    "bound <= 2 segments (32 MiB); space given back $(changes "$csv" store_oldest) times: $V"
  [ "$(changes "$csv" store_oldest)" -gt 0 ] || echo "note: the store wrote about $((store_written / 1048576)) MiB, less than a segment: giving space back was not exercised"
  for f in eflow_guest:log_eflow_guest:$SVLOGD_LIMIT eflow_health:log_eflow_health:$SVLOGD_LIMIT sshd:log_sshd:$SVLOGD_LIMIT \
           filter:log_filter:$MODULE_LOG_LIMIT tempSensor:log_tempSensor:$MODULE_LOG_LIMIT crasher:log_crasher:$MODULE_LOG_LIMIT; do
    IFS=: read -r name col limit <<< "$f"
    p=$(peak "$csv" "$col" 0); r=$(echo "$ROTATED" | awk -v n="${name/_/-}" '$1 == n { print $2 }')
    verdict "${p:-0}" "$limit"
    row "log folder ${name/_/-}" "peak $(awk -v p="${p:-0}" 'BEGIN { printf "%.2f", p / 1048576 }') MiB, ${r:-?} rotated files" \
      "bound <= $(awk -v l="$limit" 'BEGIN { printf "%.2f", l / 1048576 }') MiB: $V"
  done
  p=$(peak "$csv" d_log_bytes 0)
  verdict "${p:-0}" "$DAEMON_LOG_LIMIT"
  row "log folder daemon (eflowd)" "peak $(awk -v p="${p:-0}" 'BEGIN { printf "%.2f", p / 1048576 }') MiB" "bound <= 61 MiB: $V"
  [ "$D" -ge 1800 ] || echo "note: under 30 min a run's slopes are warm-up and noise: a FAIL there says only that flatness was not shown"
}
if [ "${1:-}" = --self-test ]; then
  # made-up 60-minute runs sampled every 30 s, warm-up 600 s, a restart at 2000 s: a flat series with noise and a
  # restart drop passes; the same with +1 per 5 min (12/h) fails the thread bound; a 4 %/h RSS rise passes, 8 %/h fails
  WARM=600; REWARM=300; t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
  awk 'BEGIN { srand(7); print "t,flat,leak,rss4,rss8,gen"
    for (t = 0; t <= 3600; t += 30) { g = t < 2000 ? 1 : 2; base = g == 1 ? 40 : 30
      printf "%d,%d,%d,%.0f,%.0f,%d\n", t, base + int(rand() * 3), base + int(rand() * 3) + int(t / 300),
        100000 * (1 + 0.04 * t / 3600) + rand() * 500, 100000 * (1 + 0.08 * t / 3600) + rand() * 500, g } }' > "$t/s.csv"
  expect() { local got; got=$(slope_row "$1" "$t/s.csv" "$2" gen "$3" 1 "$4" "$5" | tail -c 5); echo "$got" | grep -q "$6" || { echo "self-test: $1 gave $got, expected $6" >&2; exit 1; }; }
  slope_row "flat threads (+ restart drop)" "$t/s.csv" flat gen threads 1 abs 5
  slope_row "threads +12/h" "$t/s.csv" leak gen threads 1 abs 5
  slope_row "RSS +4 %/h" "$t/s.csv" rss4 gen KiB 1 rel 5
  slope_row "RSS +8 %/h" "$t/s.csv" rss8 gen KiB 1 rel 5
  FAILS=0
  expect "flat threads" flat threads abs 5 PASS; expect "threads +12/h" leak threads abs 5 FAIL
  expect "RSS +4 %/h" rss4 KiB rel 5 PASS; expect "RSS +8 %/h" rss8 KiB rel 5 FAIL
  seq 0 999 > "$t/acked"; { seq 0 999; seq 500 520; } > "$t/arrived"
  [ "$(lost "$t/acked" "$t/arrived")" -eq 0 ] || { echo "self-test: duplicates counted as losses" >&2; exit 1; }
  sed -i '/^737$/d' "$t/arrived"
  [ "$(lost "$t/acked" "$t/arrived")" -eq 1 ] || { echo "self-test: a lost message went unseen" >&2; exit 1; }
  echo "self-test: flat and slow series pass, leaks fail; one lost message of 1000 is seen, duplicates are not losses"
  exit 0
fi

if [ "${1:-}" = --judge ]; then
  # the figures of a kept CSV again (a longer warm-up, say): bench/soak.sh --judge CSV [warm-up s]
  [ -f "${2:-}" ] || { echo "bench: usage: bench/soak.sh --judge CSV [warm-up seconds]" >&2; exit 2; }
  D=$(awk -F, 'END { print $1 }' "$2")
  if [ -n "${3:-}" ]; then WARM=$3; elif [ "$D" -ge 1800 ]; then WARM=600; else WARM=$((D / 3)); fi
  REWARM=$WARM
  echo "--- $2: $D s, warm-up $WARM s (as long again after a restart)"
  figures "$2"
  echo "verdict of these figures: $([ "$FAILS" -eq 0 ] && echo PASS || echo "FAIL ($FAILS)")"
  exit $((FAILS > 0))
fi

MINUTES=${1:-60}
BACKEND=${2:-namespace}
# an emulated (TCG) VM runs the same hub several times slower: a quarter of the load
RATE=${SOAK_RATE:-$([ "$BACKEND" = qemu ] && echo 10 || echo 40)}
case "$BACKEND" in namespace|qemu) ;; *) echo "bench: backend is namespace or qemu, not '$BACKEND'" >&2; exit 2 ;; esac
[ -x /usr/sbin/mosquitto ] || { echo "bench: needs mosquitto (/usr/sbin/mosquitto)" >&2; exit 1; }
command -v node >/dev/null || { echo "bench: needs node (scripts/install-host-deps)" >&2; exit 1; }
PAHO=$(ls ~root/.m2/repository/org/eclipse/paho/org.eclipse.paho.client.mqttv3/*/org.eclipse.paho.client.mqttv3-*.jar 2>/dev/null | tail -1)
[ -n "$PAHO" ] || { echo "bench: needs the Paho jar in ~/.m2 (./mvnw package fetches it)" >&2; exit 1; }
CONTRACT=eflow-contract/target/eflow-contract.jar
for f in "$CONTRACT" samples/filter/target/filter.tar samples/temperature-sensor/target/temperature-sensor.tar; do
  [ -f "$f" ] || { echo "bench: $f is missing: ./mvnw -o -q package -DskipTests -pl eflow-host,samples/temperature-sensor,samples/filter -am" >&2; exit 1; }
done
. bench/lib.sh
trap 'exit 130' INT; trap 'exit 143' TERM   # through the EXIT trap: the guest, mosquitto and the client go too
CLIENT_PID=""; MQ_PID=""
bench_cleanup_extra() {
  [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null || true
  [ -n "$MQ_PID" ] && kill "$MQ_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}

D=$((MINUTES * 60))
clamp() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { v = v < lo ? lo : v > hi ? hi : v; printf "%d", v }'; }
SAMPLE=$(clamp $((D / 120)) 5 30)            # 30 s in an hour's run, 10 s in a 20-minute one
FLAP=$(clamp $((D / 15)) 60 180)             # mosquitto is stopped every FLAP s ...
FLAP_DOWN=$((FLAP / 4))                      # ... for a quarter of it
if [ "$D" -ge 1800 ]; then WARM=600; else WARM=$((D / 3)); fi
REWARM=$WARM
DAEMON_RESTARTS=($((D * 10 / 100)) $((D * 25 / 100)) $((D * 40 / 100)))
GUEST_RESTART=$((D * 55 / 100))
SOAK_CSV=${SOAK_CSV:-/var/tmp/eflow-soak-$BACKEND-$(date -u +%Y%m%dT%H%M%SZ).csv}

free_port() {
  local p
  while :; do p=$(shuf -i 20000-39999 -n 1); ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }; done
}
api() { curl -sf --max-time 60 --unix-socket "$SOCK" "$@"; }
daemon_pid() { api http://eflow/v1/version 2>/dev/null | sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p'; }
# a command in the guest through the API (no CLI JVM per sample); its stdout
guest_sh() {
  local b64 out
  b64=$(printf '%s' "$1" | base64 -w0)
  out=$(api -X POST -H 'Content-Type: application/json' -d "{\"command\":[\"sh\",\"-c\",\"echo $b64 | base64 -d | sudo sh\"]}" \
    http://eflow/v1/instances/bench/invoke 2>/dev/null) || return 1
  echo "$out" | sed -n 's/.*"stdout":"\([^"]*\)".*/\1/p' | base64 -d
}

MQ_PORT=$(free_port); HUB_PORT=$(free_port); UPSTREAM_GUEST_PORT=18830
mkdir -p "$WORK/mosquitto" "$WORK/client"
# as HubIT's broker: sessions kept across a stop, so the witness misses nothing while it reconnects
printf 'user root\nlog_dest stderr\nlog_type error\nlog_type warning\nmax_queued_messages 0\npersistence true\npersistence_location %s/\nautosave_interval 1\nlistener %s 127.0.0.1\nallow_anonymous true\n' \
  "$WORK/mosquitto" "$MQ_PORT" > "$WORK/mosquitto/mosquitto.conf"
mosquitto_up() {
  /usr/sbin/mosquitto -c "$WORK/mosquitto/mosquitto.conf" >> "$WORK/mosquitto/log" 2>&1 &
  MQ_PID=$!
  for i in $(seq 1 100); do ss -Hltn "sport = :$MQ_PORT" | grep -q . && return; sleep 0.1; done
  echo "bench: mosquitto did not listen: $(cat "$WORK/mosquitto/log")" >&2; exit 1
}
mosquitto_down() { kill "$MQ_PID"; wait "$MQ_PID" 2>/dev/null || true; MQ_PID=""; }

# --- setup: guest, samples, the crasher, hub identity, forwards, upstream
load before
bench_busybox_image
$EFLOW image build >/dev/null 2>&1
deploy_args=(--name bench --backend "$BACKEND" --data-size 2)
[ "$BACKEND" = qemu ] && deploy_args+=(--cpus 1 --memory 1536)
$EFLOW deploy "${deploy_args[@]}" >/dev/null
for module in temperature-sensor filter; do
  $EFLOW image load --name bench "samples/$module/target/$module.tar" --reference "localhost:5000/eflow-samples/$module:0.1.0" >/dev/null
done
$EFLOW image load --name bench "$WORK/busybox.tar" >/dev/null
# the samples' deployment as it is, plus the crasher and the route of the host application's load to $upstream
node -e '
  const fs = require("fs"), m = JSON.parse(fs.readFileSync(process.argv[1]));
  const script = "i=0; while [ $i -lt 600 ]; do echo \"soak crasher: line $i of a run that ends in exit 1, padding the log to rotate it..\"; i=$((i+1)); done; /bin/busybox sleep 3; exit 1";
  m.modulesContent["$edgeAgent"]["properties.desired"].modules.crasher = {version: "1.0", type: "docker", status: "running",
    restartPolicy: "always", imagePullPolicy: "never",
    settings: {image: "eflow-bench/busybox:1", createOptions: JSON.stringify({Cmd: ["/bin/busybox", "sh", "-c", script]})}};
  m.modulesContent["$edgeHub"]["properties.desired"].routes.soakToUpstream = "FROM /messages/modules/hostApp/outputs/soak INTO $upstream";
  fs.writeFileSync(process.argv[2], JSON.stringify(m, null, 2));' samples/deployment.json "$WORK/deployment.json"
$EFLOW deployment apply --wait --name bench "$WORK/deployment.json" >/dev/null
$EFLOW hub identity add --name bench hostApp > "$WORK/hostApp.conn"
$EFLOW hub ca --name bench --out "$WORK/edge-ca.pem" >/dev/null
$EFLOW forward add --name bench "$HUB_PORT" 8883 >/dev/null
$EFLOW forward add --name bench --reverse "$MQ_PORT" "$UPSTREAM_GUEST_PORT" >/dev/null
mosquitto_up
$EFLOW hub upstream set --name bench "mqtt://localhost:$UPSTREAM_GUEST_PORT" --device-id "$($EFLOW invoke --name bench -- hostname)" >/dev/null

java -XX:+UseSerialGC -Xmx128m -cp "$PAHO:$CONTRACT" bench/SoakClient.java "$WORK/client" "$WORK/hostApp.conn" "$WORK/edge-ca.pem" \
  "$HUB_PORT" "$MQ_PORT" "$RATE" > "$WORK/client.out" 2>&1 &
CLIENT_PID=$!
for i in $(seq 1 120); do [ -s "$WORK/client/stats" ] && [ "$(cut -d' ' -f2 "$WORK/client/stats")" -gt 0 ] && break; sleep 1; done
[ -s "$WORK/client/stats" ] && [ "$(cut -d' ' -f2 "$WORK/client/stats")" -gt 0 ] || {
  echo "bench: the host application got no PUBACK in 120 s: $(cat "$WORK/client.out")" >&2; exit 1; }

# --- the run
# one line of guest figures: runtime rss_kb,threads,fds; store bytes,segments,oldest base; log folders' bytes
GUEST_SAMPLE='p=$(pgrep -f "[e]flow-guest.jar run" | head -1); [ -n "$p" ] || exit 1
s=/var/lib/eflow/hub/store
sz() { find "$1" -type f -printf "%s\n" 2>/dev/null | awk "{s += \$1} END {print s + 0}"; }
echo "$(awk "/^VmRSS/ {r = \$2} /^Threads/ {t = \$2} END {print r \",\" t}" /proc/$p/status),$(ls /proc/$p/fd | wc -l),$(du -sb $s 2>/dev/null | cut -f1),$(ls $s 2>/dev/null | grep -c "\.log$"),$(ls $s 2>/dev/null | grep "\.log$" | head -1 | sed "s/\.log$//; s/^0*\([0-9]\)/\1/"),$(sz /logs/eflow-guest),$(sz /logs/eflow-health),$(sz /logs/sshd),$(sz /logs/modules/filter),$(sz /logs/modules/tempSensor),$(sz /logs/modules/crasher)"'
GUEST_COLS=rt_rss_kb,rt_threads,rt_fds,store_bytes,store_segments,store_oldest,log_eflow_guest,log_eflow_health,log_sshd,log_filter,log_tempSensor,log_crasher
echo "t,event,rt_gen,$GUEST_COLS,d_gen,d_pid,d_rss_kb,d_threads,d_fds,d_log_bytes,sent,acked,unacked,arrived,missing,duplicates,upstream_queue,crasher_restarts" > "$SOAK_CSV"
rt_gen=1; d_gen=1; event=""
sample() {
  local t=$1 g d dp="" drss="" dthr="" dfds="" st hub q="" mods cr=""
  g=$(guest_sh "$GUEST_SAMPLE" 2>/dev/null) || g=""
  [ -n "$g" ] || g=$(printf '%*s' 11 '' | tr ' ' ',')
  dp=$(daemon_pid || true)
  if [ -n "$dp" ] && [ -r "/proc/$dp/status" ]; then
    drss=$(awk '/^VmRSS/ {print $2}' "/proc/$dp/status"); dthr=$(awk '/^Threads/ {print $2}' "/proc/$dp/status")
    dfds=$(ls "/proc/$dp/fd" 2>/dev/null | wc -l)
  fi
  d=$(find "$EFLOW_HOME/log" -type f -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}')
  read -r sent acked unacked arrived distinct missing dups alerts other connects resent refused < "$WORK/client/stats"
  hub=$(api http://eflow/v1/instances/bench/hub 2>/dev/null || true)
  q=$(echo "$hub" | sed -n 's/.*"\$upstream":{[^}]*"queueLength":\([0-9]*\).*/\1/p')
  mods=$(api http://eflow/v1/instances/bench/modules 2>/dev/null || true)
  cr=$(echo "$mods" | sed 's/.*"crasher" *: *{//; s/}.*//' | sed -n 's/.*"restartCount":\([0-9]*\).*/\1/p')
  echo "$t,$event,$rt_gen,$g,$d_gen,$dp,$drss,$dthr,$dfds,$d,$sent,$acked,$unacked,$arrived,$missing,$dups,$q,$cr" >> "$SOAK_CSV"
  event=""
}
# the agent backs a crashing module off (1 s doubling to 5 min): asked to restart it, it starts it at once, so the
# crasher keeps crashing every ~3 s for the whole run instead of once per 5 min after the first minutes
kick_crasher() {
  local m
  m=$(api http://eflow/v1/instances/bench/modules 2>/dev/null) || return 0
  if echo "$m" | sed 's/.*"crasher" *: *{//; s/}.*//' | grep -q '"runtimeStatus":"backoff"'; then
    api -X POST http://eflow/v1/instances/bench/modules/crasher/restart >/dev/null 2>&1 || true
  fi
}
restart_daemon() {
  local pid; pid=$(daemon_pid)
  kill "$pid"; for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  $EFLOW list >/dev/null   # starts it again, and it restores the forwards
  d_gen=$((d_gen + 1)); event="${event}daemon-restart "
}

echo "soak: $MINUTES min on $BACKEND, $RATE msg/s, sample every $SAMPLE s, warm-up $WARM s (+$REWARM s after a restart),"
echo "      mosquitto down ${FLAP_DOWN} s every $FLAP s, daemon restarts at ${DAEMON_RESTARTS[*]} s, guest restart at $GUEST_RESTART s; CSV $SOAK_CSV"
T0=$(date +%s); next_sample=0; next_flap=$FLAP; flap_up=0; flaps=0; daemon_restarts=0; guest_restarts=0
while :; do
  el=$(( $(date +%s) - T0 ))
  [ "$el" -ge "$D" ] && break
  if [ -z "$MQ_PID" ] && [ "$el" -ge "$flap_up" ]; then mosquitto_up; event="${event}upstream-up "; fi
  if [ -n "$MQ_PID" ] && [ "$el" -ge "$next_flap" ] && [ $((el + FLAP_DOWN)) -lt "$D" ]; then
    mosquitto_down; flap_up=$((el + FLAP_DOWN)); next_flap=$((next_flap + FLAP)); flaps=$((flaps + 1)); event="${event}upstream-down "
  fi
  if [ "$daemon_restarts" -lt ${#DAEMON_RESTARTS[@]} ] && [ "$el" -ge "${DAEMON_RESTARTS[$daemon_restarts]}" ]; then
    restart_daemon; daemon_restarts=$((daemon_restarts + 1))
  fi
  if [ "$el" -ge "$GUEST_RESTART" ] && [ "$guest_restarts" -eq 0 ]; then
    $EFLOW stop --name bench >/dev/null && $EFLOW start --name bench >/dev/null
    rt_gen=$((rt_gen + 1)); guest_restarts=1; event="${event}guest-restart "
  fi
  kick_crasher
  if [ "$el" -ge "$next_sample" ]; then sample "$el"; next_sample=$((next_sample + SAMPLE)); fi
  sleep 1
done
sample "$(( $(date +%s) - T0 ))"

# --- drain: no new messages; the upstream up; wait until everything acknowledged has arrived (or give up)
touch "$WORK/client/stop"
[ -n "$MQ_PID" ] || { mosquitto_up; event="upstream-up "; }
drain_limit=$([ "$BACKEND" = qemu ] && echo 900 || echo 300); t_drain=$(date +%s)
while [ $(( $(date +%s) - t_drain )) -lt "$drain_limit" ]; do
  read -r sent acked unacked arrived distinct missing dups alerts other connects resent refused < "$WORK/client/stats"
  [ "$unacked" -eq 0 ] && [ "$missing" -eq 0 ] && break
  sleep 2
done
drain_s=$(( $(date +%s) - t_drain ))
sample "$(( $(date +%s) - T0 ))"
touch "$WORK/client/quit"
wait "$CLIENT_PID" 2>/dev/null || true; CLIENT_PID=""
crasher_restarts=$(peak "$SOAK_CSV" crasher_restarts 0)
# the guest's log folders' file lists, to say which rotated
ROTATED=$(guest_sh 'for d in /logs/eflow-guest /logs/eflow-health /logs/sshd /logs/modules/*; do echo "$(basename $d) $(ls $d | grep -c "^@\|^[0-9]*\.log$")"; done' || true)
load after

# --- the report
n_acked=$(sort -un "$WORK/client/acked" | wc -l); n_arrived=$(wc -l < "$WORK/client/arrived")
n_distinct=$(sort -un "$WORK/client/arrived" | wc -l); lost=$(lost "$WORK/client/acked" "$WORK/client/arrived")
read -r sent acked unacked arrived distinct missing dups alerts other connects resent refused < "$WORK/client/stats"
echo "--- $MINUTES min on $BACKEND: $flaps upstream outages, $daemon_restarts daemon restarts, $guest_restarts guest restart," \
  "${crasher_restarts:-?} crasher restarts, $connects hub connections of the host application, drain $drain_s s"
row "messages acknowledged (PUBACK)" "$n_acked of $sent sent ($(awk -v a="$n_acked" -v d="$D" 'BEGIN { printf "%.1f", a / d }') msg/s)" \
  "offered $RATE msg/s while connected; $unacked never acknowledged, ${resent:-0} sent again after a minute without"
verdict "$lost" 0
row "acknowledged, lost upstream" "$lost (arrived $n_arrived, $((n_arrived - n_distinct)) duplicates)" "bound 0: $V"
row "other traffic" "filter alerts: $alerts to hostApp, $other upstream" "the samples' flow kept running"
figures "$SOAK_CSV"
echo "verdict: $([ "$FAILS" -eq 0 ] && echo PASS || echo "FAIL ($FAILS)") (samples: $SOAK_CSV)"
[ "$FAILS" -eq 0 ]

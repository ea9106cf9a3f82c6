#!/usr/bin/env bash
# What a script pays per eflow call, next to the JVM's own start with the same flags, in the same run:
#   java -version with bin/eflow's CLI flags          the floor: a JVM that starts and exits
#   eflow --version                                   the CLI's start (target: at most 60 ms above the floor)
#   eflow --help                                      every command registered (help lists them all)
#   eflow list | get | invoke -- true | module list   CLI start + one REST call to eflowd over its UNIX socket; get,
#                                                     invoke and module list name an instance that does not exist, so
#                                                     no guest is needed and the call ends in the daemon's 404
#   curl over the same socket                         the REST call alone (what the CLI adds is the difference)
#   java-client                                       bench/MinimalJavaClient: the same REST call from the smallest
#                                                     Java program, with the CLI's flags and its own AppCDS archive:
#                                                     the floor of any CLI written in Java on this JDK
# The calls are interleaved round by round, so load from elsewhere falls on all of them alike; medians with the
# spread (min..max), the median CPU time (user + system, all threads: less swayed by other load than wall time)
# and the load average before and after. The fresh OpenSSH reference of the issue's target needs a
# guest: bench/namespace-guest.sh prints it beside `eflow invoke` into a real guest.
# BASELINE=/other/checkout/bin/eflow adds the same CLI rows for another build (say, the commit before a change),
# interleaved in the same rounds, talking to the same daemon.
# Run as root after `./mvnw package`: sudo bench/cli-start.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-21}
. bench/lib.sh

# bin/eflow's own CLI flags, read from it so the floor always uses the same ones
eval "$(grep -m1 '^flags=' bin/eflow)"
JAVA=$(command -v java)
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && JAVA="$JAVA_HOME/bin/java"

# the daemon starts on demand with the first call; bin/eflow records its archive on its first run after a build
$EFLOW list >/dev/null
$EFLOW --version >/dev/null

# the floor client, compiled and its AppCDS archive recorded the way bin/eflow records the CLI's
# (AppCDS takes jars only on the class path)
javac -d "$WORK/floor" bench/MinimalJavaClient.java
jar cf "$WORK/floor.jar" -C "$WORK/floor" .
"$JAVA" "${flags[@]}" -XX:ArchiveClassesAtExit="$WORK/floor.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -cp "$WORK/floor.jar" MinimalJavaClient "$SOCK" /v1/instances >/dev/null

BASELINE=${BASELINE:-}
[[ -n $BASELINE ]] && $BASELINE --version >/dev/null
names=(java-version version help list get invoke module-list curl-list curl-get java-client)
[[ -n $BASELINE ]] && names+=(base-version base-help base-list base-get base-invoke base-module-list)
declare -A runs cpus
# CPU time (user + system) of the command: the difference of this shell's children's totals from bash's `times`,
# written to a file because a $(...) subshell would report its own children
time_ms() {  # time_ms NAME CMD... (exit code ignored: the 404 calls end in 1)
  local t0 t1
  t0=$(now); times >"$WORK/times0"; "${@:2}" >/dev/null 2>&1 || true; times >"$WORK/times1"; t1=$(now)
  runs[$1]+="$(awk -v d=$((t1 - t0)) 'BEGIN {printf "%.1f", d / 1e6}') "
  cpus[$1]+="$(cat "$WORK/times0" "$WORK/times1" | awk 'NR % 2 == 0 {split($1, u, "m"); split($2, s, "m"); c[NR / 2] = u[1] * 60 + u[2] + s[1] * 60 + s[2]}
    END {printf "%.0f", (c[2] - c[1]) * 1000}') "
}
echo "load average (1, 5, 15 min) before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $("$JAVA" -version 2>&1 | head -1)"
for i in $(seq 1 "$ROUNDS"); do
  time_ms java-version "$JAVA" "${flags[@]}" -version
  time_ms version $EFLOW --version
  time_ms help $EFLOW --help
  time_ms list $EFLOW list
  time_ms get $EFLOW get --name missing
  time_ms invoke $EFLOW invoke --name missing -- true
  time_ms module-list $EFLOW module list --name missing
  if [[ -n $BASELINE ]]; then
    time_ms base-version $BASELINE --version
    time_ms base-help $BASELINE --help
    time_ms base-list $BASELINE list
    time_ms base-get $BASELINE get --name missing
    time_ms base-invoke $BASELINE invoke --name missing -- true
    time_ms base-module-list $BASELINE module list --name missing
  fi
  time_ms curl-list curl -sf --unix-socket "$SOCK" http://eflow/v1/instances
  time_ms curl-get curl -s --unix-socket "$SOCK" http://eflow/v1/instances/missing
  time_ms java-client "$JAVA" "${flags[@]}" -XX:SharedArchiveFile="$WORK/floor.jsa" -cp "$WORK/floor.jar" MinimalJavaClient "$SOCK" /v1/instances
done
echo "load average (1, 5, 15 min) after: $(cut -d' ' -f1-3 /proc/loadavg)"

spread() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "median %6.1f ms  (min %.1f, max %.1f, n=%d)", a[int((NR+1)/2)], a[1], a[NR], NR}'; }
med() { tr ' ' '\n' | grep . | median; }
floor=$(echo "${runs[java-version]}" | med)
for name in "${names[@]}"; do
  extra=""
  [[ $name != java-version && $name != curl-* ]] && extra="$(awk -v m="$(echo "${runs[$name]}" | med)" -v f="$floor" 'BEGIN {printf "%+.1f ms vs java -version", m - f}')"
  printf '%-16s %s  cpu %4s ms  %s\n' "$name" "$(echo "${runs[$name]}" | spread)" "$(echo "${cpus[$name]}" | med)" "$extra"
done

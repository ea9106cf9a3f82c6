#!/usr/bin/env bash
# Fuzzes each @FuzzTest of eflow-contract, eflow-guest and eflow-host with Jazzer (JAZZER_FUZZ=1), one target at a time
# in a JVM of its own, for SECONDS each (default 60), and prints per target how long it fuzzed (and the wall time with
# Maven and the JVM's start), how many inputs its corpus holds (those that reached new code) and whether it found
# anything. Exits non-zero when any target found something.
# Usage: bench/fuzz.sh [seconds-per-target] [pattern: only targets whose Class#method contains it]
# A finding is written by Jazzer into the target's seed folder (src/test/resources/<class>Inputs/<method>/crash-…),
# where the regression run of `./mvnw test` replays it until the bug is fixed; the new inputs a run finds interesting
# stay in <module>/.cifuzz-corpus/ (ignored by git) and seed the next run. No root needed, no network.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
WORK_LOG=$(mktemp /tmp/eflow-fuzz.XXXXXX)
trap 'rm -f "$WORK_LOG"' EXIT
PATTERN=${2:-}
MODULES=(eflow-contract eflow-guest eflow-host)

# every method annotated @FuzzTest: "module class method"
targets() {
  for module in "${MODULES[@]}"; do
    grep -rl --include='*.java' '@FuzzTest' "$module/src/test/java" 2>/dev/null | sort | while read -r file; do
      class=${file#"$module"/src/test/java/}; class=${class%.java}; class=${class//\//.}
      awk '/@FuzzTest/ {want=1; next} want && match($0, /void [A-Za-z0-9_]+\(/) {
             print substr($0, RSTART + 5, RLENGTH - 6); want=0 }' "$file" |
        while read -r method; do echo "$module $class $method"; done
    done
  done
}

mapfile -t TARGETS < <(targets | { if [ -n "$PATTERN" ]; then grep -F -- "$PATTERN" || true; else cat; fi; })
[ "${#TARGETS[@]}" -gt 0 ] || { echo "fuzz: no @FuzzTest matches '$PATTERN'" >&2; exit 1; }
echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET} s each, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
# compiled once; each target's run below only finds everything up to date
./mvnw -B -ntp -o -q test-compile -pl "$(IFS=,; echo "${MODULES[*]}")" -am >/dev/null

findings=0
printf '%-46s %7s %7s %7s  %s\n' "target" "fuzzed" "wall" "corpus" "result"
for target in "${TARGETS[@]}"; do
  read -r module class method <<<"$target"
  simple=${class##*.}
  output="$module/target/surefire-reports/$class-output.txt"
  rm -f "$output" "$module/target/surefire-reports/TEST-$class.xml"
  started=$(date +%s)
  status=0
  # the libFuzzer arguments after the first (argv[0]) come after @FuzzTest's maxDuration, so this time wins
  JAZZER_FUZZ=1 ./mvnw -B -ntp -o -q test -pl "$module" -am -Dtest="$simple#$method" \
    -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.hooks=true -Djazzer.internal.arg.0=fuzz \
    -Djazzer.internal.arg.1=-max_total_time="$SECONDS_PER_TARGET" >"$WORK_LOG" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - started ))
  # the fuzzing run is the method's last test case in the report (the seeds run first, one case each)
  report="$module/target/surefire-reports/TEST-$class.xml"
  fuzzed=$(grep -o "testcase name=\"$method([^\"]*\"[^>]* time=\"[0-9.,]*\"" "$report" 2>/dev/null | tail -n 1 |
    sed -E 's/.* time="([0-9.,]*)"/\1/' | tr -d , | cut -d. -f1 || true)
  # the inputs libFuzzer kept for new coverage, which the next run starts from
  corpus=$(find "$module/.cifuzz-corpus/$class/$method" -type f 2>/dev/null | wc -l)
  if [ "$status" -eq 0 ]; then
    result=clean
  else
    findings=$((findings + 1))
    # surefire's summary line of the finding; -a: the log may quote the input's raw bytes
    finding=$(grep -a -h -m 1 -o 'FuzzTestFinding [^ ].*' "$WORK_LOG" 2>/dev/null | head -n 1 | cut -c17-176 || true)
    result="FINDING (${finding:-the build failed: see $WORK_LOG}); inputs in $module/src/test/resources/${class//.//}Inputs/$method/"
    cp "$WORK_LOG" "$module/target/fuzz-$simple-$method.log"
  fi
  printf '%-46s %6ss %6ss %7s  %s\n' "$simple#$method" "${fuzzed:--}" "$elapsed" "$corpus" "$result"
done
echo "fuzz: $findings of ${#TARGETS[@]} targets found something"
[ "$findings" -eq 0 ]

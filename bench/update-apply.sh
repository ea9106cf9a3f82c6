#!/usr/bin/env bash
# Issue 19's update figure without a guest: the daemon's part of `eflow update apply` (verify the bundle's signature,
# stream every part into the inactive root and boot slots with its sha256 checked, commit) timed in process, next to
# sha256sum of the same image files and a plain cp + sync of them, in the same run. bench/update.sh measures the whole
# command through the CLI and a guest; this one isolates the apply path, so it runs anywhere.
# Sizes default to the real image's (rootfs 208 MiB, vmlinux 62 MiB, initrd 4 MiB; random bytes, sealed with a key of
# its own); ROOTFS_MIB, KERNEL_MIB (0: no boot parts), INITRD_MIB override them. Files go to $BENCH_DIR (/var/tmp).
# Run as root (the boot slot is loop-mounted, as the daemon does) after `./mvnw package`: sudo bench/update-apply.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
. bench/lib.sh
DIR=$(mktemp -d "${BENCH_DIR:-/var/tmp}/eflow-update-apply.XXXXXX")
# no guest and no daemon here: only the folders to remove
bench_cleanup() { rm -rf "$WORK" "$EFLOW_HOME" "$DIR"; }

JAVA=(java -XX:+UseSerialGC -Xshare:auto -cp eflow-host/target/eflow-host.jar:eflow-host/target/test-classes)
BENCH=io.eflow.update.UpdateApplyBenchmark
"${JAVA[@]}" "$BENCH" prepare "$DIR" "${ROOTFS_MIB:-208}" "${KERNEL_MIB:-62}" "${INITRD_MIB:-4}" 1
files=("$DIR"/image/rootfs.erofs "$DIR"/image/rootfs.verity)
[ -f "$DIR"/image/vmlinux ] && files+=("$DIR"/image/vmlinux "$DIR"/image/initrd.img)
size_mib=$(( $(stat -c %s "$DIR"/eflow-0.1.1.bundle) >> 20 ))
sync

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
firsts=(); applies=(); processes=(); copies=(); hashes=()
for r in $(seq 1 "$RUNS"); do
  # a fresh JVM applies twice: its first apply pays class loading and JIT like a fresh daemon's, the second is a warm one's
  t0=$(now); inside=($("${JAVA[@]}" "$BENCH" apply "$DIR" 1 2)); t1=$(now)
  firsts+=("${inside[0]}"); applies+=("${inside[1]}"); processes+=("$(ms $t0 $t1)")
  rm -rf "$WORK/copy" && mkdir -p "$WORK/copy" && sync
  t0=$(now); cp "${files[@]}" "$WORK/copy/" && sync; t1=$(now)
  copies+=("$(ms $t0 $t1)")
  t0=$(now); sha256sum "${files[@]}" >/dev/null; t1=$(now)
  hashes+=("$(ms $t0 $t1)")
done

row "update apply, warm ($size_mib MiB)" "$(printf '%s\n' "${applies[@]}" | stats)" "sha256sum of the same files: $(printf '%s\n' "${hashes[@]}" | stats)"
row "  first apply of a fresh JVM" "$(printf '%s\n' "${firsts[@]}" | stats)" "cp + sync of the same files: $(printf '%s\n' "${copies[@]}" | stats)"
row "  JVM start + both applies" "$(printf '%s\n' "${processes[@]}" | stats)" ""
row "apply / sha256sum (medians)" "$(awk -v a="$(printf '%s\n' "${applies[@]}" | median)" -v h="$(printf '%s\n' "${hashes[@]}" | median)" 'BEGIN {printf "%.2fx", a / h}')" \
  "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
row "runs (ms)" "warm: ${applies[*]}; first: ${firsts[*]}" "sha256sum: ${hashes[*]}; cp + sync: ${copies[*]}"

package io.eflow.edge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Watches the system calls of a producer in a JVM of its own (strace): every {@code acked} line it prints must come
 * after an {@code fdatasync} of the segment that completed after the segment's last write. A store that acknowledged
 * from the page cache, or before the sync returned, fails here.
 */
class SyncBeforeAcknowledgementTest {
    private static final Pattern CALL = Pattern.compile(
            "^(\\d+)\\s+(write|writev|pwrite64|pwritev|pwritev2|fdatasync|fsync)\\((\\d+)<([^>]*)>(.*)$");
    private static final Pattern RESUMED = Pattern.compile("^(\\d+)\\s+<\\.\\.\\. (fdatasync|fsync) resumed>.*= (-?\\d+).*$");
    private static final Pattern ACKED = Pattern.compile("^, \"acked (\\d+)\\\\n\".*");

    @TempDir
    Path dir;

    @Test
    void noAppendIsAcknowledgedBeforeItsBytesAreSynced() throws Exception {
        assumeTrue(onPath("strace"), "strace is not installed (scripts/install-host-deps installs it)");
        Path trace = dir.resolve("trace.txt");
        Path store = dir.resolve("store");
        List<String> command = new ArrayList<>(List.of("strace", "-f", "-qq", "-y", "--seccomp-bpf", "-o", trace.toString(),
                "-e", "trace=write,writev,pwrite64,pwritev,pwritev2,fdatasync,fsync"));
        command.addAll(ChildJvm.command("sequential", store.toString(), "40"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        } finally {
            child.toHandle().destroyForcibly();
        }
        assertThat(child.exitValue()).isZero();

        long written = 0;
        long synced = 0;
        Map<String, Long> syncing = new HashMap<>();
        List<Integer> acked = new ArrayList<>();
        int syncs = 0;
        for (String line : Files.readAllLines(trace)) {
            Matcher resumed = RESUMED.matcher(line);
            if (resumed.matches()) {
                Long coveredWrites = syncing.remove(resumed.group(1));
                if (coveredWrites != null && resumed.group(3).equals("0")) {
                    synced = Math.max(synced, coveredWrites);
                    syncs++;
                }
                continue;
            }
            Matcher call = CALL.matcher(line);
            if (!call.matches()) {
                continue;
            }
            String syscall = call.group(2);
            boolean segment = call.group(4).startsWith(store.toString()) && call.group(4).endsWith(".log");
            if (segment && syscall.startsWith("f")) {
                if (call.group(5).endsWith("<unfinished ...>")) {
                    syncing.put(call.group(1), written);
                } else if (call.group(5).endsWith("= 0")) {
                    synced = Math.max(synced, written);
                    syncs++;
                }
            } else if (segment) {
                written++;
            } else if (call.group(3).equals("1")) {
                Matcher ack = ACKED.matcher(call.group(5));
                if (ack.matches()) {
                    assertThat(synced).as("segment writes synced when 'acked %s' was printed", ack.group(1))
                            .isEqualTo(written);
                    acked.add(Integer.parseInt(ack.group(1)));
                }
            }
        }
        assertThat(acked).isEqualTo(Messages.range(0, 40));
        assertThat(written).isGreaterThanOrEqualTo(40);
        assertThat(syncs).isGreaterThanOrEqualTo(40);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

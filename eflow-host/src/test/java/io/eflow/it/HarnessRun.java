package io.eflow.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What marks a test run's objects as its own: its home folder {@code <tmp>/eflow-it-<id>} holds {@code harness.pid}
 * (the test JVM's pid and start time) and {@code helpers/<name>.pid} for each helper process it started; host-wide
 * names it makes carry the id. A later run finds an earlier one by that folder alone and tells a dead run from one in
 * progress (another engineer's) by the recorded process.
 */
record HarnessRun(Path home) {
    static final String PREFIX = "eflow-it-";
    private static final String OWNER = "harness.pid";

    /** A fresh home for this JVM's run, marked as ours. */
    static HarnessRun create() throws IOException {
        HarnessRun run = new HarnessRun(Files.createTempDirectory(PREFIX));
        run.record(run.home.resolve(OWNER), ProcessHandle.current());
        return run;
    }

    /** The homes earlier runs left in the temporary folder, by name; each is only ours if it holds our mark. */
    static List<HarnessRun> earlier() throws IOException {
        List<HarnessRun> runs = new ArrayList<>();
        try (var entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path dir : entries.toList()) {
                if (dir.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(dir.resolve(OWNER))) {
                    runs.add(new HarnessRun(dir));
                }
            }
        }
        return runs;
    }

    /** The short id host-wide names of this run carry (kernel interface names allow 15 characters in all). */
    String id() {
        return home.getFileName().toString().substring(PREFIX.length()).replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    }

    /** True while the JVM that made this home still runs (same pid, same start: not a recycled pid). */
    boolean alive() {
        return recorded(home.resolve(OWNER), true).isPresent();
    }

    void recordHelper(String name, ProcessHandle process) {
        try {
            record(Files.createDirectories(home.resolve("helpers")).resolve(name + ".pid"), process);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The helpers this run started that still run. */
    List<ProcessHandle> liveHelpers() {
        List<ProcessHandle> live = new ArrayList<>();
        Path helpers = home.resolve("helpers");
        if (Files.isDirectory(helpers)) {
            try (var files = Files.list(helpers)) {
                files.forEach(file -> recorded(file, false).ifPresent(live::add));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return live;
    }

    private void record(Path file, ProcessHandle process) throws IOException {
        Files.writeString(file, process.pid() + " " + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
    }

    /**
     * The recorded process if it still runs. A start time the kernel did not give (0) cannot tell a recycled pid: it
     * counts as running when {@code unknownStartMatches} (a run is left alone), as gone otherwise (nothing is ended).
     */
    private static Optional<ProcessHandle> recorded(Path file, boolean unknownStartMatches) {
        try {
            String[] words = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
            long started = Long.parseLong(words[1]);
            return ProcessHandle.of(Long.parseLong(words[0])).filter(ProcessHandle::isAlive)
                    .filter(p -> started == 0 ? unknownStartMatches
                            : p.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == started);
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}

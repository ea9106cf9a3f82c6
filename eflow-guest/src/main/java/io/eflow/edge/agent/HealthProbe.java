package io.eflow.edge.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a health check's test, in a process of its own: its exit code and the tail of its output. A probe that
 * outlives its timeout is killed, its children first, and fails. Nothing here blocks a thread: the output is drained
 * as it comes and the exit is awaited on the scheduler, so one thread serves the probes of every module.
 */
final class HealthProbe {
    /** Output kept for the module's status description: a probe may print far more than anyone reads there. */
    static final int OUTPUT_TAIL = 1024;
    /** Docker's exit code for a probe that did not finish (timed out, or could not run). */
    static final int NO_EXIT = -1;
    private static final long DRAIN_MILLIS = 50;

    /** @param started when the probe started: Docker's start period is measured to it */
    record Result(Instant started, int exitCode, String output) {
        boolean passed() {
            return exitCode == 0;
        }
    }

    private final Process process;
    private final Instant started;
    private final Duration timeout;
    private final Tail tail = new Tail(OUTPUT_TAIL);
    private final byte[] buffer = new byte[8192];
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final ScheduledFuture<?> drain;
    private final ScheduledFuture<?> deadline;
    /** Read and written on the scheduler's thread only. */
    private boolean timedOut;

    private HealthProbe(Process process, Instant started, Duration timeout, ScheduledExecutorService scheduler) {
        this.process = process;
        this.started = started;
        this.timeout = timeout;
        this.drain = scheduler.scheduleWithFixedDelay(this::drain, DRAIN_MILLIS, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        this.deadline = scheduler.schedule(this::timeOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
        process.onExit().thenRunAsync(this::finish, scheduler);
    }

    /** Starts the command; the result completes on the scheduler's thread. */
    static CompletableFuture<Result> run(List<String> command, Duration timeout, ScheduledExecutorService scheduler, Clock clock) {
        Instant started = clock.instant();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return CompletableFuture.completedFuture(new Result(started, NO_EXIT, "cannot run the health check: " + e.getMessage()));
        }
        return new HealthProbe(process, started, timeout, scheduler).result;
    }

    /** Reads what the probe has written so far, never more: a read past that would wait for the probe. */
    private void drain() {
        try {
            InputStream out = process.getInputStream();
            int available;
            while ((available = Math.min(out.available(), buffer.length)) > 0) {
                int read = out.read(buffer, 0, available);
                if (read <= 0) {
                    return;
                }
                tail.add(buffer, read);
            }
        } catch (IOException e) {
            // the stream is closed: the process ended and finish() took the rest
        }
    }

    private void timeOut() {
        if (process.isAlive()) {
            timedOut = true;
            // the test's own processes first: killing crun exec alone would leave them running in the container
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void finish() {
        drain.cancel(false);
        deadline.cancel(false);
        drain();
        try {
            process.getInputStream().close();
        } catch (IOException e) {
            // nothing more to read either way
        }
        result.complete(timedOut
                ? new Result(started, NO_EXIT, "the health check exceeded its timeout (" + timeout.toMillis() / 1000.0 + " s)")
                : new Result(started, process.exitValue(), tail.text()));
    }

    /** The last bytes written, as text; a cut is marked with "…" and never splits a character. */
    static final class Tail {
        private final byte[] bytes;
        private int size;
        private boolean cut;

        Tail(int capacity) {
            this.bytes = new byte[capacity];
        }

        void add(byte[] data, int length) {
            if (length >= bytes.length) {
                System.arraycopy(data, length - bytes.length, bytes, 0, bytes.length);
                size = bytes.length;
                cut = true;
                return;
            }
            int overflow = size + length - bytes.length;
            if (overflow > 0) {
                System.arraycopy(bytes, overflow, bytes, 0, size - overflow);
                size -= overflow;
                cut = true;
            }
            System.arraycopy(data, 0, bytes, size, length);
            size += length;
        }

        String text() {
            int start = 0;
            // a cut may fall inside a UTF-8 sequence: skip its continuation bytes (10xxxxxx)
            while (cut && start < size && (bytes[start] & 0xC0) == 0x80) {
                start++;
            }
            String text = new String(bytes, start, size - start, StandardCharsets.UTF_8);
            return cut ? "…" + text : text;
        }
    }
}

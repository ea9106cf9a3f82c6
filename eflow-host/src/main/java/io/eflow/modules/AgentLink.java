package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The one way the host talks to a guest's edge agent: a JSON request line on the agent's socket (root's, in the guest),
 * reached over the instance's SSH channel; the agent answers with data lines and ends with {@code {"ok": true, ...}} or
 * {@code {"ok": false, "error": ...}}.
 */
public final class AgentLink {
    static final String AGENT_SOCKET = "/run/eflow/agent.sock";
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    static final Duration FOLLOW_TIMEOUT = Duration.ofDays(7);
    /** How long a follow may pass nothing on before it writes a blank line, the only way to notice its reader left. */
    static final Duration KEEPALIVE = Duration.ofSeconds(10);
    /**
     * Waits (up to a minute) for the agent's socket, then connects stdin and stdout to it: right after a start the
     * runtime's JVM is still coming up, which takes seconds in an emulated VM.
     */
    static final String CONNECT = "i=0; while [ ! -S " + AGENT_SOCKET + " ] && [ $i -lt 240 ]; do sleep 0.25; i=$((i+1)); done;"
            + " [ -S " + AGENT_SOCKET + " ] || { echo 'the edge runtime is not running (no " + AGENT_SOCKET + " after 60 s)' >&2;"
            + " exit 1; }; exec socat -t 86400 - UNIX-CONNECT:" + AGENT_SOCKET;
    private static final ScheduledExecutorService KEEPALIVES = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "agent-follow-keepalive");
        thread.setDaemon(true);
        return thread;
    });

    /** Runs {@code argv} as root in an instance's guest, {@code stdin} read until its end; returns the exit code. */
    @FunctionalInterface
    public interface GuestCommand {
        int run(String name, List<String> argv, InputStream stdin, OutputStream out, Duration timeout);
    }

    private final GuestCommand guest;
    private final Duration keepalive;

    public AgentLink(InstanceManager instances) {
        this(instances::stream, KEEPALIVE);
    }

    /**
     * Over any way of running a command in the guest; tests answer for the agent with their own.
     *
     * @param keepalive how long a follow may pass nothing on before it checks that its reader is still there
     */
    public AgentLink(GuestCommand guest, Duration keepalive) {
        this.guest = guest;
        this.keepalive = keepalive;
    }

    /** Sends one request; returns the agent's last line, its {@code "ok": true} with the answer's fields. */
    JsonNode call(String name, ObjectNode request) {
        return call(name, request, REQUEST_TIMEOUT);
    }

    /** Like {@link #call(String, ObjectNode)}, for a request the agent may take longer than usual to answer. */
    JsonNode call(String name, ObjectNode request, Duration timeout) {
        return exchange(name, request, new ByteArrayInputStream(line(request)), timeout, data -> { });
    }

    /** Sends one request and hands each data line to {@code data}; returns the agent's last line. */
    JsonNode stream(String name, ObjectNode request, Consumer<byte[]> data) {
        return exchange(name, request, new ByteArrayInputStream(line(request)), REQUEST_TIMEOUT, data);
    }

    /**
     * Passes the agent's data lines to {@code out} as they come, one per line, until the agent ends or {@code out}'s
     * reader goes away. The request's connection stays open while following: the agent takes its end (EOF) as the host
     * leaving, so it is closed when a write fails. Writes fail only when something is written, so a follow with nothing
     * to pass on writes a blank line now and then; readers skip blank lines.
     *
     * @throws UncheckedIOException when {@code out} failed: its reader left, which is how a follow normally ends
     */
    void follow(String name, ObjectNode request, OutputStream out) {
        HeldInput stdin = new HeldInput(line(request));
        Follower follower = new Follower(out, stdin::release);
        long period = keepalive.toMillis();
        ScheduledFuture<?> ticks = KEEPALIVES.scheduleWithFixedDelay(follower::keepAlive, period, period, TimeUnit.MILLISECONDS);
        RuntimeException failure = null;
        try {
            exchange(name, request, stdin, FOLLOW_TIMEOUT, follower::line);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            ticks.cancel(false);
            stdin.release();
        }
        if (follower.failure() != null) {
            throw follower.failure(); // the reader left first: whatever the agent did next follows from that
        }
        if (failure != null) {
            throw failure;
        }
    }

    private JsonNode exchange(String name, ObjectNode request, InputStream stdin, Duration timeout, Consumer<byte[]> data) {
        JsonNode[] end = new JsonNode[1];
        LineSplitter splitter = new LineSplitter(line -> {
            JsonNode node = read(line);
            if (node.has("ok")) {
                end[0] = node;
            } else {
                data.accept(line);
            }
        });
        int exit = guest.run(name, List.of("sh", "-c", CONNECT), stdin, splitter, timeout);
        splitter.finish();
        if (end[0] == null) {
            throw EflowException.failure("the edge agent in guest '" + name + "' did not answer '" + request.path("op").asText()
                    + "' (exit " + exit + "); is the runtime up? See 'eflow check'", null);
        }
        if (!end[0].path("ok").asBoolean()) {
            throw new EflowException(end[0].path("error").asText("the edge agent refused the request"));
        }
        return end[0];
    }

    private static byte[] line(ObjectNode request) {
        return (request.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode read(byte[] line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw EflowException.failure("the edge agent answered something that is not JSON: "
                    + new String(line, StandardCharsets.UTF_8), e);
        }
    }

    /**
     * Cuts the agent's output into lines as it arrives. It is written to from the SSH layer, where an exception would
     * close the guest's whole connection (every command and forward on it), so a line that cannot be handled is kept
     * and thrown once the command has ended.
     */
    private static final class LineSplitter extends OutputStream {
        private final Consumer<byte[]> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private RuntimeException failure;

        LineSplitter(Consumer<byte[]> lines) {
            this.lines = lines;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                emit();
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        void finish() {
            if (line.size() > 0) {
                emit();
            }
            if (failure != null) {
                throw failure;
            }
        }

        private void emit() {
            byte[] bytes = line.toByteArray();
            line.reset();
            if (bytes.length == 0 || failure != null) {
                return;
            }
            try {
                lines.accept(bytes);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    /** The request line, then nothing until {@link #release()}: its end is what the agent sees as the host leaving. */
    private static final class HeldInput extends InputStream {
        private final ByteArrayInputStream request;
        private final CountDownLatch released = new CountDownLatch(1);

        HeldInput(byte[] request) {
            this.request = new ByteArrayInputStream(request);
        }

        void release() {
            released.countDown();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (request.available() > 0) {
                return request.read(b, off, len);
            }
            try {
                released.await();
            } catch (InterruptedException e) {
                // the SSH layer interrupts its reader when the command's channel closes: the end either way
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public int available() {
            return request.available();
        }
    }

    /**
     * The reader's side of a follow: data lines as they come, and a blank line when there were none for a while.
     * The first failed write stops the follow; nothing is written after it.
     */
    private static final class Follower {
        private static final byte[] BLANK = {'\n'};
        private final OutputStream out;
        private final Runnable stop;
        private final ReentrantLock writing = new ReentrantLock();
        private boolean wrote;
        private volatile UncheckedIOException failure;

        Follower(OutputStream out, Runnable stop) {
            this.out = out;
            this.stop = stop;
        }

        void line(byte[] line) {
            writing.lock();
            try {
                byte[] withEnd = new byte[line.length + 1];
                System.arraycopy(line, 0, withEnd, 0, line.length);
                withEnd[line.length] = '\n';
                write(withEnd);
                wrote = true;
            } finally {
                writing.unlock();
            }
        }

        /** A write in progress already proves the reader is there (or will fail on its own), so none is waited for. */
        void keepAlive() {
            if (!writing.tryLock()) {
                return;
            }
            try {
                if (!wrote) {
                    write(BLANK);
                }
                wrote = false;
            } finally {
                writing.unlock();
            }
        }

        UncheckedIOException failure() {
            return failure;
        }

        private void write(byte[] bytes) {
            if (failure != null) {
                return;
            }
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                failure = new UncheckedIOException(e);
                stop.run();
            } catch (UncheckedIOException e) {
                failure = e;
                stop.run();
            }
        }
    }
}

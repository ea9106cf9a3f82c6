package io.eflow.modules;

import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.Request;
import io.eflow.contract.wire.Wire;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.DaemonThreads;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The one way the host talks to a guest's runtime: a typed {@link Request} as one line on the runtime's socket (root's,
 * in the guest), reached over the instance's SSH channel; the runtime answers with {@link Reply.Data} lines when the
 * request streams, then exactly one reply: the request's own, or a {@link Failure}, which becomes an
 * {@link EflowException} of its kind ({@link Failures}).
 */
public final class RuntimeSocket {
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
    private static final ScheduledExecutorService KEEPALIVES = DaemonThreads.timer("agent-follow-keepalive");

    /** Runs {@code argv} as root in an instance's guest, {@code stdin} read until its end; returns the exit code. */
    @FunctionalInterface
    public interface GuestCommand {
        int run(String name, List<String> argv, InputStream stdin, OutputStream out, Duration timeout);
    }

    private final GuestCommand guest;
    private final Duration keepalive;

    public RuntimeSocket(InstanceManager instances) {
        this(instances::stream, KEEPALIVE);
    }

    /**
     * Over any way of running a command in the guest; tests answer for the runtime with their own.
     *
     * @param keepalive how long a follow may pass nothing on before it checks that its reader is still there
     */
    public RuntimeSocket(GuestCommand guest, Duration keepalive) {
        this.guest = guest;
        this.keepalive = keepalive;
    }

    /** Sends one request; returns its reply. */
    <R extends Reply> R call(String name, Request<R> request) {
        return call(name, request, REQUEST_TIMEOUT);
    }

    /** Like {@link #call(String, Request)}, for a request the runtime may take longer than usual to answer. */
    <R extends Reply> R call(String name, Request<R> request, Duration timeout) {
        return exchange(name, request, new ByteArrayInputStream(Wire.line(request)), timeout, data -> {
            throw EflowException.failure("the edge runtime in guest '" + name + "' streamed data to '" + request.op()
                    + "', which does not stream", null);
        });
    }

    /** Sends one streamed request and hands each data record to {@code data} until its end. */
    void stream(String name, Request<Reply.End> request, Consumer<Reply.Data> data) {
        exchange(name, request, new ByteArrayInputStream(Wire.line(request)), REQUEST_TIMEOUT, data);
    }

    /**
     * Passes a streamed request's data records to {@code out} as they come, one JSON line each (the daemon's REST form),
     * until the runtime ends or {@code out}'s reader goes away. The request's connection stays open while following:
     * the runtime takes its end (EOF) as the host leaving, so it is closed when a write fails. Writes fail only when
     * something is written, so a follow with nothing to pass on writes a blank line now and then; readers skip blank
     * lines.
     *
     * @throws UncheckedIOException when {@code out} failed: its reader left, which is how a follow normally ends
     */
    void follow(String name, Request<Reply.End> request, OutputStream out) {
        HeldInput stdin = new HeldInput(Wire.line(request));
        Follower follower = new Follower(out, stdin::release);
        long period = keepalive.toMillis();
        ScheduledFuture<?> ticks = KEEPALIVES.scheduleWithFixedDelay(follower::keepAlive, period, period, TimeUnit.MILLISECONDS);
        RuntimeException failure = null;
        try {
            exchange(name, request, stdin, FOLLOW_TIMEOUT, data -> follower.line(Json.write(data)));
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            ticks.cancel(false);
            stdin.release();
        }
        if (follower.failure() != null) {
            throw follower.failure(); // the reader left first: whatever the runtime did next follows from that
        }
        if (failure != null) {
            throw failure;
        }
    }

    private <R extends Reply> R exchange(String name, Request<R> request, InputStream stdin, Duration timeout,
                                         Consumer<Reply.Data> data) {
        Reply[] end = new Reply[1];
        LineSplitter splitter = new LineSplitter(line -> {
            Reply reply = read(name, line);
            if (end[0] != null) {
                throw EflowException.failure("the edge runtime in guest '" + name + "' answered '" + request.op()
                        + "' past its end", null);
            } else if (reply instanceof Reply.Data record) {
                data.accept(record);
            } else {
                end[0] = reply;
            }
        });
        int exit = guest.run(name, List.of("sh", "-c", CONNECT), stdin, splitter, timeout);
        splitter.finish();
        if (end[0] == null) {
            throw EflowException.failure("the edge runtime in guest '" + name + "' did not answer '" + request.op()
                    + "' (exit " + exit + "); is the runtime up? See 'eflow check'", null);
        }
        if (end[0] instanceof Failure failure) {
            throw Failures.toException(name, request, failure);
        }
        if (!request.replyType().isInstance(end[0])) {
            throw EflowException.failure("the edge runtime in guest '" + name + "' answered '" + request.op() + "' with "
                    + end[0].getClass().getSimpleName() + ", not " + request.replyType().getSimpleName(), null);
        }
        return request.replyType().cast(end[0]);
    }

    private static Reply read(String name, byte[] line) {
        try {
            return Wire.readReply(line);
        } catch (Wire.Malformed e) {
            throw EflowException.failure("the edge runtime in guest '" + name + "' answered something this host does not"
                    + " understand: " + e.getMessage(), e);
        }
    }

    /**
     * Cuts the runtime's output into lines as it arrives. It is written to from the SSH layer, where an exception would
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

package io.eflow.console;

import io.eflow.platform.EflowException;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Long-lived answers to remote callers: server-sent events, followed logs and terminals. A request is let in once, at
 * its start; these run on for hours, so each is watched, and ended when its caller's right to it ends — a logout, an
 * expired or revoked session or token, a removed user or a changed role — at once for those the console itself ends,
 * within a second for expiry. Each remote user may hold only so many, so one user's tabs cannot take every stream the
 * daemon serves. On the host's socket nothing is watched: the caller there is root.
 */
public final class LiveStreams {
    private static final String ATTRIBUTE = "eflow.console.streams";
    static final int PER_USER = 6;
    private final Predicate<Caller> allowed;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService sweeper;

    LiveStreams(Predicate<Caller> allowed) {
        this.allowed = allowed;
    }

    synchronized void start() {
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "console-streams");
                thread.setDaemon(true);
                return thread;
            });
            sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Ends every stream: the console stopped serving. */
    synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
        open.forEach(Watch::end);
    }

    void attach(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }

    /** Ends the streams whose caller may no longer have them; the console calls it as soon as it ends a credential. */
    void sweep() {
        open.stream().filter(watch -> !allowed.test(watch.caller)).forEach(Watch::end);
    }

    int openCount() {
        return open.size();
    }

    /**
     * Watches a request's long answer; {@code end} stops it from another thread (it should make the answer's next
     * write fail, or close it). Refused with 503 when the caller holds {@link #PER_USER} already.
     */
    public static Watch watch(Context ctx, Runnable end) {
        return watch(ctx.attribute(ATTRIBUTE), Caller.of(ctx), end);
    }

    /** The same for a WebSocket, whose handshake the console let in. */
    public static Watch watch(WsContext ctx, Runnable end) {
        return watch(ctx.attribute(ATTRIBUTE), ctx.attribute(Caller.ATTRIBUTE), end);
    }

    private static Watch watch(LiveStreams streams, Caller caller, Runnable end) {
        if (streams == null || caller == null) {
            return new Watch(null, null, end); // the host's socket
        }
        synchronized (streams) {
            if (streams.open.stream().filter(watch -> watch.caller.user().equals(caller.user())).count() >= PER_USER) {
                throw new EflowException(503, "user " + caller.user() + " has " + PER_USER + " live views open already; close one");
            }
            Watch watch = new Watch(streams, caller, end);
            streams.open.add(watch);
            return watch;
        }
    }

    /** One watched stream. Closing it (the answer is over) stops the watching. */
    public static final class Watch implements AutoCloseable {
        private final LiveStreams streams;
        private final Caller caller;
        private final Runnable end;
        private volatile boolean ended;

        private Watch(LiveStreams streams, Caller caller, Runnable end) {
            this.streams = streams;
            this.caller = caller;
            this.end = end;
        }

        /** {@code out}, whose writes fail once the stream was ended: the answer's own loop then stops. */
        public OutputStream guard(OutputStream out) {
            return new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    check();
                    out.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    check();
                    out.write(bytes, offset, length);
                }

                @Override
                public void flush() throws IOException {
                    check();
                    out.flush();
                }
            };
        }

        private void check() throws IOException {
            if (ended) {
                throw new IOException("the caller's session or token ended");
            }
        }

        private void end() {
            if (!ended) {
                ended = true;
                streams.open.remove(this);
                end.run();
            }
        }

        @Override
        public void close() {
            if (streams != null) {
                streams.open.remove(this);
            }
        }
    }
}

package io.eflow.console;

import io.eflow.platform.DaemonThreads;
import io.eflow.platform.EflowException;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Long-lived answers to remote callers: server-sent events, followed logs and terminals. A request is let in once, at
 * its start; these run on for hours, so each is watched, and ended when its caller's right to it ends — a logout, an
 * expired or revoked session or token, a removed user or a changed role — at once for those the console itself ends,
 * within a second for expiry. Each remote user may hold only so many, so one user's tabs cannot take every stream the
 * daemon serves. On the host's socket nothing is watched: the caller there is root.
 *
 * <p>Ending a stream may block (closing an answer whose reader stopped reading waits for the write under way), so it
 * runs on a thread of its own, never under a lock nor on the thread of the request that ended the credential.
 */
public final class LiveStreams {
    private static final Logger log = LoggerFactory.getLogger(LiveStreams.class);
    private static final String ATTRIBUTE = "eflow.console.streams";
    static final int PER_USER = 6;
    /** A terminal in use keeps its session alive, but a keystroke need not touch it more often than this. */
    private static final Duration ACTIVITY = Duration.ofSeconds(10);
    private final Predicate<Caller> allowed;
    private final Consumer<Caller> active;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService enders = Executors.newCachedThreadPool(DaemonThreads.numbered("console-stream-end"));
    private ScheduledExecutorService sweeper;

    /**
     * @param allowed whether a caller may still hold what it was let in for
     * @param active  the caller is at work in a stream (a terminal's keystrokes): its session's idle time restarts
     */
    LiveStreams(Predicate<Caller> allowed, Consumer<Caller> active) {
        this.allowed = allowed;
        this.active = active;
    }

    synchronized void start() {
        if (sweeper == null) {
            sweeper = DaemonThreads.timer("console-streams");
            sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Ends every stream: the console stopped serving. */
    void stop() {
        synchronized (this) {
            if (sweeper != null) {
                sweeper.shutdownNow();
                sweeper = null;
            }
        }
        open.forEach(Watch::end);
    }

    void attach(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }

    /**
     * Ends the streams whose caller may no longer have them; the console calls it as soon as it ends a credential.
     * Never throws: a scheduled task that threw would not run again, and expiry would end nothing after.
     */
    void sweep() {
        for (Watch watch : open) {
            try {
                if (!allowed.test(watch.caller)) {
                    watch.end();
                }
            } catch (RuntimeException e) {
                log.warn("could not check a live view of user {}: {}", watch.caller.user(), e.toString());
            }
        }
    }

    /**
     * Watches a request's long answer; {@code end} stops it from another thread (it should make the answer's next
     * write fail, or close it). Refused with 401 when the caller's right ended in the meantime, and with 503 when the
     * caller holds {@link #PER_USER} already.
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
            // a logout's sweep may have run between this request's door and here
            if (!streams.allowed.test(caller)) {
                throw new EflowException(401, "the session or token ended");
            }
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
        private static final int OPEN = 0;
        private static final int CLOSED = 1;
        private static final int ENDED = 2;
        private final LiveStreams streams;
        private final Caller caller;
        private final Runnable end;
        /** Once out of OPEN, never back: an answer that is over is not ended later (its output may serve another request). */
        private final AtomicInteger state = new AtomicInteger(OPEN);
        private final AtomicLong lastActive = new AtomicLong();

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

        /** The caller works in this stream (types in a terminal): its session stays alive while it does. */
        public void active() {
            long now = System.nanoTime();
            long last = lastActive.get();
            if (streams != null && now - last >= ACTIVITY.toNanos() && lastActive.compareAndSet(last, now)) {
                streams.active.accept(caller);
            }
        }

        private void check() throws IOException {
            if (state.get() == ENDED) {
                throw new IOException("the caller's session or token ended");
            }
        }

        private void end() {
            if (state.compareAndSet(OPEN, ENDED)) {
                streams.open.remove(this);
                streams.enders.execute(() -> {
                    try {
                        end.run();
                    } catch (RuntimeException e) {
                        log.debug("ending a live view of user {}: {}", caller.user(), e.toString());
                    }
                });
            }
        }

        @Override
        public void close() {
            state.compareAndSet(OPEN, CLOSED);
            if (streams != null) {
                streams.open.remove(this);
            }
        }
    }
}

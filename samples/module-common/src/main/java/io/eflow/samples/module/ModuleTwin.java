package io.eflow.samples.module;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A module's twin over its {@link EdgeHubClient}, as IoT Hub's module SDKs offer it: {@link #get} the whole twin,
 * {@link #reportProperties} patch the reported properties, and desired-property changes handed to a
 * {@link Listener}.
 *
 * <p>After every (re)connection the whole twin is read again before the module's inputs are subscribed (patches may
 * have been missed while it was away, and a module should not judge its first message by stale settings); a patch
 * is applied only when it is the next version, an older one is ignored, and a gap means reading the whole twin.
 *
 * <p>Nothing here blocks the MQTT callback thread: answers and patches are handed to the twin's own thread, which
 * completes the futures and calls the listener, one thing at a time and in the order they came. The hub answers
 * at most once (QoS 0), so a request it does not answer within {@link #ANSWER_TIMEOUT} (10 s) fails.
 */
public final class ModuleTwin implements AutoCloseable {
    /** Told of the twin, on the twin's thread: quick, but it may call the twin (its futures complete later). */
    public interface Listener {
        /** Desired properties newer than those applied before: all of them, as they are now. */
        void desiredChanged(TwinProperties desired);

        /** The whole twin was read, after a (re)connection or a missed change; {@link #desiredChanged} came first. */
        default void twinRead(Twin twin) {
        }
    }

    /** The hub answered a request with a status other than the one it asks for. */
    public static final class TwinException extends RuntimeException {
        private final int status;

        TwinException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    /** An answer as it came: its status, the version a reported patch made, and its body. */
    record Answer(int status, OptionalLong version, String body) {
    }

    private final EdgeHubClient hub;
    private final Log log;
    private final Duration answerTimeout;
    private volatile Listener listener = desired -> { };
    private final ScheduledExecutorService thread;
    private final Map<String, CompletableFuture<Answer>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final DesiredState desired = new DesiredState();
    private final Backoff retries = new Backoff(FIRST_RETRY, MAX_RETRY);
    private volatile boolean closed;

    private ModuleTwin(EdgeHubClient hub, Log log, Duration answerTimeout) {
        this.hub = hub;
        this.log = log;
        this.answerTimeout = answerTimeout;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread twin = new Thread(task, "module-twin");
            twin.setDaemon(true);
            return twin;
        });
    }

    /**
     * The twin of the module {@code hub} connects as: subscribes to the twin's answers and desired-property patches
     * and reads the whole twin after each connection, before the subscriptions given to {@code hub} after this.
     * Call before {@link EdgeHubClient#start}.
     */
    public static ModuleTwin attach(EdgeHubClient hub, Log log) {
        return attach(hub, log, ANSWER_TIMEOUT);
    }

    static ModuleTwin attach(EdgeHubClient hub, Log log, Duration answerTimeout) {
        ModuleTwin twin = new ModuleTwin(hub, log, answerTimeout);
        hub.subscribe(TwinTopics.RESPONSES, twin::answerArrived);
        hub.subscribe(TwinTopics.DESIRED_PATCHES, twin::patchArrived);
        hub.onConnected(twin::readAfterConnecting);
        return twin;
    }

    /** Who is told of the twin from now on; set it before the hub starts, so that it hears of the first read. */
    public ModuleTwin listen(Listener listener) {
        this.listener = listener;
        return this;
    }

    /** The whole twin; fails when the hub is not connected, does not answer in time or answers an error. */
    public CompletableFuture<Twin> get() {
        return request(TwinTopics::get, new byte[0]).thenApply(answer -> {
            expect(200, answer, "reading the twin");
            return Twin.parse(answer.body());
        });
    }

    /**
     * Merges {@code patch} into the reported properties (null removes one); completes with the reported properties'
     * new version, or fails as {@link #get} does.
     */
    public CompletableFuture<Long> reportProperties(Map<String, Object> patch) {
        byte[] body = Json.write(patch).getBytes(StandardCharsets.UTF_8);
        return request(TwinTopics::reportedPatch, body).thenApply(answer -> {
            expect(204, answer, "reporting " + Json.write(patch));
            return answer.version().orElseThrow(() -> new TwinException(answer.status(),
                    "the hub took the reported properties but named no version"));
        });
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        pending.values().forEach(answer -> answer.completeExceptionally(new IllegalStateException("the twin is closed")));
        pending.clear();
    }

    private CompletableFuture<Answer> request(Function<String, String> topic, byte[] body) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        if (closed) {
            answer.completeExceptionally(new IllegalStateException("the twin is closed"));
            return answer;
        }
        String requestId = Long.toString(requestIds.incrementAndGet());
        pending.put(requestId, answer);
        try {
            thread.schedule(() -> {
                if (pending.remove(requestId) != null) {
                    answer.completeExceptionally(new TimeoutException("edgeHub did not answer twin request "
                            + requestId + " within " + answerTimeout.toMillis() + " ms"));
                }
            }, answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pending.remove(requestId);
            answer.completeExceptionally(new IllegalStateException("the twin is closed"));
            return answer;
        }
        if (!hub.publish(topic.apply(requestId), body)) {
            pending.remove(requestId);
            answer.completeExceptionally(new IllegalStateException("not connected to edgeHub"));
        }
        return answer;
    }

    private static void expect(int status, Answer answer, String what) {
        if (answer.status() != status) {
            throw new TwinException(answer.status(), what + ": edgeHub answered " + answer.status()
                    + (answer.body().isBlank() ? "" : " " + answer.body()));
        }
    }

    /** On the MQTT callback thread: only handed on. */
    private void answerArrived(String topic, byte[] payload) {
        TwinTopics.response(topic).ifPresentOrElse(response -> onTwinThread(() -> {
            CompletableFuture<Answer> answer = pending.remove(response.requestId());
            if (answer == null) {
                log.info("ignored a twin answer to request " + response.requestId() + ": none is waiting for it");
                return;
            }
            answer.complete(new Answer(response.status(), response.version(), new String(payload, StandardCharsets.UTF_8)));
        }), () -> log.info("ignored a message on " + topic + ": no twin answer"));
    }

    /** On the MQTT callback thread: only handed on. */
    private void patchArrived(String topic, byte[] payload) {
        onTwinThread(() -> {
            Object patch;
            try {
                patch = Json.parse(new String(payload, StandardCharsets.UTF_8));
            } catch (Json.JsonException e) {
                log.info("a desired-properties patch on " + topic + " is no JSON (" + e.getMessage()
                        + "): reading the whole twin");
                refresh();
                return;
            }
            if (!(patch instanceof Map<?, ?> object)) {
                log.info("a desired-properties patch on " + topic + " is no JSON object: reading the whole twin");
                refresh();
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> changes = (Map<String, Object>) object;
            DesiredState.Outcome outcome = desired.patch(TwinTopics.desiredVersion(topic), changes);
            if (outcome instanceof DesiredState.Outcome.Applied applied) {
                tell(() -> listener.desiredChanged(applied.desired()));
            } else if (outcome instanceof DesiredState.Outcome.Stale stale) {
                log.info("ignored desired properties version " + stale.version() + ": version " + stale.applied()
                        + " is applied");
            } else if (outcome instanceof DesiredState.Outcome.Missed missed) {
                log.info("desired properties " + describe(missed.version()) + " do not follow version "
                        + describe(missed.applied()).replace("version ", "") + ": reading the whole twin");
                refresh();
            }
        });
    }

    private static String describe(OptionalLong version) {
        return version.isPresent() ? "version " + version.getAsLong() : "without a version";
    }

    /** A connection step: read the twin, and let the rest of the connection wait for it (not for ever). */
    private void readAfterConnecting() {
        retries.reset();
        try {
            refresh().get(answerTimeout.plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // refresh() told it, and tries again
        }
    }

    /**
     * Reads the whole twin and applies its desired properties when they are newer; on failure tries again with
     * back-off while connected (a new connection reads it anyway). Completes when it is done, either way.
     */
    private CompletableFuture<Twin> refresh() {
        return get().whenCompleteAsync((twin, failure) -> {
            if (failure != null) {
                if (closed) {
                    return;
                }
                boolean again = hub.isConnected();
                Duration retryIn = retries.next();
                log.info("could not read the module twin: " + Log.describe(unwrap(failure))
                        + (again ? "; trying again in " + retryIn.toSeconds() + " s" : ""));
                if (again) {
                    try {
                        thread.schedule(() -> {
                            if (hub.isConnected()) {
                                refresh();
                            }
                        }, retryIn.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        // closed meanwhile
                    }
                }
                return;
            }
            retries.reset();
            if (desired.whole(twin.desired()) instanceof DesiredState.Outcome.Applied applied) {
                tell(() -> listener.desiredChanged(applied.desired()));
            }
            tell(() -> listener.twinRead(twin));
        }, thread);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("the module's twin listener failed", e);
        }
    }

    private void onTwinThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: the module is going away
        }
    }
}

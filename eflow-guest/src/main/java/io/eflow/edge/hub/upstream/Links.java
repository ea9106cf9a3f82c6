package io.eflow.edge.hub.upstream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * The upstream link's connections, one per identity it sends as ({@link UpstreamSettings#identityOf}): a device's
 * link has one, an edge device's one per module that sent something. They stand or fall together: when any breaks,
 * the connector abandons all of them and hands every unacknowledged message back to the store, so each identity's
 * messages reach IoT Hub in store order, as with one connection.
 */
final class Links {
    /** How often a wait for room looks again when several connections share the window. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final UpstreamSettings settings;
    private final UpstreamOptions options;
    private final List<String> subscriptions;
    private final LongConsumer onAck;
    private final BiConsumer<String, byte[]> onMessage;
    private final Map<String, UpstreamConnection> open = new LinkedHashMap<>();
    private final UpstreamConnection first;
    private Throwable broken;

    /**
     * Opens the first identity's connection ({@code identity}), which proves the endpoint can be reached and takes
     * the link's subscriptions; the others open when they have something to send.
     *
     * @throws ConnectionException when it cannot be opened
     */
    Links(UpstreamSettings settings, UpstreamOptions options, String identity, Instant now, List<String> subscriptions,
          LongConsumer onAck, BiConsumer<String, byte[]> onMessage) throws ConnectionException {
        this.settings = settings;
        this.options = options;
        this.subscriptions = subscriptions;
        this.onAck = onAck;
        this.onMessage = onMessage;
        this.first = UpstreamConnection.open(settings, settings.login(identity, now), options, subscriptions, onAck, onMessage);
        open.put(identity, first);
    }

    /**
     * Publishes as {@code identity}, opening its connection first if need be. False when the link is broken (the
     * opening failed or a connection is gone): the message was not taken.
     */
    boolean publish(String identity, long sequence, String topic, byte[] body) {
        UpstreamConnection connection = open.get(identity);
        if (connection == null) {
            try {
                connection = UpstreamConnection.open(settings, settings.login(identity, Instant.now()), options,
                        List.of(), onAck, onMessage);
            } catch (ConnectionException e) {
                broken = e;
                return false;
            }
            open.put(identity, connection);
        }
        return connection.publish(sequence, topic, body);
    }

    /** A request whose answer comes on the first connection's subscriptions (the device twin's). */
    void publishOnce(String topic) {
        first.publishOnce(topic, new byte[0]);
    }

    /** A request with a body on the first connection (the twin's reported properties). */
    void publishOnce(String topic, byte[] payload) {
        first.publishOnce(topic, payload);
    }

    /** Free places in a window shared by all connections, waiting up to {@code maxNanos}; 0 when none or broken. */
    int awaitRoom(int window, long maxNanos) throws InterruptedException {
        if (open.size() == 1) {
            return first.awaitRoom(window, maxNanos);
        }
        long deadline = System.nanoTime() + maxNanos;
        while (broken() == null) {
            int free = window - pending();
            if (free > 0) {
                return free;
            }
            if (System.nanoTime() >= deadline) {
                return 0;
            }
            TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
        }
        return 0;
    }

    /** Waits until every connection has its PUBACKs, one broke, or {@code maxNanos} passed; true when all came. */
    boolean awaitAcks(long maxNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxNanos;
        for (UpstreamConnection connection : open.values()) {
            if (!connection.awaitAcks(Math.max(0, deadline - System.nanoTime()))) {
                return false;
            }
        }
        return true;
    }

    long oldestWaitNanos(long nowNanos) {
        long oldest = 0;
        for (UpstreamConnection connection : open.values()) {
            oldest = Math.max(oldest, connection.oldestWaitNanos(nowNanos));
        }
        return oldest;
    }

    Throwable broken() {
        if (broken != null) {
            return broken;
        }
        for (UpstreamConnection connection : open.values()) {
            Throwable cause = connection.broken();
            if (cause != null) {
                return cause;
            }
        }
        return null;
    }

    void broke(Throwable cause) {
        first.broke(cause);
    }

    /** Ends every connection; returns the sequences still awaiting their PUBACK, in order. */
    List<Long> close() {
        List<Long> unacknowledged = new ArrayList<>();
        for (UpstreamConnection connection : open.values()) {
            unacknowledged.addAll(connection.close());
        }
        unacknowledged.sort(null);
        return unacknowledged;
    }

    private int pending() {
        int pending = 0;
        for (UpstreamConnection connection : open.values()) {
            pending += connection.pendingCount();
        }
        return pending;
    }
}

package io.eflow.edge.hub.upstream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * The upstream link's connections, one per identity it sends as ({@link UpstreamSettings#identityOf}): a device's
 * link has one, an edge device's one per module that sent something. They stand or fall together: when any breaks,
 * the connector abandons all of them and hands every unacknowledged message back to the store, so each identity's
 * messages reach IoT Hub in store order, as with one connection.
 */
final class Links {
    private static final System.Logger LOG = System.getLogger(Links.class.getName());
    /** How long an identity whose eager connection was refused waits before the next try. */
    private static final long EAGER_RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** A message that came on one identity's connection. */
    @FunctionalInterface
    interface Arrival {
        void arrived(String identity, String topic, byte[] payload);
    }

    /** How often a wait for room looks again when several connections share the window. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final UpstreamSettings settings;
    private final UpstreamOptions options;
    private final List<String> subscriptions;
    private final LongConsumer onAck;
    private final Arrival onMessage;
    // the sender thread opens and publishes; method answers come from other threads
    private final Map<String, UpstreamConnection> open = new ConcurrentHashMap<>();
    private final Map<String, Long> refusedAt = new ConcurrentHashMap<>();
    private final UpstreamConnection first;
    private Throwable broken;

    /**
     * Opens the first identity's connection ({@code identity}), which proves the endpoint can be reached and takes
     * the link's subscriptions; the others open when they have something to send.
     *
     * @throws ConnectionException when it cannot be opened
     */
    Links(UpstreamSettings settings, UpstreamOptions options, String identity, Instant now, List<String> subscriptions,
          LongConsumer onAck, Arrival onMessage) throws ConnectionException {
        this.settings = settings;
        this.options = options;
        this.subscriptions = subscriptions;
        this.onAck = onAck;
        this.onMessage = onMessage;
        this.first = UpstreamConnection.open(settings, settings.login(identity, now), options, subscriptions, onAck,
                (topic, payload) -> onMessage.arrived(identity, topic, payload));
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
                connection = connect(identity, Instant.now());
            } catch (ConnectionException e) {
                broken = e;
                return false;
            }
            open.put(identity, connection);
        }
        return connection.publish(sequence, topic, body);
    }

    private UpstreamConnection connect(String identity, Instant now) throws ConnectionException {
        return UpstreamConnection.open(settings, settings.login(identity, now), options, settings.subscriptions(identity),
                onAck, (topic, payload) -> onMessage.arrived(identity, topic, payload));
    }

    /**
     * Opens the connections of identities that must be connected before they send anything (IoT Hub calls their
     * direct methods). One that is refused (its identity not created in IoT Hub yet) is tried again later and does
     * not break the link.
     */
    void openMissing(Collection<String> identities) {
        long now = System.nanoTime();
        for (String identity : identities) {
            if (open.containsKey(identity) || now - refusedAt.getOrDefault(identity, now - EAGER_RETRY_NANOS) < EAGER_RETRY_NANOS) {
                continue;
            }
            try {
                open.put(identity, connect(identity, Instant.now()));
                refusedAt.remove(identity);
            } catch (ConnectionException e) {
                refusedAt.put(identity, now);
                LOG.log(DEBUG, "upstream: {0} cannot connect yet: {1}", identity, e.getMessage());
            }
        }
    }

    /** The identities whose connections are open now. */
    Set<String> openIdentities() {
        return Set.copyOf(open.keySet());
    }

    /** Publishes on {@code identity}'s connection if it is open (an answer to a call that came on it). */
    void respond(String identity, String topic, byte[] payload) {
        UpstreamConnection connection = open.get(identity);
        if (connection != null) {
            connection.publishOnce(topic, payload);
        }
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

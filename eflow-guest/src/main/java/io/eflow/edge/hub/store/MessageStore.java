package io.eflow.edge.hub.store;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The edge hub's store-and-forward: routed messages are kept on disk until each of their endpoints takes them or
 * they expire. The hub acknowledges a publisher (MQTT PUBACK) only once {@link #append} completes.
 */
public interface MessageStore extends AutoCloseable {
    /**
     * Stores a message once for all its destinations. The future completes with the message's sequence number only
     * once the message is on disk (synced); it fails with {@link StoreFullException} when the store is at its bound,
     * and with {@link StoreException} when the store is closed or cannot write. Completion runs on the store's
     * writer thread: dependants should be quick or use the {@code …Async} variants.
     *
     * @throws IllegalArgumentException without destinations, or for a message larger than a segment
     */
    CompletableFuture<Long> append(Message message, List<Destination> destinations);

    /** The queue of {@code endpoint}, created empty when the store has none yet. */
    EndpointQueue queue(String endpoint);

    /** Endpoints with a queue, those recovered from disk included. */
    Set<String> endpoints();

    /**
     * Forgets an endpoint (a module or route gone from the deployment): its messages are no longer kept for it and
     * do not come back after a restart. Its consumer's {@code poll} fails.
     */
    void removeEndpoint(String endpoint);

    StoreMetrics metrics();

    /** Writes what was accepted, saves the consumers' positions and closes the files. */
    @Override
    void close();
}

package io.eflow.edge.hub.store;

import java.time.Duration;
import java.util.List;

/**
 * One endpoint's messages, in the order they were appended, for its consumer (the hub's sender to a module input or
 * upstream). A message handed out stays the consumer's until acknowledged; refused ({@link #nack}), not acknowledged
 * within the redelivery timeout, or outstanding at a restart, it is handed out again. A consumer that needs strict
 * order across retries keeps one message outstanding at a time.
 */
public interface EndpointQueue {
    String endpoint();

    /**
     * Up to {@code max} messages, oldest first: those to hand out again, then new ones. Waits up to {@code wait} for
     * the first; returns an empty list when none came. Expired messages are skipped (and counted).
     *
     * @throws StoreException when the store is closed or the endpoint removed
     */
    List<Delivery> poll(int max, Duration wait) throws InterruptedException;

    /**
     * As {@link #poll(int, Duration)}, but stops once the payloads handed out reach {@code maxBytes} (the first
     * always comes, however large): a consumer bounds in bytes what it holds, not only in messages.
     */
    List<Delivery> poll(int max, long maxBytes, Duration wait) throws InterruptedException;

    /** The endpoint has the message: it is never handed out again. False when it was not outstanding. */
    boolean ack(long sequence);

    /** The endpoint could not take the message: it is handed out again, before newer ones. */
    boolean nack(long sequence);

    EndpointMetrics metrics();
}

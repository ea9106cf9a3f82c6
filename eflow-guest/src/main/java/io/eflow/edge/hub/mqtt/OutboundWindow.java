package io.eflow.edge.hub.mqtt;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The QoS 1 messages a connection sends its client: at most {@code capacity} messages and {@code byteCapacity} bytes
 * unacknowledged at once, the rest waiting in order. A message larger than the byte capacity goes when nothing else
 * is in flight, so it is never stuck. Hands out packet ids, never one still in flight. Event-loop confined.
 */
final class OutboundWindow {
    /** A message for the client; {@code acknowledged} completes at its PUBACK. */
    record Delivery(String topic, byte[] body, CompletableFuture<Void> acknowledged) {
        /** What it holds while in flight: its body and its topic (as bytes, near enough for ASCII topics). */
        long bytes() {
            return (long) body.length + topic.length();
        }
    }

    /** Writes one message to the client under a packet id. */
    @FunctionalInterface
    interface Writer {
        void write(int packetId, Delivery delivery);
    }

    private static final int MAX_PACKET_ID = 0xFFFF;

    private final int capacity;
    private final long byteCapacity;
    private final Writer writer;
    private final Map<Integer, Delivery> inFlight = new HashMap<>();
    private final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
    private long inFlightBytes;
    private int lastId;

    OutboundWindow(int capacity, long byteCapacity, Writer writer) {
        if (capacity < 1 || capacity > MAX_PACKET_ID) {
            throw new IllegalArgumentException("an outbound window holds 1 to " + MAX_PACKET_ID + " messages, not " + capacity);
        }
        if (byteCapacity < 1) {
            throw new IllegalArgumentException("an outbound window holds at least 1 byte, not " + byteCapacity);
        }
        this.capacity = capacity;
        this.byteCapacity = byteCapacity;
        this.writer = writer;
    }

    void offer(Delivery delivery) {
        // behind others that wait, it waits too: order first
        if (waiting.isEmpty() && hasRoomFor(delivery)) {
            write(delivery);
        } else {
            waiting.add(delivery);
        }
    }

    private boolean hasRoomFor(Delivery delivery) {
        return inFlight.isEmpty()
                || inFlight.size() < capacity && inFlightBytes + delivery.bytes() <= byteCapacity;
    }

    /** The client's PUBACK; false when no message was in flight under that id. */
    boolean acknowledged(int packetId) {
        Delivery delivery = inFlight.remove(packetId);
        if (delivery == null) {
            return false;
        }
        inFlightBytes -= delivery.bytes();
        // as many as now fit; one the hub gave up on (cancelled) while it waited is not sent
        while (!waiting.isEmpty()) {
            Delivery next = waiting.peek();
            if (next.acknowledged().isDone()) {
                waiting.poll();
            } else if (hasRoomFor(next)) {
                write(waiting.poll());
            } else {
                break;
            }
        }
        delivery.acknowledged().complete(null);
        return true;
    }

    /** The connection ended: nothing in flight or waiting will be acknowledged. */
    void fail(Throwable cause) {
        inFlight.values().forEach(delivery -> delivery.acknowledged().completeExceptionally(cause));
        waiting.forEach(delivery -> delivery.acknowledged().completeExceptionally(cause));
        inFlight.clear();
        waiting.clear();
        inFlightBytes = 0;
    }

    int inFlight() {
        return inFlight.size();
    }

    long inFlightBytes() {
        return inFlightBytes;
    }

    int waiting() {
        return waiting.size();
    }

    private void write(Delivery delivery) {
        int id = lastId;
        do {
            id = id == MAX_PACKET_ID ? 1 : id + 1;
        } while (inFlight.containsKey(id));
        lastId = id;
        inFlight.put(id, delivery);
        inFlightBytes += delivery.bytes();
        writer.write(id, delivery);
    }
}

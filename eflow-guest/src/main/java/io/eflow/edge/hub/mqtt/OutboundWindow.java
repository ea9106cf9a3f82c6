package io.eflow.edge.hub.mqtt;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The QoS 1 messages a connection sends its client: at most {@code capacity} unacknowledged at once, the rest
 * waiting in order. Hands out packet ids, never one still in flight. Event-loop confined.
 */
final class OutboundWindow {
    /** A message for the client; {@code acknowledged} completes at its PUBACK. */
    record Delivery(String topic, byte[] body, CompletableFuture<Void> acknowledged) {
    }

    /** Writes one message to the client under a packet id. */
    @FunctionalInterface
    interface Writer {
        void write(int packetId, Delivery delivery);
    }

    private static final int MAX_PACKET_ID = 0xFFFF;

    private final int capacity;
    private final Writer writer;
    private final Map<Integer, Delivery> inFlight = new HashMap<>();
    private final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
    private int lastId;

    OutboundWindow(int capacity, Writer writer) {
        if (capacity < 1 || capacity > MAX_PACKET_ID) {
            throw new IllegalArgumentException("an outbound window holds 1 to " + MAX_PACKET_ID + " messages, not " + capacity);
        }
        this.capacity = capacity;
        this.writer = writer;
    }

    void offer(Delivery delivery) {
        if (inFlight.size() < capacity) {
            write(delivery);
        } else {
            waiting.add(delivery);
        }
    }

    /** The client's PUBACK; false when no message was in flight under that id. */
    boolean acknowledged(int packetId) {
        Delivery delivery = inFlight.remove(packetId);
        if (delivery == null) {
            return false;
        }
        // one the hub gave up on (cancelled) while it waited is not sent
        while (!waiting.isEmpty()) {
            Delivery next = waiting.poll();
            if (!next.acknowledged().isDone()) {
                write(next);
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
    }

    int inFlight() {
        return inFlight.size();
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
        writer.write(id, delivery);
    }
}

package io.eflow.edge.hub.mqtt;

import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * The PUBACKs a connection owes, in the order the QoS 1 publishes came: MQTT wants them in that order, and the hub
 * may finish a later message first. Event-loop confined.
 */
final class AckQueue {
    /** One owed PUBACK. */
    static final class Owed {
        private final int packetId;
        private boolean ready;

        private Owed(int packetId) {
            this.packetId = packetId;
        }
    }

    private final ArrayDeque<Owed> owed = new ArrayDeque<>();

    /** A QoS 1 publish came in: its PUBACK is owed after every one owed before it. */
    Owed expect(int packetId) {
        Owed one = new Owed(packetId);
        owed.add(one);
        return one;
    }

    /** The publish may be acknowledged now; hands {@code write} every packet id whose turn has come, in order. */
    void ready(Owed one, IntConsumer write) {
        one.ready = true;
        while (!owed.isEmpty() && owed.peek().ready) {
            write.accept(owed.poll().packetId);
        }
    }
}

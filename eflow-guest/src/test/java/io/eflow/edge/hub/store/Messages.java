package io.eflow.edge.hub.store;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Numbered messages and a consumer that drains a queue, for the store's tests. */
final class Messages {
    static final Duration SHORT = Duration.ofMillis(100);

    private Messages() {
    }

    /** A 256-byte payload that carries {@code id} in its first 4 bytes. */
    static byte[] payload(int id) {
        ByteBuffer bytes = ByteBuffer.allocate(256).putInt(id);
        while (bytes.hasRemaining()) {
            bytes.put((byte) (id + bytes.position()));
        }
        return bytes.array();
    }

    static int id(Delivery delivery) {
        byte[] payload = delivery.payload();
        assertThat(payload).as("payload of %d", delivery.sequence()).isEqualTo(payload(ByteBuffer.wrap(payload).getInt()));
        return ByteBuffer.wrap(payload).getInt();
    }

    static Message message(int id) {
        return new Message("sensor", payload(id));
    }

    /** Appends messages {@code from}..{@code to}-1 from one source and waits for each to be durable. */
    static void append(MessageStore store, int from, int to, Destination... destinations) {
        for (int id = from; id < to; id++) {
            store.append(message(id), List.of(destinations)).join();
        }
    }

    /** What {@link #appendUntilRefused} got: how many messages were taken (ids 0 to accepted-1), and why the next was not. */
    record Refused(int accepted, Throwable refusal) {
    }

    /** Appends messages 0, 1, 2… until one is refused, each waited for. */
    static Refused appendUntilRefused(MessageStore store, Destination destination) {
        for (int id = 0; ; id++) {
            try {
                store.append(message(id), List.of(destination)).join();
            } catch (CompletionException e) {
                return new Refused(id, e.getCause());
            }
        }
    }

    /** Takes and acknowledges everything the queue has now; returns the ids in the order handed out. */
    static List<Integer> drain(EndpointQueue queue) throws InterruptedException {
        List<Integer> ids = new ArrayList<>();
        for (List<Delivery> batch = queue.poll(500, SHORT); !batch.isEmpty(); batch = queue.poll(500, SHORT)) {
            for (Delivery delivery : batch) {
                ids.add(id(delivery));
                assertThat(queue.ack(delivery.sequence())).isTrue();
            }
        }
        return ids;
    }

    /** Takes everything the queue has now without acknowledging; returns the deliveries. */
    static List<Delivery> take(EndpointQueue queue) throws InterruptedException {
        List<Delivery> all = new ArrayList<>();
        for (List<Delivery> batch = queue.poll(500, SHORT); !batch.isEmpty(); batch = queue.poll(500, SHORT)) {
            all.addAll(batch);
        }
        return all;
    }

    static List<Integer> ids(List<Delivery> deliveries) {
        return deliveries.stream().map(Messages::id).toList();
    }

    static List<Integer> range(int from, int to) {
        List<Integer> ids = new ArrayList<>();
        for (int id = from; id < to; id++) {
            ids.add(id);
        }
        return ids;
    }
}

package io.eflow.edge.hub.mqtt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundWindowTest {
    private final List<Integer> written = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();

    private OutboundWindow window(int capacity, long bytes) {
        return new OutboundWindow(capacity, bytes, (id, delivery) -> {
            written.add(id);
            topics.add(delivery.topic());
        });
    }

    private static OutboundWindow.Delivery message(String topic, int bodyBytes) {
        return new OutboundWindow.Delivery(topic, new byte[bodyBytes], new CompletableFuture<>());
    }

    @Test
    void largeMessagesAreBoundByBytesNotByCount() {
        OutboundWindow window = window(100, 1000);
        for (int i = 0; i < 5; i++) {
            window.offer(message("t" + i, 398));
        }
        // 400 bytes each with its topic: two fit in 1,000 bytes, the rest wait in order
        assertThat(topics).containsExactly("t0", "t1");
        assertThat(window.inFlightBytes()).isEqualTo(800);
        assertThat(window.waiting()).isEqualTo(3);

        window.acknowledged(written.get(0));
        assertThat(topics).containsExactly("t0", "t1", "t2");
        assertThat(window.inFlightBytes()).isEqualTo(800);
    }

    @Test
    void oneMessageLargerThanTheWindowStillGoesAlone() {
        OutboundWindow window = window(100, 1000);
        window.offer(message("small", 10));
        window.offer(message("huge", 5000));
        window.offer(message("after", 10));
        assertThat(topics).containsExactly("small");

        window.acknowledged(written.get(0));
        assertThat(topics).as("alone in flight, then nothing fits beside it").containsExactly("small", "huge");

        window.acknowledged(written.get(1));
        assertThat(topics).containsExactly("small", "huge", "after");
        assertThat(window.inFlight()).isEqualTo(1);
    }

    @Test
    void smallMessagesAreBoundByCount() {
        OutboundWindow window = window(3, 1 << 20);
        for (int i = 0; i < 5; i++) {
            window.offer(message("t" + i, 10));
        }
        assertThat(window.inFlight()).isEqualTo(3);
        assertThat(window.waiting()).isEqualTo(2);
    }

    @Test
    void aCancelledWaitingMessageIsSkipped() {
        OutboundWindow window = window(1, 1 << 20);
        window.offer(message("first", 10));
        OutboundWindow.Delivery cancelled = message("cancelled", 10);
        window.offer(cancelled);
        window.offer(message("next", 10));
        cancelled.acknowledged().cancel(false);

        window.acknowledged(written.get(0));
        assertThat(topics).containsExactly("first", "next");
    }
}

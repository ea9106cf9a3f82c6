package io.eflow.edge.hub.store;

import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.eflow.edge.hub.store.Messages.append;
import static io.eflow.edge.hub.store.Messages.drain;
import static io.eflow.edge.hub.store.Messages.ids;
import static io.eflow.edge.hub.store.Messages.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TimeToLiveTest {
    private static final Destination UPSTREAM = Destination.of("$upstream");

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.parse("2024-05-01T12:00:00Z"));

    /** storeAndForwardConfiguration.timeToLiveSecs = 60 */
    private LogMessageStore open() throws IOException {
        return LogMessageStore.open(StoreConfig.in(dir).withMaxBytes(1 << 20, 16 << 10)
                .withTimeToLive(Duration.ofSeconds(60)).withCheckpointInterval(Duration.ofMillis(20)).withClock(clock));
    }

    @Test
    void expiredMessagesAreSkippedAndCountedAsExpired() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 10, UPSTREAM);
            clock.advance(Duration.ofSeconds(30));
            append(store, 10, 20, UPSTREAM);
            clock.advance(Duration.ofSeconds(31));

            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(10, 20));
            EndpointMetrics metrics = store.metrics().endpoints().get("$upstream");
            assertThat(metrics.expired()).isEqualTo(10);
            assertThat(metrics.delivered()).isEqualTo(10);
        }
    }

    @Test
    void aRouteTimeToLiveReplacesTheStoreDefaultForItsEndpoint() throws Exception {
        try (LogMessageStore store = open()) {
            store.append(Messages.message(1), List.of(Destination.of("short/inputs/in", Duration.ofSeconds(10)),
                    Destination.of("long/inputs/in", Duration.ofSeconds(600)), UPSTREAM)).join();
            clock.advance(Duration.ofSeconds(20));
            assertThat(drain(store.queue("short/inputs/in"))).isEmpty();
            assertThat(drain(store.queue("$upstream"))).containsExactly(1);
            clock.advance(Duration.ofSeconds(60));
            assertThat(drain(store.queue("long/inputs/in"))).containsExactly(1);
            assertThat(store.metrics().endpoints().get("short/inputs/in").expired()).isEqualTo(1);
        }
    }

    @Test
    void aRefusedMessageThatExpiresBeforeItsRetryIsDropped() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 2, UPSTREAM);
            EndpointQueue queue = store.queue("$upstream");
            List<Delivery> first = queue.poll(1, Messages.SHORT);
            queue.nack(first.get(0).sequence());
            clock.advance(Duration.ofSeconds(61));
            assertThat(ids(queue.poll(10, Messages.SHORT))).isEmpty();
            assertThat(queue.metrics().expired()).isEqualTo(2);
            assertThat(queue.metrics().queueLength()).isZero();
        }
    }

    @Test
    void theMessagesOfAnEndpointNobodyTakesFromAreReclaimedWhenTheyExpire() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 300, UPSTREAM);
            assertThat(segments()).hasSizeGreaterThan(4);
            assertThat(store.metrics().endpoints().get("$upstream").queueLength()).isEqualTo(300);

            clock.advance(Duration.ofSeconds(61));
            await().atMost(Duration.ofSeconds(5)).until(() -> segments().size() == 1);
            EndpointMetrics metrics = store.metrics().endpoints().get("$upstream");
            assertThat(metrics.expired()).isEqualTo(300);
            assertThat(metrics.queueLength()).isZero();
        }
    }

    @Test
    void expiryOutlivesARestart() throws Exception {
        try (LogMessageStore store = open()) {
            store.append(Messages.message(1), List.of(Destination.of("$upstream", Duration.ofSeconds(10)))).join();
            append(store, 2, 3, UPSTREAM);
        }
        clock.advance(Duration.ofSeconds(20));
        try (LogMessageStore store = open()) {
            assertThat(drain(store.queue("$upstream"))).containsExactly(2);
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
        }
    }
}

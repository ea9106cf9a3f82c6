package io.eflow.edge.hub.store;

import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.eflow.edge.hub.store.Messages.append;
import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.parse("2024-05-01T12:00:00Z"));

    @Test
    void aSnapshotShowsEachQueueAndTheStore() throws Exception {
        StoreConfig config = StoreConfig.in(dir).withMaxBytes(1 << 20, 64 << 10).withTimeToLive(Duration.ofSeconds(60))
                .withClock(clock);
        try (LogMessageStore store = LogMessageStore.open(config)) {
            append(store, 0, 5, Destination.of("$upstream"), Destination.of("m/inputs/in", Duration.ofSeconds(5)));
            clock.advance(Duration.ofSeconds(10));
            append(store, 5, 8, Destination.of("$upstream"));

            EndpointQueue upstream = store.queue("$upstream");
            List<Delivery> handedOut = upstream.poll(3, Messages.SHORT);
            upstream.ack(handedOut.get(0).sequence());
            upstream.nack(handedOut.get(1).sequence());
            assertThat(store.queue("m/inputs/in").poll(10, Duration.ZERO)).isEmpty();

            StoreMetrics metrics = store.metrics();
            assertThat(metrics.appended()).isEqualTo(8);
            assertThat(metrics.syncs()).isEqualTo(8);
            assertThat(metrics.bytesUsed()).isEqualTo(logBytes());
            assertThat(metrics.maxBytes()).isEqualTo(1 << 20);
            assertThat(metrics.segments()).isEqualTo(1);
            assertThat(metrics.refusedFull()).isZero();
            assertThat(metrics.endpoints().keySet()).containsExactly("$upstream", "m/inputs/in");
            assertThat(metrics.endpoints().get("$upstream")).isEqualTo(new EndpointMetrics("$upstream", 7, 1,
                    Duration.ofSeconds(10), 1, 0, 1, 0));
            assertThat(metrics.endpoints().get("m/inputs/in")).isEqualTo(new EndpointMetrics("m/inputs/in", 0, 0,
                    Duration.ZERO, 0, 5, 0, 0));
        }
    }

    private long logBytes() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}

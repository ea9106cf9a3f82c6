package io.eflow.edge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.eflow.edge.hub.store.Messages.append;
import static io.eflow.edge.hub.store.Messages.drain;
import static io.eflow.edge.hub.store.Messages.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReclaimTest {
    private static final Destination A = Destination.of("a/inputs/in");
    private static final Destination B = Destination.of("b/inputs/in");

    @TempDir
    Path dir;

    /** About 50 messages of 256 bytes per 16 KiB segment. */
    private LogMessageStore open() throws IOException {
        return LogMessageStore.open(StoreConfig.in(dir).withMaxBytes(1 << 20, 16 << 10)
                .withCheckpointInterval(Duration.ofMillis(20)));
    }

    @Test
    void aSegmentIsDeletedOnceEveryEndpointIsPastIt() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 500, A, B);
            int full = segments().size();
            assertThat(full).isGreaterThanOrEqualTo(9);

            assertThat(drain(store.queue("a/inputs/in"))).isEqualTo(range(0, 500));
            Thread.sleep(200); // several maintenance rounds: b still needs every segment
            assertThat(segments()).hasSize(full);

            EndpointQueue b = store.queue("b/inputs/in");
            for (Delivery delivery : b.poll(250, Messages.SHORT)) {
                b.ack(delivery.sequence());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> segments().size() <= full / 2 + 1);
            assertThat(segments().size()).isGreaterThan(1);

            drain(b);
            await().atMost(Duration.ofSeconds(5)).until(() -> segments().size() == 1);
            assertThat(store.metrics().bytesUsed()).isEqualTo(logBytes()).isLessThanOrEqualTo(16 << 10);
            assertThat(store.metrics().segments()).isEqualTo(1);
        }
        try (LogMessageStore store = open()) {
            assertThat(drain(store.queue("a/inputs/in"))).isEmpty();
            assertThat(drain(store.queue("b/inputs/in"))).isEmpty();
        }
    }

    @Test
    void aMessageInFlightHoldsItsSegment() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 200, A);
            EndpointQueue a = store.queue("a/inputs/in");
            List<Delivery> first = a.poll(1, Messages.SHORT);
            for (Delivery delivery : a.poll(500, Messages.SHORT)) {
                a.ack(delivery.sequence());
            }
            int full = segments().size();
            Thread.sleep(200);
            assertThat(segments()).hasSize(full);

            a.ack(first.get(0).sequence());
            await().atMost(Duration.ofSeconds(5)).until(() -> segments().size() == 1);
        }
    }

    @Test
    void spentSegmentsThatACrashKeptAreDeletedAtOpen() throws Exception {
        Path first;
        byte[] kept;
        try (LogMessageStore store = open()) {
            append(store, 0, 200, A);
            first = segments().get(0);
            kept = Files.readAllBytes(first);
            assertThat(drain(store.queue("a/inputs/in"))).isEqualTo(range(0, 200));
            await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(first));
        }
        // a deletion is not synced: after a crash the file can be back, its messages acknowledged long ago
        Files.write(first, kept);
        try (LogMessageStore store = open()) {
            assertThat(Files.exists(first)).isFalse();
            assertThat(drain(store.queue("a/inputs/in"))).isEmpty();
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    private long logBytes() throws IOException {
        return segments().stream().mapToLong(f -> f.toFile().length()).sum();
    }
}

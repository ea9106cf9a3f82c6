package io.eflow.edge.hub.store;

import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.eflow.edge.hub.store.Messages.append;
import static io.eflow.edge.hub.store.Messages.drain;
import static io.eflow.edge.hub.store.Messages.ids;
import static io.eflow.edge.hub.store.Messages.message;
import static io.eflow.edge.hub.store.Messages.range;
import static io.eflow.edge.hub.store.Messages.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointQueueTest {
    private static final Destination UPSTREAM = Destination.of("$upstream");
    private static final Destination FILTER = Destination.of("filter/inputs/input1");

    @TempDir
    Path dir;

    private LogMessageStore open() throws IOException {
        return LogMessageStore.open(StoreConfig.in(dir).withRedeliveryTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void eachEndpointGetsItsMessagesInAppendOrder() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 50, UPSTREAM);
            append(store, 50, 100, UPSTREAM, FILTER);
            append(store, 100, 120, FILTER);

            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, 100));
            assertThat(drain(store.queue("filter/inputs/input1"))).isEqualTo(range(50, 120));
        }
    }

    @Test
    void aMessageForSeveralEndpointsIsStoredOnce() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 100, UPSTREAM);
            long one = logBytes();
            append(store, 100, 200, UPSTREAM, FILTER, Destination.of("m2/inputs/a"), Destination.of("m3/inputs/b"));
            long four = logBytes() - one;

            // four destinations cost their names in the record, not three more copies of the 256-byte payload
            assertThat(four).isLessThan(one + 100 * 3 * 40L);
            assertThat(store.metrics().bytesUsed()).isEqualTo(logBytes());
            assertThat(drain(store.queue("m3/inputs/b"))).isEqualTo(range(100, 200));
        }
    }

    @Test
    void theSameEndpointTwiceIsOneDelivery() throws Exception {
        try (LogMessageStore store = open()) {
            store.append(message(7), List.of(UPSTREAM, Destination.of("$upstream", Duration.ofDays(1)))).join();
            assertThat(drain(store.queue("$upstream"))).containsExactly(7);
        }
    }

    @Test
    void sequencesIncreaseInAppendOrder() throws Exception {
        try (LogMessageStore store = open()) {
            List<Long> sequences = new ArrayList<>();
            for (int id = 0; id < 20; id++) {
                sequences.add(store.append(message(id), List.of(UPSTREAM)).join());
            }
            assertThat(sequences).isSorted().doesNotHaveDuplicates();
            assertThat(take(store.queue("$upstream"))).extracting(Delivery::sequence).isEqualTo(sequences);
        }
    }

    @Test
    void aDeliveryCarriesSourceEnqueueTimeAndPayload() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2024-05-01T12:00:00Z"));
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir).withClock(clock))) {
            store.append(new Message("tempSensor/temperatureOutput", "{\"t\":21}".getBytes()), List.of(UPSTREAM)).join();
            Delivery delivery = store.queue("$upstream").poll(10, Messages.SHORT).get(0);
            assertThat(delivery.source()).isEqualTo("tempSensor/temperatureOutput");
            assertThat(delivery.enqueuedAt()).isEqualTo(clock.instant());
            assertThat(delivery.payload()).asString().isEqualTo("{\"t\":21}");
            assertThat(delivery.redelivered()).isFalse();
        }
    }

    @Test
    void acknowledgedMessagesAreNotDeliveredAgainAfterReopening() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 30, UPSTREAM);
            EndpointQueue queue = store.queue("$upstream");
            for (Delivery delivery : queue.poll(10, Messages.SHORT)) {
                queue.ack(delivery.sequence());
            }
        }
        try (LogMessageStore store = open()) {
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(10, 30));
        }
    }

    @Test
    void unacknowledgedMessagesAreDeliveredAgainAfterReopening() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 30, UPSTREAM);
            EndpointQueue queue = store.queue("$upstream");
            List<Delivery> handedOut = queue.poll(20, Messages.SHORT);
            // acknowledged out of order: the ones before the gap are done, the rest come back
            queue.ack(handedOut.get(0).sequence());
            queue.ack(handedOut.get(1).sequence());
            queue.ack(handedOut.get(5).sequence());
        }
        try (LogMessageStore store = open()) {
            List<Integer> expected = range(2, 30);
            assertThat(drain(store.queue("$upstream"))).containsSubsequence(expected.subList(0, 3))
                    .containsAll(expected).doesNotContain(0, 1);
        }
    }

    @Test
    void aRefusedMessageComesBackBeforeNewerOnes() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 5, UPSTREAM);
            EndpointQueue queue = store.queue("$upstream");
            List<Delivery> first = queue.poll(2, Messages.SHORT);
            assertThat(ids(first)).containsExactly(0, 1);
            queue.ack(first.get(0).sequence());
            assertThat(queue.nack(first.get(1).sequence())).isTrue();
            assertThat(queue.nack(first.get(1).sequence())).as("no longer in flight").isFalse();

            List<Delivery> next = queue.poll(3, Messages.SHORT);
            assertThat(ids(next)).containsExactly(1, 2, 3);
            assertThat(next).extracting(Delivery::redelivered).containsExactly(true, false, false);
            assertThat(queue.metrics().redelivered()).isEqualTo(1);
        }
    }

    @Test
    void aMessageNotAcknowledgedInTimeIsHandedOutAgain() throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir).withRedeliveryTimeout(Duration.ofMillis(200)))) {
            append(store, 0, 2, UPSTREAM);
            EndpointQueue queue = store.queue("$upstream");
            List<Delivery> first = queue.poll(10, Messages.SHORT);
            long handedOut = System.nanoTime();
            assertThat(ids(first)).containsExactly(0, 1);
            queue.ack(first.get(1).sequence());
            assertThat(queue.poll(10, Duration.ZERO)).isEmpty();

            List<Delivery> again = queue.poll(10, Duration.ofSeconds(5));
            // not before the redelivery timeout (200 ms) from the hand-out; how late after it is a bench figure
            assertThat(Duration.ofNanos(System.nanoTime() - handedOut)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(ids(again)).containsExactly(0);
            assertThat(again.get(0).redelivered()).isTrue();
            // a late acknowledgement still counts
            assertThat(queue.ack(first.get(0).sequence())).isTrue();
            assertThat(queue.metrics().delivered()).isEqualTo(2);
        }
    }

    @Test
    void aWaitingConsumerWakesWhenAMessageIsAppended() throws Exception {
        try (LogMessageStore store = open()) {
            EndpointQueue queue = store.queue("$upstream");
            CompletableFuture<List<Delivery>> polled = CompletableFuture.supplyAsync(() -> {
                try {
                    return queue.poll(10, Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            append(store, 42, 43, UPSTREAM);
            // a consumer that slept through its whole 60 s poll would miss this: the append woke it (how soon is
            // bench/responsiveness.sh's figure)
            assertThat(ids(polled.get(20, TimeUnit.SECONDS))).containsExactly(42);
        }
    }

    @Test
    void acknowledgingWhatWasNotHandedOutIsRefused() throws Exception {
        try (LogMessageStore store = open()) {
            long sequence = store.append(message(1), List.of(UPSTREAM)).join();
            EndpointQueue queue = store.queue("$upstream");
            assertThat(queue.ack(sequence)).isFalse();
            queue.poll(1, Messages.SHORT);
            assertThat(queue.ack(sequence)).isTrue();
            assertThat(queue.ack(sequence)).isFalse();
        }
    }

    @Test
    void endpointsAreRecoveredEvenWhenEmpty() throws Exception {
        try (LogMessageStore store = open()) {
            store.queue("filter/inputs/input1");
            append(store, 0, 3, UPSTREAM);
        }
        try (LogMessageStore store = open()) {
            assertThat(store.endpoints()).containsExactlyInAnyOrder("$upstream", "filter/inputs/input1");
        }
    }

    @Test
    void aPollStopsAtItsByteBudgetAndTheRestComesNextInOrderNotAsRedeliveries() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 10, UPSTREAM);
            EndpointQueue queue = store.queue("$upstream");
            int size = Messages.payload(0).length;

            List<Delivery> first = queue.poll(10, 3L * size, Messages.SHORT);
            // one always comes, however small the budget
            List<Delivery> second = queue.poll(10, 1, Messages.SHORT);
            List<Delivery> rest = queue.poll(10, Long.MAX_VALUE, Messages.SHORT);

            assertThat(ids(first)).isEqualTo(range(0, 3));
            assertThat(ids(second)).isEqualTo(range(3, 4));
            assertThat(ids(rest)).isEqualTo(range(4, 10));
            assertThat(rest).extracting(Delivery::redelivered).containsOnly(false);
            assertThat(queue.metrics().redelivered()).isZero();
        }
    }

    @Test
    void aRemovedEndpointKeepsNothingAndDoesNotComeBack() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 10, UPSTREAM, FILTER);
            EndpointQueue filter = store.queue("filter/inputs/input1");
            store.removeEndpoint("filter/inputs/input1");
            assertThatThrownBy(() -> filter.poll(1, Duration.ZERO)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("removed");
            assertThat(store.endpoints()).containsExactly("$upstream");
        }
        try (LogMessageStore store = open()) {
            assertThat(store.endpoints()).containsExactly("$upstream");
            assertThat(drain(store.queue("filter/inputs/input1"))).isEmpty();
            append(store, 10, 12, FILTER);
            assertThat(drain(store.queue("filter/inputs/input1"))).containsExactly(10, 11);
        }
    }

    @Test
    void aClosedStoreRefusesAppendsAndWakesItsConsumers() throws Exception {
        LogMessageStore store = open();
        EndpointQueue queue = store.queue("$upstream");
        CompletableFuture<Throwable> polled = CompletableFuture.supplyAsync(() -> {
            try {
                queue.poll(10, Duration.ofSeconds(10));
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(100);
        store.close();
        assertThat(polled.get(5, TimeUnit.SECONDS)).isInstanceOf(StoreException.class).hasMessageContaining("closed");
        assertThat(store.append(message(1), List.of(UPSTREAM))).failsWithin(Duration.ofSeconds(1))
                .withThrowableThat().withCauseInstanceOf(StoreException.class);
    }

    @Test
    void oneProcessAtATime() throws Exception {
        try (LogMessageStore store = open()) {
            assertThatThrownBy(this::open).isInstanceOf(StoreException.class).hasMessageContaining("already open");
        }
        open().close();
    }

    private long logBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}

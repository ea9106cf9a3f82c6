package io.eflow.edge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static io.eflow.edge.hub.store.Messages.ids;
import static io.eflow.edge.hub.store.Messages.take;
import static org.assertj.core.api.Assertions.assertThat;

class GroupCommitTest {
    private static final List<Destination> UPSTREAM = List.of(Destination.of("$upstream"));

    @TempDir
    Path dir;

    @Test
    void concurrentProducersShareSyncsAndKeepTheirOrder() throws Exception {
        int producers = 16;
        int each = 150;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store.append(new Message("p" + producer, Messages.payload(producer * 1000 + i)), UPSTREAM).join();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            StoreMetrics metrics = store.metrics();
            assertThat(metrics.appended()).isEqualTo(producers * each);
            // one sync per append would be 2400; a shared sync carries every producer waiting on it
            assertThat(metrics.syncs()).isLessThanOrEqualTo(metrics.appended() / 3);

            List<Delivery> all = take(store.queue("$upstream"));
            Map<String, List<Integer>> bySource = all.stream().collect(
                    Collectors.groupingBy(Delivery::source, Collectors.mapping(Messages::id, Collectors.toList())));
            assertThat(bySource).hasSize(producers);
            bySource.forEach((source, ids) -> assertThat(ids).as(source).hasSize(each).isSorted());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneProducerThatDoesNotWaitIsBatchedToo() throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            List<CompletableFuture<Long>> pending = new ArrayList<>();
            for (int id = 0; id < 2000; id++) {
                pending.add(store.append(Messages.message(id), UPSTREAM));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
            assertThat(store.metrics().syncs()).isLessThan(200);
            assertThat(ids(take(store.queue("$upstream")))).isEqualTo(Messages.range(0, 2000));
        }
    }

    @Test
    void anAppendCompletesWithItsMessageAlreadyQueued() throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            EndpointQueue queue = store.queue("$upstream");
            for (int id = 0; id < 20; id++) {
                long sequence = store.append(Messages.message(id), UPSTREAM).join();
                assertThat(queue.poll(10, Duration.ZERO)).extracting(Delivery::sequence).containsExactly(sequence);
                queue.ack(sequence);
            }
            assertThat(store.metrics().syncs()).isEqualTo(20);
        }
    }
}

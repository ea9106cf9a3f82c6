package io.eflow.edge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

import static io.eflow.edge.hub.store.Messages.drain;
import static io.eflow.edge.hub.store.Messages.message;
import static io.eflow.edge.hub.store.Messages.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DiskBoundTest {
    private static final Destination UPSTREAM = Destination.of("$upstream");
    private static final long MAX = 64 << 10;

    @TempDir
    Path dir;

    private LogMessageStore open() throws IOException {
        return LogMessageStore.open(StoreConfig.in(dir).withMaxBytes(MAX, 16 << 10)
                .withCheckpointInterval(Duration.ofMillis(20)));
    }

    @Test
    void whenFullNewMessagesAreRefusedAndAcceptedOnesKept() throws Exception {
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Logger logger = Logger.getLogger(SpaceBudget.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(new SimpleFormatter().formatMessage(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (LogMessageStore store = open()) {
            Messages.Refused refused = Messages.appendUntilRefused(store, UPSTREAM);
            int accepted = refused.accepted();
            Throwable refusal = refused.refusal();
            assertThat(refusal).isInstanceOf(StoreFullException.class).hasMessageContaining("message store full");
            assertThat(((StoreFullException) refusal).maxBytes()).isEqualTo(MAX);
            for (int i = 0; i < 5; i++) {
                assertThat(store.append(message(-1), List.of(UPSTREAM))).isCompletedExceptionally();
            }
            assertThat(store.metrics().refusedFull()).isEqualTo(6);
            assertThat(store.metrics().bytesUsed()).isLessThanOrEqualTo(MAX).isEqualTo(logBytes());
            assertThat(logBytes()).isGreaterThan(MAX - 400);
            assertThat(warnings).singleElement().asString().contains("message store full");

            // nothing accepted was dropped to make room
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, accepted));
            await().atMost(Duration.ofSeconds(5)).until(() -> logBytes() < MAX / 2);
            assertThat(store.append(message(accepted), List.of(UPSTREAM))).succeedsWithin(Duration.ofSeconds(5));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void concurrentAppendsNeverPassTheBound() throws Exception {
        ExecutorService producers = Executors.newFixedThreadPool(8);
        try (LogMessageStore store = open()) {
            List<Future<Integer>> accepted = new ArrayList<>();
            for (int p = 0; p < 8; p++) {
                int producer = p;
                accepted.add(producers.submit(() -> {
                    int count = 0;
                    for (int i = 0; i < 100; i++) {
                        try {
                            store.append(new Message("p" + producer, Messages.payload(producer * 1000 + i)),
                                    List.of(UPSTREAM)).join();
                            count++;
                        } catch (CompletionException e) {
                            assertThat(e.getCause()).isInstanceOf(StoreFullException.class);
                        }
                    }
                    return count;
                }));
            }
            int total = 0;
            for (Future<Integer> f : accepted) {
                total += f.get();
            }
            assertThat(logBytes()).isLessThanOrEqualTo(MAX);
            assertThat(store.metrics().refusedFull()).isEqualTo(800 - total);
            assertThat(drain(store.queue("$upstream"))).hasSize(total);
        } finally {
            producers.shutdownNow();
        }
    }

    @Test
    void aStoreReopenedOverItsBoundRefusesUntilItDrains() throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir).withMaxBytes(1 << 20, 16 << 10))) {
            Messages.append(store, 0, 300, UPSTREAM);
        }
        try (LogMessageStore store = open()) {
            assertThat(store.metrics().bytesUsed()).isGreaterThan(MAX);
            assertThat(store.append(message(300), List.of(UPSTREAM))).isCompletedExceptionally();
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, 300));
            await().atMost(Duration.ofSeconds(5)).until(() -> logBytes() < MAX);
            assertThat(store.append(message(300), List.of(UPSTREAM))).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    private long logBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}

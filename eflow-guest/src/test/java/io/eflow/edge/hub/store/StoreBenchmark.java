package io.eflow.edge.hub.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * bench/message-store.sh: durable ingest and drain of 256-byte messages, each next to the raw disk doing the same
 * bytes with the same number of fdatasyncs in the same run. Arguments: a work folder on the disk to measure, and
 * the number of messages per measurement.
 */
public final class StoreBenchmark {
    private static final byte[] PAYLOAD = new byte[256];
    private static final List<Destination> UPSTREAM = List.of(Destination.of("$upstream"));
    private static final List<Destination> THREE = List.of(Destination.of("$upstream"), Destination.of("a/inputs/in"),
            Destination.of("b/inputs/in"));

    /** Held so the setting sticks: the store's open lines would break up the table. */
    private static final Logger QUIET = Logger.getLogger("io.eflow.edge.hub.store");

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        QUIET.setLevel(Level.WARNING);
        Path work = Path.of(args[0]);
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int recordBytes = RecordCodec.encode(0, "p0", List.of(new LogEntry.Route("$upstream", 0)), PAYLOAD).remaining();

        ingest(work.resolve("warm-up"), 8, 5_000, UPSTREAM);
        rawGroupCommit(work.resolve("warm-up.raw"), recordBytes, 8, 2_000);
        clean(work);

        System.out.printf("256-byte messages (%d bytes a record), %d per measurement, median of %d runs, store and"
                + " reference alternating, on %s%n", recordBytes, messages, RUNS, work);
        for (int producers : new int[] {1, 4, 16, 64}) {
            // one sync per message is slow: fewer messages keep the single producer's run short
            int count = producers == 1 ? Math.min(messages, 5_000) : messages;
            List<Ingest> store = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                store.add(ingest(work.resolve("ingest" + producers + "-" + run), producers, count, UPSTREAM));
                raw.add(rawGroupCommit(work.resolve("raw" + producers + "-" + run), recordBytes, producers, count));
                clean(work);
            }
            Ingest median = median(store);
            row("durable ingest, " + producers + " producer" + (producers == 1 ? "" : "s"),
                    String.format("%,.0f msg/s (%.1f msg/fdatasync)", median.rate(), median.perSync()),
                    String.format("raw write+fdatasync, %d record%s/sync: %,.0f msg/s", producers,
                            producers == 1 ? "" : "s", raw.stream().sorted().toList().get(RUNS / 2)));
        }
        for (int window : new int[] {10, 100}) {
            List<Ingest> runs = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                runs.add(pipelined(work.resolve("window" + window + "-" + run), window, messages));
                clean(work);
            }
            Ingest median = median(runs);
            row("durable ingest, 1 producer, " + window + " in flight", String.format("%,.0f msg/s (%.1f msg/fdatasync)",
                    median.rate(), median.perSync()), "an MQTT publisher's in-flight window, acked on completion");
        }
        List<Ingest> fanOuts = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            fanOuts.add(ingest(work.resolve("fanout-" + run), 16, messages, THREE));
            clean(work);
        }
        Ingest fanOut = median(fanOuts);
        row("durable ingest, 16 producers, 3 endpoints", String.format("%,.0f msg/s (%.1f msg/fdatasync)",
                fanOut.rate(), fanOut.perSync()), "stored once: " + fanOut.bytes() / messages + " bytes a message");

        Path drained = work.resolve("drain");
        ingest(drained, 16, messages, UPSTREAM);
        long t0 = System.nanoTime();
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(drained))) {
            long recovered = System.nanoTime();
            EndpointQueue queue = store.queue("$upstream");
            int count = 0;
            while (count < messages) {
                for (Delivery delivery : queue.poll(1000, Duration.ofSeconds(1))) {
                    queue.ack(delivery.sequence());
                    count++;
                }
            }
            long done = System.nanoTime();
            row("drain (poll 1000, ack each)", String.format("%,.0f msg/s", count / seconds(recovered, done)),
                    String.format("reopen with %,d queued (scan + rebuild): %d ms", messages,
                            (recovered - t0) / 1_000_000));
        }
        clean(work);
    }

    private record Ingest(double rate, double perSync, long bytes) {
    }

    private static final int RUNS = 3;

    private static Ingest median(List<Ingest> runs) {
        return runs.stream().sorted(Comparator.comparingDouble(Ingest::rate)).toList().get(runs.size() / 2);
    }

    /** {@code producers} threads, each appending and waiting for its acknowledgement before the next. */
    private static Ingest ingest(Path dir, int producers, int messages, List<Destination> destinations) throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Message message = new Message("p" + p, PAYLOAD);
                int each = messages / producers + (p < messages % producers ? 1 : 0);
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < each; i++) {
                            store.append(message, destinations).join();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                thread.start();
                threads.add(thread);
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            long t1 = System.nanoTime();
            StoreMetrics metrics = store.metrics();
            return new Ingest(messages / seconds(t0, t1), (double) metrics.appended() / metrics.syncs(),
                    metrics.bytesUsed());
        }
    }

    /** One producer that keeps up to {@code window} appends outstanding, as an MQTT client with QoS 1 in flight. */
    private static Ingest pipelined(Path dir, int window, int messages) throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            Semaphore inFlight = new Semaphore(window);
            Message message = new Message("p0", PAYLOAD);
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                inFlight.acquire();
                store.append(message, UPSTREAM).whenComplete((sequence, failure) -> inFlight.release());
            }
            inFlight.acquire(window);
            long t1 = System.nanoTime();
            StoreMetrics metrics = store.metrics();
            return new Ingest(messages / seconds(t0, t1), (double) metrics.appended() / metrics.syncs(),
                    metrics.bytesUsed());
        }
    }

    /** The reference: the same record bytes, {@code perSync} of them per write and fdatasync, one thread, no store. */
    private static double rawGroupCommit(Path file, int recordBytes, int perSync, int messages) throws IOException {
        Files.createDirectories(file.getParent());
        ByteBuffer batch = ByteBuffer.allocateDirect(recordBytes * perSync);
        long t0 = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
            for (int written = 0; written < messages; written += perSync) {
                batch.clear();
                while (batch.hasRemaining()) {
                    channel.write(batch);
                }
                channel.force(false);
            }
        }
        return messages / seconds(t0, System.nanoTime());
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    private static void row(String what, String figure, String reference) {
        System.out.printf("%-42s %-34s | %s%n", what, figure, reference);
    }

    private static void clean(Path work) throws IOException {
        if (!Files.exists(work)) {
            return;
        }
        try (Stream<Path> all = Files.walk(work)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(work)) {
                    Files.delete(p);
                }
            }
        }
    }
}

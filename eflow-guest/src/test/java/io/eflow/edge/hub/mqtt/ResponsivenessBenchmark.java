package io.eflow.edge.hub.mqtt;

import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.store.Delivery;
import io.eflow.edge.hub.store.Destination;
import io.eflow.edge.hub.store.EndpointQueue;
import io.eflow.edge.hub.store.LogMessageStore;
import io.eflow.edge.hub.store.Message;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.logs.LogLine;
import io.eflow.edge.logs.ModuleLog;
import io.eflow.edge.logs.ModuleLogs;
import io.eflow.edge.logs.Query;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * bench/responsiveness.sh, guest runtime half: how soon the runtime acts once it should, the figures the unit tests
 * used to assert, each next to the JVM doing the plain equivalent in the same run:
 * a followed log line (vs a handoff through a BlockingQueue), a waiting queue consumer woken by an append (same
 * reference), a redelivery after its 200 ms timeout, and the MQTT head's disconnect after 1.5 keep-alives and after a
 * 500 ms connect timeout (vs a ScheduledExecutorService's lateness on the same delay). Arguments: a work folder, runs.
 */
public final class ResponsivenessBenchmark {
    /** Held so the setting sticks: the server's and store's start-up lines would break up the table. */
    private static final Logger QUIET = Logger.getLogger("io.eflow");

    private ResponsivenessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        QUIET.setLevel(Level.WARNING);
        Path work = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        double handoff = median(runs, ResponsivenessBenchmark::handoff);
        row("followed log line, write -> seen", median(runs, () -> follow(work)), "BlockingQueue handoff", handoff);
        row("waiting consumer, append -> woken", median(runs, () -> wake(work)), "BlockingQueue handoff", handoff);
        row("redelivery, late after 200 ms", median(Math.min(runs, 10), () -> redelivery(work)),
                "ScheduledExecutor, late after 200 ms", median(runs, () -> timerLateness(200)));
        int keepAlive = Math.min(runs, 5);
        row("keep-alive 1 s: late after 1.5 s", median(keepAlive, () -> disconnect(true) - 1500),
                "ScheduledExecutor, late after 1.5 s", median(keepAlive, () -> timerLateness(1500)));
        row("no CONNECT: late after 500 ms", median(keepAlive, () -> disconnect(false) - 500),
                "ScheduledExecutor, late after 500 ms", median(keepAlive, () -> timerLateness(500)));
    }

    interface Measure {
        double millis() throws Exception;
    }

    private static double median(int runs, Measure measure) throws Exception {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            values.add(measure.millis());
        }
        values.sort(null);
        return values.get((values.size() - 1) / 2);
    }

    private static void row(String what, double value, String reference, double referenceValue) {
        System.out.printf("%-34s %-40s | %s: median %.2f ms%n", what, String.format("median %.2f ms", value), reference,
                referenceValue);
    }

    private static double handoff() throws Exception {
        LinkedBlockingQueue<Long> queue = new LinkedBlockingQueue<>();
        CompletableFuture<Long> taken = CompletableFuture.supplyAsync(() -> {
            try {
                long sent = queue.take();
                return System.nanoTime() - sent;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(20);
        queue.put(System.nanoTime());
        return taken.get(5, TimeUnit.SECONDS) / 1e6;
    }

    private static double follow(Path work) throws Exception {
        Path root = Files.createTempDirectory(work, "logs");
        ModuleLogs logs = new ModuleLogs(root, 1 << 20, 3);
        ModuleLog log = logs.open("m");
        AtomicLong seenAt = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread follower = new Thread(() -> {
            try {
                logs.read("m", Query.all().withTail(0).withFollow(true), (LogLine line) -> seenAt.set(System.nanoTime()), running::get);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        follower.start();
        Thread.sleep(100);
        long written = System.nanoTime();
        log.event("new");
        while (seenAt.get() == 0 && System.nanoTime() - written < TimeUnit.SECONDS.toNanos(10)) {
            Thread.onSpinWait();
        }
        running.set(false);
        follower.join(5000);
        log.close();
        logs.close();
        return (seenAt.get() - written) / 1e6;
    }

    private static double wake(Path work) throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(Files.createTempDirectory(work, "store")))) {
            EndpointQueue queue = store.queue("$upstream");
            CompletableFuture<Long> woken = CompletableFuture.supplyAsync(() -> {
                try {
                    queue.poll(1, Duration.ofSeconds(30));
                    return System.nanoTime();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(50);
            long appending = System.nanoTime();
            store.append(new Message("sensor", new byte[256]), List.of(Destination.of("$upstream"))).join();
            return (woken.get(30, TimeUnit.SECONDS) - appending) / 1e6;
        }
    }

    private static double redelivery(Path work) throws Exception {
        StoreConfig config = StoreConfig.in(Files.createTempDirectory(work, "store")).withRedeliveryTimeout(Duration.ofMillis(200));
        try (LogMessageStore store = LogMessageStore.open(config)) {
            store.append(new Message("sensor", new byte[256]), List.of(Destination.of("$upstream"))).join();
            EndpointQueue queue = store.queue("$upstream");
            List<Delivery> first = queue.poll(1, Duration.ofSeconds(5));
            long handedOut = System.nanoTime();
            List<Delivery> again = queue.poll(1, Duration.ofSeconds(5));
            if (first.isEmpty() || again.isEmpty()) {
                throw new IllegalStateException("no redelivery");
            }
            return (System.nanoTime() - handedOut) / 1e6 - 200;
        }
    }

    private static double timerLateness(long delayMillis) throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            long start = System.nanoTime();
            return timer.schedule(() -> (System.nanoTime() - start) / 1e6 - delayMillis, delayMillis, TimeUnit.MILLISECONDS)
                    .get(10, TimeUnit.SECONDS);
        } finally {
            timer.shutdownNow();
        }
    }

    /** Milliseconds from opening a connection (and, with {@code login}, a CONNECT with keep-alive 1 s) to the close. */
    private static double disconnect(boolean login) throws Exception {
        ClientId filter = ClientId.module("edge1", "filter");
        TestHub hub = new TestHub().allow(filter, "filter-key");
        ServerSettings settings = ServerSettings.plain("127.0.0.1", 0).withConnectTimeout(Duration.ofMillis(500));
        try (MqttServer server = new MqttServer(hub, settings)) {
            long start = System.nanoTime();
            try (RawClient raw = new RawClient(server.port())) {
                if (login && raw.connect("edge1/filter", "filter-key", 1) != 0) {
                    throw new IllegalStateException("CONNECT refused");
                }
                if (!raw.closedByServer()) {
                    throw new IllegalStateException("the server did not close the connection");
                }
                return (System.nanoTime() - start) / 1e6;
            }
        }
    }
}

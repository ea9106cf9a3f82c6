package io.eflow.edge.hub.store;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's side of the store in a JVM of its own, for the tests that watch or kill a process:
 * <ul>
 *   <li>{@code sequential DIR N}: appends N messages one after another, printing {@code acked ID} after each
 *       completes, then closes the store;</li>
 *   <li>{@code crash DIR}: producers append to {@code a} and {@code b} and print {@code acked ID} on completion, a
 *       consumer of {@code a} prints {@code delivered ID} before it acknowledges; until killed.</li>
 * </ul>
 */
public final class StoreChild {
    /** One write per line, so a line is in the pipe whole or not at all when the process is killed. */
    private static final PrintStream OUT =
            new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256), true);

    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "sequential" -> sequential(dir, Integer.parseInt(args[2]));
            case "crash" -> crash(dir);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void sequential(Path dir, int count) throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            for (int id = 0; id < count; id++) {
                store.append(Messages.message(id), List.of(Destination.of("$upstream"))).join();
                OUT.println("acked " + id);
            }
        }
    }

    static final int PRODUCERS = 4;

    private static void crash(Path dir) throws Exception {
        LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir).withMaxBytes(64 << 20, 64 << 10)
                .withCheckpointInterval(Duration.ofMillis(10)));
        List<Destination> both = List.of(Destination.of("a"), Destination.of("b"));
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                for (int i = 0; ; i++) {
                    int id = producer * 10_000_000 + i;
                    store.append(new Message("p" + producer, Messages.payload(id)), both).join();
                    OUT.println("acked " + id);
                }
            }));
        }
        EndpointQueue a = store.queue("a");
        threads.add(new Thread(() -> {
            try {
                while (true) {
                    for (Delivery delivery : a.poll(20, Duration.ofMillis(100))) {
                        OUT.println("delivered " + Messages.id(delivery));
                        a.ack(delivery.sequence());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        threads.forEach(Thread::start);
        OUT.println("started");
        for (Thread thread : threads) {
            thread.join();
        }
    }
}

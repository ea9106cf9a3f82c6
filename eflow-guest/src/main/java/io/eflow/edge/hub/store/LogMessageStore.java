package io.eflow.edge.hub.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The store on the guest's data partition: one shared segment log, a queue of log positions per endpoint, and the
 * consumers' saved positions. See the package documentation for the format and the recovery argument.
 */
public final class LogMessageStore implements MessageStore {
    private static final System.Logger LOG = System.getLogger(LogMessageStore.class.getName());
    private static final String LOCK_FILE = "store.lock";

    private final StoreConfig config;
    private final FileChannel lockFile;
    private final SegmentLog log;
    private final SpaceBudget space;
    private final ConcurrentHashMap<String, LogEndpointQueue> queues = new ConcurrentHashMap<>();
    private final LongAdder appended = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean maintenanceRequested = new AtomicBoolean();
    private final ScheduledExecutorService maintenance;
    private final LogWriter writer;
    /** Every position below this is written and in its endpoints' queues (the writer publishes it after indexing). */
    private volatile long indexedEnd;
    /**
     * Every position below this is durable (the syncer publishes it after the sync). A saved cursor never passes it:
     * an acknowledgement of a message handed out before its sync is saved only once the message itself is durable.
     */
    private volatile long syncedEnd;
    /** Guarded by itself: endpoints the hub removed, and the checkpoint last written. */
    private final Map<String, Long> removed = new HashMap<>();
    private Checkpoint saved;

    private LogMessageStore(StoreConfig config, FileChannel lockFile) throws IOException {
        this.config = config;
        this.lockFile = lockFile;
        Path directory = config.directory();
        saved = Checkpoint.read(directory);
        Checkpoint cursors = saved;
        Map<String, LongQueue> pending = new HashMap<>();
        log = SegmentLog.open(directory, config.segmentBytes(), cursors.start(), cursors.highest(), (position, entry) -> {
            for (LogEntry.Route route : entry.routes()) {
                if (position >= cursors.cursorOf(route.endpoint())) {
                    pending.computeIfAbsent(route.endpoint(), e -> new LongQueue()).add(position);
                }
            }
        });
        long waiting = pending.values().stream().mapToLong(LongQueue::size).sum();
        pending.forEach((endpoint, positions) -> {
            LogEndpointQueue queue = queueFor(endpoint);
            while (!positions.isEmpty()) {
                queue.add(positions.poll());
            }
        });
        cursors.cursors().keySet().forEach(this::queueFor);
        removed.putAll(cursors.removed());
        removed.keySet().removeAll(queues.keySet());
        indexedEnd = log.end();
        syncedEnd = indexedEnd;
        space = new SpaceBudget(config.maxBytes(), log.bytes());
        LOG.log(INFO, "message store {0}: {1} bytes in {2} segments, {3} messages waiting for {4} endpoints",
                directory, log.bytes(), log.segmentCount(), waiting, queues.size());
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "message-store-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.checkpointInterval().toMillis();
        maintenance.scheduleWithFixedDelay(this::maintainQuietly, interval, interval, TimeUnit.MILLISECONDS);
        writer = new LogWriter(log, new Indexer());
    }

    /**
     * Opens (or creates) the store in {@code config.directory()}, recovering what a crash left: a torn last record is
     * cut off and every endpoint's queue is rebuilt from the log and the saved positions.
     *
     * @throws StoreException when another process has the store open
     */
    public static LogMessageStore open(StoreConfig config) throws IOException {
        Files.createDirectories(config.directory());
        FileChannel lockFile = FileChannel.open(config.directory().resolve(LOCK_FILE), CREATE, WRITE);
        try {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                throw new StoreException(config.directory() + " is in use by another process: only one hub may use a store");
            }
            return new LogMessageStore(config, lockFile);
        } catch (OverlappingFileLockException e) {
            lockFile.close();
            throw new StoreException(config.directory() + " is already open in this process", e);
        } catch (IOException | RuntimeException e) {
            lockFile.close();
            throw e;
        }
    }

    @Override
    public CompletableFuture<Long> append(Message message, List<Destination> destinations) {
        Objects.requireNonNull(message, "message");
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one destination");
        }
        long now = config.clock().millis();
        // one route per endpoint: a message two routes send to one endpoint is delivered there once, kept the longer
        Map<String, Long> expiries = new LinkedHashMap<>();
        for (Destination destination : destinations) {
            long ttl = destination.timeToLive().orElse(config.timeToLive()).toMillis();
            expiries.merge(destination.endpoint(), saturatedAdd(now, ttl), Math::max);
        }
        if (expiries.size() > RecordCodec.MAX_ROUTES) {
            throw new IllegalArgumentException("a message can go to at most " + RecordCodec.MAX_ROUTES + " endpoints");
        }
        List<LogEntry.Route> routes = new ArrayList<>(expiries.size());
        expiries.forEach((endpoint, expiresAt) -> routes.add(new LogEntry.Route(endpoint, expiresAt)));
        ByteBuffer record = RecordCodec.encode(now, message.source(), routes, message.payload());
        int bytes = record.remaining();
        if (bytes > config.segmentBytes()) {
            throw new IllegalArgumentException("a message of " + bytes + " bytes is larger than a segment ("
                    + config.segmentBytes() + " bytes)");
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new StoreException("message store is closed"));
        }
        if (!space.reserve(bytes)) {
            requestMaintenance();
            return CompletableFuture.failedFuture(space.refusal(bytes));
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (!writer.submit(new LogWriter.Pending(record,
                new LogEntry(now, message.source(), routes, message.payload()), List.copyOf(expiries.keySet()), done))) {
            space.release(bytes);
            return CompletableFuture.failedFuture(writer.refusal());
        }
        return done;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** {@code written} runs on the writer thread after each write, {@code synced} on the syncer after each sync. */
    private final class Indexer implements LogWriter.Outcome {
        @Override
        public void written(List<LogWriter.Pending> batch, long[] positions) {
            Set<LogEndpointQueue> touched = new HashSet<>();
            for (int i = 0; i < positions.length; i++) {
                for (String endpoint : batch.get(i).endpoints()) {
                    LogEndpointQueue queue = queueFor(endpoint);
                    queue.add(positions[i], batch.get(i).entry());
                    touched.add(queue);
                }
            }
            indexedEnd = end(batch, positions);
            touched.forEach(LogEndpointQueue::signal);
        }

        @Override
        public void synced(List<LogWriter.Pending> batch, long[] positions) {
            syncedEnd = end(batch, positions);
            appended.add(positions.length);
            for (int i = 0; i < positions.length; i++) {
                batch.get(i).done().complete(positions[i]);
            }
        }

        private static long end(List<LogWriter.Pending> batch, long[] positions) {
            int last = positions.length - 1;
            return positions[last] + batch.get(last).record().remaining();
        }

        @Override
        public void failed(List<LogWriter.Pending> batch, StoreException cause, boolean indexed) {
            for (LogWriter.Pending pending : batch) {
                if (!indexed) {
                    // else its bytes are in a segment, released when that is deleted
                    space.release(pending.record().remaining());
                }
                pending.done().completeExceptionally(cause);
            }
        }
    }

    private LogEndpointQueue queueFor(String endpoint) {
        return queues.computeIfAbsent(endpoint,
                e -> new LogEndpointQueue(e, log, config.clock(), config.redeliveryTimeout()));
    }

    @Override
    public EndpointQueue queue(String endpoint) {
        Destination.of(endpoint); // the same rules as a destination's name
        if (closed.get()) {
            throw new StoreException("message store is closed");
        }
        return queueFor(endpoint);
    }

    @Override
    public Set<String> endpoints() {
        return Set.copyOf(queues.keySet());
    }

    @Override
    public void removeEndpoint(String endpoint) {
        LogEndpointQueue queue = queues.remove(endpoint);
        if (queue == null) {
            return;
        }
        queue.close("endpoint " + endpoint + " was removed from the message store");
        synchronized (removed) {
            removed.put(endpoint, indexedEnd);
        }
        // saved at once, so that a restart does not bring the endpoint back
        maintainQuietly();
    }

    @Override
    public StoreMetrics metrics() {
        Map<String, EndpointMetrics> endpoints = new TreeMap<>();
        queues.forEach((name, queue) -> endpoints.put(name, queue.metrics()));
        return new StoreMetrics(space.used(), space.maxBytes(), log.segmentCount(), appended.sum(), log.syncs(),
                space.refused(), endpoints);
    }

    private void requestMaintenance() {
        if (maintenanceRequested.compareAndSet(false, true)) {
            try {
                maintenance.execute(this::maintainQuietly);
            } catch (RejectedExecutionException e) {
                // closing: close() runs the last maintenance itself
            }
        }
    }

    private void maintainQuietly() {
        try {
            maintain();
        } catch (IOException | UncheckedIOException e) {
            LOG.log(WARNING, "message store {0}: cannot save consumer positions or delete spent segments: {1}",
                    config.directory(), e.toString());
        }
    }

    /**
     * Drops expired messages, saves every endpoint's position, then deletes the segments all of them are past.
     * Positions are saved before segments are deleted, so a saved position never points into a deleted segment
     * that still held something pending.
     */
    private void maintain() throws IOException {
        synchronized (removed) {
            maintenanceRequested.set(false);
            long now = config.clock().millis();
            queues.values().forEach(queue -> queue.dropExpired(now));
            // not indexedEnd: a consumer may have acknowledged everything written, and the part not yet synced
            // could be gone after a crash, leaving a saved cursor past the log's end
            long end = syncedEnd;
            Map<String, Long> cursors = new HashMap<>();
            long start = end;
            for (Map.Entry<String, LogEndpointQueue> e : queues.entrySet()) {
                long cursor = e.getValue().cursor(end);
                cursors.put(e.getKey(), cursor);
                start = Math.min(start, cursor);
            }
            long floor = start;
            removed.keySet().removeAll(cursors.keySet());
            removed.values().removeIf(cursor -> cursor <= floor);
            Checkpoint next = new Checkpoint(start, cursors, removed);
            if (!next.equals(saved)) {
                next.write(config.directory());
                saved = next;
            }
            space.release(log.deleteBelow(start));
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writer.close();
        maintenance.shutdown();
        try {
            maintenance.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        maintainQuietly();
        queues.values().forEach(queue -> queue.close("message store is closed"));
        try {
            log.close();
            lockFile.close();
        } catch (IOException e) {
            LOG.log(WARNING, "message store {0}: closing: {1}", config.directory(), e.toString());
        }
    }
}

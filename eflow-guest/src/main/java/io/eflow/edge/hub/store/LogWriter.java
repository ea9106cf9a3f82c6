package io.eflow.edge.hub.store;

import io.eflow.contract.files.NoSpace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Group commit in two threads. The writer takes every append waiting when it gets round to it, writes them with one
 * write and hands the batch to its consumers at once; the syncer makes what was written durable with one
 * {@code fdatasync} and only then tells the appenders. While one sync runs, the writer goes on writing (so a
 * consumer never waits for a sync) and the batches it writes become the next sync's: the number of syncs per second
 * stays what the disk can do and each sync carries all the producers' messages.
 */
final class LogWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());
    /** Caps a batch (and the memory it holds) under a burst of large messages. */
    private static final long MAX_BATCH_BYTES = 8L << 20;
    /** The longest a write waits to gather the producers of the last batch: a fraction of a sync. */
    private static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final Pending STOP = new Pending(ByteBuffer.allocate(0), new LogEntry(0, "", List.of(), new byte[0]),
            List.of(), new CompletableFuture<>());
    private static final Written SYNCER_STOP = new Written(List.of(), new long[0]);

    /**
     * An accepted append: its record, the same decoded (what consumers get without reading it back), the endpoints it
     * goes to, and what its appender waits on.
     */
    record Pending(ByteBuffer record, LogEntry entry, List<String> endpoints, CompletableFuture<Long> done) {
    }

    /** A batch written and indexed, waiting for its sync. */
    private record Written(List<Pending> batch, long[] positions) {
    }

    /**
     * What happens to a batch: indexed once written (its consumers may take it while it syncs), acknowledged once
     * synced, or failed. {@code written} runs on the writer thread, {@code synced} on the syncer, each in log order.
     */
    interface Outcome {
        /** Written to the page cache, not yet durable: the messages may be handed out, not acknowledged. */
        void written(List<Pending> batch, long[] positions);

        /** Durable: the appenders may be told. */
        void synced(List<Pending> batch, long[] positions);

        /**
         * Not made durable; {@code indexed} when it was written and handed to its consumers all the same (its sync
         * failed), so its records stay in the log and its endpoints' queues.
         */
        void failed(List<Pending> batch, StoreException cause, boolean indexed);
    }

    private final SegmentLog log;
    private final Outcome outcome;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Written> toSync = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Thread syncer;
    private boolean closed;
    private volatile StoreException failure;

    LogWriter(SegmentLog log, Outcome outcome) {
        this.log = log;
        this.outcome = outcome;
        this.syncer = new Thread(this::syncLoop, "message-store-syncer");
        syncer.setDaemon(true);
        syncer.start();
        this.thread = new Thread(this::run, "message-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues an append; false when the writer takes no more (closed, or failed: then {@link #refusal()} says why).
     * Checked and queued under one lock so nothing slips in after the stop marker and waits forever.
     */
    synchronized boolean submit(Pending pending) {
        StoreException failed = failure;
        if (closed || failed != null && !(failed instanceof DiskFullException full && full.retryDue(System.nanoTime()))) {
            return false;
        }
        queue.add(pending);
        return true;
    }

    StoreException refusal() {
        StoreException failed = failure;
        return failed != null ? failed : new StoreException("message store is closed");
    }

    private void run() {
        boolean stopping = false;
        int lastBatch = 0;
        while (!stopping) {
            List<Pending> batch = new ArrayList<>();
            List<ByteBuffer> records = new ArrayList<>();
            Pending next = take(queue);
            long bytes = 0;
            long gatherUntil = System.nanoTime() + GATHER_NANOS;
            while (next != null) {
                if (next == STOP) {
                    stopping = true;
                    break;
                }
                batch.add(next);
                records.add(next.record());
                bytes += next.record().remaining();
                next = bytes >= MAX_BATCH_BYTES ? null
                        : batch.size() < lastBatch ? pollUntil(gatherUntil) : queue.poll();
            }
            if (!batch.isEmpty()) {
                write(batch, records);
            }
            lastBatch = batch.size();
        }
        toSync.add(SYNCER_STOP);
    }

    /**
     * Under load the producers a sync released come back within microseconds with their next message; waiting that
     * long for them (never more than {@link #GATHER_NANOS}, far below a sync, so a consumer hardly notices) makes one
     * write of them rather than one each. One that does not come back only shrinks the next wait.
     */
    private Pending pollUntil(long deadline) {
        Pending next = queue.poll();
        while (next == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                next = queue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                // not ours to honour, as in take()
            }
        }
        return next;
    }

    private void write(List<Pending> batch, List<ByteBuffer> records) {
        StoreException failed = failure;
        if (failed != null && !(failed instanceof DiskFullException)) {
            outcome.failed(batch, failed, false);
            return;
        }
        long[] positions;
        try {
            if (failed != null) {
                log.discardTornTail(); // what the full disk took of the failed write
            }
            positions = log.write(records);
        } catch (IOException | RuntimeException e) {
            fail(e, true);
            outcome.failed(batch, failure, false);
            return;
        }
        if (failed != null) {
            resumed(failed);
        }
        // Consumers get the batch before its sync: delivery latency is a write, not a sync. The appenders still hear
        // only after the sync; see the package documentation for why that is safe.
        outcome.written(batch, positions);
        toSync.add(new Written(batch, positions));
    }

    private void syncLoop() {
        List<Written> batches = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            batches.add(take(toSync));
            toSync.drainTo(batches);
            if (batches.get(batches.size() - 1) == SYNCER_STOP) {
                stopping = true;
                batches.remove(batches.size() - 1);
            }
            if (!batches.isEmpty()) {
                sync(batches);
            }
            batches.clear();
        }
    }

    /** One sync for every batch written before it started; the writer may be writing the next ones meanwhile. */
    private void sync(List<Written> batches) {
        if (!permanentlyFailed()) {
            try {
                log.sync();
            } catch (IOException | RuntimeException e) {
                fail(e, false);
            }
        }
        StoreException failed = permanentlyFailed() ? failure : null;
        for (Written written : batches) {
            if (failed == null) {
                outcome.synced(written.batch(), written.positions());
            } else {
                outcome.failed(written.batch(), failed, true);
            }
        }
    }

    /**
     * After a failed write or fsync the kernel may have dropped the dirty pages and report the next fsync as clean,
     * so nothing written from here on could be trusted: the store takes no more appends until reopened.
     */
    private synchronized void fail(Exception e, boolean inWrite) {
        if (permanentlyFailed()) {
            return;
        }
        if (inWrite && NoSpace.causedBy(e)) {
            // a write(2) refused for space left no dirty page behind, unlike a failed fsync
            boolean first = failure == null;
            failure = new DiskFullException(log.directory().toString(), e);
            if (first) {
                LOG.log(WARNING, failure.getMessage());
            }
            return;
        }
        failure = new StoreException("message store cannot write to its disk (" + e
                + "); no message is accepted until the hub reopens the store", e);
        LOG.log(ERROR, failure.getMessage(), e);
    }

    private synchronized void resumed(StoreException passed) {
        if (failure == passed) {
            failure = null;
            LOG.log(INFO, "the message store's disk has space again: messages are accepted");
        }
    }

    private boolean permanentlyFailed() {
        StoreException failed = failure;
        return failed != null && !(failed instanceof DiskFullException);
    }

    /** Neither thread is ever interrupted: an interrupt during a write or sync would close the segment's channel. */
    private static <T> T take(LinkedBlockingQueue<T> from) {
        while (true) {
            try {
                return from.take();
            } catch (InterruptedException e) {
                // not ours to honour: close() stops the threads with the stop markers
            }
        }
    }

    /** Writes and syncs every append accepted so far, then stops. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        boolean interrupted = false;
        for (Thread t : List.of(thread, syncer)) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

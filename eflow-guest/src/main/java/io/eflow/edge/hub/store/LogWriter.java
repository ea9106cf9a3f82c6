package io.eflow.edge.hub.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.ERROR;

/**
 * Group commit: one thread takes every append waiting when it gets round to it, writes them with one write and
 * makes them durable with one {@code fdatasync}. While it syncs, new appends queue up and become the next batch, so
 * the number of syncs per second stays what the disk can do and each sync carries all the producers' messages.
 * A batch is indexed for its consumers as soon as it is written, before its sync; its appenders hear after it.
 */
final class LogWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());
    /** Caps a batch (and the memory it holds) under a burst of large messages. */
    private static final long MAX_BATCH_BYTES = 8L << 20;
    private static final Pending STOP = new Pending(ByteBuffer.allocate(0), new LogEntry(0, "", List.of(), new byte[0]),
            List.of(), new CompletableFuture<>());

    /**
     * An accepted append: its record, the same decoded (what consumers get without reading it back), the endpoints it
     * goes to, and what its appender waits on.
     */
    record Pending(ByteBuffer record, LogEntry entry, List<String> endpoints, CompletableFuture<Long> done) {
    }

    /**
     * What happens to a batch: indexed once written (its consumers may take it while it syncs), acknowledged once
     * synced, or failed. Runs on the writer thread.
     */
    interface Outcome {
        /** Written to the page cache, not yet durable: the messages may be handed out, not acknowledged. */
        void written(List<Pending> batch, long[] positions);

        /** Durable: the appenders may be told. */
        void synced(List<Pending> batch, long[] positions);

        void failed(List<Pending> batch, StoreException cause);
    }

    private final SegmentLog log;
    private final Outcome outcome;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private boolean closed;
    private volatile StoreException failure;

    LogWriter(SegmentLog log, Outcome outcome) {
        this.log = log;
        this.outcome = outcome;
        this.thread = new Thread(this::run, "message-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues an append; false when the writer takes no more (closed, or failed: then {@link #refusal()} says why).
     * Checked and queued under one lock so nothing slips in after the stop marker and waits forever.
     */
    synchronized boolean submit(Pending pending) {
        if (closed || failure != null) {
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
        List<Pending> batch = new ArrayList<>();
        List<ByteBuffer> records = new ArrayList<>();
        boolean stopping = false;
        int lastBatch = 0;
        long lastCommitNanos = 0; // write, sync and acknowledge: mostly the sync
        while (!stopping) {
            Pending next = take();
            long bytes = 0;
            long gatherUntil = System.nanoTime() + lastCommitNanos / 4;
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
                long t0 = System.nanoTime();
                commit(batch, records);
                lastCommitNanos = System.nanoTime() - t0;
            }
            lastBatch = batch.size();
            batch.clear();
            records.clear();
        }
    }

    /**
     * The producers the last batch released come back within microseconds with their next message; waiting for them
     * (at most a quarter of a sync) lets one sync carry them all instead of splitting them over two. One that does
     * not come back only shrinks the next wait.
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

    /** The writer is never interrupted: an interrupt during a write would close the segment's channel. */
    private Pending take() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // not ours to honour: close() stops this thread with the STOP marker
            }
        }
    }

    private void commit(List<Pending> batch, List<ByteBuffer> records) {
        if (failure != null) {
            outcome.failed(batch, failure);
            return;
        }
        long[] positions;
        try {
            positions = log.write(records);
            // Consumers get the batch during its sync, which is most of a commit: delivery latency is a write, not a
            // sync. The appenders still hear only after the sync; see the package documentation for why that is safe.
            outcome.written(batch, positions);
            log.sync();
        } catch (IOException | RuntimeException e) {
            // After a failed fsync the kernel may have dropped the dirty pages and report the next fsync as clean,
            // so nothing written from here on could be trusted: the store takes no more appends until reopened.
            failure = new StoreException("message store cannot write to its disk (" + e
                    + "); no message is accepted until the hub reopens the store", e);
            LOG.log(ERROR, failure.getMessage(), e);
            outcome.failed(batch, failure);
            return;
        }
        outcome.synced(batch, positions);
    }

    /** Writes every append accepted so far, then stops. */
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
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.eflow.edge.hub.store;

import java.time.Duration;

/**
 * An append refused because the disk under the store is full (a write failed with {@code ENOSPC}), before the store
 * reached its own bound: something else filled the partition. Unlike other write failures this one passes: the write
 * never reached the page cache, so nothing written before it is in doubt, and the store tries again
 * {@link #RETRY_AFTER} after each failure until a write goes through.
 */
public final class DiskFullException extends StoreException {
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private final long failedAtNanos;

    DiskFullException(String disk, Throwable cause) {
        super("the disk of the message store (" + disk + ") is full; messages are refused until space is freed on it"
                + " (eflow check shows the partitions' free space)", cause);
        this.failedAtNanos = System.nanoTime();
    }

    boolean retryDue(long nowNanos) {
        return nowNanos - failedAtNanos >= RETRY_AFTER.toNanos();
    }
}

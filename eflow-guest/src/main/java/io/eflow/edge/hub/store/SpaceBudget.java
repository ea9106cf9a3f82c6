package io.eflow.edge.hub.store;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The disk bound. Bytes are reserved when an append is accepted (before it is written), so concurrent appends can
 * never overshoot, and given back when segments are deleted. When full, new appends are refused, not old messages
 * dropped: every stored message was acknowledged to its publisher, which then forgot it, so dropping one would lose
 * it silently, while a refused publisher gets no acknowledgement and still holds its message to send again.
 */
final class SpaceBudget {
    private static final System.Logger LOG = System.getLogger(SpaceBudget.class.getName());

    private final long maxBytes;
    private final AtomicLong used;
    private final LongAdder refused = new LongAdder();
    private final AtomicBoolean full = new AtomicBoolean();

    SpaceBudget(long maxBytes, long usedBytes) {
        this.maxBytes = maxBytes;
        this.used = new AtomicLong(usedBytes);
    }

    /** Reserves room for a record; false (counted, and logged when the store turns full) when it does not fit. */
    boolean reserve(int bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > maxBytes) {
                refused.increment();
                if (full.compareAndSet(false, true)) {
                    LOG.log(WARNING, "message store full ({0} of {1} bytes): refusing new messages until endpoints "
                            + "acknowledge or messages expire", now, maxBytes);
                }
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        if (full.get() && full.compareAndSet(true, false)) {
            LOG.log(INFO, "message store accepts messages again ({0} refused so far)", refused.sum());
        }
        return true;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    StoreFullException refusal(int bytes) {
        return new StoreFullException(used.get(), maxBytes, bytes);
    }

    long used() {
        return used.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    long refused() {
        return refused.sum();
    }
}

package io.eflow.samples.module;

import java.time.Duration;

/** Waits between connection attempts: doubling from {@code first} up to {@code max}, back to {@code first} on success. */
public final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < first <= max, not " + first + " and " + max);
        }
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The wait before the next attempt; the one after it is twice as long, up to the maximum. */
    public synchronized Duration next() {
        Duration now = next;
        next = now.multipliedBy(2).compareTo(max) > 0 ? max : now.multipliedBy(2);
        return now;
    }

    public synchronized void reset() {
        next = first;
    }
}

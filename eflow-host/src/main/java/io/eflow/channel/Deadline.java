package io.eflow.channel;

import java.time.Duration;

/** One time budget shared by the steps of an operation (waiting for a slot, connecting, authenticating, running). */
record Deadline(long nanoTime, Duration budget) {
    static Deadline after(Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("a timeout must be positive, got " + budget);
        }
        return new Deadline(System.nanoTime() + budget.toNanos(), budget);
    }

    long remainingMillis() {
        return Math.max(0, (nanoTime - System.nanoTime()) / 1_000_000);
    }
}

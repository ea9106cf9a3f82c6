package io.eflow.edge.agent;

import java.time.Duration;

/**
 * How long a module that stopped waits before its next start (IoT Edge's "backoff" state): {@code base} doubled per
 * restart up to {@code cap}. A module that stayed up for {@code forgiveAfter} starts again from {@code base}.
 */
record Backoff(Duration base, Duration cap, Duration forgiveAfter) {
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(10));

    Duration delay(int restarts) {
        long factor = 1L << Math.min(restarts, 30);
        Duration delay = base.multipliedBy(factor);
        return delay.compareTo(cap) > 0 ? cap : delay;
    }
}

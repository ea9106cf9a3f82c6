package io.eflow.edge.hub.upstream;

import java.time.Duration;

/** Waits between reconnect attempts: doubling from the first to the cap, back to the first after a success. */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The wait before the next attempt; the one after is twice as long, up to the cap. */
    Duration next() {
        Duration wait = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return wait;
    }

    void reset() {
        next = initial;
    }
}

package io.eflow.edge.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A clock that reads the wall clock once and from then on moves only as the monotonic clock does, so it never jumps
 * when the system time is set (NTP stepping it, {@code date -s}, a guest clock resynchronised with the host's).
 *
 * <p>What measures a span runs on it: restart back-off, health checks' start period, messages' time to live. Set
 * forward a day, the wall clock would expire every queued message and end every start period at once; set back an
 * hour, it would hold a crashed module in back-off for that hour. What a person reads as a date (a module's last
 * start, a check's time) stays on the wall clock.
 */
public final class MonotonicClock extends Clock {
    private final Instant anchor;
    private final long anchorMillis;
    private final long anchorNanos;
    private final LongSupplier nanos;

    private MonotonicClock(Instant anchor, LongSupplier nanos) {
        this.anchor = anchor;
        this.anchorMillis = anchor.toEpochMilli();
        this.nanos = nanos;
        this.anchorNanos = nanos.getAsLong();
    }

    /** Starts at the system's wall-clock time now. */
    public static MonotonicClock start() {
        return new MonotonicClock(Instant.now(), System::nanoTime);
    }

    /** Starts at {@code wall}'s time now and moves by {@code nanos}: tests. */
    public static MonotonicClock of(Clock wall, LongSupplier nanos) {
        return new MonotonicClock(wall.instant(), nanos);
    }

    @Override
    public Instant instant() {
        return anchor.plus(Duration.ofNanos(nanos.getAsLong() - anchorNanos));
    }

    /** Without an Instant: the message store asks at every delivery. */
    @Override
    public long millis() {
        return anchorMillis + (nanos.getAsLong() - anchorNanos) / 1_000_000;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}

package io.eflow.edge.hub.store;

import io.eflow.edge.time.MonotonicClock;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a store is kept. {@link #in(Path)} gives the defaults; the {@code with…} methods change one setting.
 *
 * @param directory          where the segment files and the cursor file live (on the guest's data partition)
 * @param maxBytes           the disk bound: appends that would pass it are refused with {@link StoreFullException}
 * @param segmentBytes       the size at which a segment file is closed and a new one started; space comes back a
 *                           whole segment at a time, so this is at most a quarter of {@code maxBytes}, and it bounds a
 *                           single message's size
 * @param timeToLive         {@code storeAndForwardConfiguration.timeToLiveSecs}: for destinations without a route TTL
 * @param redeliveryTimeout  a message handed out and neither acknowledged nor refused by then is handed out again
 * @param checkpointInterval how often consumer positions are saved and spent segments deleted; after a crash at most
 *                           this much acknowledged work is delivered again
 * @param clock              enqueue times and expiry; by default a {@link MonotonicClock}, so a system clock set forward
 *                           a day does not expire every queued message, nor one set back keep them an hour too long
 */
public record StoreConfig(Path directory, long maxBytes, long segmentBytes, Duration timeToLive,
                          Duration redeliveryTimeout, Duration checkpointInterval, Clock clock) {
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
    /** IoT Edge's default {@code timeToLiveSecs}. */
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofSeconds(7200);

    public StoreConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(redeliveryTimeout, "redeliveryTimeout");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(clock, "clock");
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segmentBytes must be at least 1024: " + segmentBytes);
        }
        if (maxBytes / 4 < segmentBytes) {
            throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must be at least 4 segments of "
                    + segmentBytes + " bytes: space is reclaimed a segment at a time");
        }
        for (Duration d : new Duration[] {timeToLive, redeliveryTimeout, checkpointInterval}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive: " + d);
            }
        }
    }

    public static StoreConfig in(Path directory) {
        return new StoreConfig(directory, DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, DEFAULT_TIME_TO_LIVE,
                Duration.ofSeconds(30), Duration.ofSeconds(1), MonotonicClock.start());
    }

    public StoreConfig withMaxBytes(long maxBytes, long segmentBytes) {
        return new StoreConfig(directory, maxBytes, segmentBytes, timeToLive, redeliveryTimeout, checkpointInterval, clock);
    }

    public StoreConfig withTimeToLive(Duration timeToLive) {
        return new StoreConfig(directory, maxBytes, segmentBytes, timeToLive, redeliveryTimeout, checkpointInterval, clock);
    }

    public StoreConfig withRedeliveryTimeout(Duration redeliveryTimeout) {
        return new StoreConfig(directory, maxBytes, segmentBytes, timeToLive, redeliveryTimeout, checkpointInterval, clock);
    }

    public StoreConfig withCheckpointInterval(Duration checkpointInterval) {
        return new StoreConfig(directory, maxBytes, segmentBytes, timeToLive, redeliveryTimeout, checkpointInterval, clock);
    }

    public StoreConfig withClock(Clock clock) {
        return new StoreConfig(directory, maxBytes, segmentBytes, timeToLive, redeliveryTimeout, checkpointInterval, clock);
    }
}

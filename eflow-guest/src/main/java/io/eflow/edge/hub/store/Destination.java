package io.eflow.edge.hub.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a routed message goes: an endpoint (a module input such as {@code filter/inputs/input1}, or
 * {@code $upstream}) and how long it may wait there. A route's own {@code timeToLiveSecs} is given here; without
 * one, the store's {@code storeAndForwardConfiguration.timeToLiveSecs} ({@link StoreConfig#timeToLive()}) applies.
 */
public record Destination(String endpoint, Optional<Duration> timeToLive) {
    public Destination {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timeToLive, "timeToLive");
        if (endpoint.isEmpty() || RecordCodec.utf8Length(endpoint) > RecordCodec.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("endpoint must be 1 to " + RecordCodec.MAX_NAME_BYTES + " bytes: '" + endpoint + "'");
        }
        timeToLive.ifPresent(ttl -> {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("time-to-live of '" + endpoint + "' must be positive: " + ttl);
            }
        });
    }

    /** To {@code endpoint}, for the store's default time-to-live. */
    public static Destination of(String endpoint) {
        return new Destination(endpoint, Optional.empty());
    }

    /** To {@code endpoint}, for a route's own time-to-live. */
    public static Destination of(String endpoint, Duration timeToLive) {
        return new Destination(endpoint, Optional.of(timeToLive));
    }
}

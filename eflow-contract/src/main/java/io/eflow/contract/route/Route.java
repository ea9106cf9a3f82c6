package io.eflow.contract.route;

import java.util.Objects;
import java.util.Optional;

/**
 * One route of {@code $edgeHub}, parsed.
 *
 * @param name           its key in the routes object
 * @param condition      the WHERE clause; empty when the route takes every message from its source
 * @param priority       0 (highest) to 9, or {@link #DEFAULT_PRIORITY}
 * @param timeToLiveSecs how long its messages wait for the sink before they are dropped
 */
public record Route(String name, Source source, Optional<Condition> condition, Sink sink, int priority,
                    long timeToLiveSecs) {
    /**
     * A route without a priority comes after those with one: IoT Edge gives it a priority below 9 (RouteFactory's
     * DefaultPriority).
     */
    public static final int DEFAULT_PRIORITY = Integer.MAX_VALUE;

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(sink, "sink");
        if ((priority < 0 || priority > 9) && priority != DEFAULT_PRIORITY) {
            throw new IllegalArgumentException("a route's priority is 0 to 9, not " + priority);
        }
        if (timeToLiveSecs < 0) {
            throw new IllegalArgumentException("a route's time-to-live cannot be negative: " + timeToLiveSecs);
        }
    }

    /**
     * Parses a route's text, e.g. {@code FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream}.
     *
     * @throws RouteException naming the column of the mistake
     */
    public static Route parse(String name, String text, int priority, long timeToLiveSecs) {
        RouteParser.Parsed parsed = RouteParser.parse(text);
        return new Route(name, parsed.source(), parsed.condition(), parsed.sink(), priority, timeToLiveSecs);
    }

    /** The route as text, rebuilt from its parts. */
    public String text() {
        return "FROM " + source.path() + condition.map(c -> " WHERE " + c.text()).orElse("") + " INTO " + sink.text();
    }
}

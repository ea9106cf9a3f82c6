package io.eflow.edge.logs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code eflow module logs} asks for.
 *
 * @param tail    the last {@code tail} lines (after the {@code since} and {@code streams} filters); -1 for all
 * @param since   only lines written at or after this instant
 * @param follow  keep emitting lines as they are written, until the reader is stopped
 * @param streams the streams to show ({@link LogLine#STDOUT}, {@link LogLine#STDERR}, {@link LogLine#AGENT});
 *                empty for all of them
 */
public record Query(int tail, Optional<Instant> since, boolean follow, Set<String> streams) {
    public static final int ALL = -1;

    public Query {
        if (tail < ALL) {
            throw new IllegalArgumentException("tail must be -1 (all lines) or a count of lines, not " + tail);
        }
        Objects.requireNonNull(since, "since");
        streams = Set.copyOf(Objects.requireNonNull(streams, "streams"));
    }

    /** Every line of every stream, once. */
    public static Query all() {
        return new Query(ALL, Optional.empty(), false, Set.of());
    }

    public Query withTail(int lines) {
        return new Query(lines, since, follow, streams);
    }

    public Query withSince(Instant instant) {
        return new Query(tail, Optional.of(instant), follow, streams);
    }

    public Query withFollow(boolean keepFollowing) {
        return new Query(tail, since, keepFollowing, streams);
    }

    public Query withStreams(Set<String> names) {
        return new Query(tail, since, follow, names);
    }

    /** Whether a line passes the {@code since} and {@code streams} filters. */
    public boolean accepts(LogLine line) {
        return (streams.isEmpty() || streams.contains(line.stream()))
                && (since.isEmpty() || !line.time().isBefore(since.get()));
    }
}

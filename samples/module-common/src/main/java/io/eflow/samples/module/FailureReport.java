package io.eflow.samples.module;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides which failed connection attempts get a log line: the first, then at most one per {@code interval}, the
 * line counting the attempts that were not told. A hub that is away for hours costs a line every ten seconds, not
 * one per attempt, and the first line after a success is told at once.
 */
public final class FailureReport {
    private final Duration interval;
    private Instant lastTold;
    private long attempts;
    private long untold;

    public FailureReport(Duration interval) {
        this.interval = interval;
    }

    /** The line to log for this failed attempt, or empty when one was logged less than {@code interval} ago. */
    public synchronized Optional<String> failed(String target, String reason, Duration retryIn, Instant now) {
        attempts++;
        if (lastTold != null && Duration.between(lastTold, now).compareTo(interval) < 0) {
            untold++;
            return Optional.empty();
        }
        String line = "cannot reach " + target + " (attempt " + attempts
                + (untold > 0 ? ", " + untold + " more failed since the last report" : "") + "): " + reason
                + "; retrying in " + seconds(retryIn);
        lastTold = now;
        untold = 0;
        return Optional.of(line);
    }

    /** A success: the next failure is told at once and counts from one. */
    public synchronized void succeeded() {
        lastTold = null;
        attempts = 0;
        untold = 0;
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}

package io.eflow.edge.logs;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a module's log.
 *
 * @param time   when the agent read the line from the module (millisecond precision, UTC)
 * @param stream {@link #STDOUT}, {@link #STDERR} or {@link #AGENT} (a lifecycle note the agent wrote itself)
 * @param text   the line without its newline
 */
public record LogLine(Instant time, String stream, String text) {
    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";
    public static final String AGENT = "agent";

    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(text, "text");
    }

    /** The line as it is stored: {@code <ISO-8601 instant with millis> <stream> <text>}, without a newline. */
    public String format() {
        return LineFormat.timestamp(time) + ' ' + stream + ' ' + text;
    }
}

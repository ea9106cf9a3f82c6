package io.eflow.daemon.api;

import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code POST /v1/instances/{name}/logs}: an absolute output file, or the user's directory in which the daemon
 * names the bundle {@code eflow-logs-<name>-<timestamp>.zip} (only the daemon knows the resolved name).
 */
public record LogsRequest(String output, String directory) {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public Path outputFor(String name, Instant now) {
        if (output != null && !output.isBlank()) {
            return absolute(output, "output");
        }
        if (directory == null || directory.isBlank()) {
            throw new EflowException("logs needs an output file or a directory");
        }
        return absolute(directory, "directory").resolve(defaultFileName(name, now));
    }

    public static String defaultFileName(String name, Instant now) {
        return "eflow-logs-" + name + "-" + STAMP.format(now) + ".zip";
    }

    private static Path absolute(String text, String field) {
        Path path = InvalidValue.path(field, text);
        if (!path.isAbsolute()) {
            throw new InvalidValue(field, "must be an absolute path, not '" + text + "'");
        }
        return path.normalize();
    }
}

package io.eflow.edge.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The stored form of a line: {@code 2024-05-01T12:00:00.123Z stdout text\n}. */
final class LineFormat {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LineFormat() {
    }

    /** Always with milliseconds, so that every stored timestamp has the same width. */
    static String timestamp(Instant time) {
        return TIMESTAMP.format(time);
    }

    /**
     * The line stored in {@code bytes[from, to)} (without its newline); null when it is not one (a line torn by a
     * crash, say), which readers skip.
     */
    static LogLine parse(byte[] bytes, int from, int to) {
        int space = indexOf(bytes, from, to, (byte) ' ');
        if (space < 0) {
            return null;
        }
        int streamEnd = indexOf(bytes, space + 1, to, (byte) ' ');
        if (streamEnd < 0 || streamEnd == space + 1) {
            return null;
        }
        Instant time;
        try {
            time = Instant.parse(new String(bytes, from, space - from, StandardCharsets.ISO_8859_1));
        } catch (DateTimeParseException e) {
            return null;
        }
        String stream = new String(bytes, space + 1, streamEnd - space - 1, StandardCharsets.UTF_8);
        String text = new String(bytes, streamEnd + 1, to - streamEnd - 1, StandardCharsets.UTF_8);
        return new LogLine(time, stream, text);
    }

    private static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}

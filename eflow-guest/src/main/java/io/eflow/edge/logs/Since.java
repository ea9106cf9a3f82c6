package io.eflow.edge.logs;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --since} values {@code iotedge logs} accepts: an RFC 3339 timestamp ({@code 2024-05-01T12:00:00Z},
 * {@code 2024-05-01T14:00:00.5+02:00}), a Unix timestamp in seconds ({@code 1714564800}, {@code 1714564800.25})
 * or a duration before now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code 1h30m}, {@code 2 days 3 hours}).
 */
public final class Since {
    static final String FORMS = "an RFC 3339 timestamp (2024-05-01T12:00:00Z), a Unix timestamp (1714564800)"
            + " or a duration before now (90s, 15m, 2h, 1d, 1h30m)";
    private static final Pattern UNIX = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");
    private static final Pattern DURATION = Pattern.compile("(\\s*\\d+\\s*[a-zA-Z]+)+\\s*");
    private static final Pattern PART = Pattern.compile("(\\d+)\\s*([a-zA-Z]+)");
    private static final Map<String, Duration> UNITS = units();

    private Since() {
    }

    /**
     * @param clock what a duration counts back from
     * @throws IllegalArgumentException with a one-line message naming the value and the accepted forms
     */
    public static Instant parse(String value, Clock clock) {
        String text = value == null ? "" : value.strip();
        try {
            if (UNIX.matcher(text).matches()) {
                BigDecimal seconds = new BigDecimal(text);
                return Instant.ofEpochSecond(seconds.longValue(),
                        seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
            }
            if (DURATION.matcher(text).matches()) {
                return clock.instant().minus(duration(text));
            }
            if (text.length() > 10 && text.charAt(4) == '-') {
                return rfc3339(text);
            }
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            // out of range, or not a date after all: the message below says what is accepted
        }
        throw new IllegalArgumentException("invalid --since value '" + printable(value) + "': expected " + FORMS);
    }

    private static Duration duration(String text) {
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            String name = part.group(2);
            Duration unit = UNITS.get(name.equals("M") ? name : name.toLowerCase(Locale.ROOT));
            if (unit == null) {
                throw new DateTimeException("unknown unit " + name);
            }
            total = total.plus(unit.multipliedBy(Long.parseLong(part.group(1))));
        }
        return total;
    }

    private static Instant rfc3339(String text) {
        // RFC 3339 allows a space (or a lowercase t) between date and time, and a lowercase z.
        char separator = text.charAt(10);
        if (separator == ' ' || separator == 't') {
            text = text.substring(0, 10) + 'T' + text.substring(11);
        }
        if (text.endsWith("z")) {
            text = text.substring(0, text.length() - 1) + 'Z';
        }
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    private static Map<String, Duration> units() {
        Map<String, Duration> units = new HashMap<>();
        for (String name : new String[] {"ms", "msec", "msecs", "millisecond", "milliseconds"}) {
            units.put(name, Duration.ofMillis(1));
        }
        for (String name : new String[] {"s", "sec", "secs", "second", "seconds"}) {
            units.put(name, Duration.ofSeconds(1));
        }
        for (String name : new String[] {"m", "min", "mins", "minute", "minutes"}) {
            units.put(name, Duration.ofMinutes(1));
        }
        for (String name : new String[] {"h", "hr", "hrs", "hour", "hours"}) {
            units.put(name, Duration.ofHours(1));
        }
        for (String name : new String[] {"d", "day", "days"}) {
            units.put(name, Duration.ofDays(1));
        }
        for (String name : new String[] {"w", "week", "weeks"}) {
            units.put(name, Duration.ofDays(7));
        }
        return Map.copyOf(units);
    }

    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(100).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return value.codePointCount(0, value.length()) > 100 ? out + "…" : out.toString();
    }
}

package io.eflow.console;

import io.eflow.platform.InvalidValue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them on a command line: {@code 90s}, {@code 30m}, {@code 12h}, {@code 90d}. */
final class DurationWord {
    private static final Pattern WORD = Pattern.compile("([1-9][0-9]{0,5})([smhd])");

    private DurationWord() {
    }

    static Duration parse(String field, String word) {
        Matcher matcher = word == null ? null : WORD.matcher(word);
        if (matcher == null || !matcher.matches()) {
            throw new InvalidValue(field, "must be a number and s, m, h or d (90s, 30m, 12h, 90d), not '" + word + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}

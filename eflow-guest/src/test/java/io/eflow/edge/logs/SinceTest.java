package io.eflow.edge.logs;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinceTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Instant since(String value) {
        return Since.parse(value, CLOCK);
    }

    @Test
    void rfc3339Timestamps() {
        assertThat(since("2024-04-30T08:15:00Z")).isEqualTo(Instant.parse("2024-04-30T08:15:00Z"));
        assertThat(since("2024-04-30T08:15:00.250Z")).isEqualTo(Instant.parse("2024-04-30T08:15:00.250Z"));
        assertThat(since("2024-04-30T10:15:00+02:00")).isEqualTo(Instant.parse("2024-04-30T08:15:00Z"));
        assertThat(since("2024-04-30T03:15:00.5-05:00")).isEqualTo(Instant.parse("2024-04-30T08:15:00.500Z"));
        assertThat(since("2024-04-30 08:15:00z")).isEqualTo(Instant.parse("2024-04-30T08:15:00Z"));
        assertThat(since("2024-04-30t08:15:00Z")).isEqualTo(Instant.parse("2024-04-30T08:15:00Z"));
    }

    @Test
    void unixTimestamps() {
        assertThat(since("1714564800")).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
        assertThat(since("1714564800.25")).isEqualTo(Instant.parse("2024-05-01T12:00:00.250Z"));
        assertThat(since("0")).isEqualTo(Instant.EPOCH);
        assertThat(since(" 1714564800 ")).isEqualTo(NOW);
    }

    @Test
    void durationsCountBackFromTheClock() {
        assertThat(since("90s")).isEqualTo(NOW.minusSeconds(90));
        assertThat(since("15m")).isEqualTo(NOW.minusSeconds(15 * 60));
        assertThat(since("2h")).isEqualTo(NOW.minusSeconds(2 * 3600));
        assertThat(since("1d")).isEqualTo(NOW.minusSeconds(86_400));
        assertThat(since("1h30m")).isEqualTo(NOW.minusSeconds(5400));
        assertThat(since("1w")).isEqualTo(NOW.minusSeconds(7 * 86_400));
        assertThat(since("500ms")).isEqualTo(NOW.minusMillis(500));
        assertThat(since("2 days 3 hours 2 minutes")).isEqualTo(NOW.minusSeconds(2 * 86_400 + 3 * 3600 + 120));
        assertThat(since("90 minutes")).isEqualTo(NOW.minusSeconds(5400));
        assertThat(since("1H")).isEqualTo(NOW.minusSeconds(3600));
        assertThat(since("0s")).isEqualTo(NOW);
    }

    @Test
    void anythingElseIsRefusedWithAOneLineMessageNamingTheValueAndTheForms() {
        for (String value : new String[] {"", "  ", "yesterday", "15x", "1M", "h1", "-5m", "1.5h", "2024-05-01",
                "2024-13-01T00:00:00Z", "2024-05-01T12:00:00", "99999999999999999999d", "9999999999999999d",
                "1714564800000000", "2024-05-01T12:00:00Z trailing", "10m\nrm -rf /"}) {
            assertThatThrownBy(() -> since(value)).as(value)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid --since value '")
                    .hasMessageContaining("RFC 3339").hasMessageContaining("Unix timestamp")
                    .hasMessageContaining("1h30m")
                    .hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> since("yesterday")).hasMessageContaining("'yesterday'");
    }
}

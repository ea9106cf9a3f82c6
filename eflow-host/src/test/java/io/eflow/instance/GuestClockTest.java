package io.eflow.instance;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestClockTest {
    private static final Instant SENT = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aGuestClockADayAheadIsReadFromTheMiddleOfTheRoundTrip() {
        // sent at 12:00:00, answered 200 ms later: the guest read its clock at about 12:00:00.1 by the host's
        String guest = (SENT.getEpochSecond() + 86_400) + ".100000000";
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(200), guest)).contains(Duration.ofDays(1));
    }

    @Test
    void aGuestClockBehindComesOutNegative() {
        String guest = (SENT.getEpochSecond() - 3600) + ".050000000\n";
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(100), guest)).contains(Duration.ofHours(1).negated());
    }

    @Test
    void withinASecondIsLeftAlone() {
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(100), SENT.getEpochSecond() + ".950000000")).isEmpty();
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(100), (SENT.getEpochSecond() - 1) + ".100000000")).isEmpty();
    }

    @Test
    void aSlowReadingSaysTooLittleToActOn() {
        assertThat(GuestClock.offset(SENT, Duration.ofSeconds(3), (SENT.getEpochSecond() + 86_400) + ".0")).isEmpty();
    }

    @Test
    void somethingElseThanSecondsIsAnError() {
        assertThatThrownBy(() -> GuestClock.offset(SENT, Duration.ofMillis(10), "Mon Dec  7 12:00:00 UTC 2026"))
                .isInstanceOf(EflowException.class).hasMessageContaining("not seconds since the epoch");
    }

    @Test
    void theTimeIsWrittenWithNineDigitsOfFraction() {
        assertThat(GuestClock.epochSeconds(Instant.ofEpochSecond(1_765_000_000L, 1_500))).isEqualTo("1765000000.000001500");
    }
}

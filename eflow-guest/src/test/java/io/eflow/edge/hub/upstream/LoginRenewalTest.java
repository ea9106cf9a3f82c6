package io.eflow.edge.hub.upstream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LoginRenewalTest {
    private static final Instant SIGNED = Instant.parse("2026-06-01T12:00:00Z");
    private static final long NANOS = 5_000_000_000L;
    private final LoginRenewal renewal = LoginRenewal.of(SIGNED.plus(Duration.ofMinutes(45)), SIGNED, NANOS);

    @Test
    void notDueBeforeItsTimeOnEitherClock() {
        assertThat(renewal.due(SIGNED.plus(Duration.ofMinutes(44)), NANOS + Duration.ofMinutes(44).toNanos())).isFalse();
    }

    @Test
    void aClockSetBackAnHourDoesNotHoldTheRenewal() {
        Instant wallSetBack = SIGNED.plus(Duration.ofMinutes(46)).minus(Duration.ofHours(1));

        assertThat(renewal.due(wallSetBack, NANOS + Duration.ofMinutes(46).toNanos())).isTrue();
    }

    @Test
    void aClockSetForwardADayRenewsAtOnce() {
        assertThat(renewal.due(SIGNED.plus(Duration.ofDays(1)), NANOS + Duration.ofMinutes(1).toNanos())).isTrue();
    }
}

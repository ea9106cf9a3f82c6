package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FailureReportTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final FailureReport report = new FailureReport(Duration.ofSeconds(10));

    private Optional<String> failAt(long seconds, Duration retry) {
        return report.failed("edgeHub at tcp://edgeHub:1883", "UnknownHostException: edgeHub", retry,
                T0.plusSeconds(seconds));
    }

    @Test
    void tellsTheFirstFailureAtOnce() {
        assertThat(failAt(0, Duration.ofSeconds(1))).contains("cannot reach edgeHub at tcp://edgeHub:1883 "
                + "(attempt 1): UnknownHostException: edgeHub; retrying in 1 s");
    }

    @Test
    void tellsAtMostOneFailureInTenSecondsAndCountsTheOthers() {
        assertThat(failAt(0, Duration.ofSeconds(1))).isPresent();
        assertThat(failAt(1, Duration.ofSeconds(2))).isEmpty();
        assertThat(failAt(3, Duration.ofSeconds(4))).isEmpty();
        assertThat(failAt(7, Duration.ofSeconds(8))).isEmpty();
        assertThat(failAt(15, Duration.ofMillis(15500))).contains("cannot reach edgeHub at tcp://edgeHub:1883 "
                + "(attempt 5, 3 more failed since the last report): UnknownHostException: edgeHub; "
                + "retrying in 15.5 s");
        assertThat(failAt(24, Duration.ofSeconds(15))).isEmpty();
        assertThat(failAt(25, Duration.ofSeconds(15))).hasValueSatisfying(line -> assertThat(line)
                .contains("(attempt 7, 1 more failed since the last report)"));
    }

    @Test
    void aSuccessStartsTheCountAgainAndTheNextFailureIsToldAtOnce() {
        failAt(0, Duration.ofSeconds(1));
        failAt(1, Duration.ofSeconds(2));
        report.succeeded();

        assertThat(failAt(2, Duration.ofSeconds(1))).hasValueSatisfying(line -> assertThat(line)
                .contains("(attempt 1)"));
    }
}

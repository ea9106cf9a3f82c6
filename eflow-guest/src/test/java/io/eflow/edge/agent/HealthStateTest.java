package io.eflow.edge.agent;

import io.eflow.contract.manifest.HealthCheck;
import io.eflow.edge.agent.HealthState.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The state machine on its own, fed results at chosen times: no process, no waiting. */
class HealthStateTest {
    private static final Instant STARTED = Instant.parse("2025-01-01T00:00:00Z");

    private static HealthState state(Duration startPeriod, int retries) {
        return new HealthState(new HealthCheck(List.of("CMD", "/bin/check"), Duration.ofSeconds(1), Duration.ofSeconds(1),
                startPeriod, retries), STARTED);
    }

    private static HealthProbe.Result at(int seconds, int exitCode, String output) {
        return new HealthProbe.Result(STARTED.plusSeconds(seconds), exitCode, output);
    }

    @Test
    void startsStartingAndTurnsHealthyOnTheFirstPass() {
        HealthState state = state(Duration.ZERO, 3);
        assertThat(state.status()).isEqualTo(Status.STARTING);
        assertThat(state.record(at(1, 0, ""))).as("changed").isTrue();
        assertThat(state.status()).isEqualTo(Status.HEALTHY);
        assertThat(state.record(at(2, 0, ""))).as("unchanged").isFalse();
    }

    @Test
    void retriesFailuresInARowMakeItUnhealthyAndAPassMakesItHealthyAgain() {
        HealthState state = state(Duration.ZERO, 3);
        state.record(at(1, 0, ""));
        assertThat(state.record(at(2, 1, ""))).isFalse();
        assertThat(state.record(at(3, 1, ""))).isFalse();
        assertThat(state.status()).as("two failures of three").isEqualTo(Status.HEALTHY);
        assertThat(state.record(at(4, 1, "connection refused\n"))).isTrue();
        assertThat(state.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(state.failingStreak()).isEqualTo(3);
        assertThat(state.describe()).isEqualTo("unhealthy: 3 failed health checks in a row; the last exited with 1: connection refused");

        assertThat(state.record(at(5, 0, ""))).isTrue();
        assertThat(state.status()).isEqualTo(Status.HEALTHY);
        assertThat(state.failingStreak()).isZero();
    }

    @Test
    void aPassInBetweenStartsTheCountAgain() {
        HealthState state = state(Duration.ZERO, 2);
        state.record(at(1, 1, ""));
        state.record(at(2, 0, ""));
        state.record(at(3, 1, ""));
        assertThat(state.status()).isEqualTo(Status.HEALTHY);
        state.record(at(4, 1, ""));
        assertThat(state.status()).isEqualTo(Status.UNHEALTHY);
    }

    @Test
    void failuresWithinTheStartPeriodDoNotCountUntilTheFirstPass() {
        HealthState state = state(Duration.ofSeconds(10), 1);
        assertThat(state.record(at(3, 1, ""))).isFalse();
        assertThat(state.record(at(9, 1, ""))).isFalse();
        assertThat(state.status()).isEqualTo(Status.STARTING);
        assertThat(state.failingStreak()).isZero();
        assertThat(state.record(at(10, 1, ""))).as("the start period is over").isTrue();
        assertThat(state.status()).isEqualTo(Status.UNHEALTHY);
    }

    @Test
    void aModuleThatWasHealthyOnceHasNoStartPeriodLeft() {
        HealthState state = state(Duration.ofSeconds(10), 1);
        state.record(at(2, 0, ""));
        state.record(at(3, 1, ""));
        assertThat(state.status()).isEqualTo(Status.UNHEALTHY);
    }

    @Test
    void theDescriptionIsOneLineAndSaysWhenTheOnlyFailureWasATimeout() {
        HealthState state = state(Duration.ZERO, 1);
        state.record(at(1, HealthProbe.NO_EXIT, "the health check exceeded its timeout (1.0 s)"));
        assertThat(state.describe()).isEqualTo("unhealthy: 1 failed health check; the last exited with -1: the health check"
                + " exceeded its timeout (1.0 s)");
        state.record(at(2, 2, "line one\n  line two\n"));
        assertThat(state.describe()).endsWith("the last exited with 2: line one line two");
    }
}

package io.eflow.contract.manifest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTest {
    /** IoT Edge's table: on-failure restarts crashes, on-unhealthy also health check failures, always everything. */
    @ParameterizedTest
    @CsvSource({
            // policy,    clean exit, crash, unhealthy
            "NEVER,        false,      false, false",
            "ON_FAILURE,   false,      true,  false",
            "ON_UNHEALTHY, false,      true,  true",
            "ALWAYS,       true,       true,  true"})
    void restartsAsIotEdgeDocumentsIt(RestartPolicy policy, boolean afterCleanExit, boolean afterCrash, boolean whenUnhealthy) {
        assertThat(policy.restarts(false, false)).as("clean exit").isEqualTo(afterCleanExit);
        assertThat(policy.restarts(true, false)).as("crash").isEqualTo(afterCrash);
        assertThat(policy.restartsUnhealthy()).as("unhealthy").isEqualTo(whenUnhealthy);
        assertThat(policy.restarts(true, true)).as("stopped when unhealthy, with a non-zero code").isEqualTo(afterCrash || whenUnhealthy);
    }
}

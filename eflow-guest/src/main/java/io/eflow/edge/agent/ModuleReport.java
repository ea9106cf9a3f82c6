package io.eflow.edge.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * One module as the {@code $edgeAgent} reported properties describe it (names as IoT Edge writes them), and as
 * {@code eflow module list} shows it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModuleReport(String runtimeStatus, String statusDescription, Integer exitCode, int restartCount,
                           Instant lastStartTimeUtc, Instant lastExitTimeUtc, Instant lastRestartTimeUtc, String version,
                           String type, String status, String restartPolicy, String image, String imageHash,
                           @JsonProperty("startupOrder") long startupOrder) {

    static ModuleReport of(ModuleRecord m) {
        return new ModuleReport(m.state.json(), m.description, m.exitCode, m.restartCount, m.lastStart, m.lastExit,
                m.lastRestart, m.spec.version(), "docker", m.spec.desiredRunning() ? "running" : "stopped",
                Reconciler.policyName(m.spec.restartPolicy()), m.spec.image().toString(),
                m.imageDigest.isEmpty() ? null : m.imageDigest, m.spec.startupOrder());
    }
}

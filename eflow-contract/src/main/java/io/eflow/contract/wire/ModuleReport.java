package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One module as the {@code $edgeAgent} reported properties describe it (names as IoT Edge writes them), and as
 * {@code eflow module list} shows it. {@code pull} is there only while the module's image is being pulled (eflow's own,
 * left out of the twin).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModuleReport(String runtimeStatus, String statusDescription, Integer exitCode, int restartCount,
                           Instant lastStartTimeUtc, Instant lastExitTimeUtc, Instant lastRestartTimeUtc, String version,
                           String type, String status, String restartPolicy, String image, String imageHash,
                           long startupOrder, PullProgress pull) {

    /** Not pulling. */
    public ModuleReport(String runtimeStatus, String statusDescription, Integer exitCode, int restartCount, Instant lastStartTimeUtc,
                        Instant lastExitTimeUtc, Instant lastRestartTimeUtc, String version, String type, String status,
                        String restartPolicy, String image, String imageHash, long startupOrder) {
        this(runtimeStatus, statusDescription, exitCode, restartCount, lastStartTimeUtc, lastExitTimeUtc, lastRestartTimeUtc, version,
                type, status, restartPolicy, image, imageHash, startupOrder, null);
    }
}

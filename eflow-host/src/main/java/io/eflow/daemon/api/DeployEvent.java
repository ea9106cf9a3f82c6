package io.eflow.daemon.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.eflow.instance.InstanceSummary;

/**
 * One line of deploy's answer (application/x-ndjson): progress lines while it works, then exactly one
 * result or error. The HTTP status is already 200 once progress flows, so a late failure carries its own status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeployEvent(String progress, InstanceSummary result, String error, Integer status) {

    public static DeployEvent progress(String line) {
        return new DeployEvent(line, null, null, null);
    }

    public static DeployEvent result(InstanceSummary summary) {
        return new DeployEvent(null, summary, null, null);
    }

    public static DeployEvent error(int status, String message) {
        return new DeployEvent(null, null, message, status);
    }
}

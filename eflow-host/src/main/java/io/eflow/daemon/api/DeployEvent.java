package io.eflow.daemon.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One line of a long-running command's answer (deploy, update apply; application/x-ndjson): progress lines while it
 * works, then exactly one result (the command's own answer type) or error. The HTTP status is already 200 once progress flows, so a late failure carries its own status.
 * An error about request values names them as {@link ErrorBody} does ({@code fields}, {@code problem}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeployEvent(String progress, Object result, String error, Integer status, List<String> fields, String problem,
                          String step, Long done, Long total) {

    public static DeployEvent progress(String line) {
        return new DeployEvent(line, null, null, null, null, null, null, null, null);
    }

    /** How far a step that moves through bytes got (the step's own line came before, as a progress line). */
    public static DeployEvent bytes(String step, long done, long total) {
        return new DeployEvent(null, null, null, null, null, null, step, done, total);
    }

    public static DeployEvent result(Object result) {
        return new DeployEvent(null, result, null, null, null, null, null, null, null);
    }

    public static DeployEvent error(int status, String message) {
        return new DeployEvent(null, null, message, status, null, null, null, null, null);
    }

    public static DeployEvent invalid(int status, String message, List<String> fields, String problem) {
        return new DeployEvent(null, null, message, status, fields, problem, null, null, null);
    }
}

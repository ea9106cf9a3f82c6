package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A request that failed, as what it is: a {@link Kind} the host maps to its own errors, and one line for the user.
 *
 * @param path for a {@link Kind#MANIFEST} failure the JSON path of the offending field, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Failure(Kind kind, String message, String path) implements Reply {
    /** Long enough for any message a person reads, short enough that a runaway one cannot flood a terminal. */
    static final int MAX_MESSAGE = 1000;

    public Failure {
        kind = kind == null ? Kind.INTERNAL : kind;
        message = oneLine(message);
    }

    public static Failure of(Kind kind, String message) {
        return new Failure(kind, message, null);
    }

    public enum Kind {
        /** The request itself is wrong: a missing or malformed field, an unknown operation. */
        @JsonProperty("bad-request") BAD_REQUEST,
        /** What the request names (a module, an identity) is not there. */
        @JsonProperty("not-found") NOT_FOUND,
        /** The deployment manifest is refused; {@link Failure#path()} says where. */
        @JsonProperty("manifest") MANIFEST,
        /** An image could not be pulled, loaded or read. */
        @JsonProperty("image") IMAGE,
        /** The request clashes with the runtime's state (a module that has no logs yet, say). */
        @JsonProperty("conflict") CONFLICT,
        /** Something the runtime waited for did not happen in time (a module's direct method, a durable store). */
        @JsonProperty("timeout") TIMEOUT,
        /** IoT Hub (or another upstream service) refused the request, or could not be reached. */
        @JsonProperty("upstream") UPSTREAM,
        /** The runtime failed; its log has the details. */
        @JsonProperty("internal") INTERNAL
    }

    /** Messages from exceptions may span lines (or be missing); the user gets exactly one. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "no reason given";
        }
        String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE - 1) + "…";
    }
}

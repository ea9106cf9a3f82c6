package io.eflow.daemon.api;

/** Every error the daemon returns: one line the CLI prints after {@code eflow: }. */
public record ErrorBody(String error) {
}

package io.eflow.daemon.api;

/** Answer of logs: where the bundle was written. */
public record LogsResult(String name, String output) {
}

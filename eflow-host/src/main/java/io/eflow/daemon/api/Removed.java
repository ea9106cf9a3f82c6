package io.eflow.daemon.api;

/** Answer of remove. */
public record Removed(String name) {
}

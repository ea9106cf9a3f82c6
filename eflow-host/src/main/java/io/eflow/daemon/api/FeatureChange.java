package io.eflow.daemon.api;

/** Turns a feature on or off: {@code eflow feature set dm-verity on}. */
public record FeatureChange(boolean enabled) {
}

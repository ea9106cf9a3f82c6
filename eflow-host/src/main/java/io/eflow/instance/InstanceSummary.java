package io.eflow.instance;

/** One line of {@code eflow list}. */
public record InstanceSummary(String name, BackendKind backend, PowerState powerState, String imageVersion) {
}

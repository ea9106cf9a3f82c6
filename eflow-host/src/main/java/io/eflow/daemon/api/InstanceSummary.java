package io.eflow.daemon.api;

import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.PowerState;

/** One line of {@code eflow list}. */
public record InstanceSummary(String name, BackendKind backend, PowerState powerState, String imageVersion) {
}

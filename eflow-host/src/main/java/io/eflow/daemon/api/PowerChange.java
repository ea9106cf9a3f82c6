package io.eflow.daemon.api;

import io.eflow.instance.model.PowerState;

/** Answer of start and stop: the instance and the state it is now in. */
public record PowerChange(String name, PowerState powerState) {
}

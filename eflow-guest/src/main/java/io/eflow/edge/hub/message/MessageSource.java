package io.eflow.edge.hub.message;

import java.util.Objects;
import java.util.Optional;

/** Who sent a message into the hub: what a route's {@code FROM} clause is matched against. */
public sealed interface MessageSource {

    /** Telemetry a device sent itself, through no module: a leaf device, or this edge device's own client. */
    static MessageSource device() {
        return Device.INSTANCE;
    }

    /** A message a module sent without naming an output. */
    static MessageSource module(String moduleId) {
        return new Module(moduleId, Optional.empty());
    }

    /** A message a module sent through one of its outputs. */
    static MessageSource module(String moduleId, String output) {
        return new Module(moduleId, Optional.of(output));
    }

    /** A notification that a device or module twin changed. */
    static MessageSource twinChange() {
        return TwinChange.INSTANCE;
    }

    record Device() implements MessageSource {
        private static final Device INSTANCE = new Device();
    }

    record Module(String moduleId, Optional<String> output) implements MessageSource {
        public Module {
            if (Objects.requireNonNull(moduleId, "moduleId").isEmpty()) {
                throw new IllegalArgumentException("a module message needs the module's id");
            }
            if (Objects.requireNonNull(output, "output").filter(String::isEmpty).isPresent()) {
                throw new IllegalArgumentException("an output name must not be empty");
            }
        }
    }

    record TwinChange() implements MessageSource {
        private static final TwinChange INSTANCE = new TwinChange();
    }
}

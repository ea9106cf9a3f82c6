package io.eflow.iothub.emulator.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What connected clients must hear about at once: a desired change to push, or credentials that no longer hold. */
public sealed interface RegistryEvent {
    IdentityRef ref();

    /** @param patch the change as the device receives it, {@code $version} included */
    record DesiredChanged(IdentityRef ref, ObjectNode patch) implements RegistryEvent {
    }

    /** Deleted, disabled or its keys changed: a live connection of it is dropped, as IoT Hub drops it. */
    record AccessRevoked(IdentityRef ref) implements RegistryEvent {
    }
}

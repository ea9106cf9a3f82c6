package io.eflow.iothub.emulator.registry;

import java.util.Objects;

/**
 * A module identity of a device.
 *
 * @param managedBy who manages it: {@code iotEdge} for an edge device's modules (IoT Edge's identity service makes them)
 */
public record ModuleIdentity(String deviceId, String moduleId, String generationId, long etagVersion, String managedBy,
                             Credentials credentials) {
    public ModuleIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(moduleId, "moduleId");
        Objects.requireNonNull(generationId, "generationId");
        Objects.requireNonNull(managedBy, "managedBy");
        Objects.requireNonNull(credentials, "credentials");
    }

    public IdentityRef ref() {
        return IdentityRef.module(deviceId, moduleId);
    }
}

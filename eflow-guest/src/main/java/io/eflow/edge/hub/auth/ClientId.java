package io.eflow.edge.hub.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a hub client is: a module of this device ({@code deviceId/moduleId}, the MQTT client id IoT Edge's module
 * SDKs use), or a device with no module (this device's own client, or a leaf device).
 */
public record ClientId(String deviceId, Optional<String> moduleId) {
    public ClientId {
        if (Objects.requireNonNull(deviceId, "deviceId").isEmpty()) {
            throw new IllegalArgumentException("an identity needs a device id");
        }
        if (Objects.requireNonNull(moduleId, "moduleId").filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException("a module id must not be empty");
        }
    }

    public static ClientId module(String deviceId, String moduleId) {
        return new ClientId(deviceId, Optional.of(moduleId));
    }

    public static ClientId device(String deviceId) {
        return new ClientId(deviceId, Optional.empty());
    }

    /** {@code deviceId/moduleId} or {@code deviceId}: the MQTT client id, and how logs name the client. */
    @Override
    public String toString() {
        return moduleId.map(m -> deviceId + "/" + m).orElse(deviceId);
    }
}

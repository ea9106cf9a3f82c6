package io.eflow.iothub.emulator.registry;

import java.util.Objects;
import java.util.Optional;

/** A device ({@code d1}) or one of its modules ({@code d1/filter}): what connects, owns a twin and takes methods. */
public record IdentityRef(String deviceId, Optional<String> moduleId) {
    public IdentityRef {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(moduleId, "moduleId");
    }

    public static IdentityRef device(String deviceId) {
        return new IdentityRef(deviceId, Optional.empty());
    }

    public static IdentityRef module(String deviceId, String moduleId) {
        return new IdentityRef(deviceId, Optional.of(moduleId));
    }

    /** The module when there is one, the device otherwise. */
    public static IdentityRef of(String deviceId, String moduleIdOrNull) {
        return new IdentityRef(deviceId, Optional.ofNullable(moduleIdOrNull).filter(m -> !m.isEmpty()));
    }

    public boolean isModule() {
        return moduleId.isPresent();
    }

    /** The resource a SAS token for this identity signs, below the hub's host name. */
    public String resourcePath() {
        return "devices/" + deviceId + moduleId.map(m -> "/modules/" + m).orElse("");
    }

    /** The MQTT client id: {@code {device}} or {@code {device}/{module}}. */
    @Override
    public String toString() {
        return deviceId + moduleId.map(m -> "/" + m).orElse("");
    }
}

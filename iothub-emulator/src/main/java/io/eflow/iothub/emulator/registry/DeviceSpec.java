package io.eflow.iothub.emulator.registry;

import java.util.Optional;

/**
 * What a create or update of a device asks for; what it leaves out keeps its value (or IoT Hub's default on create:
 * enabled, SAS with generated keys, not an edge device).
 */
public record DeviceSpec(String deviceId, Optional<Boolean> enabled, Optional<String> statusReason,
                         Optional<Boolean> iotEdge, Optional<Credentials> credentials) {
}

package io.eflow.iothub.emulator.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * A device in the identity registry.
 *
 * @param generationId set when the identity is made, so a device deleted and made again under the same id is told apart
 * @param etagVersion  counts changes; the ETag is derived from it
 * @param enabled      IoT Hub's {@code status}: a disabled device may not connect
 * @param iotEdge      {@code capabilities.iotEdge}: an edge device, which gets {@code $edgeAgent} and {@code $edgeHub}
 */
public record DeviceIdentity(String deviceId, String generationId, long etagVersion, boolean enabled, String statusReason,
                             Instant statusUpdatedTime, boolean iotEdge, Credentials credentials) {
    public DeviceIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(generationId, "generationId");
        Objects.requireNonNull(statusReason, "statusReason");
        Objects.requireNonNull(statusUpdatedTime, "statusUpdatedTime");
        Objects.requireNonNull(credentials, "credentials");
    }
}

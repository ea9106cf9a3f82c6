package io.eflow.iothub.emulator.hub;

import io.eflow.iothub.emulator.registry.IdentityRef;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A device-to-cloud message as the hub received it.
 *
 * @param sequenceNumber arrival order, from 1
 * @param properties     the application properties of the property bag
 * @param systemProperties IoT Hub's names: {@code messageId}, {@code correlationId}, {@code contentType},
 *                       {@code contentEncoding}, {@code userId}, {@code outputName}, and the hub's own
 *                       {@code connectionDeviceId}, {@code connectionModuleId}, {@code enqueuedTime}
 */
public record ReceivedMessage(long sequenceNumber, IdentityRef from, byte[] body, Map<String, String> properties,
                              Map<String, String> systemProperties, Instant enqueuedTime) {
    public ReceivedMessage {
        Objects.requireNonNull(from, "from");
        body = body.clone();
        properties = Map.copyOf(properties);
        systemProperties = Map.copyOf(systemProperties);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}

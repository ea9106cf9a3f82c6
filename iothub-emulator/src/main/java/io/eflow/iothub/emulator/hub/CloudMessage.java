package io.eflow.iothub.emulator.hub;

import java.util.Map;
import java.util.Objects;

/**
 * A cloud-to-device message waiting for or on its way to a device.
 *
 * @param systemProperties the bag's {@code $.}-names without the prefix: {@code mid}, {@code cid}, {@code ct}, …
 */
public record CloudMessage(byte[] body, Map<String, String> properties, Map<String, String> systemProperties) {
    public CloudMessage {
        Objects.requireNonNull(body, "body");
        body = body.clone();
        properties = Map.copyOf(properties);
        systemProperties = Map.copyOf(systemProperties);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}

package io.eflow.edge.cloud;

/**
 * The ports IoT Hub serves devices on: MQTT over TLS on 8883 and HTTPS on 443, always, for Azure's hubs. Other
 * ports serve only a hub of the tests' own (the IoT Hub emulator on ephemeral ports), so they are no user setting.
 */
public record HubPorts(int mqtt, int https) {
    public static final HubPorts STANDARD = new HubPorts(8883, 443);

    public HubPorts {
        if (mqtt < 1 || mqtt > 65535 || https < 1 || https > 65535) {
            throw new IllegalArgumentException("ports are 1 to 65535: " + mqtt + ", " + https);
        }
    }
}

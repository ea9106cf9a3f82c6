package io.eflow.iothub.emulator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an emulator is started.
 *
 * @param hostName the hub's name: in connection strings, SAS token resources and the server certificate
 * @param bind     the address both listeners bind
 * @param mqttPort 0 for an ephemeral port
 * @param httpsPort 0 for an ephemeral port
 * @param state    where identities, keys, twins and the CA are kept
 */
public record EmulatorOptions(String hostName, String bind, int mqttPort, int httpsPort, Path state) {
    public static final int MQTT_PORT = 8883;
    public static final int HTTPS_PORT = 443;

    public EmulatorOptions {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(state, "state");
        if (hostName.isBlank() || !hostName.matches("[A-Za-z0-9.\\-]+")) {
            throw new IllegalArgumentException("--hostname must be a DNS name or IPv4 address, not '" + hostName + "'");
        }
        checkPort("--mqtt-port", mqttPort);
        checkPort("--https-port", httpsPort);
    }

    public static EmulatorOptions defaults(Path state) {
        return new EmulatorOptions("localhost", "127.0.0.1", MQTT_PORT, HTTPS_PORT, state);
    }

    private static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " must be a port from 0 to 65535, not " + port);
        }
    }
}

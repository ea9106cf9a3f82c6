package io.eflow.samples.module;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a module reaches its edge hub over MQTT, from what IoT Edge's agent gives every module: the IOTEDGE_*
 * variables, and {@code EdgeHubConnectionString} (the module's identity and key) with
 * {@code EdgeModuleCACertificateFile} (the edge CA to trust on the hub's TLS port), as IoT Hub's module SDKs read
 * them. Outside IoT Edge the defaults let a sample run and show its output; {@link #defaultsUsed()} says which
 * were taken.
 *
 * @param gatewayHost EDGEHUB_HOST (a host application reaching the hub through a forward: 127.0.0.1), else the
 *                    connection string's GatewayHostName, else IOTEDGE_GATEWAYHOSTNAME, else "edgeHub"
 * @param port        EDGEHUB_PORT, else 8883 with TLS (a CA file given), else 1883
 * @param iotHubHost  the connection string's HostName, else IOTEDGE_IOTHUBHOSTNAME
 * @param key         the module's shared access key (base64), from the connection string
 * @param caFile      EdgeModuleCACertificateFile: connect with TLS, trusting that CA
 */
public record ModuleSettings(String gatewayHost, int port, String iotHubHost, String deviceId, String moduleId,
                             Optional<String> key, Optional<String> caFile, List<String> defaultsUsed) {
    public static final String API_VERSION = "2018-06-30";
    public static final String DEFAULT_GATEWAY = "edgeHub";
    public static final int DEFAULT_PORT = 1883;
    public static final int TLS_PORT = 8883;
    public static final String DEFAULT_IOTHUB = "localhost";
    public static final String DEFAULT_DEVICE = "local-device";
    /** How long each connection's SAS token is valid; a reconnect signs a new one. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    public ModuleSettings {
        defaultsUsed = List.copyOf(defaultsUsed);
    }

    /** @param defaultModuleId the module's name in the samples' deployment manifest */
    public static ModuleSettings from(Env env, String defaultModuleId) {
        Map<String, String> connection = env.optional("EdgeHubConnectionString").map(ModuleSettings::fields).orElse(Map.of());
        List<String> defaults = new ArrayList<>();
        String gateway = env.optional("EDGEHUB_HOST").or(() -> Optional.ofNullable(connection.get("GatewayHostName")))
                .orElseGet(() -> value(env, "IOTEDGE_GATEWAYHOSTNAME", DEFAULT_GATEWAY, defaults));
        Optional<String> caFile = env.optional("EdgeModuleCACertificateFile");
        int port = (int) env.whole("EDGEHUB_PORT", caFile.isPresent() ? TLS_PORT : DEFAULT_PORT, 1);
        if (port > 65535) {
            throw new IllegalArgumentException("EDGEHUB_PORT must be a TCP port (1-65535), not " + port);
        }
        String iotHub = Optional.ofNullable(connection.get("HostName"))
                .orElseGet(() -> value(env, "IOTEDGE_IOTHUBHOSTNAME", DEFAULT_IOTHUB, defaults));
        String device = Optional.ofNullable(connection.get("DeviceId"))
                .orElseGet(() -> value(env, "IOTEDGE_DEVICEID", DEFAULT_DEVICE, defaults));
        String module = Optional.ofNullable(connection.get("ModuleId"))
                .orElseGet(() -> value(env, "IOTEDGE_MODULEID", defaultModuleId, defaults));
        return new ModuleSettings(gateway, port, iotHub, device, module,
                Optional.ofNullable(connection.get("SharedAccessKey")), caFile, defaults);
    }

    /** {@code Key=value;Key=value}; a key's base64 may end in '=', so only the first '=' of a part separates. */
    private static Map<String, String> fields(String connectionString) {
        Map<String, String> fields = new HashMap<>();
        for (String part : connectionString.split(";")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("EdgeHubConnectionString has a part without a value: '" + part.strip() + "'");
            }
            fields.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
        }
        return fields;
    }

    private static String value(Env env, String name, String fallback, List<String> defaults) {
        Optional<String> value = env.optional(name);
        if (value.isEmpty()) {
            defaults.add(name + "=" + fallback);
        }
        return value.orElse(fallback);
    }

    /** The MQTT client id IoT Hub and the edge hub want from a module: "{deviceId}/{moduleId}". */
    public String clientId() {
        return deviceId + "/" + moduleId;
    }

    /** The MQTT user name of a module: "{iotHubHost}/{deviceId}/{moduleId}/?api-version=...". */
    public String username() {
        return iotHubHost + "/" + deviceId + "/" + moduleId + "/?api-version=" + API_VERSION;
    }

    /** The MQTT password: a SAS token for this module, signed with its key now; none without a key. */
    public Optional<String> password(Instant now) {
        return key.map(k -> SharedAccessSignature.sign(iotHubHost + "/devices/" + deviceId + "/modules/" + moduleId,
                k, now.plus(TOKEN_LIFETIME)));
    }

    /** Paho's server URI: ssl:// with a CA file, tcp:// without; an IPv6 literal in brackets. */
    public String serverUri() {
        String host = gatewayHost.contains(":") && !gatewayHost.startsWith("[") ? "[" + gatewayHost + "]" : gatewayHost;
        return (caFile.isPresent() ? "ssl://" : "tcp://") + host + ":" + port;
    }

    /** For the start-up log line: everything but the key itself. */
    public String describe() {
        return "device " + deviceId + ", module " + moduleId + ", edgeHub " + serverUri() + ", client id "
                + clientId() + ", user " + username() + ", password "
                + (key.isPresent() ? "a SAS token signed with the key of EdgeHubConnectionString" : "none")
                + caFile.map(f -> ", trusting the CA in " + f).orElse("");
    }
}

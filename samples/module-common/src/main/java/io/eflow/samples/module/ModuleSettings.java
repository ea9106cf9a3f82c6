package io.eflow.samples.module;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a module reaches its edge hub over MQTT, from the variables IoT Edge's agent gives every module. Outside IoT
 * Edge (no IOTEDGE_* variables) the defaults let a sample run and show its output; {@link #defaultsUsed()} says
 * which were taken.
 *
 * @param gatewayHost IOTEDGE_GATEWAYHOSTNAME, else "edgeHub" (the hub's name on the modules' network)
 * @param port EDGEHUB_PORT, else 1883 (MQTT without TLS)
 * @param iotHubHost IOTEDGE_IOTHUBHOSTNAME
 * @param deviceId IOTEDGE_DEVICEID
 * @param moduleId IOTEDGE_MODULEID
 * @param sasToken EDGEHUB_SAS_TOKEN, the MQTT password; none when unset
 */
public record ModuleSettings(String gatewayHost, int port, String iotHubHost, String deviceId, String moduleId,
                             Optional<String> sasToken, List<String> defaultsUsed) {
    public static final String API_VERSION = "2018-06-30";
    public static final String DEFAULT_GATEWAY = "edgeHub";
    public static final int DEFAULT_PORT = 1883;
    public static final String DEFAULT_IOTHUB = "localhost";
    public static final String DEFAULT_DEVICE = "local-device";

    public ModuleSettings {
        defaultsUsed = List.copyOf(defaultsUsed);
    }

    /** @param defaultModuleId the module's name in the samples' deployment manifest */
    public static ModuleSettings from(Env env, String defaultModuleId) {
        List<String> defaults = new ArrayList<>();
        String gateway = value(env, "IOTEDGE_GATEWAYHOSTNAME", DEFAULT_GATEWAY, defaults);
        int port = (int) env.whole("EDGEHUB_PORT", DEFAULT_PORT, 1);
        if (port > 65535) {
            throw new IllegalArgumentException("EDGEHUB_PORT must be a TCP port (1-65535), not " + port);
        }
        String iotHub = value(env, "IOTEDGE_IOTHUBHOSTNAME", DEFAULT_IOTHUB, defaults);
        String device = value(env, "IOTEDGE_DEVICEID", DEFAULT_DEVICE, defaults);
        String module = value(env, "IOTEDGE_MODULEID", defaultModuleId, defaults);
        return new ModuleSettings(gateway, port, iotHub, device, module, env.optional("EDGEHUB_SAS_TOKEN"), defaults);
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

    /** Paho's server URI: tcp://host:port, an IPv6 literal in brackets. */
    public String serverUri() {
        String host = gatewayHost.contains(":") && !gatewayHost.startsWith("[") ? "[" + gatewayHost + "]" : gatewayHost;
        return "tcp://" + host + ":" + port;
    }

    /** For the start-up log line: everything but the token itself. */
    public String describe() {
        return "device " + deviceId + ", module " + moduleId + ", edgeHub " + serverUri() + ", client id "
                + clientId() + ", user " + username() + ", password "
                + (sasToken.isPresent() ? "from EDGEHUB_SAS_TOKEN" : "none");
    }
}

package io.eflow.contract.iothub;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An IoT Hub device or module connection string:
 * {@code HostName=…;DeviceId=…[;ModuleId=…];SharedAccessKey=…[;GatewayHostName=…]}. Keys are case-sensitive, as
 * IoT Hub's SDKs read them.
 */
public record ConnectionString(String hostName, String deviceId, Optional<String> moduleId, String sharedAccessKey,
                               Optional<String> gatewayHostName) {

    /** @throws IllegalArgumentException naming the missing or malformed part */
    public static ConnectionString parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.strip().split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("connection string part without '=': '" + part + "'");
            }
            // the key's base64 may end in '=': only the first '=' separates
            fields.put(part.substring(0, equals).strip(), part.substring(equals + 1).strip());
        }
        for (String required : new String[] {"HostName", "DeviceId", "SharedAccessKey"}) {
            if (fields.getOrDefault(required, "").isEmpty()) {
                throw new IllegalArgumentException("connection string without " + required);
            }
        }
        return new ConnectionString(fields.get("HostName"), fields.get("DeviceId"),
                Optional.ofNullable(fields.get("ModuleId")), fields.get("SharedAccessKey"),
                Optional.ofNullable(fields.get("GatewayHostName")));
    }

    /** The resource a token for this identity signs: {@code {host}/devices/{d}[/modules/{m}]}. */
    public String resource() {
        return hostName + "/devices/" + deviceId + moduleId.map(m -> "/modules/" + m).orElse("");
    }

    @Override
    public String toString() {
        return "HostName=" + hostName + ";DeviceId=" + deviceId + moduleId.map(m -> ";ModuleId=" + m).orElse("")
                + ";SharedAccessKey=" + sharedAccessKey + gatewayHostName.map(g -> ";GatewayHostName=" + g).orElse("");
    }
}

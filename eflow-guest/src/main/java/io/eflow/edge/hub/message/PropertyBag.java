package io.eflow.edge.hub.message;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The property bag IoT Hub's MQTT topics carry after the last '/': {@code key=value&key2=value2}, each key and value
 * URL-encoded. System properties travel under IoT Hub's short names ({@code $.ct} for contentType and so on); every
 * other key is an application property.
 */
public final class PropertyBag {
    /** IoT Hub's short names of system properties, and the {@link SystemProperties} name each stands for. */
    private static final Map<String, String> SYSTEM = Map.ofEntries(
            Map.entry("$.mid", SystemProperties.MESSAGE_ID),
            Map.entry("$.cid", SystemProperties.CORRELATION_ID),
            Map.entry("$.uid", SystemProperties.USER_ID),
            Map.entry("$.to", SystemProperties.TO),
            Map.entry("$.ct", SystemProperties.CONTENT_TYPE),
            Map.entry("$.ce", SystemProperties.CONTENT_ENCODING),
            Map.entry("$.exp", SystemProperties.EXPIRY_TIME_UTC),
            Map.entry("$.ctime", SystemProperties.CREATION_TIME_UTC),
            Map.entry("$.cdid", SystemProperties.CONNECTION_DEVICE_ID),
            Map.entry("$.cmid", SystemProperties.CONNECTION_MODULE_ID),
            Map.entry("$.sub", SystemProperties.SUBJECT),
            Map.entry("$.schema", SystemProperties.DATA_SCHEMA));
    private static final Map<String, String> SHORT = invert(SYSTEM);
    /** The output a module sends through: IoT Edge's module SDKs name it in the bag, it is no message property. */
    private static final String OUTPUT_NAME = "$.on";

    /**
     * A decoded bag: system properties by {@link SystemProperties} name, the rest as application properties.
     *
     * @param output the output name ({@code $.on}) a module's SDK put in the bag, when it put a non-empty one
     */
    public record Properties(Map<String, String> system, Map<String, String> application, Optional<String> output) {
        public Properties {
            system = Map.copyOf(system);
            application = Map.copyOf(application);
            Objects.requireNonNull(output, "output");
        }
    }

    private PropertyBag() {
    }

    /**
     * Reads a bag. The output name {@code $.on} goes to {@link Properties#output()}; other unknown {@code $.}-keys (an
     * interface id) are dropped: the topic or the connection says what they would. A key without '=' has the empty
     * value.
     *
     * @throws IllegalArgumentException for a malformed %-escape
     */
    public static Properties decode(String bag) {
        Map<String, String> system = new LinkedHashMap<>();
        Map<String, String> application = new LinkedHashMap<>();
        String output = null;
        if (bag == null || bag.isEmpty()) {
            return new Properties(system, application, Optional.empty());
        }
        for (String pair : bag.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decodePart(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodePart(pair.substring(equals + 1));
            if (key.equals(OUTPUT_NAME)) {
                output = value.isEmpty() ? null : value;
            } else if (key.startsWith("$.")) {
                String name = SYSTEM.get(key);
                if (name != null) {
                    system.put(name, value);
                }
            } else if (!key.isEmpty()) {
                application.put(key, value);
            }
        }
        return new Properties(system, application, Optional.ofNullable(output));
    }

    /** Writes the bag of a message's properties: system properties first (those IoT Hub has short names for). */
    public static String encode(Map<String, String> systemProperties, Map<String, String> applicationProperties) {
        StringBuilder bag = new StringBuilder();
        systemProperties.forEach((name, value) -> {
            String key = SHORT.get(name);
            if (key != null) {
                append(bag, key, value);
            }
        });
        applicationProperties.forEach((name, value) -> append(bag, name, value));
        return bag.toString();
    }

    private static void append(StringBuilder bag, String key, String value) {
        if (!bag.isEmpty()) {
            bag.append('&');
        }
        bag.append(encodePart(key)).append('=').append(encodePart(value));
    }

    private static String encodePart(String part) {
        // URLEncoder writes form encoding (space as '+'); IoT Hub's bags use %20
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decodePart(String part) {
        // a literal '+' stays a '+': bags are not form data
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> inverted = new LinkedHashMap<>();
        map.forEach((k, v) -> inverted.put(v, k));
        return Map.copyOf(inverted);
    }
}

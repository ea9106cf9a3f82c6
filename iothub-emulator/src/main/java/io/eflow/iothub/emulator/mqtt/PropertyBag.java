package io.eflow.iothub.emulator.mqtt;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The property bag IoT Hub's MQTT topics end in: {@code k=v&k2=v2}, URL-encoded, system properties prefixed
 * {@code $.}. The SDKs differ in how they write it: with or without a trailing slash, empty, keys without a value, values
 * encoded or not (the C SDK leaves {@code /} in a content type as it is): all are read the same.
 *
 * @param properties       application properties
 * @param systemProperties by IoT Hub's full names ({@code messageId}, {@code contentType}, …); unknown {@code $.}
 *                         names are kept under their short name
 */
public record PropertyBag(Map<String, String> properties, Map<String, String> systemProperties) {
    /** The short names the bag uses for IoT Hub's system properties. */
    static final Map<String, String> SYSTEM_NAMES = Map.ofEntries(
            Map.entry("$.mid", "messageId"), Map.entry("$.cid", "correlationId"), Map.entry("$.uid", "userId"),
            Map.entry("$.ct", "contentType"), Map.entry("$.ce", "contentEncoding"), Map.entry("$.on", "outputName"),
            Map.entry("$.to", "to"), Map.entry("$.exp", "expiryTimeUtc"), Map.entry("$.ctime", "creationTimeUtc"),
            Map.entry("$.ifid", "interfaceId"), Map.entry("$.sub", "componentName"),
            Map.entry("$.cdid", "connectionDeviceId"), Map.entry("$.cmid", "connectionModuleId"));

    public PropertyBag {
        properties = Map.copyOf(properties);
        systemProperties = Map.copyOf(systemProperties);
    }

    public static PropertyBag parse(String bag) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> system = new LinkedHashMap<>();
        String text = bag.endsWith("/") ? bag.substring(0, bag.length() - 1) : bag;
        if (text.startsWith("?")) {
            text = text.substring(1);
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (key.startsWith("$.")) {
                system.put(SYSTEM_NAMES.getOrDefault(key, key.substring(2)), value);
            } else if (key.startsWith("$")) {
                // $-names outside "$." belong to the protocol ($rid, $version), not to a message
                continue;
            } else {
                properties.put(key, value);
            }
        }
        return new PropertyBag(properties, system);
    }

    /** The bag for a message sent to a device: short system names, every part URL-encoded. */
    public static String encode(Map<String, String> shortSystemProperties, Map<String, String> properties) {
        StringBuilder bag = new StringBuilder();
        shortSystemProperties.forEach((key, value) -> append(bag, "$." + key, value));
        properties.forEach((key, value) -> append(bag, key, value));
        return bag.toString();
    }

    private static void append(StringBuilder bag, String key, String value) {
        if (bag.length() > 0) {
            bag.append('&');
        }
        bag.append(encode(key)).append('=').append(encode(value));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String text) {
        try {
            // '+' is not an escape in IoT Hub's bags (encodeURIComponent writes %20): keep it
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // a lone '%' in an unencoded value: take the text as it came
            return text;
        }
    }
}

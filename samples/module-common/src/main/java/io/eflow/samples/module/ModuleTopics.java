package io.eflow.samples.module;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The MQTT topics of an IoT Edge module on its edge hub. A module sends to one of its outputs with
 * {@code devices/{deviceId}/modules/{moduleId}/messages/events/{property bag}}, the output's name being the
 * system property {@code $.on}; it receives on {@code devices/{deviceId}/modules/{moduleId}/inputs/{input}/...},
 * the property bag after the input's name.
 *
 * <p>A property bag is "key=value" pairs joined by "&amp;", URL-encoded as IoT Hub does. System properties
 * ({@code $.on}, {@code $.ct}, ...) keep their key as it is; every other key and every value is encoded.
 */
public final class ModuleTopics {
    /** The system property that names a module's output. */
    public static final String OUTPUT_PROPERTY = "$.on";

    private ModuleTopics() {
    }

    /** The topic a module publishes to for one output, {@code $.on} first and then {@code properties}. */
    public static String output(String deviceId, String moduleId, String output, Map<String, String> properties) {
        Map<String, String> bag = new LinkedHashMap<>();
        bag.put(OUTPUT_PROPERTY, output);
        properties.forEach((key, value) -> {
            if (!key.equals(OUTPUT_PROPERTY)) {
                bag.put(key, value);
            }
        });
        return "devices/" + deviceId + "/modules/" + moduleId + "/messages/events/" + encodeProperties(bag);
    }

    /** The filter that subscribes to one input with every property bag: {@code .../inputs/{input}/#}. */
    public static String inputSubscription(String deviceId, String moduleId, String input) {
        return inputPrefix(deviceId, moduleId) + input + "/#";
    }

    /** A message that arrived on an input: the input's name and the properties of the topic's bag. */
    public record Input(String name, Map<String, String> properties) {
        public Input {
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }
    }

    /** The input a topic is for, empty when it is not an input topic of this module. */
    public static Optional<Input> parseInput(String topic, String deviceId, String moduleId) {
        String prefix = inputPrefix(deviceId, moduleId);
        if (!topic.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = topic.substring(prefix.length());
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Input(name, decodeProperties(slash < 0 ? "" : rest.substring(slash + 1))));
    }

    public static String encodeProperties(Map<String, String> properties) {
        StringJoiner bag = new StringJoiner("&");
        properties.forEach((key, value) -> bag.add(
                (isSystem(key) ? key : encode(key)) + "=" + encode(value == null ? "" : value)));
        return bag.toString();
    }

    public static Map<String, String> decodeProperties(String bag) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : bag.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            properties.put(decode(key), decode(value));
        }
        return properties;
    }

    /** IoT Hub's system properties: "$." and a name. */
    public static boolean isSystem(String key) {
        return key.startsWith("$.");
    }

    private static String inputPrefix(String deviceId, String moduleId) {
        return "devices/" + deviceId + "/modules/" + moduleId + "/inputs/";
    }

    /** Percent-encoding with "%20" for a space (URLEncoder's "+" would be a literal plus to IoT Hub). */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a stray '%': keep what was sent
        }
    }
}

package io.eflow.daemon.api;

import io.eflow.platform.EflowException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A message from the host into a module's input ({@code POST …/hub/publish}): the body as bytes (base64 in JSON) or
 * as text, its application properties, and the two system properties IoT Hub routing reads a body by.
 */
public record HubPublish(String module, String input, byte[] body, String text, Map<String, String> properties,
                         String contentType, String contentEncoding) {
    /** A module or endpoint name: one path segment, as in {@code BrokeredEndpoint("/modules/filter/inputs/input1")}. */
    private static final Pattern NAME = Pattern.compile("[^/\\s]+");

    /** The message as the agent gets it: names checked, exactly one body, and text said to be UTF-8 unless told. */
    public HubPublish checked() {
        checkName(module, "module");
        checkName(input, "input");
        if ((body == null) == (text == null)) {
            throw new EflowException("a message needs a body (base64) or a text, not " + (body == null ? "neither" : "both"));
        }
        Map<String, String> checkedProperties = new LinkedHashMap<>();
        if (properties != null) {
            properties.forEach((key, value) -> {
                if (key == null || key.isBlank() || value == null) {
                    throw new EflowException("message properties need a name and a value, not '" + key + "'='" + value + "'");
                }
                checkedProperties.put(key, value);
            });
        }
        if (text != null) {
            return new HubPublish(module, input, text.getBytes(StandardCharsets.UTF_8), null, checkedProperties, contentType,
                    contentEncoding == null ? "utf-8" : contentEncoding);
        }
        return new HubPublish(module, input, body, null, checkedProperties, contentType, contentEncoding);
    }

    /** Checks a module, input or output name from the user: one non-empty path segment. */
    public static String checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new EflowException(what + " must be a name without '/' or spaces, not '" + name + "'");
        }
        return name;
    }
}

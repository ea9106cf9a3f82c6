package io.eflow.contract.iothub;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * IoT Hub's twin limits ("Understand and use device twins in IoT Hub"): tags 8 KB, desired and reported 32 KB each,
 * objects nested at most 10 deep. The size is IoT Hub's, not the JSON text's: each key's UTF-8 length plus its
 * value's (a string's UTF-8 length, 8 for a number, 4 for a boolean, an object the sum of its members); read-only
 * {@code $} members ({@code $version}, {@code $metadata}) do not count. An operation that would take a section past its
 * limit is refused whole with 400, and nothing of it is applied: by the emulator as by IoT Hub, and by the edge hub for
 * its modules' twins, so that a module learns at once what IoT Hub would refuse when the twin is synchronized.
 */
public final class TwinLimits {
    public static final int TAGS_BYTES = 8 * 1024;
    public static final int PROPERTIES_BYTES = 32 * 1024;
    public static final int MAX_DEPTH = 10;
    public static final int KEY_BYTES = 1024;
    public static final int STRING_VALUE_BYTES = 4096;

    private TwinLimits() {
    }

    /** A twin section past one of IoT Hub's limits: the whole change is refused with 400. */
    public static final class ExceededException extends IllegalArgumentException {
        ExceededException(String message) {
            super(message);
        }
    }

    /** @throws ExceededException when {@code document} (the section after the change) breaks a limit */
    public static void check(String section, JsonNode document, int maxBytes) {
        long size = size(document);
        if (size > maxBytes) {
            throw new ExceededException("Twin " + section + " would be " + size
                    + " bytes, more than IoT Hub's limit of " + maxBytes + " bytes.");
        }
        checkMembers(section, document);
        int depth = depth(document);
        if (depth > MAX_DEPTH) {
            throw new ExceededException("Twin " + section + " nests objects " + depth
                    + " levels deep, more than IoT Hub's limit of " + MAX_DEPTH + ".");
        }
    }

    private static void checkMembers(String section, JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (key.getBytes(StandardCharsets.UTF_8).length > KEY_BYTES) {
                    throw new ExceededException("Twin " + section + " has a key longer than " + KEY_BYTES + " bytes.");
                }
                if (key.isEmpty() || key.chars().anyMatch(c -> c == '.' || c == ' ' || Character.isISOControl(c))) {
                    throw new ExceededException("Twin " + section + " key '" + key + "' is empty or holds a control"
                            + " character, '.' or a space.");
                }
                checkMembers(section, field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(element -> checkMembers(section, element));
        } else if (node.isTextual() && node.asText().getBytes(StandardCharsets.UTF_8).length > STRING_VALUE_BYTES) {
            throw new ExceededException("Twin " + section + " has a string value longer than " + STRING_VALUE_BYTES + " bytes.");
        }
    }

    public static long size(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return 0;
        }
        if (node.isObject()) {
            long sum = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().startsWith("$")) {
                    continue;
                }
                sum += field.getKey().getBytes(StandardCharsets.UTF_8).length + size(field.getValue());
            }
            return sum;
        }
        if (node.isArray()) {
            long sum = 0;
            for (JsonNode element : node) {
                sum += size(element);
            }
            return sum;
        }
        if (node.isNumber()) {
            return 8;
        }
        if (node.isBoolean()) {
            return 4;
        }
        return node.asText().getBytes(StandardCharsets.UTF_8).length;
    }

    /** Levels of objects below the section's root: {@code {"a":1}} is 1, {@code {"a":{"b":1}}} is 2. */
    public static int depth(JsonNode node) {
        if (!node.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + (node.isObject() ? 1 : 0);
    }
}

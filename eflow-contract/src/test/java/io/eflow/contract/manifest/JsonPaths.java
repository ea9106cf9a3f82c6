package io.eflow.contract.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a JSON path that an error names leads somewhere in the document: {@code $}, or dotted keys with
 * {@code [i]} indexes, where a key may itself hold dots ({@code properties.desired}), Docker's keys match ignoring
 * case, and a string holding JSON (createOptions, perhaps cut into createOptions01, …) is walked into. Every step
 * must exist but the last, which may be a required field that is missing.
 */
final class JsonPaths {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATE_OPTIONS = "createOptions";

    private JsonPaths() {
    }

    static boolean leadsInto(JsonNode document, String path) {
        return path.equals("$") || walk(document, path);
    }

    private static boolean walk(JsonNode node, String rest) {
        if (rest.isEmpty()) {
            return true;
        }
        JsonNode here = node.isTextual() ? parsed(node.textValue()).orElse(node) : node;
        if (!here.isObject()) {
            return false;
        }
        // the longest key that the path goes on from, since keys may hold dots
        for (int end = rest.length(); end > 0; end--) {
            boolean boundary = end == rest.length() || rest.charAt(end) == '.' || rest.charAt(end) == '[';
            if (!boundary) {
                continue;
            }
            Optional<JsonNode> child = field(here, rest.substring(0, end));
            if (child.isPresent() && indexes(child.get(), rest.substring(end))) {
                return true;
            }
        }
        // a required field that is missing: the last step, itself free of dots but for IoT Edge's dotted twin key
        return rest.indexOf('.') < 0 || rest.equals("properties.desired");
    }

    /** Follows {@code [i][j]} and then the rest of the path. */
    private static boolean indexes(JsonNode node, String rest) {
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || !node.isArray()) {
                return false;
            }
            int index;
            try {
                index = Integer.parseInt(rest.substring(1, close));
            } catch (NumberFormatException e) {
                return false;
            }
            return node.has(index) && indexes(node.get(index), rest.substring(close + 1));
        }
        return rest.isEmpty() || rest.startsWith(".") && walk(node, rest.substring(1));
    }

    private static Optional<JsonNode> field(JsonNode object, String key) {
        if (key.equals(CREATE_OPTIONS) && object.has(CREATE_OPTIONS + "01")) {
            StringBuilder joined = new StringBuilder(object.path(CREATE_OPTIONS).asText());
            for (int part = 1; object.has(String.format("%s%02d", CREATE_OPTIONS, part)); part++) {
                joined.append(object.get(String.format("%s%02d", CREATE_OPTIONS, part)).asText());
            }
            return Optional.of(JSON.getNodeFactory().textNode(joined.toString()));
        }
        if (object.has(key)) {
            return Optional.of(object.get(key));
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(key)) {
                return Optional.of(field.getValue());
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> parsed(String text) {
        try {
            return Optional.ofNullable(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}

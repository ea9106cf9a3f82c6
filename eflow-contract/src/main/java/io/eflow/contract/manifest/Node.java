package io.eflow.contract.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One JSON value of a manifest and its path. Reading it as the wrong type fails with that path, which is why the
 * readers walk Jackson's tree instead of binding classes: binding coerces types and loses the path of a problem.
 */
final class Node {
    private final JsonNode json;
    private final String path;
    private final List<String> warnings;
    private final boolean ignoreCase;

    private Node(JsonNode json, String path, List<String> warnings, boolean ignoreCase) {
        this.json = json;
        this.path = path;
        this.warnings = warnings;
        this.ignoreCase = ignoreCase;
    }

    static Node root(JsonNode json, List<String> warnings) {
        return new Node(json, "", warnings, false);
    }

    /** A Docker document found here; Docker (and IoT Edge's agent) match its field names ignoring case. */
    Node dockerDocument(JsonNode document) {
        return new Node(document, path, warnings, true);
    }

    Node child(String key, JsonNode value) {
        return new Node(value, path.isEmpty() ? key : path + "." + key, warnings, ignoreCase);
    }

    JsonNode json() {
        return json;
    }

    String path() {
        return path.isEmpty() ? "$" : path;
    }

    boolean ignoresCase() {
        return ignoreCase;
    }

    void warn(String message) {
        warnings.add(path() + ": " + message);
    }

    ManifestException fail(String problem) {
        return new ManifestException(path(), problem);
    }

    Fields fields() {
        expect(json.isObject(), "an object");
        return new Fields(this);
    }

    /** An object used as a map (module names, labels, routes): its members in document order. */
    Map<String, Node> members() {
        expect(json.isObject(), "an object");
        Map<String, Node> members = new LinkedHashMap<>();
        json.fields().forEachRemaining(e -> members.put(e.getKey(), child(e.getKey(), e.getValue())));
        return members;
    }

    <T> Map<String, T> map(Function<Node, T> reader) {
        Map<String, T> map = new LinkedHashMap<>();
        members().forEach((key, member) -> map.put(key, reader.apply(member)));
        return Collections.unmodifiableMap(map);
    }

    <T> List<T> list(Function<Node, T> reader) {
        expect(json.isArray(), "an array");
        List<T> list = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            list.add(reader.apply(new Node(json.get(i), path + "[" + i + "]", warnings, ignoreCase)));
        }
        return List.copyOf(list);
    }

    List<String> texts() {
        return list(Node::text);
    }

    /** Docker's "string slice" (Cmd, Entrypoint): one string or an array of strings. */
    List<String> textOrTexts() {
        return json.isTextual() ? List.of(json.textValue()) : texts();
    }

    String text() {
        expect(json.isTextual(), "a string");
        return json.textValue();
    }

    String nonBlankText() {
        String text = text();
        if (text.isBlank()) {
            throw fail("must not be empty");
        }
        return text;
    }

    String absolutePath() {
        String text = nonBlankText();
        if (!text.startsWith("/")) {
            throw fail("must be an absolute path, not '" + text + "'");
        }
        return text;
    }

    long integer(long min, long max) {
        String range = max == Long.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        expect(json.isIntegralNumber(), range);
        if (!json.canConvertToLong() || json.longValue() < min || json.longValue() > max) {
            throw fail("must be " + range + ", not " + json);
        }
        return json.longValue();
    }

    boolean bool() {
        expect(json.isBoolean(), "true or false");
        return json.booleanValue();
    }

    /** The enum constant whose manifest spelling is this string: ON_FAILURE is written "on-failure". */
    <E extends Enum<E>> E oneOf(Class<E> type) {
        String text = text();
        List<String> spellings = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String spelling = spelling(constant);
            if (spelling.equals(text)) {
                return constant;
            }
            spellings.add(spelling);
        }
        throw fail("must be one of " + String.join(", ", spellings) + ", not '" + text + "'");
    }

    static String spelling(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Applies a parser of strings (image references, ports) to the given text, failing here with its reason. */
    <T> T parse(String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    private void expect(boolean matches, String what) {
        if (!matches) {
            throw fail("must be " + what + ", not " + kind());
        }
    }

    private String kind() {
        return switch (json.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "the number " + json;
            case BOOLEAN -> json.toString();
            default -> "null";
        };
    }
}

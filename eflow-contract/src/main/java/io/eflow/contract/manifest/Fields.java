package io.eflow.contract.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of one JSON object, read by name. {@link #finish} then warns about every field nobody read: eflow
 * keeps them in the document but does nothing with them, and the user should know.
 */
final class Fields {
    private final Node node;
    private final Set<String> read = new HashSet<>();

    Fields(Node node) {
        this.node = node;
    }

    Node node() {
        return node;
    }

    List<String> names() {
        List<String> names = new ArrayList<>();
        node.json().fieldNames().forEachRemaining(names::add);
        return names;
    }

    boolean has(String name) {
        return key(name) != null;
    }

    /** The field, or empty when it is absent or null (Docker and IoT Edge treat a null as absent). */
    Optional<Node> optional(String name) {
        String key = key(name);
        if (key == null) {
            return Optional.empty();
        }
        read.add(key);
        JsonNode value = node.json().get(key);
        return value.isNull() ? Optional.empty() : Optional.of(node.child(key, value));
    }

    Node required(String name) {
        return required(name, "is required");
    }

    Node required(String name, String problem) {
        return optional(name).orElseThrow(() -> node.child(name, null).fail(problem));
    }

    String text(String name) {
        return required(name).nonBlankText();
    }

    String text(String name, String absent) {
        return optional(name).map(Node::text).orElse(absent);
    }

    /** An absolute path, or {@code absent} when the field is absent or empty (Docker's "not set"). */
    String absolutePath(String name, String absent) {
        return optional(name).filter(value -> !value.text().isEmpty()).map(Node::absolutePath).orElse(absent);
    }

    long integer(String name, long min, long max, long absent) {
        return optional(name).map(value -> value.integer(min, max)).orElse(absent);
    }

    boolean bool(String name) {
        return optional(name).map(Node::bool).orElse(false);
    }

    List<String> texts(String name) {
        return optional(name).map(Node::texts).orElse(List.of());
    }

    <E extends Enum<E>> E oneOf(String name, Class<E> type, E absent) {
        return optional(name).map(value -> value.oneOf(type)).orElse(absent);
    }

    void finish() {
        for (String name : names()) {
            if (!read.contains(name)) {
                node.child(name, node.json().get(name)).warn("unknown field, ignored");
            }
        }
    }

    private String key(String name) {
        if (!node.ignoresCase()) {
            return node.json().has(name) ? name : null;
        }
        List<String> matches = names().stream().filter(name::equalsIgnoreCase).toList();
        if (matches.size() > 1) {
            throw node.child(matches.get(1), null).fail("repeats " + matches.get(0) + " (Docker reads field names ignoring case)");
        }
        return matches.isEmpty() ? null : matches.get(0);
    }
}

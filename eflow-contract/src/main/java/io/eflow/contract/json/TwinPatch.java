package io.eflow.contract.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * IoT Hub's rule for twin patches, one implementation for the edge hub's twins, the cloud link and the emulator: a
 * JSON merge patch (RFC 7386: objects merge member by member, {@code null} removes, anything else replaces), in which
 * IoT Hub's bookkeeping ({@code $version}, {@code $metadata} and its {@code $lastUpdated…}) is never patched. Other
 * names that start with {@code $} are content: a deployment in a device twin has {@code modulesContent.$edgeAgent}.
 */
public final class TwinPatch {
    private static final Set<String> BOOKKEEPING = Set.of("$version", "$metadata", "$lastUpdated", "$lastUpdatedVersion");

    private TwinPatch() {
    }

    /** Applies {@code patch} to {@code target} in place. */
    public static void apply(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (BOOKKEEPING.contains(name)) {
                continue;
            }
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject()) {
                // a new object is merged into an empty one, so the nulls in it remove nothing and are not kept
                ObjectNode into = target.get(name) instanceof ObjectNode existing ? existing : target.putObject(name);
                apply(into, value);
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }

    /** {@code base} with {@code patch} applied; {@code base} is left as it was. */
    public static ObjectNode merged(ObjectNode base, JsonNode patch) {
        ObjectNode result = base.deepCopy();
        apply(result, patch);
        return result;
    }

    /**
     * The smallest patch that turns {@code from} into {@code to}: changed and added members, removed ones as null,
     * nested objects as patches of their own. IoT Hub's bookkeeping is left out on both sides.
     */
    public static ObjectNode diff(JsonNode from, JsonNode to) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        if (from != null && from.isObject()) {
            for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!BOOKKEEPING.contains(name) && !to.has(name)) {
                    patch.putNull(name);
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = to.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode old = from == null ? null : from.get(name);
            if (BOOKKEEPING.contains(name) || value.equals(old)) {
                continue;
            }
            if (old != null && old.isObject() && value.isObject()) {
                patch.set(name, diff(old, value));
            } else {
                patch.set(name, value.deepCopy());
            }
        }
        return patch;
    }

    /** A copy of a twin section without IoT Hub's bookkeeping at its top level ({@code $version}, {@code $metadata}). */
    public static ObjectNode withoutMetadata(JsonNode section) {
        ObjectNode copy = section != null && section.isObject() ? ((ObjectNode) section).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        copy.properties().removeIf(field -> BOOKKEEPING.contains(field.getKey()));
        return copy;
    }
}

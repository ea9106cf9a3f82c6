package io.eflow.iothub.emulator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A twin's content, replaced whole on each change (the registry swaps the value under its lock, so a reader never sees
 * a half-applied patch). Desired and reported each count their own {@code $version}; {@code version} counts every
 * change and makes the twin's ETag.
 */
public record TwinState(ObjectNode tags, ObjectNode desired, long desiredVersion, ObjectNode reported,
                        long reportedVersion, long version) {
    public TwinState {
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(reported, "reported");
    }

    /** A new identity's twin: empty sections, each at {@code $version} 1, as IoT Hub starts them. */
    public static TwinState empty() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return new TwinState(json.objectNode(), json.objectNode(), 1, json.objectNode(), 1, 1);
    }

    public String etag() {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }

    /** The section as the device reads it: its members and {@code $version}. */
    public ObjectNode desiredDocument() {
        return desired.deepCopy().put("$version", desiredVersion);
    }

    public ObjectNode reportedDocument() {
        return reported.deepCopy().put("$version", reportedVersion);
    }

    /** A JSON merge patch of desired (a null removes a member); checked against the limits before it is taken. */
    public TwinState patchDesired(ObjectNode patch) {
        ObjectNode next = merged(desired, patch);
        TwinLimits.check("properties/desired", next, TwinLimits.PROPERTIES_BYTES);
        return new TwinState(tags, next, desiredVersion + 1, reported, reportedVersion, version + 1);
    }

    /** Desired replaced whole (a deployment's module content). */
    public TwinState replaceDesired(ObjectNode content) {
        ObjectNode next = withoutDollarMembers(content);
        TwinLimits.check("properties/desired", next, TwinLimits.PROPERTIES_BYTES);
        return new TwinState(tags, next, desiredVersion + 1, reported, reportedVersion, version + 1);
    }

    public TwinState patchReported(ObjectNode patch) {
        ObjectNode next = merged(reported, patch);
        TwinLimits.check("properties/reported", next, TwinLimits.PROPERTIES_BYTES);
        return new TwinState(tags, desired, desiredVersion, next, reportedVersion + 1, version + 1);
    }

    public TwinState patchTags(ObjectNode patch) {
        ObjectNode next = merged(tags, patch);
        TwinLimits.check("tags", next, TwinLimits.TAGS_BYTES);
        return new TwinState(next, desired, desiredVersion, reported, reportedVersion, version + 1);
    }

    static ObjectNode merged(ObjectNode base, ObjectNode patch) {
        ObjectNode result = base.deepCopy();
        mergeInto(result, patch);
        return result;
    }

    private static void mergeInto(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.startsWith("$")) {
                // $version, $metadata: read-only, the hub's own
                continue;
            }
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && target.get(key) instanceof ObjectNode existing) {
                mergeInto(existing, (ObjectNode) value);
            } else if (value.isObject()) {
                ObjectNode fresh = target.putObject(key);
                mergeInto(fresh, (ObjectNode) value);
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static ObjectNode withoutDollarMembers(ObjectNode content) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        mergeInto(result, content);
        return result;
    }
}

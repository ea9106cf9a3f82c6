package io.eflow.iothub.emulator.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.TwinLimits;
import io.eflow.contract.json.TwinPatch;

import java.nio.ByteBuffer;
import java.util.Base64;
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
        ObjectNode next = TwinPatch.merged(desired, patch);
        limit("properties/desired", next, TwinLimits.PROPERTIES_BYTES);
        return new TwinState(tags, next, desiredVersion + 1, reported, reportedVersion, version + 1);
    }

    /** Desired replaced whole (a deployment's module content). */
    public TwinState replaceDesired(ObjectNode content) {
        ObjectNode next = withoutDollarMembers(content);
        limit("properties/desired", next, TwinLimits.PROPERTIES_BYTES);
        return new TwinState(tags, next, desiredVersion + 1, reported, reportedVersion, version + 1);
    }

    public TwinState patchReported(ObjectNode patch) {
        ObjectNode next = TwinPatch.merged(reported, patch);
        limit("properties/reported", next, TwinLimits.PROPERTIES_BYTES);
        return new TwinState(tags, desired, desiredVersion, next, reportedVersion + 1, version + 1);
    }

    public TwinState patchTags(ObjectNode patch) {
        ObjectNode next = TwinPatch.merged(tags, patch);
        limit("tags", next, TwinLimits.TAGS_BYTES);
        return new TwinState(next, desired, desiredVersion, reported, reportedVersion, version + 1);
    }

    /** IoT Hub refuses a section past its limits with 400 ArgumentInvalid. */
    private static void limit(String section, ObjectNode next, int maxBytes) {
        try {
            TwinLimits.check(section, next, maxBytes);
        } catch (TwinLimits.ExceededException e) {
            throw HubException.badRequest(e.getMessage());
        }
    }

    private static ObjectNode withoutDollarMembers(ObjectNode content) {
        return TwinPatch.merged(JsonNodeFactory.instance.objectNode(), content);
    }
}

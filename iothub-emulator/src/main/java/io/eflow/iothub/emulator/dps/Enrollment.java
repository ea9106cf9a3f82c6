package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An individual enrollment (one registration id) or an enrollment group (every device its attestation admits).
 *
 * @param id          the registration id, or the group's id
 * @param deviceId    an individual enrollment's device id in the hub, when not its registration id
 * @param initialTwin {@code {"tags": {…}, "properties": {"desired": {…}}}}, given to a device the hub did not have
 */
public record Enrollment(Kind kind, String id, Attestation attestation, Optional<String> deviceId, boolean iotEdge,
                         Optional<ObjectNode> initialTwin, boolean enabled, long etagVersion, Instant created,
                         Instant updated) {
    public enum Kind {
        INDIVIDUAL, GROUP
    }

    public Enrollment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(attestation, "attestation");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(initialTwin, "initialTwin");
    }

    /** This enrollment as stored again: a new ETag, and its first creation time kept. */
    Enrollment replacing(Enrollment old, Instant now) {
        return new Enrollment(kind, id, attestation, deviceId, iotEdge, initialTwin, enabled, old.etagVersion + 1,
                old.created, now);
    }
}

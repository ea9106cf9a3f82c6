package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;

/**
 * The device's provisioning, without secrets: its type, the hub and device it names (for DPS: the ones DPS assigned,
 * null before it has), how its link to the hub stands now, the last error (a refused key, a disabled device, a hub
 * or DPS that cannot be reached), and for DPS types how the registration stands.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisioningState(ProvisioningType type, String hub, String device, Link state, String lastError,
                                Instant since, Registration dps) {
    public static ProvisioningState notProvisioned() {
        return new ProvisioningState(null, null, null, Link.NOT_PROVISIONED, null, null, null);
    }

    public ProvisioningState(ProvisioningType type, String hub, String device, Link state, String lastError, Instant since) {
        this(type, hub, device, state, lastError, since, null);
    }

    public ProvisioningState withDps(Registration registration) {
        return new ProvisioningState(type, hub, device, state, lastError, since, registration);
    }

    /**
     * The device's registration with DPS.
     *
     * @param status      DPS's word: {@code assigned}, {@code assigning}, {@code failed}, {@code disabled}; or
     *                    {@code unreachable} while DPS cannot be reached
     * @param substatus   how the device came to its hub: {@code initialAssignment}, {@code deviceDataMigrated}, …
     * @param error       DPS's error in plain words, with its code
     * @param nextAttempt when the next try is due, while one is
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Registration(String endpoint, String scopeId, String registrationId, String status, String substatus,
                               String error, Instant assignedAt, Instant nextAttempt) {
    }

    public boolean provisioned() {
        return state != Link.NOT_PROVISIONED;
    }

    /** How the link to IoT Hub stands. */
    public enum Link {
        NOT_PROVISIONED("not-provisioned"),
        /** Provisioned; the first connection is being made, or is being made again after a drop. */
        CONNECTING("connecting"),
        /** A DPS provisioning waiting for DPS to assign the device, retried with back-off while DPS cannot be reached. */
        REGISTERING("registering"),
        CONNECTED("connected"),
        /** The hub answered and said no: a wrong key, an unknown or disabled device. Retried, more slowly. */
        REFUSED("refused"),
        /** The hub could not be reached; everything local goes on, telemetry waits in the store. */
        OFFLINE("offline");

        private final String name;

        Link(String name) {
            this.name = name;
        }

        @JsonValue
        public String wireName() {
            return name;
        }
    }
}

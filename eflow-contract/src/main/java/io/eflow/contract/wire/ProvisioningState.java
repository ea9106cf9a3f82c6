package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;

/**
 * The device's provisioning, without secrets: its type, the hub and device it names, how its link to the hub stands
 * now, and the last error the hub gave (a refused key, a disabled device, a hub that cannot be reached).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisioningState(ProvisioningType type, String hub, String device, Link state, String lastError,
                                Instant since) {
    public static ProvisioningState notProvisioned() {
        return new ProvisioningState(null, null, null, Link.NOT_PROVISIONED, null, null);
    }

    public boolean provisioned() {
        return state != Link.NOT_PROVISIONED;
    }

    /** How the link to IoT Hub stands. */
    public enum Link {
        NOT_PROVISIONED("not-provisioned"),
        /** Provisioned; the first connection is being made, or is being made again after a drop. */
        CONNECTING("connecting"),
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

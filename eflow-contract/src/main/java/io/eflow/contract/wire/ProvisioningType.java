package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Provision-EflowVm's {@code -provisioningType}, by the names eflow's CLI uses for them. */
public enum ProvisioningType {
    MANUAL_CONNECTION_STRING("manual-connection-string"),
    MANUAL_X509("manual-x509"),
    DPS_SYMMETRIC_KEY("dps-symmetric-key"),
    DPS_X509("dps-x509"),
    DPS_TPM("dps-tpm");

    private final String name;

    ProvisioningType(String name) {
        this.name = name;
    }

    @JsonValue
    public String wireName() {
        return name;
    }

    /** The type by its name; an unknown name is refused with the list of known ones. */
    @JsonCreator
    public static ProvisioningType of(String name) {
        return Arrays.stream(values()).filter(t -> t.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown provisioning type '" + name + "': one of "
                        + Arrays.stream(values()).map(ProvisioningType::wireName).collect(Collectors.joining(", "))));
    }

    /** Whether the device learns its hub and id from the Device Provisioning Service. */
    public boolean dps() {
        return name.startsWith("dps-");
    }

    @Override
    public String toString() {
        return name;
    }
}

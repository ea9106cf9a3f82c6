package io.eflow.edge.cloud;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.wire.ProvisioningType;

import java.util.Optional;

/**
 * How the device is provisioned: its type, its IoT Hub device connection string (it holds the key) and the PEM
 * certificates it trusts beyond the public CAs.
 */
public record Provisioning(ProvisioningType type, String connectionString, String trustBundle) {

    /**
     * A provisioning from what the user gave; malformed input is refused here, before anything is tried.
     *
     * @throws IllegalArgumentException naming what is wrong, never quoting the key
     */
    public static Provisioning of(ProvisioningType type, String connectionString, String trustBundle) {
        if (type == null) {
            throw new IllegalArgumentException("the provisioning type is missing");
        }
        if (connectionString == null || connectionString.isBlank()) {
            throw new IllegalArgumentException("a manual-connection-string provisioning needs the device's connection string");
        }
        ConnectionString parsed = ConnectionString.parse(connectionString);
        if (parsed.moduleId().isPresent()) {
            throw new IllegalArgumentException("that is a module's connection string: provisioning takes the edge device's"
                    + " (HostName=…;DeviceId=…;SharedAccessKey=…)");
        }
        if (!parsed.hostName().matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("the connection string's HostName is not a host name: '" + parsed.hostName() + "'");
        }
        Provisioning provisioning = new Provisioning(type, parsed.toString(),
                trustBundle == null || trustBundle.isBlank() ? null : trustBundle);
        provisioning.trust(); // a bundle that holds no certificate is refused now, not at the first connection
        return provisioning;
    }

    @JsonIgnore
    public ConnectionString device() {
        return ConnectionString.parse(connectionString);
    }

    @JsonIgnore
    public TrustBundle trust() {
        return TrustBundle.of(Optional.ofNullable(trustBundle));
    }

    @Override
    public String toString() {
        ConnectionString device = device();
        return "Provisioning[" + type + ", hub " + device.hostName() + ", device " + device.deviceId() + "]";
    }
}

package io.eflow.modules;

import io.eflow.contract.wire.Check;
import io.eflow.contract.wire.CloudRequest;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.daemon.api.ProvisionRequest;
import io.eflow.platform.EflowException;

/**
 * The host's client of a guest's link to IoT Hub: provisioning it (Provision-EflowVm), showing how the link stands,
 * removing it. The guest tries a provisioning against the hub before it keeps it; its refusal comes back as a 502.
 */
public final class CloudClient {
    private final RuntimeSocket runtime;

    public CloudClient(RuntimeSocket runtime) {
        this.runtime = runtime;
    }

    public ProvisioningState provision(String name, ProvisionRequest request) {
        if (request.type() == null || request.type().isBlank()) {
            throw new EflowException("provisioning needs a type: manual-connection-string");
        }
        ProvisioningType type;
        try {
            type = ProvisioningType.of(request.type());
        } catch (IllegalArgumentException e) {
            throw new EflowException(e.getMessage());
        }
        if (request.connectionString() == null || request.connectionString().isBlank()) {
            throw new EflowException("a " + type + " provisioning needs the device's connection string");
        }
        return runtime.call(name, new CloudRequest.Provision(type, request.connectionString().strip(),
                request.trustBundle())).provisioning();
    }

    public ProvisioningState provisioning(String name) {
        return runtime.call(name, new CloudRequest.ShowProvisioning()).provisioning();
    }

    /** {@code eflow check}'s line for the link to IoT Hub: an error while the hub refuses the device. */
    public Check check(String name) {
        ProvisioningState state = provisioning(name);
        String description = "the device's link to IoT Hub";
        return switch (state.state()) {
            case NOT_PROVISIONED -> new Check("iothub", description, "ok", "not provisioned: modules run locally only");
            case CONNECTED -> new Check("iothub", description, "ok", "connected to " + state.hub() + " as " + state.device());
            case CONNECTING -> new Check("iothub", description, "warning", "connecting to " + state.hub());
            case OFFLINE -> new Check("iothub", description, "warning", "offline since " + state.since() + ": " + state.lastError());
            case REFUSED -> new Check("iothub", description, "error", state.lastError());
        };
    }

    public ProvisioningState remove(String name) {
        return runtime.call(name, new CloudRequest.RemoveProvisioning()).provisioning();
    }
}

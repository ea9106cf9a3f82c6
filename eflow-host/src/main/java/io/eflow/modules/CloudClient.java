package io.eflow.modules;

import io.eflow.contract.wire.Check;
import io.eflow.contract.wire.CloudRequest;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.daemon.api.RenewRequest;
import io.eflow.platform.EflowException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The host's client of a guest's link to IoT Hub: provisioning it (Provision-EflowVm), showing how the link stands,
 * removing it. The guest tries a provisioning against the hub before it keeps it; its refusal comes back as a 502.
 */
public final class CloudClient {
    private final RuntimeSocket runtime;

    public CloudClient(RuntimeSocket runtime) {
        this.runtime = runtime;
    }

    /** Provisions the guest; the guest checks what the spec holds and tries it before it keeps it. */
    public ProvisioningState provision(String name, ProvisioningSpec spec) {
        if (spec.type() == null) {
            throw new EflowException("provisioning needs a type: one of " + Arrays.stream(ProvisioningType.values())
                    .map(ProvisioningType::wireName).collect(Collectors.joining(", ")));
        }
        return runtime.call(name, new CloudRequest.Provision(spec)).provisioning();
    }

    /** Replaces an X.509 device's certificate and key; tried against the hub first. */
    public ProvisioningState renew(String name, RenewRequest request) {
        if (request.identityCert() == null || request.identityKey() == null) {
            throw new EflowException("renewing needs the new certificate and its key");
        }
        return runtime.call(name, new CloudRequest.RenewIdentity(request.identityCert(), request.identityKey())).provisioning();
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
            case REGISTERING -> new Check("iothub", description, "warning", "registering with DPS"
                    + (state.lastError() == null ? "" : ": " + state.lastError()));
            case OFFLINE -> new Check("iothub", description, "warning", "offline since " + state.since() + ": " + state.lastError());
            case REFUSED -> new Check("iothub", description, "error", state.lastError());
        };
    }

    public ProvisioningState remove(String name) {
        return runtime.call(name, new CloudRequest.RemoveProvisioning()).provisioning();
    }
}

package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The device's link to IoT Hub: how it is provisioned (Provision-EflowVm), what that link's state is, and removing
 * it. The edge agent and the edge hub both connect through it; neither owns it.
 */
public sealed interface CloudRequest<R extends Reply> extends Request<R> {

    /**
     * Provisions the device; tried against the hub before it replaces the current provisioning, so a bad string or a
     * hub that cannot be reached leaves the previous one in place. {@code connectionString} holds the device's key:
     * it travels only in this request and is never shown. {@code trustBundle} (PEM, may be null) is what the device
     * trusts beyond the public CAs: a private hub, a parent gateway, an emulator.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Provision(ProvisioningType type, String connectionString, String trustBundle)
            implements CloudRequest<Reply.ProvisioningReply> {
        @Override
        public Class<Reply.ProvisioningReply> replyType() {
            return Reply.ProvisioningReply.class;
        }

        @Override
        public String toString() {
            return "Provision[type=" + type + ", connectionString=(hidden), trustBundle="
                    + (trustBundle == null ? "none" : trustBundle.length() + " chars") + "]";
        }
    }

    record ShowProvisioning() implements CloudRequest<Reply.ProvisioningReply> {
        @Override
        public Class<Reply.ProvisioningReply> replyType() {
            return Reply.ProvisioningReply.class;
        }
    }

    /** Disconnects from IoT Hub and forgets the device's credentials; what runs locally keeps running. */
    record RemoveProvisioning() implements CloudRequest<Reply.ProvisioningReply> {
        @Override
        public Class<Reply.ProvisioningReply> replyType() {
            return Reply.ProvisioningReply.class;
        }
    }
}

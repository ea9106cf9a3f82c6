package io.eflow.contract.wire;

/**
 * The device's link to IoT Hub: how it is provisioned (Provision-EflowVm), what that link's state is, and removing
 * it. The edge agent and the edge hub both connect through it; neither owns it.
 */
public sealed interface CloudRequest<R extends Reply> extends Request<R> {

    /**
     * Provisions the device; tried (against DPS, then the hub) before it replaces the current provisioning, so bad
     * input or a refusal leaves the previous one in place. The spec holds keys: they travel only in this request and
     * are never shown.
     */
    record Provision(ProvisioningSpec spec) implements CloudRequest<Reply.ProvisioningReply> {
        @Override
        public Class<Reply.ProvisioningReply> replyType() {
            return Reply.ProvisioningReply.class;
        }
    }

    /**
     * Replaces an X.509 device's certificate and key with renewed ones (the same device, a new certificate): checked
     * against the hub first, nothing redeployed.
     */
    record RenewIdentity(String identityCert, String identityKey) implements CloudRequest<Reply.ProvisioningReply> {
        @Override
        public Class<Reply.ProvisioningReply> replyType() {
            return Reply.ProvisioningReply.class;
        }

        @Override
        public String toString() {
            return "RenewIdentity[identityCert=" + (identityCert == null ? "none" : identityCert.length() + " chars")
                    + ", identityKey=(hidden)]";
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

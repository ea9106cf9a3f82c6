package io.eflow.edge.cloud;

import io.eflow.contract.wire.CloudRequest;
import io.eflow.contract.wire.Handler;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.ReplyStream;

/** Serves the host's provisioning requests from the device's {@link CloudLink}. */
public final class CloudRequests implements Handler<CloudRequest<?>> {
    private final CloudLink link;

    public CloudRequests(CloudLink link) {
        this.link = link;
    }

    @Override
    public Reply handle(CloudRequest<?> request, ReplyStream stream) throws Exception {
        if (request instanceof CloudRequest.Provision provision) {
            return new Reply.ProvisioningReply(link.provision(
                    Provisioning.of(provision.type(), provision.connectionString(), provision.trustBundle())));
        } else if (request instanceof CloudRequest.ShowProvisioning) {
            return new Reply.ProvisioningReply(link.state());
        } else if (request instanceof CloudRequest.RemoveProvisioning) {
            return new Reply.ProvisioningReply(link.remove());
        }
        throw new IllegalStateException("the cloud link has no answer to " + request.op());
    }
}

package io.eflow.edge.cloud;

import io.eflow.contract.wire.CloudRequest;
import io.eflow.contract.wire.Handler;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.ReplyStream;

import java.time.Clock;

/** Serves the host's provisioning requests from the device's {@link CloudLink}. */
public final class CloudRequests implements Handler<CloudRequest<?>> {
    private final CloudLink link;
    private final Clock clock;

    public CloudRequests(CloudLink link, Clock clock) {
        this.link = link;
        this.clock = clock;
    }

    @Override
    public Reply handle(CloudRequest<?> request, ReplyStream stream) throws Exception {
        if (request instanceof CloudRequest.Provision provision) {
            return new Reply.ProvisioningReply(link.provision(Provisioning.of(provision.spec(), clock.instant())));
        } else if (request instanceof CloudRequest.RenewIdentity renew) {
            return new Reply.ProvisioningReply(link.renew(X509Identity.of(renew.identityCert(), renew.identityKey(),
                    clock.instant())));
        } else if (request instanceof CloudRequest.ShowProvisioning) {
            return new Reply.ProvisioningReply(link.state());
        } else if (request instanceof CloudRequest.RemoveProvisioning) {
            return new Reply.ProvisioningReply(link.remove());
        }
        throw new IllegalStateException("the cloud link has no answer to " + request.op());
    }
}

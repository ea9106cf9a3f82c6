package io.eflow.contract.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * What the guest's runtime answers, one JSON line each. Every request ends on exactly one reply that is not
 * {@link Data}: its own reply type (see {@link Request#replyType()}), or a {@link Failure}. On the wire each line
 * names its kind in {@code reply} (see {@link Wire}); the same records are the daemon's REST answers, where they
 * travel without it.
 */
public sealed interface Reply permits Reply.Data, Reply.Done, Reply.End, Failure, Reply.Applied, Reply.Deployment,
        Reply.Modules, Reply.ImagesLoaded, Reply.CheckReport, Reply.HubReport, Reply.IdentityReply, Reply.IdentityList,
        Reply.CaCertificate, Reply.UpstreamReply, Reply.ProvisioningReply, MethodResult {

    /** One record of a streamed answer; more follow until the {@link End} (or a {@link Failure}). */
    sealed interface Data extends Reply permits LogLine, ModuleMessage {
    }

    /** The request succeeded and has nothing to say. */
    record Done() implements Reply {
    }

    /** A streamed answer is complete: the log was read to its end, or the requester hung up on a follow. */
    record End() implements Reply {
    }

    /** A deployment was applied: how many modules it has, and the fields eflow read past without using. */
    record Applied(int modules, List<String> warnings) implements Reply {
        public Applied {
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }
    }

    /** The deployment manifest last applied, as it was given; null when none was. */
    record Deployment(JsonNode manifest) implements Reply {
        public Deployment {
            manifest = manifest == null || manifest.isNull() ? null : manifest;
        }
    }

    /** Every deployed module by name, in the order of the deployment. */
    record Modules(Map<String, ModuleReport> modules) implements Reply {
    }

    /** The references of the images a tarball held, as the image store now names them. */
    record ImagesLoaded(List<String> images) implements Reply {
    }

    record CheckReport(List<Check> checks) implements Reply {
    }

    /** The hub's state and counters, and the same counters in the Prometheus text format. */
    record HubReport(HubStatus status, String metrics) implements Reply {
    }

    record IdentityReply(HubIdentity identity) implements Reply {
    }

    /** Every identity, modules' and host applications', without connection strings. */
    record IdentityList(List<HubIdentity> identities) implements Reply {
    }

    /** The edge CA certificate, PEM. */
    record CaCertificate(String pem) implements Reply {
    }

    record UpstreamReply(UpstreamState upstream) implements Reply {
    }

    record ProvisioningReply(ProvisioningState provisioning) implements Reply {
    }
}

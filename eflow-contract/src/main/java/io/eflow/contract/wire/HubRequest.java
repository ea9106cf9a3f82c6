package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The edge hub's requests: its status, messages into module inputs and out of module outputs, identities, its CA,
 * the upstream link, and modules' direct methods.
 */
public sealed interface HubRequest<R extends Reply> extends Request<R> {

    record Status() implements HubRequest<Reply.HubReport> {
        @Override
        public Class<Reply.HubReport> replyType() {
            return Reply.HubReport.class;
        }
    }

    /**
     * A message straight into a module input's queue, answered once it is durable. {@code contentType} and
     * {@code contentEncoding} null are not sent: IoT Hub routing reads a body by them only when someone gave them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Publish(String module, String input, byte[] body, Map<String, String> properties, String contentType,
                   String contentEncoding) implements HubRequest<Reply.Done> {
        @Override
        public Class<Reply.Done> replyType() {
            return Reply.Done.class;
        }
    }

    /** What modules send, as {@link ModuleMessage}s, of one module (or one of its outputs) or of all (null). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Subscribe(String module, String output) implements HubRequest<Reply.End> {
        @Override
        public Class<Reply.End> replyType() {
            return Reply.End.class;
        }
    }

    /** A new identity for a host application. */
    record AddIdentity(String name) implements HubRequest<Reply.IdentityReply> {
        @Override
        public Class<Reply.IdentityReply> replyType() {
            return Reply.IdentityReply.class;
        }
    }

    record ShowIdentity(String name) implements HubRequest<Reply.IdentityReply> {
        @Override
        public Class<Reply.IdentityReply> replyType() {
            return Reply.IdentityReply.class;
        }
    }

    record RemoveIdentity(String name) implements HubRequest<Reply.Done> {
        @Override
        public Class<Reply.Done> replyType() {
            return Reply.Done.class;
        }
    }

    record ListIdentities() implements HubRequest<Reply.IdentityList> {
        @Override
        public Class<Reply.IdentityList> replyType() {
            return Reply.IdentityList.class;
        }
    }

    /** The edge CA certificate that clients of the hub's TLS port trust. */
    record Ca() implements HubRequest<Reply.CaCertificate> {
        @Override
        public Class<Reply.CaCertificate> replyType() {
            return Reply.CaCertificate.class;
        }
    }

    /**
     * Points the hub upstream: an IoT Hub device connection string or an {@code mqtt(s)://} address. It may hold a
     * key, so it travels only in this request and is never shown.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SetUpstream(String upstream, String deviceId) implements HubRequest<Reply.Done> {
        @Override
        public Class<Reply.Done> replyType() {
            return Reply.Done.class;
        }

        @Override
        public String toString() {
            return "SetUpstream[upstream=(hidden), deviceId=" + deviceId + "]";
        }
    }

    record ShowUpstream() implements HubRequest<Reply.UpstreamReply> {
        @Override
        public Class<Reply.UpstreamReply> replyType() {
            return Reply.UpstreamReply.class;
        }
    }

    record ClearUpstream() implements HubRequest<Reply.Done> {
        @Override
        public Class<Reply.Done> replyType() {
            return Reply.Done.class;
        }
    }

    /** A module's direct method; {@code payload} is any JSON (a JSON null when none was given). */
    record Invoke(String module, String method, int timeoutSecs, JsonNode payload) implements HubRequest<MethodResult> {
        @Override
        public Class<MethodResult> replyType() {
            return MethodResult.class;
        }
    }
}

package io.eflow.contract.wire;

import com.fasterxml.jackson.databind.JsonNode;

/** The edge agent's requests: deployments, modules, their logs, images and checks. */
public sealed interface AgentRequest<R extends Reply> extends Request<R> {

    /** Applies a deployment manifest (the IoT Edge document, as the user wrote it). */
    record Apply(JsonNode manifest) implements AgentRequest<Reply.Applied> {
        @Override
        public Class<Reply.Applied> replyType() {
            return Reply.Applied.class;
        }
    }

    /** The deployment last applied. */
    record Show() implements AgentRequest<Reply.Deployment> {
        @Override
        public Class<Reply.Deployment> replyType() {
            return Reply.Deployment.class;
        }
    }

    record ListModules() implements AgentRequest<Reply.Modules> {
        @Override
        public Class<Reply.Modules> replyType() {
            return Reply.Modules.class;
        }
    }

    /** Restarts a module; with {@code newIdentity}, after making its hub identity again (new key and generation id). */
    record Restart(String module, boolean newIdentity) implements AgentRequest<Reply.Done> {
        @Override
        public Class<Reply.Done> replyType() {
            return Reply.Done.class;
        }
    }

    /**
     * A module's log as {@link LogLine}s. {@code tail} null is the whole log; {@code since} an RFC 3339 time or a
     * duration such as {@code 10m}; following ends when the requester hangs up.
     */
    record Logs(String module, Integer tail, String since, boolean follow) implements AgentRequest<Reply.End> {
        @Override
        public Class<Reply.End> replyType() {
            return Reply.End.class;
        }
    }

    /** Loads an image tarball already copied into the guest at {@code file}; {@code reference} names it, or null. */
    record Load(String file, String reference) implements AgentRequest<Reply.ImagesLoaded> {
        @Override
        public Class<Reply.ImagesLoaded> replyType() {
            return Reply.ImagesLoaded.class;
        }
    }

    /** The guest's half of {@code eflow check}. */
    record Check() implements AgentRequest<Reply.CheckReport> {
        @Override
        public Class<Reply.CheckReport> replyType() {
            return Reply.CheckReport.class;
        }
    }
}

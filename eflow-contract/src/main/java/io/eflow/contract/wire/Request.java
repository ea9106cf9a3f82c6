package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One request from the daemon to a guest's runtime, a JSON object on one line whose {@code op} names the operation.
 * {@code R} is the reply that answers it when it succeeds; any request may instead be answered by a {@link Failure}.
 * A streamed request ({@link AgentRequest.Logs}, {@link HubRequest.Subscribe}) is answered by {@link Reply.Data} records
 * and then its {@link Reply.End}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AgentRequest.Apply.class, name = "apply"),
        @JsonSubTypes.Type(value = AgentRequest.Show.class, name = "show"),
        @JsonSubTypes.Type(value = AgentRequest.ListModules.class, name = "list"),
        @JsonSubTypes.Type(value = AgentRequest.Restart.class, name = "restart"),
        @JsonSubTypes.Type(value = AgentRequest.Logs.class, name = "logs"),
        @JsonSubTypes.Type(value = AgentRequest.Load.class, name = "load"),
        @JsonSubTypes.Type(value = AgentRequest.Check.class, name = "check"),
        @JsonSubTypes.Type(value = HubRequest.Status.class, name = "hub-status"),
        @JsonSubTypes.Type(value = HubRequest.Publish.class, name = "hub-publish"),
        @JsonSubTypes.Type(value = HubRequest.Subscribe.class, name = "hub-subscribe"),
        @JsonSubTypes.Type(value = HubRequest.AddIdentity.class, name = "hub-identity-add"),
        @JsonSubTypes.Type(value = HubRequest.ShowIdentity.class, name = "hub-identity-show"),
        @JsonSubTypes.Type(value = HubRequest.RemoveIdentity.class, name = "hub-identity-remove"),
        @JsonSubTypes.Type(value = HubRequest.ListIdentities.class, name = "hub-identity-list"),
        @JsonSubTypes.Type(value = HubRequest.Ca.class, name = "hub-ca"),
        @JsonSubTypes.Type(value = HubRequest.SetUpstream.class, name = "hub-upstream-set"),
        @JsonSubTypes.Type(value = HubRequest.ShowUpstream.class, name = "hub-upstream-show"),
        @JsonSubTypes.Type(value = HubRequest.ClearUpstream.class, name = "hub-upstream-clear"),
        @JsonSubTypes.Type(value = HubRequest.Invoke.class, name = "module-invoke"),
        @JsonSubTypes.Type(value = CloudRequest.Provision.class, name = "provision"),
        @JsonSubTypes.Type(value = CloudRequest.ShowProvisioning.class, name = "provision-show"),
        @JsonSubTypes.Type(value = CloudRequest.RenewIdentity.class, name = "provision-renew"),
        @JsonSubTypes.Type(value = CloudRequest.RemoveProvisioning.class, name = "provision-remove"),
})
public sealed interface Request<R extends Reply> permits AgentRequest, HubRequest, CloudRequest {
    /** The reply that answers this request when it succeeds. */
    Class<R> replyType();

    /** The operation's name on the wire, for messages about it. */
    default String op() {
        return Wire.op(getClass());
    }
}

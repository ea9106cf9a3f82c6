package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;

import java.io.OutputStream;
import java.time.Duration;

/**
 * The host's side of the edge hub: its state and counters, messages into module inputs and out of module outputs,
 * the identities host applications connect with, the CA certificate they trust, the upstream link, and modules'
 * direct methods. Each is one request to the guest's edge agent, which asks the hub.
 */
public final class EdgeHub {
    public static final int DEFAULT_METHOD_TIMEOUT_SECONDS = 30;
    /** IoT Hub's bounds for a direct method's response timeout. */
    static final int MAX_METHOD_TIMEOUT_SECONDS = 300;
    /** What the agent may add to a method's own timeout before the host gives up on it. */
    private static final Duration METHOD_MARGIN = Duration.ofSeconds(30);

    private final AgentLink agent;

    public EdgeHub(AgentLink agent) {
        this.agent = agent;
    }

    /** Clients, upstream link, message counts per source and route, and the store's queues per endpoint. */
    public JsonNode status(String name) {
        return agent.call(name, op("hub-status")).path("status");
    }

    /** The hub's counters in the Prometheus text format. */
    public String metrics(String name) {
        return agent.call(name, op("hub-status")).path("metrics").asText("");
    }

    /** Returns once the message is durable in the hub's queue for the module's input. */
    public void publish(String name, HubPublish message) {
        HubPublish checked = message.checked();
        ObjectNode request = op("hub-publish").put("module", checked.module()).put("input", checked.input())
                .put("body", checked.body());
        request.set("properties", Json.MAPPER.valueToTree(checked.properties()));
        if (checked.contentType() != null) {
            request.put("contentType", checked.contentType());
        }
        if (checked.contentEncoding() != null) {
            request.put("contentEncoding", checked.contentEncoding());
        }
        agent.call(name, request);
    }

    /**
     * Passes each message modules send (of one module, or one of its outputs) to {@code out} as a JSON line, as it
     * arrives, until the reader of {@code out} goes away (see {@link AgentLink#follow}).
     */
    public void subscribe(String name, String module, String output, OutputStream out) {
        ObjectNode request = op("hub-subscribe");
        if (output != null && module == null) {
            throw new EflowException("an output needs its module");
        }
        if (module != null) {
            request.put("module", HubPublish.checkName(module, "module"));
        }
        if (output != null) {
            request.put("output", HubPublish.checkName(output, "output"));
        }
        agent.follow(name, request, out);
    }

    /** A new identity for a host application; the answer carries its connection string. */
    public JsonNode addIdentity(String name, String identity) {
        return agent.call(name, op("hub-identity-add").put("name", checkIdentity(identity))).path("identity");
    }

    /** Every identity, modules' and host applications', without keys. */
    public JsonNode identities(String name) {
        return agent.call(name, op("hub-identity-list")).path("identities");
    }

    /** One identity with its connection string. */
    public JsonNode identity(String name, String identity) {
        return agent.call(name, op("hub-identity-show").put("name", checkIdentity(identity))).path("identity");
    }

    public void removeIdentity(String name, String identity) {
        agent.call(name, op("hub-identity-remove").put("name", checkIdentity(identity)));
    }

    /** The edge CA certificate (PEM) that clients of the hub's TLS port trust. */
    public String ca(String name) {
        return agent.call(name, op("hub-ca")).path("pem").asText();
    }

    /**
     * Connects the hub upstream: an IoT Hub device connection string, or an {@code mqtt://} / {@code mqtts://} broker
     * address. The value may hold a key, so it travels only in the request, never in a message.
     */
    public void setUpstream(String name, String upstream, String deviceId) {
        if (upstream == null || upstream.isBlank()) {
            throw new EflowException("the upstream needs an IoT Hub connection string or an mqtt:// or mqtts:// address");
        }
        ObjectNode request = op("hub-upstream-set").put("upstream", upstream.strip());
        if (deviceId != null) {
            request.put("deviceId", deviceId);
        }
        agent.call(name, request);
    }

    /** Whether an upstream is configured, its kind, endpoint and device ID; never its key. */
    public JsonNode upstream(String name) {
        return agent.call(name, op("hub-upstream-show")).path("upstream");
    }

    public void clearUpstream(String name) {
        agent.call(name, op("hub-upstream-clear"));
    }

    /** Calls a module's direct method; returns {@code {status, payload}}, the module's answer. */
    public JsonNode invoke(String name, String module, String method, JsonNode payload, Integer timeoutSeconds) {
        int timeout = timeoutSeconds == null ? DEFAULT_METHOD_TIMEOUT_SECONDS : timeoutSeconds;
        if (timeout < 1 || timeout > MAX_METHOD_TIMEOUT_SECONDS) {
            throw new EflowException("--timeout must be between 1 and " + MAX_METHOD_TIMEOUT_SECONDS + " seconds, not " + timeout);
        }
        if (method == null || method.isBlank()) {
            throw new EflowException("a direct method needs a name");
        }
        ObjectNode request = op("module-invoke").put("module", HubPublish.checkName(module, "module")).put("method", method)
                .put("timeoutSecs", timeout);
        request.set("payload", payload == null ? Json.MAPPER.nullNode() : payload);
        JsonNode answer = agent.call(name, request, Duration.ofSeconds(timeout).plus(METHOD_MARGIN));
        ObjectNode result = Json.MAPPER.createObjectNode().put("status", answer.path("status").asInt());
        result.set("payload", answer.has("payload") ? answer.get("payload") : Json.MAPPER.nullNode());
        return result;
    }

    private static String checkIdentity(String identity) {
        return HubPublish.checkName(identity, "identity");
    }

    private static ObjectNode op(String op) {
        return Json.MAPPER.createObjectNode().put("op", op);
    }
}

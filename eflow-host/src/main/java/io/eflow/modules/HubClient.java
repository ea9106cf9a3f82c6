package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.wire.HubIdentity;
import io.eflow.contract.wire.HubRequest;
import io.eflow.contract.wire.HubStatus;
import io.eflow.contract.wire.MethodResult;
import io.eflow.contract.wire.UpstreamState;
import io.eflow.daemon.api.HubPublish;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * The host's client of a guest's edge hub: its state and counters, messages into module inputs and out of module
 * outputs, the identities host applications connect with, the CA certificate they trust, the upstream link, and
 * modules' direct methods. Each is one request on the runtime's socket, which hands it to the hub.
 */
public final class HubClient {
    public static final int DEFAULT_METHOD_TIMEOUT_SECONDS = 30;
    /** IoT Hub's bounds for a direct method's response timeout. */
    static final int MAX_METHOD_TIMEOUT_SECONDS = 300;
    /** What the runtime may add to a method's own timeout before the host gives up on it. */
    private static final Duration METHOD_MARGIN = Duration.ofSeconds(30);

    private final RuntimeSocket runtime;

    public HubClient(RuntimeSocket runtime) {
        this.runtime = runtime;
    }

    /** Clients, upstream link, message counts per source and route, and the store's queues per endpoint. */
    public HubStatus status(String name) {
        return runtime.call(name, new HubRequest.Status()).status();
    }

    /** The hub's counters in the Prometheus text format. */
    public String metrics(String name) {
        String metrics = runtime.call(name, new HubRequest.Status()).metrics();
        return metrics == null ? "" : metrics;
    }

    /** Returns once the message is durable in the hub's queue for the module's input. */
    public void publish(String name, HubPublish message) {
        HubPublish checked = message.checked();
        runtime.call(name, new HubRequest.Publish(checked.module(), checked.input(), checked.body(), checked.properties(),
                checked.contentType(), checked.contentEncoding()));
    }

    /**
     * Passes each message modules send (of one module, or one of its outputs) to {@code out} as a JSON line, as it
     * arrives, until the reader of {@code out} goes away (see {@link RuntimeSocket#follow}).
     */
    public void subscribe(String name, String module, String output, OutputStream out) {
        if (output != null && module == null) {
            throw new EflowException("an output needs its module");
        }
        runtime.follow(name, new HubRequest.Subscribe(module == null ? null : HubPublish.checkName(module, "module"),
                output == null ? null : HubPublish.checkName(output, "output")), out);
    }

    /** A new identity for a host application, with its connection string. */
    public HubIdentity addIdentity(String name, String identity) {
        return runtime.call(name, new HubRequest.AddIdentity(checkIdentity(identity))).identity();
    }

    /** Every identity, modules' and host applications', without keys. */
    public List<HubIdentity> identities(String name) {
        return runtime.call(name, new HubRequest.ListIdentities()).identities();
    }

    /** One identity with its connection string. */
    public HubIdentity identity(String name, String identity) {
        return runtime.call(name, new HubRequest.ShowIdentity(checkIdentity(identity))).identity();
    }

    public void removeIdentity(String name, String identity) {
        runtime.call(name, new HubRequest.RemoveIdentity(checkIdentity(identity)));
    }

    /** The edge CA certificate (PEM) that clients of the hub's TLS port trust. */
    public String ca(String name) {
        return runtime.call(name, new HubRequest.Ca()).pem();
    }

    /**
     * Connects the hub upstream: an IoT Hub device connection string, or an {@code mqtt://} / {@code mqtts://} broker
     * address. The value may hold a key, so it travels only in the request, never in a message.
     */
    public void setUpstream(String name, String upstream, String deviceId) {
        if (upstream == null || upstream.isBlank()) {
            throw new EflowException("the upstream needs an IoT Hub connection string or an mqtt:// or mqtts:// address");
        }
        runtime.call(name, new HubRequest.SetUpstream(upstream.strip(), deviceId));
    }

    /** Whether an upstream is configured and connected, its endpoint, last error and counters; never its key. */
    public UpstreamState upstream(String name) {
        return runtime.call(name, new HubRequest.ShowUpstream()).upstream();
    }

    public void clearUpstream(String name) {
        runtime.call(name, new HubRequest.ClearUpstream());
    }

    /** Calls a module's direct method; returns the module's answer, its status and payload. */
    public MethodResult invoke(String name, String module, String method, JsonNode payload, Integer timeoutSeconds) {
        int timeout = timeoutSeconds == null ? DEFAULT_METHOD_TIMEOUT_SECONDS : timeoutSeconds;
        if (timeout < 1 || timeout > MAX_METHOD_TIMEOUT_SECONDS) {
            throw new EflowException("--timeout must be between 1 and " + MAX_METHOD_TIMEOUT_SECONDS + " seconds, not " + timeout);
        }
        if (method == null || method.isBlank()) {
            throw new EflowException("a direct method needs a name");
        }
        HubRequest.Invoke request = new HubRequest.Invoke(HubPublish.checkName(module, "module"), method, timeout,
                payload == null ? Json.MAPPER.nullNode() : payload);
        MethodResult answer = runtime.call(name, request, Duration.ofSeconds(timeout).plus(METHOD_MARGIN));
        return new MethodResult(answer.status(), answer.payload() == null ? Json.MAPPER.nullNode() : answer.payload());
    }

    private static String checkIdentity(String identity) {
        return HubPublish.checkName(identity, "identity");
    }
}

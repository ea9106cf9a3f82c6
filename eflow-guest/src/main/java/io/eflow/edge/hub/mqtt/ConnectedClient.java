package io.eflow.edge.hub.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.edge.hub.message.HubMessage;

import java.util.concurrent.CompletableFuture;

/** One connected client, as the hub sees it: what it subscribed to, and how to push to it. Thread-safe. */
public interface ConnectedClient {
    boolean isSubscribed(Subscription subscription);

    /** Whether the client subscribed to this input: to all its inputs, or to this one by name. */
    boolean acceptsInput(String input);

    /**
     * Sends a message to one of the module's inputs, QoS 1, on {@code devices/{d}/modules/{m}/inputs/{input}/{bag}}.
     * Completes when the client acknowledges it (PUBACK); fails when the connection ends first.
     */
    CompletableFuture<Void> deliverInput(String input, HubMessage message);

    /**
     * Sends a cloud-to-device message to a device that subscribed to them, QoS 1, on
     * {@code devices/{d}/messages/devicebound/{bag}}. Completes when the client acknowledges it (PUBACK); fails when
     * the connection ends first.
     */
    CompletableFuture<Void> deliverCloudToDevice(HubMessage message);

    /** {@code $iothub/twin/PATCH/properties/desired/?$version={version}} with the patch as body. */
    void desiredPatch(JsonNode patch, long version);

    /** {@code $iothub/methods/POST/{method}/?$rid={requestId}}; the answer comes to {@link HubConnector#methodResponse}. */
    void methodRequest(String method, String requestId, byte[] payload);

    /** Ends the connection (the identity was removed, its key changed); the reason goes to the hub's log. */
    void close(String reason);
}

package io.eflow.edge.hub.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.edge.hub.auth.AuthenticationException;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.auth.Credentials;
import io.eflow.edge.hub.message.HubMessage;

import java.util.concurrent.CompletableFuture;

/**
 * What the MQTT head asks of the hub behind it. The head speaks the protocol and IoT Hub's topic conventions; the
 * hub decides who may connect, keeps messages, twins, and routes. Calls come from the head's event-loop threads:
 * implementations answer quickly and do slow work (disk, other clients) asynchronously.
 */
public interface HubConnector {
    /**
     * Checks a CONNECT.
     *
     * @return who the client is; the head then enforces that it only publishes and subscribes as that identity
     * @throws AuthenticationException when the credentials do not prove an identity the hub knows
     */
    ClientId authenticate(Credentials credentials) throws AuthenticationException;

    /**
     * A client's session is up (CONNACK sent). The link is how the hub reaches it until {@link #disconnected}. When a
     * client connects again, its new link may be connected before its old one is reported disconnected.
     */
    void connected(ClientId who, ConnectedClient link);

    /** The client subscribed to one of the kinds of topics the hub pushes to; the hub may now push to it. */
    void subscribed(ClientId who, ConnectedClient link, Subscription subscription);

    /** The session ended, for whatever reason; messages the link had not had acknowledged are the hub's again. */
    void disconnected(ClientId who, ConnectedClient link);

    /**
     * A message the client sent (a module's output, a device's telemetry). The head acknowledges a QoS 1 publish
     * (PUBACK) only when the future completes; when it fails the head closes the connection without acknowledging,
     * so the client sends it again.
     */
    CompletableFuture<Void> send(ClientId from, HubMessage message);

    /** The client's twin, {@code {"desired":{…,"$version":n},"reported":{…,"$version":m}}}. */
    CompletableFuture<JsonNode> twin(ClientId who);

    /** Merges a reported-properties patch into the client's twin; completes with the new reported version. */
    CompletableFuture<Long> reportTwin(ClientId who, JsonNode patch);

    /** The client's answer to a direct method the hub sent it through {@link ConnectedClient#methodRequest}. */
    void methodResponse(ClientId who, String requestId, int status, byte[] payload);
}

package io.eflow.iothub.emulator.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.iothub.emulator.registry.IdentityRef;

/**
 * A connected device or module, as the rest of the hub reaches it: the protocol side (MQTT today) implements it. Each
 * "accepts" answers whether the client subscribed to that kind of message, as IoT Hub only sends what a client
 * subscribed to.
 */
public interface DeviceLink {
    IdentityRef ref();

    boolean acceptsMethods();

    /** Sends the call; the answer comes back through {@link MethodCalls#complete}. */
    void invokeMethod(String requestId, String methodName, byte[] payload);

    boolean acceptsDesired();

    /** @param patch the change with its {@code $version} */
    void sendDesired(ObjectNode patch);

    boolean acceptsCloudMessages();

    void sendCloudMessage(CloudMessage message);

    /** Drops the connection (a newer connection of the same identity, or its credentials no longer hold). */
    void close(String reason);
}

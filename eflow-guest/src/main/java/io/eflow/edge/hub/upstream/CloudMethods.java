package io.eflow.edge.hub.upstream;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Where IoT Hub's direct methods for the device's modules go: a call arrives on the module's own upstream connection
 * and its answer goes back on it. The edge hub hands each to the module over its local connection.
 */
@FunctionalInterface
public interface CloudMethods {
    /** Answers 501 to every call: an upstream that takes no methods (a broker, a plain device). */
    CloudMethods NONE = (module, method, payload) -> CompletableFuture.completedFuture(
            new Answer(501, ("{\"message\":\"no direct method '" + method + "' here\"}").getBytes(StandardCharsets.UTF_8)));

    /** Module {@code module}'s answer to direct method {@code method}, whose JSON payload is {@code payload}. */
    CompletableFuture<Answer> call(String module, String method, byte[] payload);

    /** A method's answer: IoT Hub's status and the JSON payload. */
    record Answer(int status, byte[] payload) {
        public Answer {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }
    }
}

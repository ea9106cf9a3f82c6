package io.eflow.edge.hub;

import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.mqtt.ConnectedClient;
import io.eflow.edge.hub.mqtt.Subscription;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct-method calls to modules waiting for their answer. Each call gets a request id of its own; an answer counts
 * only from the identity the call went to, so one module cannot answer for another.
 */
final class MethodCalls {
    private record Pending(ClientId target, CompletableFuture<MethodResult> answer) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /**
     * Calls {@code method} on the client behind {@code link}. Fails with {@link MethodException} when it is not
     * subscribed to methods or does not answer within {@code timeout}, as IoT Hub answers 404 and 504.
     */
    CompletableFuture<MethodResult> call(ClientId target, ConnectedClient link, String method, byte[] payload, Duration timeout) {
        if (link == null || !link.isSubscribed(Subscription.METHODS)) {
            return CompletableFuture.failedFuture(new MethodException(404, target + " is not connected or does not take direct methods"));
        }
        String requestId = Long.toHexString(ids.incrementAndGet());
        CompletableFuture<MethodResult> answer = new CompletableFuture<>();
        pending.put(requestId, new Pending(target, answer));
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((result, error) -> pending.remove(requestId));
        link.methodRequest(method, requestId, payload);
        return answer.exceptionallyCompose(error -> CompletableFuture.failedFuture(
                error instanceof TimeoutException
                        ? new MethodException(504, target + " did not answer '" + method + "' within " + timeout.toSeconds() + " s")
                        : error));
    }

    /** An answer arrived; false when no call of that id is waiting for this identity. */
    boolean answer(ClientId from, String requestId, int status, byte[] payload) {
        Pending call = pending.get(requestId);
        if (call == null || !call.target().equals(from)) {
            return false;
        }
        return call.answer().complete(new MethodResult(status, payload.clone()));
    }
}

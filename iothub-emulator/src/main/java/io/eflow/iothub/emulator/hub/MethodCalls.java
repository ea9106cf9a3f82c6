package io.eflow.iothub.emulator.hub;

import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct methods: a call goes to the connected target with a request id and waits for the answer with that id, as
 * IoT Hub does: 404 when the target is not connected (or has not subscribed to methods), 504 when it does not answer
 * within the call's timeout, which must lie between 5 and 300 seconds.
 */
public final class MethodCalls {
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(300);

    private final Connections connections;
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<String, CompletableFuture<MethodResult>> pending = new ConcurrentHashMap<>();

    public MethodCalls(Connections connections) {
        this.connections = connections;
    }

    /**
     * Calls and waits.
     *
     * @throws HubException 400 for a timeout out of range, 404 when the target is offline, 504 when it does not answer
     */
    public MethodResult invoke(IdentityRef target, String methodName, byte[] payload, Duration timeout)
            throws InterruptedException {
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw HubException.badRequest("responseTimeoutInSeconds must lie between " + MIN_TIMEOUT.toSeconds()
                    + " and " + MAX_TIMEOUT.toSeconds() + ", not " + timeout.toSeconds() + ".");
        }
        if (methodName == null || methodName.isEmpty()) {
            throw HubException.badRequest("methodName is missing.");
        }
        DeviceLink link = connections.link(target).filter(DeviceLink::acceptsMethods)
                .orElseThrow(() -> new HubException(404, "DeviceNotOnline", "Timed out waiting for device '" + target
                        + "' to connect: it is not online or has not subscribed to direct methods."));
        String requestId = Long.toHexString(requestIds.incrementAndGet());
        CompletableFuture<MethodResult> answer = new CompletableFuture<>();
        pending.put(requestId, answer);
        try {
            link.invokeMethod(requestId, methodName, payload);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new HubException(504, "GatewayTimeout", "Timed out waiting for the response from device '" + target
                    + "' to method '" + methodName + "'.");
        } catch (ExecutionException e) {
            throw new HubException(404, "DeviceNotOnline", "Device '" + target + "' went offline during the call.");
        } finally {
            pending.remove(requestId);
        }
    }

    /** The device's answer to call {@code requestId}; one nobody waits for any more is dropped. */
    public void complete(String requestId, MethodResult result) {
        CompletableFuture<MethodResult> answer = pending.get(requestId);
        if (answer != null) {
            answer.complete(result);
        }
    }
}

package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.proxy.GuestProxy;
import io.eflow.edge.proxy.TunnelSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One identity's MQTT session with IoT Hub (a module of this device: {@code $edgeAgent}, {@code $edgeHub}, or a
 * deployed module), speaking IoT Hub's twin and direct-method topics. A session that breaks is not reused: its owner
 * opens a new one and reads the whole twin again, which is how IoT Hub's own SDKs reconcile after an outage.
 */
public final class TwinSession implements MqttCallback, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TwinSession.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    /** The API version IoT Edge's own modules speak; IoT Hub reads its topics' shapes by it. */
    private static final String API_VERSION = "2021-04-12";
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(24);
    private static final String TWIN_RESPONSES = "$iothub/twin/res/";
    private static final String DESIRED = "$iothub/twin/PATCH/properties/desired/";
    private static final String METHODS = "$iothub/methods/POST/";

    private final MqttAsyncClient client;
    private final CloudIdentity provisioning;
    private final String identity;
    private final Duration timeout;
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<String, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    private final Consumer<JsonNode> onDesired;
    private final MethodHandler onMethod;
    private final CompletableFuture<Throwable> lost = new CompletableFuture<>();

    /** A direct method's answer: its status and JSON payload. */
    public record MethodResponse(int status, JsonNode payload) {
    }

    @FunctionalInterface
    public interface MethodHandler {
        MethodResponse call(String method, JsonNode payload);
    }

    /** What IoT Hub answered on the twin response topic. */
    record Response(int status, Optional<Long> version, byte[] body) {
    }

    private TwinSession(MqttAsyncClient client, CloudIdentity provisioning, String identity, Duration timeout,
                        Consumer<JsonNode> onDesired, MethodHandler onMethod) {
        this.client = client;
        this.provisioning = provisioning;
        this.identity = identity;
        this.timeout = timeout;
        this.onDesired = onDesired;
        this.onMethod = onMethod;
    }

    /**
     * Connects as module {@code moduleId} of the provisioned device, with the module's key, and subscribes to its
     * twin responses, desired-property patches and direct methods.
     *
     * @param onDesired a desired-properties patch (with its {@code $version}), on Paho's callback thread
     * @param onMethod  a direct method, answered on a thread of its own
     * @throws CloudException when the hub cannot be reached or refuses the identity
     */
    public static TwinSession open(CloudIdentity provisioning, HubPorts ports, String moduleId, String moduleKey,
                                   Duration timeout, Clock clock, Consumer<JsonNode> onDesired, MethodHandler onMethod) {
        String host = provisioning.hostName();
        String device = provisioning.deviceId();
        String identity = device + "/" + moduleId;
        MqttAsyncClient client;
        try {
            client = new MqttAsyncClient("ssl://" + host + ":" + ports.mqtt(), identity, new MemoryPersistence());
        } catch (MqttException e) {
            throw CloudException.unreachable("cannot create an MQTT client for " + host + ": " + e.getMessage());
        }
        TwinSession session = new TwinSession(client, provisioning, identity, timeout, onDesired, onMethod);
        client.setCallback(session);
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        connect.setCleanSession(true);
        connect.setAutomaticReconnect(false);
        connect.setKeepAliveInterval(60);
        connect.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
        connect.setUserName(host + "/" + identity + "/?api-version=" + API_VERSION);
        String resource = host + "/devices/" + device + "/modules/" + moduleId;
        connect.setPassword(SasToken.sign(resource, moduleKey, clock.instant().plus(TOKEN_LIFETIME), Optional.empty())
                .toString().toCharArray());
        connect.setSocketFactory(new TunnelSocketFactory(provisioning.moduleTls().getSocketFactory(), GuestProxy.INSTANCE));
        connect.setHttpsHostnameVerificationEnabled(true);
        try {
            client.connect(connect).waitForCompletion(timeout.toMillis() + 1000);
            IMqttToken subscribed = client.subscribe(new String[] {TWIN_RESPONSES + "#", DESIRED + "#", METHODS + "#"},
                    new int[] {0, 0, 0});
            subscribed.waitForCompletion(timeout.toMillis());
        } catch (MqttException e) {
            session.close();
            throw failure(host + ":" + ports.mqtt(), identity, e);
        }
        return session;
    }

    /** The whole twin: {@code {"desired": {…, "$version": n}, "reported": {…}}}. */
    public JsonNode twin() {
        Response response = request("$iothub/twin/GET/?$rid=", new byte[0]);
        expect(response, 200, "read its twin");
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw CloudException.unreachable("IoT Hub sent " + identity + " a twin that is not JSON");
        }
    }

    /** Patches the reported properties; returns the twin's reported version after the patch. */
    public long report(JsonNode patch) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(patch);
        } catch (IOException e) {
            throw new IllegalArgumentException("a reported patch that is not JSON", e);
        }
        Response response = request("$iothub/twin/PATCH/properties/reported/?$rid=", body);
        expect(response, 204, "report its properties");
        return response.version().orElse(-1L);
    }

    /** The provisioning this session connected with. */
    public CloudIdentity provisioning() {
        return provisioning;
    }

    /** Completes when the session is lost, with why. */
    public CompletableFuture<Throwable> lost() {
        return lost;
    }

    private Response request(String topicPrefix, byte[] body) {
        String rid = Long.toString(requestIds.incrementAndGet());
        CompletableFuture<Response> answer = new CompletableFuture<>();
        pending.put(rid, answer);
        try {
            client.publish(topicPrefix + rid, body, 0, false);
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (MqttException e) {
            throw CloudException.unreachable(identity + " lost IoT Hub: " + e.getMessage());
        } catch (TimeoutException e) {
            throw CloudException.unreachable("IoT Hub did not answer " + identity + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw CloudException.unreachable(identity + " lost IoT Hub: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CloudException.unreachable("interrupted while " + identity + " waited for IoT Hub");
        } finally {
            pending.remove(rid);
        }
    }

    private void expect(Response response, int status, String what) {
        if (response.status() == status || (status == 204 && response.status() == 200)) {
            return;
        }
        String detail = new String(response.body(), StandardCharsets.UTF_8).strip();
        String message = identity + " could not " + what + ": IoT Hub answered " + response.status()
                + (detail.isEmpty() ? "" : " " + (detail.length() > 200 ? detail.substring(0, 200) + "…" : detail));
        throw response.status() / 100 == 4 ? CloudException.refused(message) : CloudException.unreachable(message);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        if (topic.startsWith(TWIN_RESPONSES)) {
            Map<String, String> query = query(topic);
            String status = topic.substring(TWIN_RESPONSES.length()).split("/", 2)[0];
            CompletableFuture<Response> answer = pending.get(query.getOrDefault("$rid", ""));
            if (answer != null) {
                answer.complete(new Response(parseInt(status), Optional.ofNullable(query.get("$version")).map(Long::parseLong),
                        message.getPayload()));
            }
        } else if (topic.startsWith(DESIRED)) {
            try {
                onDesired.accept(JSON.readTree(message.getPayload()));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, identity + ": a desired-properties patch was not handled: " + e.getMessage());
            }
        } else if (topic.startsWith(METHODS)) {
            String rest = topic.substring(METHODS.length());
            String method = rest.substring(0, Math.max(0, rest.indexOf('/')));
            String rid = query(topic).getOrDefault("$rid", "");
            byte[] payload = message.getPayload();
            Thread call = new Thread(() -> answerMethod(method, rid, payload), "method-" + method);
            call.setDaemon(true);
            call.start();
        }
    }

    private void answerMethod(String method, String rid, byte[] payload) {
        MethodResponse response;
        try {
            JsonNode request = payload.length == 0 ? JSON.nullNode() : JSON.readTree(payload);
            response = onMethod.call(method, request);
        } catch (IOException e) {
            response = new MethodResponse(400, JSON.getNodeFactory().textNode("the payload is not JSON"));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, identity + ": direct method " + method + " failed", e);
            response = new MethodResponse(500, JSON.getNodeFactory().textNode(String.valueOf(e.getMessage())));
        }
        try {
            client.publish("$iothub/methods/res/" + response.status() + "/?$rid=" + rid,
                    JSON.writeValueAsBytes(response.payload()), 0, false);
        } catch (MqttException | IOException e) {
            LOG.log(System.Logger.Level.WARNING, identity + ": the answer to " + method + " was not sent: " + e.getMessage());
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        pending.values().forEach(answer -> answer.completeExceptionally(cause));
        lost.complete(cause);
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // QoS 0 throughout: twin requests are answered on their response topic, not by a PUBACK
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2000);
            }
        } catch (MqttException ignored) {
            // gone either way
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // gone either way
        }
        lost.complete(null);
    }

    /** The query part of a topic ({@code …/?$rid=1&$version=4}), decoded. */
    static Map<String, String> query(String topic) {
        Map<String, String> fields = new HashMap<>();
        int mark = topic.indexOf('?');
        if (mark < 0) {
            return fields;
        }
        for (String pair : topic.substring(mark + 1).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static int parseInt(String status) {
        try {
            return Integer.parseInt(status);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static CloudException failure(String host, String identity, MqttException e) {
        return switch (e.getReasonCode()) {
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION, MqttException.REASON_CODE_NOT_AUTHORIZED,
                    MqttException.REASON_CODE_INVALID_CLIENT_ID ->
                    CloudException.refused("IoT Hub at " + host + " refused " + identity + ": not authorized (a wrong key,"
                            + " or an identity that is unknown or disabled)");
            default -> CloudException.unreachable("cannot connect " + identity + " to IoT Hub at " + host + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        };
    }
}

package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.edge.agent.AgentServer;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.SystemProperties;
import io.eflow.edge.hub.store.EndpointMetrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The edge hub's requests on the agent's socket ({@code hub-…} and {@code module-invoke}), which the host's
 * {@code eflow hub} commands send over SSH.
 */
public final class HubRequests implements AgentServer.Extension {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DURABLE = Duration.ofSeconds(30);

    private final HubService service;

    public HubRequests(HubService service) {
        this.service = service;
    }

    @Override
    public ObjectNode handle(String op, JsonNode request, SocketChannel client, OutputStream out) throws IOException {
        try {
            return answer(op, request, client, out);
        } catch (io.eflow.edge.hub.auth.IdentityException | MethodException e) {
            // the host shows these to the operator as they are
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private ObjectNode answer(String op, JsonNode request, SocketChannel client, OutputStream out) throws IOException {
        ObjectNode result = JSON.createObjectNode();
        switch (op) {
            case "hub-status" -> {
                HubMetrics.Snapshot snapshot = service.hub().metrics();
                result.set("status", status(snapshot, service.upstreamStatus()));
                result.put("metrics", HubMetrics.prometheus(snapshot));
            }
            case "hub-publish" -> publish(request);
            case "hub-subscribe" -> subscribe(request, client, out);
            case "hub-identity-add" -> result.set("identity", service.addHostIdentity(text(request, "name")));
            case "hub-identity-show" -> result.set("identity", service.identity(text(request, "name")));
            case "hub-identity-remove" -> service.removeHostIdentity(text(request, "name"));
            case "hub-identity-list" -> result.set("identities", service.identities());
            case "hub-ca" -> result.put("pem", service.caCertificatePem());
            case "hub-upstream-set" -> service.setUpstream(text(request, "upstream"),
                    Optional.ofNullable(request.get("deviceId")).map(JsonNode::asText));
            case "hub-upstream-show" -> result.set("upstream", service.upstreamStatus());
            case "hub-upstream-clear" -> service.clearUpstream();
            case "module-invoke" -> invoke(request, result);
            default -> {
                return null;
            }
        }
        return result;
    }

    static ObjectNode status(HubMetrics.Snapshot s, JsonNode upstream) {
        ObjectNode status = JSON.createObjectNode().put("clients", s.clients());
        status.set("upstream", upstream);
        status.set("received", JSON.valueToTree(s.received()));
        status.set("routed", JSON.valueToTree(s.routed()));
        status.put("unrouted", s.unrouted()).put("refused", s.refused());
        ObjectNode store = status.putObject("store").put("bytesUsed", s.store().bytesUsed()).put("maxBytes", s.store().maxBytes())
                .put("refusedFull", s.store().refusedFull());
        ObjectNode endpoints = store.putObject("endpoints");
        for (EndpointMetrics m : s.store().endpoints().values()) {
            endpoints.putObject(m.endpoint()).put("queueLength", m.queueLength()).put("inFlight", m.inFlight())
                    .put("oldestAgeSeconds", m.oldestAge().toMillis() / 1000.0).put("delivered", m.delivered())
                    .put("expired", m.expired()).put("redelivered", m.redelivered()).put("unreadable", m.unreadable());
        }
        return status;
    }

    /** Straight into a module input's queue; answered once the message is durable. */
    private void publish(JsonNode request) {
        String module = text(request, "module");
        String input = text(request, "input");
        byte[] body;
        try {
            body = Base64.getDecoder().decode(request.path("body").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the message body is not base64");
        }
        Map<String, String> application = new HashMap<>();
        request.path("properties").fields().forEachRemaining(p -> application.put(p.getKey(), p.getValue().asText()));
        Map<String, String> system = new HashMap<>();
        system.put(SystemProperties.MESSAGE_ID, java.util.UUID.randomUUID().toString());
        system.put(SystemProperties.CREATION_TIME_UTC, Instant.now().toString());
        system.put(SystemProperties.CONNECTION_DEVICE_ID, service.hub().deviceId());
        Optional.ofNullable(request.get("contentType")).ifPresent(t -> system.put(SystemProperties.CONTENT_TYPE, t.asText()));
        Optional.ofNullable(request.get("contentEncoding")).ifPresent(e -> system.put(SystemProperties.CONTENT_ENCODING, e.asText()));
        HubMessage message = new HubMessage(body, system, application, MessageSource.device());
        await(service.hub().publishToInput(module, input, message), DURABLE, "the hub did not store the message");
    }

    /** Streams the messages modules send, as they arrive, until the host hangs up. */
    private void subscribe(JsonNode request, SocketChannel client, OutputStream out) throws IOException {
        Optional<String> module = Optional.ofNullable(request.get("module")).map(JsonNode::asText).filter(m -> !m.isEmpty());
        Optional<String> output = Optional.ofNullable(request.get("output")).map(JsonNode::asText).filter(o -> !o.isEmpty());
        // bounded: a host that reads too slowly loses the newest messages of its watch, never slows the hub
        LinkedBlockingQueue<ObjectNode> lines = new LinkedBlockingQueue<>(10_000);
        BooleanSupplier connected = AgentServer.whileConnected(client);
        try (AutoCloseable watch = service.hub().watch(source -> source instanceof MessageSource.Module m
                        && module.map(m.moduleId()::equals).orElse(true)
                        && output.map(o -> m.output().map(o::equals).orElse(false)).orElse(true),
                message -> lines.offer(line(message)))) {
            while (connected.getAsBoolean()) {
                ObjectNode line = lines.poll(500, TimeUnit.MILLISECONDS);
                if (line != null) {
                    AgentServer.write(out, line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | UncheckedIOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode line(HubMessage message) {
        MessageSource.Module source = (MessageSource.Module) message.source();
        ObjectNode line = JSON.createObjectNode().put("time", Instant.now().toString()).put("module", source.moduleId());
        line.put("output", source.output().orElse(null));
        line.set("properties", JSON.valueToTree(message.applicationProperties()));
        line.set("systemProperties", JSON.valueToTree(message.systemProperties()));
        line.put("body", Base64.getEncoder().encodeToString(message.body()));
        return line;
    }

    private void invoke(JsonNode request, ObjectNode result) throws IOException {
        String module = text(request, "module");
        String method = text(request, "method");
        Duration timeout = Duration.ofSeconds(Math.max(1, Math.min(300, request.path("timeoutSecs").asLong(30))));
        byte[] payload = JSON.writeValueAsBytes(request.has("payload") ? request.get("payload") : JSON.nullNode());
        MethodResult answer = await(service.hub().invoke(module, method, payload, timeout), timeout.plusSeconds(5),
                module + " did not answer '" + method + "'");
        result.put("status", answer.status());
        JsonNode body;
        try {
            body = answer.payload().length == 0 ? JSON.nullNode() : JSON.readTree(answer.payload());
        } catch (IOException e) {
            body = JSON.getNodeFactory().textNode(new String(answer.payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
        result.set("payload", body);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(cause.getMessage() == null ? what : cause.getMessage());
        } catch (TimeoutException e) {
            throw new IllegalArgumentException(what + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException(what + ": interrupted");
        }
    }

    private static String text(JsonNode request, String field) {
        String value = request.path(field).asText("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the request needs '" + field + "'");
        }
        return value;
    }
}

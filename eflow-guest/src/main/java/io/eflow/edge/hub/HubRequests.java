package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.Handler;
import io.eflow.contract.wire.HubRequest;
import io.eflow.contract.wire.HubStatus;
import io.eflow.contract.wire.MethodResult;
import io.eflow.contract.wire.ModuleMessage;
import io.eflow.contract.wire.Reply;
import io.eflow.contract.wire.ReplyStream;
import io.eflow.contract.wire.RequestException;
import io.eflow.contract.wire.UpstreamState;
import io.eflow.edge.hub.auth.IdentityException;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.SystemProperties;
import io.eflow.edge.hub.store.EndpointMetrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The edge hub's requests on the runtime's socket ({@code hub-…} and {@code module-invoke}), which the host's
 * {@code eflow hub} commands send over SSH.
 */
public final class HubRequests implements Handler<HubRequest<?>> {
    private static final ObjectMapper JSON = Mappers.standard();
    private static final Duration DURABLE = Duration.ofSeconds(30);
    /** How many messages a subscription holds for a host that reads slowly. */
    private static final int WATCH_BACKLOG = 10_000;

    private final HubService service;

    public HubRequests(HubService service) {
        this.service = service;
    }

    @Override
    public Reply handle(HubRequest<?> request, ReplyStream stream) throws Exception {
        try {
            return answer(request, stream);
        } catch (IdentityException e) {
            // a name that is taken, or not one a client can have: the operator's to fix
            throw RequestException.badRequest(e.getMessage());
        } catch (MethodException e) {
            throw methodFailure(e);
        }
    }

    private Reply answer(HubRequest<?> request, ReplyStream stream) throws Exception {
        // a pattern switch once the build is past Java 17
        if (request instanceof HubRequest.Status) {
            HubMetrics.Snapshot snapshot = service.hub().metrics();
            return new Reply.HubReport(status(snapshot, service.upstreamStatus()), HubMetrics.prometheus(snapshot));
        } else if (request instanceof HubRequest.Publish publish) {
            publish(publish);
            return new Reply.Done();
        } else if (request instanceof HubRequest.Subscribe subscribe) {
            return subscribe(subscribe, stream);
        } else if (request instanceof HubRequest.AddIdentity add) {
            return new Reply.IdentityReply(service.addHostIdentity(required(add.name(), "name")));
        } else if (request instanceof HubRequest.ShowIdentity show) {
            return new Reply.IdentityReply(service.identity(required(show.name(), "name")));
        } else if (request instanceof HubRequest.RemoveIdentity remove) {
            service.removeHostIdentity(required(remove.name(), "name"));
            return new Reply.Done();
        } else if (request instanceof HubRequest.ListIdentities) {
            return new Reply.IdentityList(service.identities());
        } else if (request instanceof HubRequest.Ca) {
            return new Reply.CaCertificate(service.caCertificatePem());
        } else if (request instanceof HubRequest.SetUpstream set) {
            service.setUpstream(required(set.upstream(), "upstream"), Optional.ofNullable(set.deviceId()));
            return new Reply.Done();
        } else if (request instanceof HubRequest.ShowUpstream) {
            return new Reply.UpstreamReply(service.upstreamStatus());
        } else if (request instanceof HubRequest.ClearUpstream) {
            service.clearUpstream();
            return new Reply.Done();
        } else if (request instanceof HubRequest.Invoke invoke) {
            return invoke(invoke);
        }
        throw new IllegalStateException("the hub has no answer to " + request.op());
    }

    static HubStatus status(HubMetrics.Snapshot s, UpstreamState upstream) {
        Map<String, HubStatus.Endpoint> endpoints = new LinkedHashMap<>();
        for (EndpointMetrics m : s.store().endpoints().values()) {
            endpoints.put(m.endpoint(), new HubStatus.Endpoint(m.queueLength(), m.inFlight(), m.oldestAge().toMillis() / 1000.0,
                    m.delivered(), m.expired(), m.redelivered(), m.unreadable()));
        }
        HubStatus.Store store = new HubStatus.Store(s.store().bytesUsed(), s.store().maxBytes(), s.store().refusedFull(), endpoints);
        return new HubStatus(s.clients(), upstream, s.received(), s.routed(), s.unrouted(), s.refused(), store);
    }

    /** Straight into a module input's queue; answered once the message is durable. */
    private void publish(HubRequest.Publish request) {
        String module = required(request.module(), "module");
        String input = required(request.input(), "input");
        Map<String, String> application = new HashMap<>(request.properties() == null ? Map.of() : request.properties());
        Map<String, String> system = new HashMap<>();
        system.put(SystemProperties.MESSAGE_ID, UUID.randomUUID().toString());
        system.put(SystemProperties.CREATION_TIME_UTC, Instant.now().toString());
        system.put(SystemProperties.CONNECTION_DEVICE_ID, service.hub().deviceId());
        Optional.ofNullable(request.contentType()).ifPresent(t -> system.put(SystemProperties.CONTENT_TYPE, t));
        Optional.ofNullable(request.contentEncoding()).ifPresent(e -> system.put(SystemProperties.CONTENT_ENCODING, e));
        byte[] body = request.body() == null ? new byte[0] : request.body();
        HubMessage message = new HubMessage(body, system, application, MessageSource.device());
        await(service.hub().publishToInput(module, input, message), DURABLE, "the hub did not store the message");
    }

    /** Streams the messages modules send, as they arrive, until the host hangs up. */
    private Reply subscribe(HubRequest.Subscribe request, ReplyStream stream) throws Exception {
        Optional<String> module = Optional.ofNullable(request.module()).filter(m -> !m.isEmpty());
        Optional<String> output = Optional.ofNullable(request.output()).filter(o -> !o.isEmpty());
        // bounded: a host that reads too slowly loses the newest messages of its watch, never slows the hub
        LinkedBlockingQueue<ModuleMessage> messages = new LinkedBlockingQueue<>(WATCH_BACKLOG);
        try (AutoCloseable watch = service.hub().watch(source -> source instanceof MessageSource.Module m
                        && module.map(m.moduleId()::equals).orElse(true)
                        && output.map(o -> m.output().map(o::equals).orElse(false)).orElse(true),
                message -> messages.offer(data(message)))) {
            while (stream.open()) {
                ModuleMessage message = messages.poll(500, TimeUnit.MILLISECONDS);
                if (message != null) {
                    stream.send(message);
                }
            }
        }
        return new Reply.End();
    }

    private static ModuleMessage data(HubMessage message) {
        MessageSource.Module source = (MessageSource.Module) message.source();
        return new ModuleMessage(Instant.now(), source.moduleId(), source.output().orElse(null),
                Map.copyOf(message.applicationProperties()), Map.copyOf(message.systemProperties()), message.body());
    }

    private MethodResult invoke(HubRequest.Invoke request) throws IOException {
        String module = required(request.module(), "module");
        String method = required(request.method(), "method");
        Duration timeout = Duration.ofSeconds(Math.max(1, Math.min(300, request.timeoutSecs() == 0 ? 30 : request.timeoutSecs())));
        JsonNode payload = request.payload() == null ? JSON.nullNode() : request.payload();
        // the hub's own MethodResult (bytes), which the contract's import shadows here
        var answer = await(service.hub().invoke(module, method, JSON.writeValueAsBytes(payload), timeout),
                timeout.plusSeconds(5), module + " did not answer '" + method + "'");
        JsonNode body;
        try {
            body = answer.payload().length == 0 ? JSON.nullNode() : JSON.readTree(answer.payload());
        } catch (IOException e) {
            body = JSON.getNodeFactory().textNode(new String(answer.payload(), StandardCharsets.UTF_8));
        }
        return new MethodResult(answer.status(), body);
    }

    /** A method that got no answer: IoT Hub's 404 is a module that is not there, its 504 one that took too long. */
    private static RequestException methodFailure(MethodException e) {
        Failure.Kind kind = switch (e.status()) {
            case 404 -> Failure.Kind.NOT_FOUND;
            case 504 -> Failure.Kind.TIMEOUT;
            default -> Failure.Kind.CONFLICT;
        };
        return new RequestException(kind, e.getMessage(), e);
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof MethodException m) {
                throw methodFailure(m);
            }
            throw new RequestException(Failure.Kind.CONFLICT, cause.getMessage() == null ? what : cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw RequestException.timeout(what + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestException(Failure.Kind.INTERNAL, what + ": interrupted");
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw RequestException.badRequest("the request needs '" + field + "'");
        }
        return value;
    }
}

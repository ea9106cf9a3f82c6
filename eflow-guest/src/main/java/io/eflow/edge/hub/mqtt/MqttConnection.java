package io.eflow.edge.hub.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.hub.auth.AuthenticationException;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.auth.Credentials;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.PropertyBag;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One client's MQTT 3.1.1 connection: the protocol, IoT Hub's topics as that client's identity may use them, and the
 * link through which the hub reaches the client.
 *
 * <p>Everything but the {@link ConnectedClient} methods runs on the channel's event loop, which owns all mutable state;
 * the link methods, and the hub's answers, hop onto that loop.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter implements ConnectedClient {
    /** The pipeline's idle handler: first the wait for CONNECT, then the client's keep-alive. */
    static final String IDLE_HANDLER = "idle";

    private static final System.Logger LOG = System.getLogger(MqttConnection.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    private static final int MQTT_3_1_1 = MqttVersion.MQTT_3_1_1.protocolLevel();

    private enum State { AWAITING_CONNECT, CONNECTED, REFUSED, CLOSED }

    private final Channel channel;
    private final HubConnector hub;
    private final ServerSettings settings;
    /** The server's connections by client id: a second connection of one identity takes over from the first. */
    private final ConcurrentMap<String, MqttConnection> sessions;
    private final AckQueue acks = new AckQueue();
    private final OutboundWindow outbound;
    private final LoopInbox inbox;
    /** Packets read while the hub was busy with {@link ServerSettings#maxInboundInFlight} of this client's. */
    private final ArrayDeque<MqttMessage> backlog = new ArrayDeque<>();
    /** Read by the hub from any thread. */
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** The inputs subscribed to by name, or {@link Topics#ALL_INPUTS}. */
    private final Set<String> inputs = ConcurrentHashMap.newKeySet();
    private final SavedSessions saved;
    /** Connected with clean session 0: its subscriptions outlive the connection. */
    private boolean persistent;
    private State state = State.AWAITING_CONNECT;
    private ClientId who;
    private Topics topics;
    private boolean twinResponses;
    private HubMessage will;
    private String closeReason;
    /** The hub's answers this connection waits for. */
    private int working;

    MqttConnection(Channel channel, HubConnector hub, ServerSettings settings, ConcurrentMap<String, MqttConnection> sessions,
                   SavedSessions saved) {
        this.saved = saved;
        this.channel = channel;
        this.inbox = new LoopInbox(channel.eventLoop());
        this.hub = hub;
        this.settings = settings;
        this.sessions = sessions;
        this.outbound = new OutboundWindow(settings.maxOutboundInFlight(), settings.maxOutboundInFlightBytes(),
                this::writeDelivery);
    }

    // ---- ConnectedClient: any thread ----

    @Override
    public boolean isSubscribed(Subscription subscription) {
        return subscriptions.contains(subscription);
    }

    @Override
    public boolean acceptsInput(String input) {
        return inputs.contains(Topics.ALL_INPUTS) || inputs.contains(input);
    }

    @Override
    public CompletableFuture<Void> deliverInput(String input, HubMessage message) {
        if (!Topics.isTopicLevel(input)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an input name: '" + input + "'"));
        }
        return deliver(message, () -> acceptsInput(input), "input " + input, bag -> topics.input(input, bag));
    }

    @Override
    public CompletableFuture<Void> deliverCloudToDevice(HubMessage message) {
        return deliver(message, () -> subscriptions.contains(Subscription.CLOUD_TO_DEVICE), "cloud-to-device messages",
                bag -> topics.devicebound(bag));
    }

    /**
     * Sends a message at QoS 1 on the topic made of its property bag, in order with the connection's other deliveries,
     * if the client subscribed to it ({@code subscribed}, checked on the loop).
     */
    private CompletableFuture<Void> deliver(HubMessage message, BooleanSupplier subscribed, String what,
                                            UnaryOperator<String> topicOf) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        String bag = PropertyBag.encode(message.systemProperties(), message.applicationProperties());
        byte[] body = message.body();
        onLoop(() -> {
            if (state != State.CONNECTED) {
                acknowledged.completeExceptionally(closed());
            } else if (!subscribed.getAsBoolean()) {
                acknowledged.completeExceptionally(new IllegalStateException(who + " has not subscribed to " + what));
            } else {
                outbound.offer(new OutboundWindow.Delivery(topicOf.apply(bag), body, acknowledged));
            }
        }, () -> acknowledged.completeExceptionally(new ConnectionClosedException("the MQTT server is shutting down")));
        return acknowledged;
    }

    @Override
    public void desiredPatch(JsonNode patch, long version) {
        // IoT Hub puts the version in the body too, where the Java SDK reads it (TwinCollection.getVersion)
        JsonNode versioned = patch;
        if (patch instanceof ObjectNode object) {
            versioned = object.deepCopy().put("$version", version);
        }
        byte[] body = json(versioned);
        onLoop(() -> {
            if (state == State.CONNECTED && subscriptions.contains(Subscription.DESIRED_PROPERTIES)) {
                publishAtMostOnce(Topics.desiredPatch(version), body);
            }
        }, () -> { });
    }

    @Override
    public void methodRequest(String method, String requestId, byte[] payload) {
        if (!Topics.isTopicLevel(method) || !Topics.isTopicLevel(requestId)) {
            throw new IllegalArgumentException("a method name and request id must fit one topic level: '"
                    + method + "', '" + requestId + "'");
        }
        byte[] body = payload.clone();
        // QoS 0, as IoT Hub sends method requests: the hub times the call out if the client never answers
        onLoop(() -> {
            if (state == State.CONNECTED && subscriptions.contains(Subscription.METHODS)) {
                publishAtMostOnce(Topics.methodRequest(method, requestId), body);
            }
        }, () -> { });
    }

    @Override
    public void close(String reason) {
        // the hub ends the connection because the identity may no longer connect: no will on its behalf
        onLoop(() -> end(reason, false), () -> { });
    }

    @Override
    public String toString() {
        return "MQTT connection of " + (who == null ? "an unauthenticated client" : who) + " from " + channel.remoteAddress();
    }

    // ---- Netty: the event loop ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage message) || state == State.REFUSED || state == State.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.CONNECTED && waitsForTheHub(message)) {
            backlog.add(message);
            return;
        }
        try {
            handle(message);
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            if (state == State.AWAITING_CONNECT) {
                end("sent no CONNECT within " + settings.connectTimeout().toMillis() + " ms", true);
            } else if (channel.config().isAutoRead()) {
                end("was silent for longer than 1.5 times its keep-alive", true);
            }
            // not reading is the head's own doing while the hub is busy: the client is not to blame
        } else if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            LOG.log(System.Logger.Level.INFO, "refused a TLS connection from {0}: {1}", channel.remoteAddress(),
                    describe(handshake.cause()));
            end("TLS handshake failed", true);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (!(reason instanceof IOException)) {
            LOG.log(System.Logger.Level.WARNING, this + " failed", reason);
        }
        end("connection error: " + describe(reason), true);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        subscriptions.clear();
        inputs.clear();
        backlog.forEach(ReferenceCountUtil::release);
        backlog.clear();
        String reason = closeReason == null ? "the connection dropped" : closeReason;
        ctx.fireChannelInactive();
        if (was != State.CONNECTED) {
            LOG.log(System.Logger.Level.DEBUG, "connection from {0} ended before CONNECT: {1}", channel.remoteAddress(), reason);
            return;
        }
        sessions.remove(who.toString(), this);
        outbound.fail(closed());
        if (will != null) {
            // MQTT's will: the client went away without DISCONNECT, so its last words go out as its telemetry
            try {
                hub.send(who, will);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the hub refused the will of " + who, e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0} disconnected: {1}", who, reason);
        try {
            hub.disconnected(who, this);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the hub failed to take the disconnection of " + who, e);
        }
    }

    // ---- packets ----

    private void handle(MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            malformed(message.decoderResult().cause());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (state == State.AWAITING_CONNECT) {
            if (type == MqttMessageType.CONNECT) {
                connect((MqttConnectMessage) message);
            } else {
                end("sent " + type + " before CONNECT", true);
            }
            return;
        }
        switch (type) {
            case PUBLISH -> publish((MqttPublishMessage) message);
            case PUBACK -> outbound.acknowledged(((MqttPubAckMessage) message).variableHeader().messageId());
            case SUBSCRIBE -> subscribe((MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) message);
            case PINGREQ -> channel.writeAndFlush(MqttMessage.PINGRESP);
            case DISCONNECT -> end("client disconnected", false);
            // PUBREC, PUBREL, PUBCOMP belong to QoS 2, which IoT Hub does not have; the rest a client never sends
            default -> end("sent " + type + ", which this server does not take", true);
        }
    }

    /** While the hub is busy with as many of this client's packets as it may be, later ones wait in order. */
    private boolean waitsForTheHub(MqttMessage message) {
        if (backlog.isEmpty() && working < settings.maxInboundInFlight()) {
            return false;
        }
        if (message.decoderResult().isFailure()) {
            return false;
        }
        // acknowledgements and pings ask nothing of the hub: holding them back would only stall the client
        MqttMessageType type = message.fixedHeader().messageType();
        return type != MqttMessageType.PUBACK && type != MqttMessageType.PINGREQ;
    }

    private void malformed(Throwable cause) {
        if (state == State.AWAITING_CONNECT && cause instanceof MqttUnacceptableProtocolVersionException) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "?", describe(cause));
        } else if (state == State.AWAITING_CONNECT && cause instanceof MqttIdentifierRejectedException) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "?", describe(cause));
        } else if (cause instanceof TooLongFrameException) {
            end("sent a packet larger than " + settings.maxPacketSize() + " bytes", true);
        } else {
            end("sent a malformed packet: " + describe(cause), true);
        }
    }

    private void connect(MqttConnectMessage connect) {
        MqttConnectVariableHeader header = connect.variableHeader();
        MqttConnectPayload payload = connect.payload();
        String clientId = payload.clientIdentifier();
        if (header.version() != MQTT_3_1_1) {
            refuse(header.version() == MqttVersion.MQTT_5.protocolLevel()
                            ? MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION
                            : MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    clientId, "speaks MQTT protocol level " + header.version() + ", not 4 (MQTT 3.1.1)");
            return;
        }
        if (clientId == null || clientId.isEmpty()) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "?", "sent no client id");
            return;
        }
        ClientId identity;
        try {
            identity = Objects.requireNonNull(hub.authenticate(new Credentials(clientId,
                    Objects.requireNonNullElse(payload.userName(), ""),
                    Optional.ofNullable(payload.passwordInBytes()).map(bytes -> new String(bytes, StandardCharsets.UTF_8)),
                    peerCertificates())), "the hub authenticated no identity");
        } catch (AuthenticationException e) {
            refuse(e.notAuthorized() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED
                    : MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, clientId, e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the hub failed to check the credentials of " + clientId, e);
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, clientId, "the hub could not check its credentials");
            return;
        }
        if (!identity.toString().equals(clientId)) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, clientId,
                    "its client id is not its identity, " + identity);
            return;
        }
        Topics own = new Topics(identity);
        if (header.isWillFlag()) {
            Optional<Topics.Request> willTopic = own.publish(payload.willTopic());
            if (!(willTopic.orElse(null) instanceof Topics.Events events)) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, clientId,
                        "its will's topic " + payload.willTopic() + " is not its own events topic");
                return;
            }
            try {
                will = EventMessages.of(identity, events.bag(), payload.willMessageInBytes(), header.isWillRetain());
            } catch (IllegalArgumentException e) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, clientId,
                        "its will's property bag is malformed: " + e.getMessage());
                return;
            }
        }
        who = identity;
        topics = own;
        state = State.CONNECTED;
        keepAlive(header.keepAliveTimeSeconds());
        MqttConnection previous = sessions.put(clientId, this);
        if (previous != null) {
            previous.takenOver();
        }
        // the hub first, so a client that has its CONNACK is one the hub knows (what it pushes hops onto this loop,
        // so it still follows the CONNACK)
        try {
            hub.connected(who, this);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the hub failed to take the connection of " + who, e);
            end("the hub failed to take the connection", false);
            return;
        }
        // a session is the client's subscriptions (the hub's store keeps the messages)
        persistent = !header.isCleanSession();
        Optional<List<String>> session = Optional.empty();
        if (persistent) {
            session = saved.resume(clientId);
        } else {
            saved.forget(clientId);
        }
        channel.writeAndFlush(MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(session.isPresent()).build());
        LOG.log(System.Logger.Level.INFO, "{0} connected from {1}", who, channel.remoteAddress());
        session.ifPresent(filters -> {
            List<Subscription> added = new ArrayList<>();
            filters.forEach(filter -> subscribeTo(filter, added));
            tellHub(added);
        });
    }

    private void takenOver() {
        onLoop(() -> end("a new connection of the same client took over", true), () -> { });
    }

    private void refuse(MqttConnectReturnCode code, String clientId, String reason) {
        state = State.REFUSED;
        closeReason = "refused";
        LOG.log(System.Logger.Level.INFO, "refused {0} from {1}: {2}", clientId, channel.remoteAddress(), reason);
        channel.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** A client silent for 1.5 times its keep-alive is gone, as MQTT has it; 0 means it never needs to speak. */
    private void keepAlive(int seconds) {
        if (seconds == 0) {
            channel.pipeline().remove(IDLE_HANDLER);
        } else {
            channel.pipeline().replace(IDLE_HANDLER, IDLE_HANDLER,
                    new IdleStateHandler(seconds * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }
    }

    private List<X509Certificate> peerCertificates() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return List.of();
        }
        try {
            return Arrays.stream(tls.engine().getSession().getPeerCertificates())
                    .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private void publish(MqttPublishMessage message) {
        MqttQoS qos = message.fixedHeader().qosLevel();
        String topic = message.variableHeader().topicName();
        if (qos == MqttQoS.EXACTLY_ONCE) {
            // as IoT Hub does: it has no QoS 2 and closes the connection of a client that uses it
            end("published with QoS 2, which IoT Hub does not support", true);
            return;
        }
        Optional<Topics.Request> request = topics.publish(topic);
        if (request.isEmpty()) {
            end("published to " + topic + ", a topic it may not use", true);
            return;
        }
        byte[] body = ByteBufUtil.getBytes(message.payload());
        AckQueue.Owed ack = qos == MqttQoS.AT_LEAST_ONCE ? acks.expect(message.variableHeader().packetId()) : null;
        Topics.Request what = request.get();
        if (what instanceof Topics.Events events) {
            event(events, body, message.fixedHeader().isRetain(), ack);
            return;
        }
        if (ack != null) {
            acknowledge(ack);
        }
        if (what instanceof Topics.TwinGet get) {
            twinGet(get.requestId());
        } else if (what instanceof Topics.TwinReported reported) {
            twinReported(reported.requestId(), body);
        } else if (what instanceof Topics.MethodResponse response) {
            try {
                hub.methodResponse(who, response.requestId(), response.status(), body);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the hub failed to take a method response of " + who, e);
            }
        }
    }

    private void event(Topics.Events events, byte[] body, boolean retained, AckQueue.Owed ack) {
        HubMessage message;
        try {
            message = EventMessages.of(who, events.bag(), body, retained);
        } catch (IllegalArgumentException e) {
            end("sent a malformed property bag: " + e.getMessage(), true);
            return;
        }
        whenHubAnswers(() -> hub.send(who, message), (ok, failure) -> {
            if (ack == null) {
                return; // QoS 0: at most once, so a message the hub did not take is gone
            }
            if (failure == null) {
                acknowledge(ack);
            } else {
                // no PUBACK: the client sends it again on its next connection
                end("the hub did not take a message: " + describe(failure), true);
            }
        });
    }

    private void twinGet(String requestId) {
        if (!twinResponses) {
            return; // the answer would go to a topic the client does not listen on
        }
        whenHubAnswers(() -> hub.twin(who), (twin, failure) -> {
            if (failure == null) {
                twinAnswer(200, requestId, OptionalLong.empty(), json(twin));
            } else {
                twinAnswer(500, requestId, OptionalLong.empty(), error(failure));
            }
        });
    }

    private void twinReported(String requestId, byte[] body) {
        JsonNode patch;
        try {
            patch = JSON.readTree(body);
        } catch (IOException e) {
            patch = null;
        }
        if (patch == null || !patch.isObject()) {
            twinAnswer(400, requestId, OptionalLong.empty(),
                    json(JSON.createObjectNode().put("message", "reported properties must be a JSON object")));
            return;
        }
        JsonNode properties = patch;
        whenHubAnswers(() -> hub.reportTwin(who, properties), (version, failure) -> {
            if (failure == null && version != null) {
                twinAnswer(204, requestId, OptionalLong.of(version), new byte[0]);
            } else {
                // a patch refused for what it is (past IoT Hub's twin limits) is the client's 400, as IoT Hub answers
                twinAnswer(failure instanceof IllegalArgumentException ? 400 : 500, requestId, OptionalLong.empty(),
                        error(failure == null ? new IllegalStateException("the hub answered no version") : failure));
            }
        });
    }

    private void twinAnswer(int status, String requestId, OptionalLong version, byte[] body) {
        if (twinResponses) {
            publishAtMostOnce(Topics.twinResponse(status, requestId, version), body);
        }
    }

    private void subscribe(MqttSubscribeMessage message) {
        List<Integer> granted = new ArrayList<>();
        List<Subscription> added = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (MqttTopicSubscription subscription : message.payload().topicSubscriptions()) {
            if (!subscribeTo(subscription.topicFilter(), added)) {
                LOG.log(System.Logger.Level.INFO, "refused {0} a subscription to {1}", who, subscription.topicFilter());
                granted.add(MqttQoS.FAILURE.value());
                continue;
            }
            accepted.add(subscription.topicFilter());
            // IoT Hub grants QoS 2 as 1
            granted.add(Math.min(subscription.qualityOfService().value(), MqttQoS.AT_LEAST_ONCE.value()));
        }
        if (persistent) {
            saved.subscribed(who.toString(), accepted);
        }
        channel.writeAndFlush(new MqttSubAckMessage(header(MqttMessageType.SUBACK),
                MqttMessageIdVariableHeader.from(message.variableHeader().messageId()), new MqttSubAckPayload(granted)));
        tellHub(added);
    }

    /** Takes one subscription, from a SUBSCRIBE or a saved session; false when it is not one of the client's own. */
    private boolean subscribeTo(String topicFilter, List<Subscription> added) {
        Optional<Topics.Filter> filter = topics.filter(topicFilter);
        if (filter.isEmpty()) {
            return false;
        }
        if (filter.get() == Topics.Filter.TWIN_RESPONSES) {
            twinResponses = true;
        }
        topics.inputOf(topicFilter).ifPresent(inputs::add);
        filter.get().subscription().ifPresent(kind -> {
            subscriptions.add(kind);
            added.add(kind);
        });
        return true;
    }

    private void tellHub(List<Subscription> added) {
        for (Subscription kind : added) {
            try {
                hub.subscribed(who, this, kind);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the hub failed to take a subscription of " + who, e);
            }
        }
    }

    private void unsubscribe(MqttUnsubscribeMessage message) {
        if (persistent) {
            saved.unsubscribed(who.toString(), message.payload().topics());
        }
        for (String filter : message.payload().topics()) {
            topics.filter(filter).ifPresent(kind -> {
                if (kind == Topics.Filter.TWIN_RESPONSES) {
                    twinResponses = false;
                }
                topics.inputOf(filter).ifPresent(inputs::remove);
                if (kind != Topics.Filter.INPUTS || inputs.isEmpty()) {
                    kind.subscription().ifPresent(subscriptions::remove);
                }
            });
        }
        channel.writeAndFlush(new MqttUnsubAckMessage(header(MqttMessageType.UNSUBACK),
                MqttMessageIdVariableHeader.from(message.variableHeader().messageId())));
    }

    // ---- the hub's answers ----

    /**
     * Calls the hub and runs {@code then} with its answer on this connection's event loop, while the connection is
     * open. While {@link ServerSettings#maxInboundInFlight} answers are outstanding the head stops reading from the
     * client, so a client cannot pile up more work than the hub has agreed to.
     */
    private <T> void whenHubAnswers(Supplier<CompletableFuture<T>> call, BiConsumer<T, Throwable> then) {
        CompletableFuture<T> answer;
        try {
            answer = Objects.requireNonNull(call.get(), "the hub answered no future");
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        working++;
        if (working >= settings.maxInboundInFlight()) {
            channel.config().setAutoRead(false);
        }
        answer.whenComplete((value, failure) -> onLoop(() -> {
            working--;
            if (state == State.CONNECTED) {
                then.accept(value, unwrap(failure));
                drainBacklog();
            }
        }, () -> { }));
    }

    private void drainBacklog() {
        while (state == State.CONNECTED && !backlog.isEmpty() && working < settings.maxInboundInFlight()) {
            MqttMessage next = backlog.poll();
            try {
                handle(next);
            } finally {
                ReferenceCountUtil.release(next);
            }
        }
        if (state == State.CONNECTED && backlog.isEmpty() && working < settings.maxInboundInFlight()
                && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    private void acknowledge(AckQueue.Owed ack) {
        acks.ready(ack, packetId -> channel.write(new MqttPubAckMessage(header(MqttMessageType.PUBACK),
                MqttMessageIdVariableHeader.from(packetId))));
        channel.flush();
    }

    // ---- writing ----

    private void writeDelivery(int packetId, OutboundWindow.Delivery delivery) {
        channel.writeAndFlush(MqttMessageBuilders.publish().topicName(delivery.topic()).qos(MqttQoS.AT_LEAST_ONCE)
                .retained(false).messageId(packetId).payload(Unpooled.wrappedBuffer(delivery.body())).build());
    }

    private void publishAtMostOnce(String topic, byte[] body) {
        channel.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_MOST_ONCE)
                .retained(false).payload(Unpooled.wrappedBuffer(body)).build());
    }

    private static MqttFixedHeader header(MqttMessageType type) {
        return new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0);
    }

    // ---- helpers ----

    /** Closes the connection once, keeping the first reason for the log; the will goes out unless told otherwise. */
    private void end(String reason, boolean publishWill) {
        if (state == State.CLOSED) {
            return;
        }
        if (closeReason == null) {
            closeReason = reason;
        }
        if (!publishWill) {
            will = null;
        }
        channel.close();
    }

    private void onLoop(Runnable task, Runnable whenShutDown) {
        inbox.execute(task, whenShutDown);
    }

    private ConnectionClosedException closed() {
        return new ConnectionClosedException("the connection of " + (who == null ? "the client" : who) + " ended"
                + (closeReason == null ? "" : ": " + closeReason));
    }

    private static byte[] json(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] error(Throwable failure) {
        return json(JSON.createObjectNode().put("message", describe(failure)));
    }

    private static Throwable unwrap(Throwable failure) {
        return (failure instanceof CompletionException || failure instanceof ExecutionException) && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}

package io.eflow.iothub.emulator.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.iothub.emulator.auth.Authenticator;
import io.eflow.iothub.emulator.hub.CloudMessage;
import io.eflow.iothub.emulator.hub.Connections;
import io.eflow.iothub.emulator.hub.DeviceLink;
import io.eflow.iothub.emulator.hub.MethodCalls;
import io.eflow.iothub.emulator.hub.MethodResult;
import io.eflow.iothub.emulator.hub.Telemetry;
import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.registry.TwinState;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One device or module connection, as IoT Hub's MQTT head treats it: CONNECT must authenticate (else CONNACK 5, not
 * authorized, and the connection closes), then the client may publish and subscribe only on its own topics; anything
 * else, and a message over 256 KB, drops the connection (MQTT 3.1.1 has no way to refuse a single PUBLISH).
 */
final class DeviceSession extends SimpleChannelInboundHandler<MqttMessage> implements DeviceLink {
    /** IoT Hub's limit for a device-to-cloud message: body and property bag. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final Logger LOG = Logger.getLogger(DeviceSession.class.getName());

    private final Authenticator authenticator;
    private final Registry registry;
    private final Connections connections;
    private final MethodCalls methods;
    private final Telemetry telemetry;
    private final ObjectMapper json;
    private final AtomicInteger packetIds = new AtomicInteger();

    private volatile Channel channel;
    private volatile IdentityRef ref;
    /** Granted QoS per kind of subscription; absent: not subscribed. */
    private volatile Optional<MqttQoS> cloudMessages = Optional.empty();
    private volatile Optional<MqttQoS> desired = Optional.empty();
    private volatile Optional<MqttQoS> methodCalls = Optional.empty();
    private volatile MqttQoS twinResponses = MqttQoS.AT_MOST_ONCE;

    DeviceSession(Authenticator authenticator, Registry registry, Connections connections, MethodCalls methods,
                  Telemetry telemetry, ObjectMapper json) {
        this.authenticator = authenticator;
        this.registry = registry;
        this.connections = connections;
        this.methods = methods;
        this.telemetry = telemetry;
        this.json = json;
    }

    /** Not channelActive: over WebSockets the session joins a channel that has long been active. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.handlerAdded(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            drop("an MQTT packet it could not read (over 256 KB, or malformed): " + message.decoderResult().cause().getMessage());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (ref == null && type != MqttMessageType.CONNECT) {
            drop("a " + type + " before CONNECT");
            return;
        }
        switch (type) {
            case CONNECT -> connect(ctx, (MqttConnectMessage) message);
            case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
            case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) message);
            case PINGREQ -> ctx.writeAndFlush(MqttReplies.pingResp());
            case DISCONNECT -> ctx.close();
            case PUBACK -> {
                // acknowledgements of cloud-to-device messages: delivered is delivered
            }
            default -> drop("a " + type + " packet, which a device does not send");
        }
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        if (ref != null) {
            drop("a second CONNECT");
            return;
        }
        String clientId = connect.payload().clientIdentifier();
        int slash = clientId.indexOf('/');
        IdentityRef candidate = slash < 0 ? IdentityRef.device(clientId)
                : IdentityRef.module(clientId.substring(0, slash), clientId.substring(slash + 1));
        try {
            if (connect.variableHeader().version() != 4) {
                refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                        "MQTT protocol level " + connect.variableHeader().version() + ", not 4 (3.1.1)");
                return;
            }
            String userName = Optional.ofNullable(connect.payload().userName()).orElse("");
            String expected = authenticator.hostName() + "/" + candidate + "/";
            if (!userName.toLowerCase(Locale.ROOT).startsWith(expected.toLowerCase(Locale.ROOT))) {
                refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                        "user name '" + userName + "' is not '" + expected + "?api-version=…'");
                return;
            }
            byte[] password = connect.payload().passwordInBytes();
            if (password != null && password.length > 0) {
                authenticator.authenticateToken(candidate, new String(password, StandardCharsets.UTF_8));
            } else {
                List<X509Certificate> chain = ClientCertificates.of(ctx);
                if (chain.isEmpty()) {
                    throw HubException.unauthorized("neither a SAS token nor a client certificate");
                }
                authenticator.authenticateCertificate(candidate, chain);
            }
        } catch (HubException e) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, e.getMessage());
            return;
        }
        ref = candidate;
        int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
        if (keepAlive > 0) {
            // MQTT 3.1.1 §3.1.2.10: one and a half keep-alive periods without a packet and the server closes
            ctx.pipeline().addBefore(ctx.name(), "idle", new IdleStateHandler(keepAlive * 3L / 2, 0, 0, TimeUnit.SECONDS));
        }
        connections.connected(this);
        ctx.writeAndFlush(MqttReplies.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        LOG.fine(() -> "connected: " + ref);
    }

    private void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code, String why) {
        LOG.info("refused a connection as '" + ctx.channel().remoteAddress() + "': " + why);
        ctx.writeAndFlush(MqttReplies.connAck(code)).addListener(ChannelFutureListener.CLOSE);
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String name = publish.variableHeader().topicName();
        byte[] payload = ByteBufUtil.getBytes(publish.payload());
        Topic topic = Topic.parse(name);
        try {
            if (topic instanceof Topic.Telemetry telemetryTopic) {
                if (!telemetryTopic.deviceId().equals(ref.deviceId()) || !telemetryTopic.moduleId().equals(ref.moduleId())) {
                    drop("a message on '" + name + "', which is not its own");
                    return;
                }
                if (payload.length + telemetryTopic.bag().length() > MAX_MESSAGE_BYTES) {
                    drop("a message of " + (payload.length + telemetryTopic.bag().length())
                            + " bytes, over IoT Hub's 256 KB limit");
                    return;
                }
                receive(telemetryTopic, payload);
            } else if (topic instanceof Topic.TwinGet get) {
                TwinState twin = registry.twin(ref);
                ObjectNode document = json.createObjectNode();
                document.set("desired", twin.desiredDocument());
                document.set("reported", twin.reportedDocument());
                respond("$iothub/twin/res/200/?$rid=" + get.requestId(), json.writeValueAsBytes(document));
            } else if (topic instanceof Topic.TwinReported reported) {
                patchReported(reported, payload);
            } else if (topic instanceof Topic.MethodResponse response) {
                methods.complete(response.requestId(), new MethodResult(response.status(), payload));
            } else {
                drop("a message on '" + name + "', a topic IoT Hub does not take");
                return;
            }
        } catch (IOException e) {
            drop("an answer it could not be given: " + e.getMessage());
            return;
        }
        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(MqttReplies.pubAck(publish.variableHeader().packetId()));
        }
    }

    private void receive(Topic.Telemetry topic, byte[] payload) {
        PropertyBag bag = PropertyBag.parse(topic.bag());
        Map<String, String> system = new LinkedHashMap<>(bag.systemProperties());
        // the hub's own, whatever the device wrote
        system.put("connectionDeviceId", ref.deviceId());
        ref.moduleId().ifPresentOrElse(m -> system.put("connectionModuleId", m), () -> system.remove("connectionModuleId"));
        telemetry.add(ref, payload, bag.properties(), system);
    }

    private void patchReported(Topic.TwinReported reported, byte[] payload) throws IOException {
        String rid = reported.requestId();
        JsonNode patch;
        try {
            patch = json.readTree(payload);
        } catch (IOException e) {
            patch = null;
        }
        if (patch == null || !patch.isObject()) {
            ObjectNode error = json.createObjectNode().put("errorCode", 400004).put("message", "A reported patch is a JSON object.");
            respond("$iothub/twin/res/400/?$rid=" + rid, json.writeValueAsBytes(error));
            return;
        }
        try {
            long version = registry.patchReported(ref, (ObjectNode) patch);
            respond("$iothub/twin/res/204/?$rid=" + rid + "&$version=" + version, new byte[0]);
        } catch (HubException e) {
            LOG.info("refused a reported patch of '" + ref + "': " + e.getMessage());
            // the body IoT Hub gives a refused twin request; the SDKs fail the call on its errorCode
            ObjectNode error = json.createObjectNode().put("errorCode", e.numericCode()).put("message", e.getMessage());
            respond("$iothub/twin/res/" + e.status() + "/?$rid=" + rid, json.writeValueAsBytes(error));
        }
    }

    private void respond(String topic, byte[] payload) {
        send(topic, payload, twinResponses);
    }

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        List<Integer> granted = new ArrayList<>();
        boolean wantsCloud = false;
        String own = "devices/" + ref.deviceId() + ref.moduleId().map(m -> "/modules/" + m).orElse("");
        for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
            String filter = subscription.topicName();
            MqttQoS qos = subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_MOST_ONCE : MqttQoS.AT_LEAST_ONCE;
            if (filter.equals("$iothub/twin/res/#")) {
                twinResponses = qos;
            } else if (filter.equals("$iothub/twin/PATCH/properties/desired/#")) {
                desired = Optional.of(qos);
            } else if (filter.equals("$iothub/methods/POST/#")) {
                methodCalls = Optional.of(qos);
            } else if (ref.moduleId().isEmpty() && filter.equals(own + "/messages/devicebound/#")) {
                cloudMessages = Optional.of(qos);
                wantsCloud = true;
            } else if (ref.moduleId().isPresent() && filter.equals(own + "/inputs/#")) {
                // module inputs come from an edge hub's routes; IoT Hub itself sends none, but takes the subscription
                LOG.fine(() -> "'" + ref + "' subscribed to its inputs, which IoT Hub never sends");
            } else {
                LOG.info("'" + ref + "' may not subscribe to '" + filter + "'");
                granted.add(MqttQoS.FAILURE.value());
                continue;
            }
            granted.add(qos.value());
        }
        ctx.writeAndFlush(MqttReplies.subAck(subscribe.variableHeader().messageId(), granted));
        if (wantsCloud) {
            connections.deliverCloudMessages(ref);
        }
    }

    private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        for (String filter : unsubscribe.payload().topics()) {
            if (filter.equals("$iothub/twin/PATCH/properties/desired/#")) {
                desired = Optional.empty();
            } else if (filter.equals("$iothub/methods/POST/#")) {
                methodCalls = Optional.empty();
            } else if (filter.endsWith("/messages/devicebound/#")) {
                cloudMessages = Optional.empty();
            }
        }
        ctx.writeAndFlush(MqttReplies.unsubAck(unsubscribe.variableHeader().messageId()));
    }

    // ---- DeviceLink: the hub reaching this client

    @Override
    public IdentityRef ref() {
        return ref;
    }

    @Override
    public boolean acceptsMethods() {
        return methodCalls.isPresent();
    }

    @Override
    public void invokeMethod(String requestId, String methodName, byte[] payload) {
        send("$iothub/methods/POST/" + methodName + "/?$rid=" + requestId, payload, methodCalls.orElse(MqttQoS.AT_MOST_ONCE));
    }

    @Override
    public boolean acceptsDesired() {
        return desired.isPresent();
    }

    @Override
    public void sendDesired(ObjectNode patch) {
        try {
            send("$iothub/twin/PATCH/properties/desired/?$version=" + patch.path("$version").asLong(),
                    json.writeValueAsBytes(patch), desired.orElse(MqttQoS.AT_MOST_ONCE));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    @Override
    public boolean acceptsCloudMessages() {
        return cloudMessages.isPresent();
    }

    @Override
    public void sendCloudMessage(CloudMessage message) {
        String bag = PropertyBag.encode(message.systemProperties(), message.properties());
        send("devices/" + ref.deviceId() + "/messages/devicebound/" + bag, message.body(),
                cloudMessages.orElse(MqttQoS.AT_LEAST_ONCE));
    }

    @Override
    public void close(String reason) {
        LOG.info("closing the connection of '" + ref + "': " + reason);
        Channel open = channel;
        if (open != null) {
            open.close();
        }
    }

    private void send(String topic, byte[] payload, MqttQoS qos) {
        Channel open = channel;
        if (open == null || !open.isActive()) {
            return;
        }
        open.writeAndFlush(MqttReplies.publish(topic, payload, qos, packetIds.updateAndGet(id -> id >= 0xFFFF ? 1 : id + 1)));
    }

    private void drop(String why) {
        LOG.info("dropping the connection of '" + (ref == null ? channel.remoteAddress() : ref) + "': it sent " + why);
        channel.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            drop("nothing for one and a half keep-alive periods");
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ref != null) {
            connections.disconnected(this);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "connection of '" + ref + "' failed", cause);
        ctx.close();
    }
}

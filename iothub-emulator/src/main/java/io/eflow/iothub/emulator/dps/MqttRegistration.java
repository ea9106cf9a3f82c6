package io.eflow.iothub.emulator.dps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.iothub.emulator.mqtt.ClientCertificates;
import io.eflow.iothub.emulator.mqtt.MqttReplies;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device registering over MQTT, as DPS's MQTT head serves it on the hub's port: CONNECT with the registration id
 * as client id, {@code {idScope}/registrations/{id}/api-version=…} as user name and a SAS token as password (or a
 * client certificate) proves the device (else CONNACK 5); then it subscribes to {@code $dps/registrations/res/#},
 * registers on {@code $dps/registrations/PUT/iotdps-register/?$rid=…}, polls on
 * {@code $dps/registrations/GET/iotdps-get-operationstatus/?$rid=…&operationId=…}, and each answer comes on
 * {@code $dps/registrations/res/{status}/?$rid=…[&retry-after=…]} with the body the HTTPS API gives.
 */
final class MqttRegistration extends SimpleChannelInboundHandler<MqttMessage> {
    /** The user name that marks a connection as DPS's rather than IoT Hub's. */
    static final Pattern USER_NAME = Pattern.compile("([^/]+)/registrations/([^/]+)/api-version=.*");
    private static final Pattern REGISTER = Pattern.compile("\\$dps/registrations/PUT/iotdps-register/\\?\\$rid=([^&]*)");
    private static final Pattern POLL = Pattern.compile(
            "\\$dps/registrations/GET/iotdps-get-operationstatus/\\?\\$rid=([^&]*)&operationId=([^&]+)");
    private static final String RESPONSES = "$dps/registrations/res/#";
    private static final Logger LOG = Logger.getLogger(MqttRegistration.class.getName());

    private final Registrations registrations;
    private final RegistrationJson answers;
    private final ObjectMapper json;
    private final AtomicInteger packetIds = new AtomicInteger();
    private Registrations.Attested attested;
    private MqttQoS responses = MqttQoS.AT_MOST_ONCE;

    MqttRegistration(Registrations registrations, RegistrationJson answers, ObjectMapper json) {
        this.registrations = registrations;
        this.answers = answers;
        this.json = json;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            ctx.close();
            return;
        }
        switch (message.fixedHeader().messageType()) {
            case CONNECT -> connect(ctx, (MqttConnectMessage) message);
            case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
            case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
            case UNSUBSCRIBE -> ctx.writeAndFlush(MqttReplies.unsubAck(
                    ((MqttUnsubscribeMessage) message).variableHeader().messageId()));
            case PINGREQ -> ctx.writeAndFlush(MqttReplies.pingResp());
            case PUBACK -> {
                // the device's acknowledgement of an answer
            }
            default -> ctx.close();
        }
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        if (attested != null) {
            ctx.close();
            return;
        }
        String registrationId = connect.payload().clientIdentifier();
        Matcher user = USER_NAME.matcher(Optional.ofNullable(connect.payload().userName()).orElse(""));
        byte[] password = connect.payload().passwordInBytes();
        try {
            if (!user.matches() || !user.group(2).equals(registrationId)) {
                throw DpsException.unauthorized("user name '" + connect.payload().userName() + "' is not"
                        + " '{idScope}/registrations/" + registrationId + "/api-version=…'");
            }
            Proof proof = password != null && password.length > 0
                    ? new Proof.Token(new String(password, StandardCharsets.UTF_8))
                    : new Proof.Certificates(ClientCertificates.of(ctx));
            attested = registrations.attest(user.group(1), registrationId, proof);
        } catch (DpsException e) {
            ctx.writeAndFlush(MqttReplies.connAck(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(MqttReplies.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
    }

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        List<Integer> granted = new ArrayList<>();
        for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
            if (subscription.topicName().equals(RESPONSES)) {
                responses = subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_MOST_ONCE
                        : MqttQoS.AT_LEAST_ONCE;
                granted.add(responses.value());
            } else {
                granted.add(MqttQoS.FAILURE.value());
            }
        }
        ctx.writeAndFlush(MqttReplies.subAck(subscribe.variableHeader().messageId(), granted));
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        Matcher register = REGISTER.matcher(topic);
        Matcher poll = POLL.matcher(topic);
        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(MqttReplies.pubAck(publish.variableHeader().packetId()));
        }
        if (register.matches()) {
            String rid = register.group(1);
            try {
                JsonNode body = answers.body(ByteBufUtil.getBytes(publish.content()));
                Operation operation = registrations.register(attested, Optional.ofNullable(body.get("payload")));
                answer(ctx, 202, rid, true, answers.assigning(operation));
            } catch (DpsException e) {
                answer(ctx, e.status(), rid, false, answers.error(e));
            }
        } else if (poll.matches()) {
            try {
                answer(ctx, 200, poll.group(1), false, answers.assigned(registrations.operation(attested, poll.group(2))));
            } catch (DpsException e) {
                answer(ctx, e.status(), poll.group(1), false, answers.error(e));
            }
        } else {
            LOG.info("dropping the registration of '" + attested.registrationId() + "': it published on '" + topic + "'");
            ctx.close();
        }
    }

    private void answer(ChannelHandlerContext ctx, int status, String rid, boolean retry, byte[] body) {
        String topic = "$dps/registrations/res/" + status + "/?$rid=" + rid
                + (retry ? "&retry-after=" + RegistrationJson.RETRY_AFTER_SECONDS : "");
        ctx.writeAndFlush(MqttReplies.publish(topic, body, responses, packetIds.updateAndGet(id -> id >= 0xFFFF ? 1 : id + 1)));
    }
}

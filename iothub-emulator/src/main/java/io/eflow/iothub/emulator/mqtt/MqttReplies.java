package io.eflow.iothub.emulator.mqtt;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;

import java.util.List;

/** The packets a server sends, built once for every session on the MQTT port (IoT Hub's and DPS's). */
public final class MqttReplies {
    private MqttReplies() {
    }

    public static MqttConnAckMessage connAck(MqttConnectReturnCode code) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
    }

    /** @param granted the QoS granted to each filter in order, {@code 0x80} for a refused one */
    public static MqttSubAckMessage subAck(int messageId, List<Integer> granted) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(messageId), new MqttSubAckPayload(granted));
    }

    public static MqttMessage unsubAck(int messageId) {
        return MqttMessageBuilders.unsubAck().packetId(messageId).build();
    }

    public static MqttMessage pubAck(int packetId) {
        return MqttMessageBuilders.pubAck().packetId(packetId).build();
    }

    public static MqttMessage pingResp() {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));
    }

    /** @param packetId used when {@code qos} is above 0 */
    public static MqttPublishMessage publish(String topic, byte[] payload, MqttQoS qos, int packetId) {
        MqttMessageBuilders.PublishBuilder publish = MqttMessageBuilders.publish().topicName(topic).qos(qos)
                .retained(false).payload(Unpooled.wrappedBuffer(payload));
        if (qos != MqttQoS.AT_MOST_ONCE) {
            publish.messageId(packetId);
        }
        return publish.build();
    }
}

package io.eflow.iothub.emulator.mqtt;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;

import java.util.Optional;

/**
 * Another service sharing the MQTT port, as DPS and IoT Hub both serve 8883: a connection whose CONNECT it claims
 * (by its user name) becomes the handler it answers, which then receives that CONNECT; the rest are IoT Hub's.
 */
@FunctionalInterface
public interface SessionClaim {
    Optional<ChannelHandler> claim(MqttConnectMessage connect);
}

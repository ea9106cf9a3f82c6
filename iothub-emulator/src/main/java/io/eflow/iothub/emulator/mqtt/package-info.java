/**
 * The device side: IoT Hub's MQTT 3.1.1 topics over TLS for devices and modules — telemetry with its property bag,
 * cloud-to-device messages, twins, direct methods — each connection a {@link io.eflow.iothub.emulator.hub.DeviceLink}.
 * The port is shared: a connection another service claims at CONNECT
 * ({@link io.eflow.iothub.emulator.mqtt.SessionClaim}, DPS's registrations) becomes its session, which answers with
 * the same {@link io.eflow.iothub.emulator.mqtt.MqttReplies}.
 */
package io.eflow.iothub.emulator.mqtt;

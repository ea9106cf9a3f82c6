/**
 * The device side: IoT Hub's MQTT 3.1.1 topics over TLS for devices and modules — telemetry with its property bag,
 * cloud-to-device messages, twins, direct methods — each connection a {@link io.eflow.iothub.emulator.hub.DeviceLink}.
 */
package io.eflow.iothub.emulator.mqtt;

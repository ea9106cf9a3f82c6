/**
 * An IoT Hub emulator: the device side (MQTT over TLS) and the service side (HTTPS REST) of Microsoft's published IoT
 * Hub protocols, for machines without the cloud. {@link io.eflow.iothub.emulator.IotHubEmulator} wires the parts;
 * {@link io.eflow.iothub.emulator.Main} runs it alone. Packages: {@code registry} (identities and twins, the state),
 * {@code auth} (who is calling), {@code hub} (connections, methods in flight, telemetry), {@code mqtt} (the device
 * side), {@code service} (the REST side), {@code tls} (the CA), {@code dps} (the Device Provisioning Service, on the
 * same ports: it mounts on the other two); none imports this one.
 */
package io.eflow.iothub.emulator;

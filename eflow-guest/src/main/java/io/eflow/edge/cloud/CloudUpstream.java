package io.eflow.edge.cloud;

import io.eflow.edge.hub.upstream.UpstreamSettings;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The edge hub's upstream for a provisioned device: IoT Hub, each deployed module's messages as that module (keys
 * derived as the agent gave them to IoT Hub), the rest as {@code $edgeHub}, and the device's own connection with its
 * key (in memory or the TPM) or its certificate.
 */
public final class CloudUpstream {
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private CloudUpstream() {
    }

    /** @param modules the deployed modules, asked for each message, so cheap */
    public static UpstreamSettings of(CloudIdentity device, Supplier<Set<String>> modules, HubPorts ports) {
        UpstreamSettings.DeviceCredential credential = device.key().<UpstreamSettings.DeviceCredential>map(
                UpstreamSettings.DeviceCredential.Key::new).orElseGet(() ->
                new UpstreamSettings.DeviceCredential.Certificate(device.deviceTls().getSocketFactory()));
        return new UpstreamSettings.IotHubModules(device.hostName(), device.deviceId(), credential, device::moduleKey,
                modules, URI.create("mqtts://" + device.hostName() + ":" + ports.mqtt()),
                Optional.of(device.moduleTls().getSocketFactory()), TOKEN_LIFETIME);
    }
}

package io.eflow.guest;

import io.eflow.contract.wire.ProvisioningState;

import java.time.Instant;

/**
 * What the runtime reports about itself and the guest; the host's {@code eflow get} reads it.
 *
 * @param heartbeat when this was written: the host calls the runtime unhealthy when it grows old
 * @param iotHub    how the device's link to IoT Hub stands
 */
public record RuntimeStatus(String version, String status, long pid, Instant startedAt, Instant heartbeat,
                            SystemSampler.Sample system, ProvisioningState iotHub) {

    static String currentVersion() {
        String version = RuntimeStatus.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}

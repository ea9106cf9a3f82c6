package io.eflow.daemon.api;

import io.eflow.contract.wire.ProvisioningState;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.PowerState;

/**
 * Get-EflowVm's answer: configuration, power state, the guest runtime's version and status, and system statistics.
 * Runtime and statistics are null while the guest is stopped.
 */
public record InstanceDetails(InstanceConfig configuration, PowerState powerState, RuntimeInfo runtime, SystemStatistics statistics) {

    /**
     * The guest runtime as it reports itself. {@code status} is running, starting, unhealthy or unreachable;
     * {@code iotHub} how the device's link to IoT Hub stands (null when the runtime did not say).
     */
    public record RuntimeInfo(String version, String status, String detail, ProvisioningState iotHub) {
        public RuntimeInfo(String version, String status, String detail) {
            this(version, status, detail, null);
        }
    }

    /** A snapshot of guest resource use. */
    public record SystemStatistics(double cpuPercent, long memoryTotalMb, long memoryUsedMb,
                                   DiskUse data, DiskUse logs, long uptimeSeconds) {
    }

    public record DiskUse(String mount, long totalMb, long usedMb) {
    }
}

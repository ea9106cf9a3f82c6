package io.eflow.instance;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.daemon.api.InstanceDetails;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.Json;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads the guest runtime's status file and the disks' use in one SSH round trip, for {@code eflow get}.
 * The runtime rewrites its status every two seconds; an older heartbeat means it is not healthy.
 */
final class GuestInspector {
    static final Duration STALE_AFTER = Duration.ofSeconds(10);
    private static final String SCRIPT = "cat /run/eflow/runtime.json 2>/dev/null; echo; echo '--- df'; df -Pk /var /logs";

    private final GuestAccess access;

    GuestInspector(GuestAccess access) {
        this.access = access;
    }

    record Report(InstanceDetails.RuntimeInfo runtime, InstanceDetails.SystemStatistics statistics) {
    }

    Report inspect(InstanceConfig config, InstanceLayout layout) {
        String output;
        try {
            output = access.shell(layout, SCRIPT, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            return new Report(new InstanceDetails.RuntimeInfo(null, "unreachable", e.getMessage()), null);
        }
        String[] parts = output.split("--- df\n", 2);
        InstanceDetails.DiskUse data = null;
        InstanceDetails.DiskUse logs = null;
        for (String line : parts.length > 1 ? parts[1].split("\n") : new String[0]) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[1].matches("\\d+")) {
                var use = new InstanceDetails.DiskUse(f[5], Long.parseLong(f[1]) / 1024, Long.parseLong(f[2]) / 1024);
                if (f[5].equals("/var")) {
                    data = use;
                } else if (f[5].equals("/logs")) {
                    logs = use;
                }
            }
        }
        String status = parts[0].trim();
        if (status.isEmpty()) {
            return new Report(new InstanceDetails.RuntimeInfo(null, "starting", "the runtime has not reported yet"),
                    new InstanceDetails.SystemStatistics(0, config.memoryMb(), 0, data, logs, 0));
        }
        try {
            JsonNode node = Json.mapper().readTree(status);
            Instant heartbeat = Instant.parse(node.path("heartbeat").asText());
            Duration age = Duration.between(heartbeat, Instant.now());
            boolean fresh = age.compareTo(STALE_AFTER) < 0;
            JsonNode system = node.path("system");
            ProvisioningState iotHub = node.hasNonNull("iotHub")
                    ? Json.mapper().treeToValue(node.get("iotHub"), ProvisioningState.class) : null;
            var runtime = new InstanceDetails.RuntimeInfo(node.path("version").asText(), fresh ? node.path("status").asText() : "unhealthy",
                    fresh ? null : "no heartbeat for " + age.toSeconds() + " s", iotHub);
            var statistics = new InstanceDetails.SystemStatistics(system.path("cpuPercent").asDouble(), config.memoryMb(),
                    system.path("memoryUsedMb").asLong(), data, logs, system.path("uptimeSeconds").asLong());
            return new Report(runtime, statistics);
        } catch (IOException | RuntimeException e) {
            return new Report(new InstanceDetails.RuntimeInfo(null, "unhealthy", "unreadable status: " + e.getMessage()), null);
        }
    }
}

package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which way to the hub the environment gives; the clients themselves are tested on a real hub (HubConnectionTest). */
class HubAccessTest {
    private static final String CONNECTION_STRING = CloseBenchmark.CONNECTION_STRING;

    @Test
    void outsideIoTEdgeThereIsNoHub() {
        assertThat(HubAccess.from(new Env(Map.of("SEND_INTERVAL_MS", "500")))).isEmpty();
    }

    @Test
    void aModuleStartedByIoTEdgeUsesTheWorkloadApi() {
        HubAccess access = HubAccess.from(new Env(Map.of("IOTEDGE_WORKLOADURI", "unix:///var/run/iotedge/workload.sock",
                "IOTEDGE_GATEWAYHOSTNAME", "edge1", "IOTEDGE_DEVICEID", "edge1", "IOTEDGE_MODULEID", "filter"))).orElseThrow();

        assertThat(access.description()).isEqualTo("the edge hub at edge1:8883 as edge1/filter, signed and trusted by the"
                + " workload API at unix:///var/run/iotedge/workload.sock");
    }

    @Test
    void aConnectionStringFromTheDeploymentGoesToTheSdkAsItIs() {
        HubAccess access = HubAccess.from(new Env(Map.of("EdgeHubConnectionString", CONNECTION_STRING,
                "EdgeModuleCACertificateFile", "/etc/edge-ca.pem", "IOTEDGE_WORKLOADURI", "unix:///w.sock"))).orElseThrow();

        assertThat(access.description()).isEqualTo("the edge hub of EdgeHubConnectionString, trusting the CA in /etc/edge-ca.pem");
    }

    @Test
    void aForwardIsTakenFromEdgeHubHostAndPort() {
        assertThat(HubAccess.from(new Env(Map.of("EdgeHubConnectionString", CONNECTION_STRING, "EDGEHUB_PORT", "18883")))
                .orElseThrow().description()).isEqualTo("the edge hub through 127.0.0.1:18883");
        assertThat(HubAccess.from(new Env(Map.of("EdgeHubConnectionString", CONNECTION_STRING, "EDGEHUB_HOST", "::1",
                "EdgeModuleCACertificateFile", "ca.pem"))).orElseThrow().description())
                .isEqualTo("the edge hub through ::1:8883, trusting the CA in ca.pem");
    }

    @Test
    void aForwardNeedsAConnectionStringAndAPort() {
        assertThatThrownBy(() -> HubAccess.from(new Env(Map.of("EDGEHUB_PORT", "18883"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need EdgeHubConnectionString");
        assertThatThrownBy(() -> HubAccess.from(new Env(Map.of("EdgeHubConnectionString", CONNECTION_STRING, "EDGEHUB_PORT", "70000"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
    }
}

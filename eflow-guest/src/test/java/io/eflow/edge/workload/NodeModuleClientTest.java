package io.eflow.edge.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.device.ModuleHub;
import io.eflow.edge.hub.HubService;
import io.eflow.edge.hub.TestDeployments;
import io.eflow.edge.hub.sdk.NodeScript;
import io.eflow.edge.hub.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Node SDK judges the workload API and the hub together: a module written as IoT Edge users write it
 * ({@code ModuleClient.fromEnvironment} over MQTT), with nothing in its environment but IoT Edge's variables, gets its
 * trust bundle and its tokens from the module's socket, reads its twin, reports and sends a routed output.
 */
class NodeModuleClientTest {
    private static final DeviceIdentity DEVICE = new DeviceIdentity("dev1", "dev1.local", "dev1");

    @TempDir
    Path dir;
    private HubService service;

    @BeforeEach
    void start() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        service = HubService.start(new HubService.Settings(dir.resolve("hub"), loopback, loopback, loopback,
                StoreConfig.in(dir.resolve("hub").resolve("store"))), DEVICE);
        service.deploy(manifest());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void aModuleOnTheNodeSdksFromEnvironmentConnectsReadsItsTwinReportsAndSendsWithoutAKey() throws Exception {
        ModuleHub.ModuleAccess access = service.access("nodeModule", false).orElseThrow();
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        int gid = (Integer) Files.getAttribute(dir, "unix:gid");
        service.serveWorkload("nodeModule", uid, gid);
        Map<String, Long> before = queues();

        Map<String, String> env = new HashMap<>();
        env.put("IOTEDGE_WORKLOADURI", "unix://" + access.workloadFolder().resolve(WorkloadSockets.SOCKET));
        env.put("IOTEDGE_MODULEID", "nodeModule");
        env.put("IOTEDGE_DEVICEID", DEVICE.deviceId());
        env.put("IOTEDGE_IOTHUBHOSTNAME", DEVICE.iotHubHostName());
        // the hub's TLS port is ephemeral here; the SDK makes mqtts://{gateway} of it, and the certificate names localhost
        env.put("IOTEDGE_GATEWAYHOSTNAME", "localhost:" + service.tlsPort());
        env.put("IOTEDGE_MODULEGENERATIONID", access.generationId());
        env.put("IOTEDGE_AUTHSCHEME", "sasToken");
        env.put("IOTEDGE_APIVERSION", "2019-01-30");
        JsonNode outcome = NodeScript.run("edge-module.js", env, 90);

        assertThat(outcome.get("desiredThreshold").asInt()).isEqualTo(30);
        assertThat(service.hub().reported("nodeModule").path("applied").asInt()).isEqualTo(30);
        Map<String, Long> after = queues();
        assertThat(after.getOrDefault("sink/inputs/alerts", 0L) - before.getOrDefault("sink/inputs/alerts", 0L))
                .as("the critical output routed to the sink, in " + after).isEqualTo(1);
    }

    private Map<String, Long> queues() {
        Map<String, Long> lengths = new TreeMap<>();
        service.hub().store().metrics().endpoints().forEach((endpoint, m) -> lengths.put(endpoint, m.queueLength()));
        return lengths;
    }

    private static DeploymentManifest manifest() {
        return TestDeployments.of(List.of("nodeModule", "sink"), """
                {"critical": "FROM /messages/modules/nodeModule/outputs/temperature WHERE level = 'critical' AND $contentType = 'application/json' INTO BrokeredEndpoint(\\"/modules/sink/inputs/alerts\\")"}""",
                Map.of("nodeModule", "{\"threshold\": 30}"));
    }

}

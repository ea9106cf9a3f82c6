package io.eflow.edge.hub;

import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.hub.mqtt.PahoClient;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.testing.SmallDisk;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The guest's data partition filled by something else: the hub refuses publishers, says why, and resumes. */
class HubDiskFullTest {
    private static final DeviceIdentity DEVICE = new DeviceIdentity("dev1", "dev1.local", "dev1");

    @TempDir
    Path dir;

    @Test
    void publishersAreRefusedWithTheReasonCountedAndTakenAgainOnceSpaceIsBack() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("var"), "4m")) {
            Path folder = disk.path().resolve("hub");
            try (HubService service = HubService.start(new HubService.Settings(folder, loopback, loopback, loopback,
                    StoreConfig.in(folder.resolve("store")).withMaxBytes(64 << 20, 64 << 10)), DEVICE)) {
                service.deploy(TestDeployments.of(List.of(), "{\"all\": \"FROM /messages/* INTO $upstream\"}", Map.of()));
                String connectionString = service.addHostIdentity("app").connectionString();
                Path filler = disk.fill(16 << 10);

                PahoClient app = connect(service, connectionString);
                int sent = 0;
                while (!app.lost.isDone()) {
                    try {
                        app.publish("devices/dev1/modules/app/messages/events/", new byte[1024], 1).waitForCompletion(2_000);
                        sent++;
                    } catch (MqttException e) {
                        break; // no PUBACK: the hub ended the connection
                    }
                }
                await().atMost(Duration.ofSeconds(10)).until(app.lost::isDone);
                app.close();
                assertThat(service.hub().metrics().refusedBy()).containsEntry("disk_full", 1L);
                assertThat(HubMetrics.prometheus(service.hub().metrics()))
                        .contains("edgehub_messages_refused_total{reason=\"disk_full\"} 1")
                        .contains("edgehub_messages_refused_total{reason=\"store_full\"} 0");
                long queued = service.hub().metrics().store().endpoints().get("$upstream").queueLength();
                assertThat(queued).as("what was acknowledged is kept").isEqualTo(sent);

                Files.delete(filler);
                // as an SDK does: connect again and send the message that was not acknowledged
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
                    PahoClient again = connect(service, connectionString);
                    try {
                        again.publish("devices/dev1/modules/app/messages/events/", new byte[1024], 1).waitForCompletion(2_000);
                        return true;
                    } finally {
                        again.close();
                    }
                });
                assertThat(service.hub().metrics().store().endpoints().get("$upstream").queueLength()).isEqualTo(sent + 1);
            }
        }
    }

    private static PahoClient connect(HubService service, String connectionString) throws MqttException {
        ConnectionString identity = ConnectionString.parse(connectionString);
        String clientId = "dev1/app";
        String token = SasToken.sign(identity.resource(), identity.sharedAccessKey(), Instant.now().plusSeconds(3600),
                Optional.empty()).toString();
        MqttConnectOptions options = PahoClient.options(clientId, token);
        options.setUserName("dev1.local/" + clientId + "/?api-version=2018-06-30");
        return PahoClient.connect("tcp://127.0.0.1:" + service.port(), clientId, options);
    }
}

package io.eflow.samples.module;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Without a hub: no broker needed, only a loopback port where nothing listens. */
class EdgeHubClientTest {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Log log = new Log("test", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private String logged() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAHubItKeepsTryingQuietlyAndSendsNothing() throws Exception {
        ModuleSettings settings = ModuleSettings.from(new Env(Map.of("IOTEDGE_GATEWAYHOSTNAME", "127.0.0.1",
                "EDGEHUB_PORT", String.valueOf(closedPort()))), "m");
        EdgeHubClient client = new EdgeHubClient(settings, log);
        client.start();
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!logged().contains("cannot reach") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(client.isConnected()).isFalse();
            assertThat(client.publish("devices/local-device/modules/m/messages/events/$.on=o", new byte[] {1}))
                    .isFalse();
            Thread.sleep(1500); // a second attempt after the 1 s back-off: not told within ten seconds
            assertThat(logged().lines().filter(line -> line.contains("cannot reach"))).singleElement().asString()
                    .contains("edgeHub at " + settings.serverUri() + " (attempt 1)")
                    .contains("Connection refused")
                    .contains("retrying in 1 s");
        } finally {
            // close ends the retrying client rather than waiting out a back-off or hanging (how long it takes is
            // bench/responsiveness.sh's figure)
            assertTimeoutPreemptively(Duration.ofSeconds(10), client::close);
            assertThat(client.isConnected()).isFalse();
        }
    }

    @Test
    void subscriptionsAreCheckedAndComeBeforeStart() throws Exception {
        EdgeHubClient client = new EdgeHubClient(ModuleSettings.from(new Env(Map.of("IOTEDGE_GATEWAYHOSTNAME",
                "127.0.0.1", "EDGEHUB_PORT", String.valueOf(closedPort()))), "m"), log);

        assertThatThrownBy(() -> client.subscribe("devices/d/#/x", (topic, payload) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        client.subscribe("devices/d/modules/m/inputs/input1/#", (topic, payload) -> { });
        client.start();
        try {
            assertThatThrownBy(() -> client.subscribe("devices/d/modules/m/inputs/input2/#", (topic, payload) -> { }))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            client.close();
        }
    }

    @Test
    void aFailureIsToldByItsCauseNotByPahosWrapper() {
        MqttException wrapped = new MqttException(new UnknownHostException("edgeHub"));

        assertThat(EdgeHubClient.reason(wrapped)).isEqualTo("UnknownHostException: edgeHub");
        assertThat(EdgeHubClient.reason(new MqttException(MqttException.REASON_CODE_NOT_AUTHORIZED)))
                .isEqualTo("Not authorized to connect (MQTT reason 5)");
    }
}

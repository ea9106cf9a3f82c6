package io.eflow.samples.module;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.SasTokenProvider;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSSLContext;
import com.microsoft.azure.sdk.iot.device.edge.HttpsHsmTrustBundleProvider;
import com.microsoft.azure.sdk.iot.device.hsm.HttpHsmSignatureProvider;
import com.microsoft.azure.sdk.iot.device.hsm.IotHubSasTokenHsmAuthenticationProvider;
import com.microsoft.azure.sdk.iot.device.transport.TransportException;
import io.eflow.edge.device.ModuleHub;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples' connection on the SDK against the guest's real edge hub, in-process, and against no hub at all. */
class HubConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** What createFromEnvironment asks the workload API with, whatever IOTEDGE_APIVERSION says (the SDK's constant). */
    private static final String API_VERSION = "2018-06-28";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Log log = new Log("m", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());

    private List<String> lines(String containing) {
        return output.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(containing)).toList();
    }

    private void await(BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + "; logged:\n" + output.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(25);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static HubConnection.Setup nothing() {
        return new HubConnection.Setup() {
        };
    }

    @Test
    void aModuleSendsToItsOutputThroughTheForwardedTlsPort() throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            hub.deploy("{\"up\": \"FROM /messages/modules/sensor/outputs/* INTO $upstream\"}", "sensor");
            List<HubMessage> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable watch = hub.service().hub().watch(source -> source.equals(MessageSource.module("sensor", "temperatureOutput")), seen::add);
                    HubConnection connection = new HubConnection(Optional.of(hub.access("sensor")), nothing(), log).start()) {
                await(connection::isConnected);
                Message reading = new Message("{\"machine\":{\"temperature\":21.5}}");
                reading.setProperty("site", "hall 1");

                assertThat(connection.send(reading, "temperatureOutput")).isTrue();

                await(() -> !seen.isEmpty());
                assertThat(new String(seen.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("{\"machine\":{\"temperature\":21.5}}");
                assertThat(seen.get(0).applicationProperties()).containsKey("site");
                assertThat(lines("connected to the edge hub through 127.0.0.1:" + hub.forward().port())).hasSize(1);
            }
        }
    }

    /**
     * The hub drops the module's connection while a burst is on its way; the SDK reconnects and resends what was on
     * the wire. Every message taken arrives, first arrivals in the order they were given (the SDK alone would put
     * those on the wire behind those still waiting).
     */
    @Test
    void messagesTakenArriveInOrderAcrossAReconnection() throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            hub.deploy("{\"up\": \"FROM /messages/modules/sensor/outputs/* INTO $upstream\"}", "sensor");
            List<Integer> seen = new CopyOnWriteArrayList<>();
            List<Integer> taken = new ArrayList<>();
            try (AutoCloseable watch = hub.service().hub().watch(source -> source.equals(MessageSource.module("sensor", "out")),
                    message -> seen.add(Integer.parseInt(new String(message.body(), StandardCharsets.UTF_8))));
                    HubConnection connection = new HubConnection(Optional.of(hub.access("sensor")), nothing(), log).start()) {
                await(connection::isConnected);
                for (int i = 0; i < 400; i++) {
                    if (i == 100) {
                        hub.service().hub().disconnect("sensor", "a test drops it");
                    }
                    if (connection.send(new Message(Integer.toString(i)), "out")) {
                        taken.add(i);
                    }
                }
                await(() -> new LinkedHashSet<>(seen).size() == taken.size());
                assertThat(lines("reconnected to edgeHub")).isNotEmpty();
                assertThat(new ArrayList<>(new LinkedHashSet<>(seen))).containsExactlyElementsOf(taken);
            }
        }
    }

    /**
     * What {@code ModuleClient.createFromEnvironment} does with IoT Edge's environment (IOTEDGE_WORKLOADURI and the
     * rest), with the SDK's own parts: the trust bundle and every token's signature come from the workload API through
     * {@link WorkloadSocket}; the module holds no key. Only the hub's TLS port is reached through a forward.
     */
    @Test
    void aModuleWithoutAKeyHasTheWorkloadApiSignItsTokensAndNameItsCa() throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            hub.deploy("{\"up\": \"FROM /messages/modules/filter/outputs/* INTO $upstream\"}", "filter");
            // the guest's own workload API, as the agent serves it to the module
            ModuleHub.ModuleAccess granted = hub.service().access("filter", false).orElseThrow();
            hub.service().serveWorkload("filter", (Integer) Files.getAttribute(dir, "unix:uid"), (Integer) Files.getAttribute(dir, "unix:gid"));
            String uri = "unix://" + granted.workloadFolder().resolve("workload.sock");
            SSLContext trust = IotHubSSLContext.getSSLContextFromString(new HttpsHsmTrustBundleProvider()
                    .getTrustBundleCerts(uri, API_VERSION, new WorkloadSocket()));
            IotHubSasTokenHsmAuthenticationProvider tokens = IotHubSasTokenHsmAuthenticationProvider.create(
                    new HttpHsmSignatureProvider(uri, API_VERSION, new WorkloadSocket()), "dev1", "filter",
                    "dev1.local", "dev1", granted.generationId(), 3600, 85);
            SasTokenProvider signed = () -> {
                try {
                    return tokens.getSasToken();
                } catch (IOException | TransportException e) {
                    throw new IllegalStateException(e);
                }
            };
            HubAccess access = new HubAccess("the edge hub, signed by the workload API", () -> new ModuleClient("dev1", "dev1",
                    "filter", signed, IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(hub.forward().over(trust)).build()));
            try (HubConnection connection = new HubConnection(Optional.of(access), nothing(), log).start()) {
                await(connection::isConnected);
                assertThat(connection.send(new Message("{}"), "out")).isTrue();
            }
        }
    }

    /**
     * The SDK ends a module's event topic with a '/' after the property bag ({@code …/messages/events/$.on=o&site=x/}),
     * which the hub drops, as Azure IoT Edge's does: the last property arrives as it was sent.
     */
    @Test
    void theLastPropertyOfAModulesMessageArrivesAsSent() throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            hub.deploy("{\"up\": \"FROM /messages/modules/sensor/outputs/* INTO $upstream\"}", "sensor");
            List<HubMessage> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable watch = hub.service().hub().watch(source -> source.equals(MessageSource.module("sensor", "out")), seen::add);
                    HubConnection connection = new HubConnection(Optional.of(hub.access("sensor")), nothing(), log).start()) {
                await(connection::isConnected);
                Message message = new Message("{}");
                message.setProperty("site", "hall 1");
                message.setProperty("MessageType", "Alert");

                assertThat(connection.send(message, "out")).isTrue();

                await(() -> !seen.isEmpty());
                assertThat(seen.get(0).applicationProperties()).containsEntry("site", "hall 1").containsEntry("MessageType", "Alert");
            }
        }
    }

    @Test
    void outsideIoTEdgeThereIsNoHubToSendToAndItSaysSo() {
        try (HubConnection connection = new HubConnection(Optional.empty(), nothing(), log).start()) {
            assertThat(connection.send(new Message("x"), "out")).isFalse();
            assertThat(lines("no edge hub (not started by IoT Edge: no IOTEDGE_WORKLOADURI, no EdgeHubConnectionString)"))
                    .hasSize(1);
        }
    }

    @Test
    void withoutAHubNothingIsSentItRetriesQuietlyAndClosesAtOnce() throws Exception {
        HubAccess nowhere = HubAccess.forwarded(CloseBenchmark.CONNECTION_STRING, Optional.empty(), new Forward("127.0.0.1", freePort()));
        HubConnection connection = new HubConnection(Optional.of(nowhere), nothing(), log).start();
        await(() -> !lines("cannot reach").isEmpty());
        Thread.sleep(2500); // two or three more attempts: 1 s, 2 s back-off

        assertThat(connection.send(new Message("x"), "out")).isFalse();
        assertThat(lines("cannot reach")).singleElement().asString()
                .contains("the edge hub through 127.0.0.1:", "(attempt 1)", "retrying in 1 s");
        long t0 = System.nanoTime();
        connection.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void aHubThatComesLaterIsConnectedTo() throws Exception {
        TestHub first = TestHub.start(dir);
        first.deploy("{}", "sensor");
        HubAccess access = first.access("sensor");
        int port = first.forward().port();
        first.close(); // its identities and its CA stay in dir for the hub that comes back
        try (HubConnection connection = new HubConnection(Optional.of(access), nothing(), log).start()) {
            await(() -> !lines("cannot reach").isEmpty());
            assertThat(connection.isConnected()).isFalse();
            try (TestHub again = TestHub.start(dir, port)) {
                await(connection::isConnected);
                // the connection counts as made a moment before it says so in the log
                await(() -> !lines("connected to the edge hub").isEmpty());
                assertThat(lines("connected to the edge hub")).hasSize(1);
            }
        }
    }

    @Test
    void throughTheForwardTlsStillChecksTheGatewayHostNameAgainstTheHubsCertificate() throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            hub.deploy("{}", "sensor");
            var credentials = hub.service().access("sensor", true).orElseThrow();
            // the hub's certificate names edgeHub, dev1 (the gateway), localhost and the loopback addresses
            String elsewhere = credentials.connectionString().orElseThrow().replace("GatewayHostName=dev1", "GatewayHostName=elsewhere");
            HubAccess misnamed = HubAccess.forwarded(elsewhere, Optional.of(credentials.caCertificate()), hub.forward());
            try (HubConnection connection = new HubConnection(Optional.of(misnamed), nothing(), log).start()) {
                await(() -> !lines("cannot reach").isEmpty());
                assertThat(connection.isConnected()).isFalse();
                assertThat(lines("cannot reach")).singleElement().asString().contains("No subject alternative DNS name matching elsewhere");
            }
        }
    }

    @Test
    void aHubWhoseCertificateTheTrustedCaDidNotSignIsRefused() throws Exception {
        try (TestHub hub = TestHub.start(dir.resolve("a")); TestHub other = TestHub.start(dir.resolve("b"))) {
            hub.deploy("{}", "sensor");
            other.deploy("{}", "sensor");
            // the right identity and port, but the CA of another hub
            String identity = hub.service().access("sensor", true).orElseThrow().connectionString().orElseThrow();
            Path otherCa = other.service().access("sensor", false).orElseThrow().caCertificate();
            HubAccess mistrusting = HubAccess.forwarded(identity, Optional.of(otherCa), hub.forward());
            try (HubConnection connection = new HubConnection(Optional.of(mistrusting), nothing(), log).start()) {
                await(() -> !lines("cannot reach").isEmpty());
                assertThat(connection.isConnected()).isFalse();
                // the other CA has the same name: the hub's chain fails on the signature
                assertThat(lines("cannot reach")).singleElement().asString().contains("Signature does not match");
            }
        }
    }
}

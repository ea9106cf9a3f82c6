package io.eflow.edge.cloud;

import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.hub.Endpoints;
import io.eflow.edge.hub.HubService;
import io.eflow.edge.hub.mqtt.PahoClient;
import io.eflow.edge.hub.mqtt.TestCertificates;
import io.eflow.edge.hub.store.EndpointMetrics;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.hub.upstream.UpstreamSettings;
import io.eflow.iothub.emulator.EmulatorOptions;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.iothub.emulator.auth.CaChains;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.Credentials;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cloud-to-device messages through the edge hub, against the IoT Hub emulator: the hub's upstream receives them on
 * the device's own connection, keeps them in its store and delivers them, in order and with their properties, to the
 * client connected locally as the device, however long that client was away. The hub's device id ({@code dev1})
 * differs from the one IoT Hub knows ({@code edge-c2d}), as it may in a guest.
 */
class DeviceboundTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CLOUD_DEVICE = "edge-c2d";
    private static final DeviceIdentity LOCAL = new DeviceIdentity("dev1", "dev1.local", "dev1");
    private static final String DEVICEBOUND = "devices/dev1/messages/devicebound/";

    @TempDir
    Path dir;
    private IotHubEmulator emulator;
    private HubService service;
    private final List<PahoClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, dir.resolve("iothub")));
        String deviceKey = emulator.registry().putDevice(new DeviceSpec(CLOUD_DEVICE, Optional.empty(), Optional.empty(),
                Optional.of(true), Optional.empty()), Optional.empty()).credentials().primaryKey().orElseThrow();
        String edgeHubKey = ModuleKeys.derive(deviceKey, "$edgeHub");
        emulator.registry().putModule(CLOUD_DEVICE, "$edgeHub", Optional.of(Credentials.sas(edgeHubKey, edgeHubKey)),
                Optional.empty(), Optional.of("*"));
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        service = HubService.start(new HubService.Settings(dir.resolve("hub"), loopback, loopback, loopback,
                StoreConfig.in(dir.resolve("hub").resolve("store"))), LOCAL);
        service.deploy(manifest());
        service.cloudUpstream(Optional.of(new UpstreamSettings.IotHubModules("localhost", CLOUD_DEVICE, deviceKey,
                module -> ModuleKeys.derive(deviceKey, module), Set::of, URI.create("mqtts://localhost:" + emulator.mqttPort()),
                Optional.of(trust().sslContext().getSocketFactory()), Duration.ofHours(1))), desired -> { });
        await().atMost(WAIT).until(() -> service.upstreamStatus().connected());
    }

    @AfterEach
    void stop() throws Exception {
        for (PahoClient client : clients) {
            client.close();
        }
        service.close();
        emulator.close();
    }

    @Test
    void aMessageFromIotHubReachesTheDevicesClientWithItsProperties() throws Exception {
        PahoClient device = device();
        assertThat(device.subscribe(DEVICEBOUND + "#", 1)).isEqualTo(1);

        send("open the valve", "msg-1", "red");

        PahoClient.Received received = device.next();
        assertThat(new String(received.message().getPayload(), StandardCharsets.UTF_8)).isEqualTo("open the valve");
        assertThat(received.message().getQos()).isEqualTo(1);
        assertThat(received.topic()).startsWith(DEVICEBOUND)
                .contains("%24.mid=msg-1", "%24.cid=corr-msg-1", "%24.to=%2Fdevices%2F" + CLOUD_DEVICE + "%2Fmessages%2FdeviceBound",
                        "color=red");
        // acknowledged by the client's PUBACK: nothing waits in the store
        await().atMost(WAIT).until(() -> devicebound().queueLength() == 0);
    }

    @Test
    void messagesSentWhileTheDeviceIsAwayWaitInTheStoreAndArriveInOrder() throws Exception {
        for (int i = 0; i < 5; i++) {
            send("message " + i, "m" + i, "c" + i);
        }
        // IoT Hub has had its PUBACKs: from here the hub alone keeps them
        await().atMost(WAIT).until(() -> service.hub().store().metrics().endpoints().containsKey(Endpoints.DEVICEBOUND)
                && devicebound().queueLength() == 5);

        PahoClient device = device();
        assertThat(device.subscribe(DEVICEBOUND + "#", 1)).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            PahoClient.Received received = device.next();
            assertThat(new String(received.message().getPayload(), StandardCharsets.UTF_8)).isEqualTo("message " + i);
            assertThat(received.topic()).contains("%24.mid=m" + i, "color=c" + i);
        }
        await().atMost(WAIT).until(() -> devicebound().queueLength() == 0);
    }

    @Test
    void aModuleMayNotSubscribeToCloudToDeviceMessages() throws Exception {
        ConnectionString app = ConnectionString.parse(service.addHostIdentity("app").connectionString());
        PahoClient module = connect("dev1/app", app);
        assertThat(module.subscribe(DEVICEBOUND + "#", 1)).isEqualTo(0x80);
        assertThat(module.subscribe("devices/dev1/modules/app/messages/devicebound/#", 1)).isEqualTo(0x80);
    }

    @Test
    void anX509DeviceReceivesItsMessagesOnTheConnectionItsCertificateOpens() throws Exception {
        TestCertificates.Issued certificate = TestCertificates.selfSigned("edge-c2d-x509");
        emulator.registry().putDevice(new DeviceSpec("edge-c2d-x509", Optional.empty(), Optional.empty(), Optional.of(true),
                Optional.of(new Credentials(AuthType.SELF_SIGNED, Optional.empty(), Optional.empty(),
                        Optional.of(CaChains.thumbprint(certificate.certificate(), "SHA-256")), Optional.empty()))),
                Optional.empty());
        SigningKey moduleSecret = SigningKey.base64(CloudIdentity.newModuleSecret());
        CloudIdentity device = CloudIdentity.withCertificate("localhost", "edge-c2d-x509",
                X509Identity.of(certificate.certificatePem(), certificate.keyPem(), Instant.now()), moduleSecret, trust());
        String edgeHubKey = device.moduleKey("$edgeHub");
        emulator.registry().putModule("edge-c2d-x509", "$edgeHub", Optional.of(Credentials.sas(edgeHubKey, edgeHubKey)),
                Optional.empty(), Optional.of("*"));
        service.cloudUpstream(Optional.of(CloudUpstream.of(device, Set::of, new HubPorts(emulator.mqttPort(),
                emulator.httpsPort()))), desired -> { });
        await().atMost(WAIT).until(() -> service.upstreamStatus().connected());

        send("edge-c2d-x509", "for the certificate device", "x1", "blue");

        await().atMost(WAIT).until(() -> service.hub().store().metrics().endpoints().containsKey(Endpoints.DEVICEBOUND)
                && devicebound().queueLength() == 1);
    }

    // ---- helpers

    private PahoClient device() throws Exception {
        return connect("dev1", ConnectionString.parse(service.identity("dev1").connectionString()));
    }

    private PahoClient connect(String clientId, ConnectionString identity) throws MqttException {
        String token = SasToken.sign(identity.resource(), identity.sharedAccessKey(), Instant.now().plusSeconds(3600),
                Optional.empty()).toString();
        MqttConnectOptions options = PahoClient.options(clientId, token);
        options.setUserName("dev1.local/" + clientId + "/?api-version=2018-06-30");
        PahoClient client = PahoClient.connect("tcp://127.0.0.1:" + service.port(), clientId, options);
        clients.add(client);
        return client;
    }

    private EndpointMetrics devicebound() {
        return service.hub().store().metrics().endpoints().get(Endpoints.DEVICEBOUND);
    }

    /** A cloud-to-device message, by the emulator's service API. */
    private void send(String body, String messageId, String color) throws Exception {
        send(CLOUD_DEVICE, body, messageId, color);
    }

    private void send(String deviceId, String body, String messageId, String color) throws Exception {
        String token = SasToken.sign("localhost", emulator.registry().ownerKey(), Instant.now().plusSeconds(600),
                Optional.of("iothubowner")).toString();
        HttpClient http = HttpClient.newBuilder().sslContext(trust().sslContext()).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + emulator.httpsPort()
                        + "/emulator/devices/" + deviceId + "/messages")).header("Authorization", token)
                .header("iothub-messageid", messageId).header("iothub-correlationid", "corr-" + messageId)
                .header("iothub-app-color", color).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    private TrustBundle trust() throws Exception {
        return TrustBundle.of(Optional.of(Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII)));
    }

    private static DeploymentManifest manifest() {
        return DeploymentManifest.parse("""
                {"modulesContent": {
                  "$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
                    "runtime": {"type": "docker", "settings": {}},
                    "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
                                      "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
                    "modules": {}}},
                  "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {},
                    "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}
                }}""").manifest();
    }
}

package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.device.ModuleHub;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.mqtt.PahoClient;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.hub.upstream.Mosquitto;
import io.eflow.edge.hub.upstream.UpstreamSettings;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The hub as the guest runs it — identities, edge CA, store, routes, MQTT listeners and metrics — driven by real
 * MQTT clients logging in with the credentials the agent hands its modules.
 */
class HubServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeviceIdentity DEVICE = new DeviceIdentity("dev1", "dev1.local", "dev1");
    private static final String ROUTES = """
            {
              "hot": "FROM /messages/modules/sensor/outputs/temperature WHERE $body.machine.temperature > 30 INTO BrokeredEndpoint(\\"/modules/filter/inputs/input1\\")",
              "alarms": {"route": "FROM /messages/modules/sensor/* WHERE level = 'critical' OR IS_DEFINED(alarm) INTO BrokeredEndpoint(\\"/modules/sink/inputs/alerts\\")", "priority": 0},
              "devices": "FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream",
              "filtered": "FROM /messages/modules/filter/outputs/output1 INTO $upstream",
              "named": "FROM /messages/modules/sensor/* WHERE STARTS_WITH(site, 'north') AND UPPER(kind) = 'GAUGE' INTO BrokeredEndpoint(\\"/modules/sink/inputs/north\\")"
            }""";

    @TempDir
    Path dir;
    private HubService service;
    private final List<PahoClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        service = HubService.start(new HubService.Settings(dir.resolve("hub"), loopback, loopback, loopback,
                StoreConfig.in(dir.resolve("hub").resolve("store"))), DEVICE);
        service.deploy(manifest(ROUTES, "{\"threshold\": 30}"));
    }

    @AfterEach
    void stop() throws Exception {
        for (PahoClient client : clients) {
            client.close();
        }
        service.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            hot reading to the filter         | temperature | application/json | {"machine":{"temperature":31.5}} |                        | filter/inputs/input1
            cool reading nowhere              | temperature | application/json | {"machine":{"temperature":29}}   |                        |
            body not read without JSON type   | temperature | text/plain       | {"machine":{"temperature":99}}   |                        |
            critical level to the sink        | other       | text/plain       | x                                | level=critical         | sink/inputs/alerts
            a defined alarm to the sink       | other       | text/plain       | x                                | alarm=                 | sink/inputs/alerts
            hot and alarm to both             | temperature | application/json | {"machine":{"temperature":40}}   | alarm=1                | filter/inputs/input1 sink/inputs/alerts
            string functions                  | other       | text/plain       | x                                | site=northwest&kind=gauge | sink/inputs/north
            string functions, wrong site      | other       | text/plain       | x                                | site=south&kind=gauge  |
            module messages never upstream    | other       | text/plain       | x                                | level=info             |
            """)
    void routesTakeWhatTheirConditionsSay(String name, String output, String contentType, String body, String properties,
                                          String expected) throws Exception {
        PahoClient sensor = connect("sensor");
        Map<String, Long> before = queues();
        String bag = "%24.on=" + output + "&%24.ct=" + contentType.replace("/", "%2F") + "&%24.ce=utf-8"
                + (properties == null ? "" : "&" + properties);
        sensor.publish("devices/dev1/modules/sensor/messages/events/" + bag, body, 1).waitForCompletion(10_000);
        Map<String, Long> grown = new TreeMap<>();
        queues().forEach((endpoint, length) -> {
            if (length > before.getOrDefault(endpoint, 0L)) {
                grown.put(endpoint, length - before.getOrDefault(endpoint, 0L));
            }
        });
        List<String> endpoints = expected == null ? List.of() : List.of(expected.split(" "));
        assertThat(grown.keySet()).containsExactlyInAnyOrderElementsOf(endpoints);
        assertThat(grown.values()).allMatch(n -> n == 1);
    }

    @Test
    void aDeviceMessageGoesUpstream() throws Exception {
        PahoClient device = connect(ClientIdentityCase.DEVICE);
        device.publish("devices/dev1/messages/events/a=1", "hello", 1).waitForCompletion(10_000);
        assertThat(queues()).containsEntry("$upstream", 1L);
        assertThat(service.hub().metrics().routed()).containsEntry("devices", 1L);
    }

    @Test
    void aConnectedModuleGetsItsInputInOrderAndAQueueWaitsForAnAbsentOne() throws Exception {
        PahoClient sensor = connect("sensor");
        for (int i = 0; i < 50; i++) { // the filter is not connected yet: they wait in its queue
            sensor.publish(hot(i), body(i), 1).waitForCompletion(10_000);
        }
        assertThat(queues()).containsEntry("filter/inputs/input1", 50L);
        PahoClient filter = connect("filter");
        assertThat(filter.subscribe("devices/dev1/modules/filter/inputs/#", 1)).isEqualTo(1);
        for (int i = 50; i < 200; i++) {
            sensor.publish(hot(i), body(i), 1);
        }
        for (int i = 0; i < 200; i++) {
            PahoClient.Received received = filter.next();
            assertThat(received.topic()).startsWith("devices/dev1/modules/filter/inputs/input1/")
                    .contains("%24.cdid=dev1").contains("%24.cmid=sensor");
            assertThat(new String(received.message().getPayload(), StandardCharsets.UTF_8)).isEqualTo(body(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> queues().get("filter/inputs/input1") == 0L);
    }

    @Test
    void aWrongKeyCannotConnect() {
        String otherKey = Base64.getEncoder().encodeToString(new byte[32]);
        String token = SasToken.sign("dev1.local/devices/dev1/modules/sensor", otherKey, Instant.now().plusSeconds(600),
                Optional.empty()).toString();
        assertThatThrownBy(() -> PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1/sensor", options("dev1/sensor", token)))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    }

    @Test
    void aModuleCannotSubscribeToAnotherModulesInputs() throws Exception {
        PahoClient sensor = connect("sensor");
        assertThat(sensor.subscribe("devices/dev1/modules/filter/inputs/#", 1)).isEqualTo(0x80);
        assertThat(sensor.subscribe("devices/dev1/modules/sensor/inputs/#", 1)).isEqualTo(1);
    }

    @Test
    void twinsCarryTheDeploymentsDesiredPropertiesAndKeepReportedOnes() throws Exception {
        PahoClient filter = connect("filter");
        filter.subscribe("$iothub/twin/res/#", 0);
        filter.subscribe("$iothub/twin/PATCH/properties/desired/#", 0);
        filter.publish("$iothub/twin/GET/?$rid=1", "", 0);
        PahoClient.Received twin = filter.next();
        assertThat(twin.topic()).isEqualTo("$iothub/twin/res/200/?$rid=1");
        JsonNode document = JSON.readTree(twin.message().getPayload());
        assertThat(document.at("/desired/threshold").asInt()).isEqualTo(30);

        service.deploy(manifest(ROUTES, "{\"threshold\": 40}"));
        PahoClient.Received patch = filter.next();
        assertThat(patch.topic()).startsWith("$iothub/twin/PATCH/properties/desired/?$version=");
        assertThat(JSON.readTree(patch.message().getPayload()).path("threshold").asInt()).isEqualTo(40);

        filter.publish("$iothub/twin/PATCH/properties/reported/?$rid=2", "{\"state\":\"ready\"}", 0);
        assertThat(filter.next().topic()).startsWith("$iothub/twin/res/204/?$rid=2&$version=1");
        assertThat(service.hub().twin(ClientId.module("dev1", "filter")).get().at("/reported/state").asText()).isEqualTo("ready");
    }

    @Test
    void aReportedPatchPastIotHubsTwinLimitIsRefused400AndNothingOfItIsKept() throws Exception {
        PahoClient filter = connect("filter");
        filter.subscribe("$iothub/twin/res/#", 0);
        filter.publish("$iothub/twin/PATCH/properties/reported/?$rid=1", "{\"state\":\"ready\"}", 0);
        assertThat(filter.next().topic()).startsWith("$iothub/twin/res/204/?$rid=1");
        // 33 strings of 1,000 bytes: over IoT Hub's 32 KB of reported properties
        StringBuilder big = new StringBuilder("{\"state\":\"gone\"");
        for (int i = 0; i < 33; i++) {
            big.append(",\"p").append(i).append("\":\"").append("x".repeat(1000)).append('"');
        }
        filter.publish("$iothub/twin/PATCH/properties/reported/?$rid=2", big.append('}').toString(), 0);
        PahoClient.Received refused = filter.next();
        assertThat(refused.topic()).startsWith("$iothub/twin/res/400/?$rid=2");
        assertThat(new String(refused.message().getPayload(), StandardCharsets.UTF_8)).contains("32768");
        JsonNode reported = service.hub().twin(ClientId.module("dev1", "filter")).get().path("reported");
        assertThat(reported.path("state").asText()).isEqualTo("ready");
        assertThat(reported.has("p0")).isFalse();
    }

    @Test
    void theHubKnowsWhichClientsAreConnectedAndSinceWhen() throws Exception {
        assertThat(service.hub().clients()).isEmpty();
        PahoClient filter = connect("filter");
        EdgeHub.ClientStatus connected = service.hub().clients().get(ClientId.module("dev1", "filter"));
        assertThat(connected.connected()).isTrue();
        assertThat(connected.lastConnected()).isNotNull();
        assertThat(connected.lastDisconnected()).isNull();
        filter.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !service.hub().clients().get(ClientId.module("dev1", "filter")).connected());
        EdgeHub.ClientStatus gone = service.hub().clients().get(ClientId.module("dev1", "filter"));
        assertThat(gone.lastConnected()).isEqualTo(connected.lastConnected());
        assertThat(gone.lastDisconnected()).isAfterOrEqualTo(connected.lastConnected());
    }

    @Test
    void aDirectMethodReachesTheModuleAndItsAnswerComesBack() throws Exception {
        assertThatThrownBy(() -> service.hub().invoke("filter", "reset", "{}".getBytes(), Duration.ofSeconds(2)).join())
                .hasMessageContaining("not connected");
        PahoClient filter = connect("filter");
        filter.subscribe("$iothub/methods/POST/#", 0);
        var answer = service.hub().invoke("filter", "reset", "{\"hard\":true}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        PahoClient.Received call = filter.next();
        assertThat(call.topic()).startsWith("$iothub/methods/POST/reset/?$rid=");
        String rid = call.topic().substring(call.topic().indexOf("$rid=") + 5);
        filter.publish("$iothub/methods/res/200/?$rid=" + rid, "{\"done\":true}", 0);
        MethodResult result = answer.get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(200);
        assertThat(new String(result.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"done\":true}");
    }

    @Test
    void metricsAreServedInPrometheusFormat() throws Exception {
        PahoClient sensor = connect("sensor");
        sensor.publish(hot(0), body(0), 1).waitForCompletion(10_000);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("edgehub_messages_received_total{source=\"sensor/temperature\"} 1")
                .contains("edgehub_route_messages_total{route=\"hot\"} 1")
                .contains("edgehub_queue_length{endpoint=\"filter/inputs/input1\"} 1")
                .contains("# TYPE edgehub_queue_oldest_age_seconds gauge");
    }

    @Test
    void aHostIdentityConnectsOverTlsUntilItIsRemoved() throws Exception {
        String connectionString = service.addHostIdentity("hostApp").connectionString();
        ConnectionString parsed = ConnectionString.parse(connectionString);
        MqttConnectOptions options = options("dev1/hostApp", token(parsed));
        options.setSocketFactory(PahoClient.trusting(service.caCertificatePem()));
        PahoClient host = PahoClient.connect("ssl://127.0.0.1:" + service.tlsPort(), "dev1/hostApp", options);
        clients.add(host);
        service.removeHostIdentity("hostApp");
        assertThat(host.lost).succeedsWithin(Duration.ofSeconds(10));
        assertThatThrownBy(() -> PahoClient.connect("ssl://127.0.0.1:" + service.tlsPort(), "dev1/hostApp", options))
                .isInstanceOf(MqttException.class);
    }

    @Test
    void modulesGetTheirGenerationAndWorkloadFolderAndAConnectionStringOnlyWhenAsked() {
        ModuleHub.ModuleAccess access = service.access("filter", false).orElseThrow();
        assertThat(access.connectionString()).isEmpty();
        assertThat(access.workloadFolder()).isEqualTo(dir.resolve("hub").resolve("workload").resolve("filter"));
        ModuleHub.ModuleAccess credentials = service.access("filter", true).orElseThrow();
        assertThat(credentials.generationId()).isEqualTo(access.generationId()).matches("[0-9]{18}");
        ConnectionString parsed = ConnectionString.parse(credentials.connectionString().orElseThrow());
        assertThat(parsed.deviceId()).isEqualTo("dev1");
        assertThat(parsed.moduleId()).contains("filter");
        assertThat(parsed.hostName()).isEqualTo("dev1.local");
        assertThat(parsed.gatewayHostName()).contains("dev1");
        assertThat(credentials.caCertificate()).hasContent(service.caCertificatePem());
        assertThat(service.access("stranger", true)).isEmpty();
    }

    /**
     * The Java SDK connects with clean session 0 and does not subscribe again after its own reconnections: the hub
     * keeps such a client's subscriptions, across its connections and the hub's restarts, as IoT Hub does.
     */
    @Test
    void aCleanSessionZeroClientKeepsItsSubscriptionsAcrossReconnectionsAndHubRestarts() throws Exception {
        ConnectionString sink = ConnectionString.parse(service.access("sink", true).orElseThrow().connectionString().orElseThrow());
        MqttConnectOptions persistent = options("dev1/sink", token(sink));
        persistent.setCleanSession(false);
        PahoClient first = PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1/sink", persistent);
        first.subscribe("devices/dev1/modules/sink/inputs/#", 1);
        first.close();

        service.close();
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        service = HubService.start(new HubService.Settings(dir.resolve("hub"), loopback, loopback, loopback,
                StoreConfig.in(dir.resolve("hub").resolve("store"))), DEVICE);
        service.deploy(manifest(ROUTES, "{}"));
        PahoClient again = PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1/sink", persistent);
        clients.add(again);
        PahoClient sensor = connect("sensor");
        sensor.publish("devices/dev1/modules/sensor/messages/events/level=critical", "x", 1).waitForCompletion(10_000);
        assertThat(again.next().topic()).startsWith("devices/dev1/modules/sink/inputs/alerts/");

        again.close();
        MqttConnectOptions clean = options("dev1/sink", token(sink));
        PahoClient fresh = PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1/sink", clean);
        clients.add(fresh);
        fresh.close();
        PahoClient later = PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1/sink", persistent);
        clients.add(later);
        sensor.publish("devices/dev1/modules/sensor/messages/events/level=critical", "y", 1).waitForCompletion(10_000);
        assertThat(later.received.poll(1, TimeUnit.SECONDS)).as("a clean session 1 ended the saved one").isNull();
    }

    @Test
    void aModuleIdentityMadeAgainGetsANewGenerationAndLosesItsConnectionAndOldToken() throws Exception {
        ConnectionString before = ConnectionString.parse(service.access("filter", true).orElseThrow().connectionString().orElseThrow());
        String generation = service.access("filter", false).orElseThrow().generationId();
        PahoClient filter = connect("filter");

        assertThat(service.recreateIdentity("filter")).isTrue();

        assertThat(filter.lost).succeedsWithin(Duration.ofSeconds(10));
        assertThat(service.access("filter", false).orElseThrow().generationId()).isNotEqualTo(generation);
        assertThatThrownBy(() -> PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1/filter",
                options("dev1/filter", token(before)))).isInstanceOf(MqttException.class);
        connect("filter");
        service.addHostIdentity("hostApp");
        assertThat(service.recreateIdentity("hostApp")).as("a host identity is the operator's").isFalse();
        assertThat(service.recreateIdentity("stranger")).isFalse();
    }

    @Test
    void aDeploymentInTheDeviceTwinsDesiredPropertiesIsHandedToTheAgent() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("mosquitto"))) {
            List<JsonNode> delivered = new CopyOnWriteArrayList<>();
            service.onDeployment(delivered::add);
            // the test plays IoT Hub's twin service: it answers the link's twin GET with a twin holding a deployment
            PahoClient cloud = PahoClient.connect("tcp://127.0.0.1:" + broker.port(), "cloud", new MqttConnectOptions());
            clients.add(cloud);
            cloud.subscribe("$iothub/twin/GET/#", 1);
            String key = Base64.getEncoder().encodeToString(new byte[32]);
            service.connectUpstream(UpstreamSettings.iotHub(
                    ConnectionString.parse("HostName=hub.example;DeviceId=dev1;SharedAccessKey=" + key),
                    URI.create("mqtt://127.0.0.1:" + broker.port()), Optional.empty()));
            String get = cloud.next().topic();
            String deployment = manifest(ROUTES, "{}").json().path("modulesContent").toString();
            cloud.publish("$iothub/twin/res/200/?$rid=" + get.substring(get.indexOf("$rid=") + 5),
                    "{\"desired\": {\"$version\": 1, \"colour\": \"blue\"}, \"reported\": {\"$version\": 1}}", 1).waitForCompletion(10_000);
            cloud.publish("$iothub/twin/PATCH/properties/desired/?$version=2", "{\"$version\": 2, \"modulesContent\": " + deployment + "}", 1)
                    .waitForCompletion(10_000);
            await().atMost(Duration.ofSeconds(20)).until(() -> !delivered.isEmpty());
            assertThat(delivered).as("a twin without modulesContent delivers no deployment").hasSize(1);
            assertThat(DeploymentManifest.parse(delivered.get(0).toString()).manifest().agent().modules()).containsKey("filter");
        }
    }

    // ---- helpers

    private enum ClientIdentityCase { DEVICE }

    private PahoClient connect(String module) throws Exception {
        ConnectionString identity = ConnectionString.parse(service.access(module, true).orElseThrow().connectionString().orElseThrow());
        PahoClient client = PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1/" + module,
                options("dev1/" + module, token(identity)));
        clients.add(client);
        return client;
    }

    private PahoClient connect(ClientIdentityCase device) throws Exception {
        String key = service.identity("dev1").connectionString();
        PahoClient client = PahoClient.connect("tcp://127.0.0.1:" + service.port(), "dev1",
                options("dev1", token(ConnectionString.parse(key))));
        clients.add(client);
        return client;
    }

    private static String token(ConnectionString identity) {
        return SasToken.sign(identity.resource(), identity.sharedAccessKey(), Instant.now().plusSeconds(3600), Optional.empty()).toString();
    }

    private static MqttConnectOptions options(String clientId, String password) {
        MqttConnectOptions options = PahoClient.options(clientId, password);
        options.setUserName("dev1.local/" + clientId + "/?api-version=2018-06-30");
        options.setMaxInflight(1000);
        return options;
    }


    private Map<String, Long> queues() {
        Map<String, Long> lengths = new TreeMap<>();
        service.hub().store().metrics().endpoints().forEach((endpoint, m) -> lengths.put(endpoint, m.queueLength()));
        return lengths;
    }

    private static String hot(int i) {
        return "devices/dev1/modules/sensor/messages/events/%24.on=temperature&%24.ct=application%2Fjson&%24.ce=utf-8&seq=" + i;
    }

    private static String body(int i) {
        return "{\"machine\":{\"temperature\":" + (31 + i % 5) + "},\"seq\":" + i + "}";
    }

    private static DeploymentManifest manifest(String routes, String filterDesired) {
        return TestDeployments.of(List.of("sensor", "filter", "sink"), routes, Map.of("filter", filterDesired));
    }
}

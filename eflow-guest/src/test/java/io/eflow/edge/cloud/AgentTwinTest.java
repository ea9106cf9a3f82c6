package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.json.TwinPatch;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.RequestException;
import io.eflow.edge.device.ModuleRuntime;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.store.Destination;
import io.eflow.edge.hub.store.LogMessageStore;
import io.eflow.edge.hub.store.Message;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.hub.upstream.CloudMethods;
import io.eflow.edge.hub.upstream.CloudTwins;
import io.eflow.edge.hub.upstream.UpstreamConnector;
import io.eflow.edge.hub.upstream.UpstreamOptions;
import io.eflow.edge.hub.upstream.UpstreamSettings;
import io.eflow.iothub.emulator.EmulatorOptions;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import io.eflow.iothub.emulator.registry.IdentityRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The device's link to IoT Hub against the IoT Hub emulator (a real server, which the official SDKs judge in its
 * own tests): provisioning tried and kept, $edgeAgent's and $edgeHub's desired properties applied as deployments
 * ($edgeHub's read by the edge hub's own upstream connection, as in the guest), $edgeAgent's reported properties,
 * module identities, and a module's message arriving as that module. The modules' runtime is the agent's port, here
 * a recorder that validates each manifest as the agent does.
 */
class AgentTwinTest {
    private static final ObjectMapper JSON = Mappers.standard();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant T = Instant.parse("2026-12-06T07:00:00Z");

    @TempDir
    Path dir;
    private IotHubEmulator emulator;
    private HubPorts ports;
    private final Recorder runtime = new Recorder();
    private CloudLink link;
    private AgentTwin twin;
    private LogMessageStore store;
    private UpstreamConnector upstream;
    /** The modules' twins as the edge hub keeps them: desired as the link delivered it, reported as the modules made it. */
    private final Map<String, JsonNode> desired = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> reportedHere = new ConcurrentHashMap<>();

    /** The agent's side, as the link sees it: deployments validated and kept, modules running once deployed. */
    static final class Recorder implements ModuleRuntime {
        final List<JsonNode> applied = new CopyOnWriteArrayList<>();
        final List<String> restarted = new CopyOnWriteArrayList<>();

        @Override
        public ParsedManifest apply(String manifest) throws IOException {
            ParsedManifest parsed = DeploymentManifest.parse(manifest);
            applied.add(JSON.readTree(manifest));
            return parsed;
        }

        @Override
        public Optional<JsonNode> deployment() {
            return applied.isEmpty() ? Optional.empty() : Optional.of(applied.get(applied.size() - 1));
        }

        @Override
        public Map<String, ModuleReport> modules() {
            Map<String, ModuleReport> modules = new LinkedHashMap<>();
            deployment().ifPresent(manifest -> manifest.at("/modulesContent/$edgeAgent/properties.desired/modules").fieldNames()
                    .forEachRemaining(name -> modules.put(name, new ModuleReport("running", null, null,
                            (int) restarted.stream().filter(name::equals).count(), T, null, null, "1.0", "docker", "running",
                            "always", "busybox:1", null, 0))));
            return modules;
        }

        @Override
        public boolean restart(String module) {
            restarted.add(module);
            return modules().containsKey(module);
        }

        @Override
        public List<LogLine> logs(String module, int tail, Optional<Instant> since) {
            return List.of(new LogLine(T, "stdout", module + " started"));
        }
    }

    @BeforeEach
    void start() throws IOException {
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, dir.resolve("iothub")));
        ports = new HubPorts(emulator.mqttPort(), emulator.httpsPort());
        link = new CloudLink(dir.resolve("cloud"), p -> CloudLink.edgeAgentIdentity(p, ports, Duration.ofSeconds(10),
                Clock.systemUTC()), new DpsRegistrar(Duration.ofSeconds(10), Clock.systemUTC(), () -> {
                    throw new AssertionError("no TPM here");
                }), CloudLink.Backoff.STANDARD, Clock.systemUTC());
        twin = new AgentTwin(link, runtime, "0.1.0", ports, Duration.ofSeconds(10), Clock.systemUTC());
        twin.start();
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
        twin.close();
        emulator.close();
        if (store != null) {
            store.close();
        }
    }

    /** The edge hub's upstream as the guest starts it once provisioned: IoT Hub, each module as itself. */
    private void connectHub(Provisioning provisioning) throws IOException {
        store = LogMessageStore.open(StoreConfig.in(dir.resolve("store")));
        CloudIdentity identity = provisioning.manualIdentity(() -> null).orElseThrow();
        String host = identity.hostName();
        upstream = UpstreamConnector.start(store, new UpstreamSettings.IotHubModules(host, identity.deviceId(),
                new UpstreamSettings.DeviceCredential.Key(identity.key().orElseThrow()), identity::moduleKey,
                () -> runtime.modules().keySet(),
                URI.create("mqtts://" + host + ":" + ports.mqtt()),
                Optional.of(provisioning.trust().sslContext().getSocketFactory()), Duration.ofHours(1)),
                UpstreamOptions.defaults(), twin::hubDesired, (module, method, payload) -> CompletableFuture.completedFuture(
                        new CloudMethods.Answer(method.equals("echo") ? 200 : 501, ("{\"module\":\"" + module + "\",\"got\":"
                                + new String(payload, StandardCharsets.UTF_8) + "}").getBytes(StandardCharsets.UTF_8))),
                new CloudTwins() {
                    @Override
                    public void desired(String module, JsonNode document) {
                        desired.put(module, document);
                    }

                    @Override
                    public JsonNode reported(String module) {
                        return reportedHere.getOrDefault(module, JSON.createObjectNode()).deepCopy();
                    }
                });
        twin.onHubReported(upstream::report);
    }

    /** A direct method from the cloud, by the emulator's service API: IoT Hub's {@code {"status", "payload"}}. */
    private JsonNode invoke(String device, String module, String method, String payload) throws Exception {
        HttpResponse<String> response = service().send(HttpRequest.newBuilder(URI.create("https://localhost:" + ports.https()
                        + "/twins/" + device + "/modules/" + URLEncoder.encode(module, StandardCharsets.UTF_8)
                        + "/methods?api-version=2021-04-12")).header("Authorization", ownerToken())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"" + method
                        + "\",\"payload\":" + payload + ",\"responseTimeoutInSeconds\":10}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 404, 504);
        return JSON.readTree(response.body());
    }

    private String ownerToken() {
        return SasToken.sign("localhost", emulator.registry().ownerKey(), Instant.now().plusSeconds(600),
                Optional.of("iothubowner")).toString();
    }

    private HttpClient service() throws IOException {
        return HttpClient.newBuilder().sslContext(TrustBundle.of(Optional.of(Files.readString(
                emulator.caCertificate(), StandardCharsets.US_ASCII))).sslContext()).build();
    }

    /** What the emulator received from {@code module} of {@code device}, by its service API. */
    private JsonNode telemetry(String device, String module) throws Exception {
        SasToken token = SasToken.sign("localhost", emulator.registry().ownerKey(), Instant.now().plusSeconds(600),
                Optional.of("iothubowner"));
        HttpClient http = HttpClient.newBuilder().sslContext(TrustBundle.of(Optional.of(Files.readString(
                emulator.caCertificate(), StandardCharsets.US_ASCII))).sslContext()).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + ports.https()
                + "/emulator/messages?deviceId=" + device + "&moduleId=" + module)).header("Authorization", token.toString())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String edgeDevice(String id) {
        String key = emulator.registry().putDevice(new DeviceSpec(id, Optional.empty(), Optional.empty(), Optional.of(true),
                Optional.empty()), Optional.empty()).credentials().primaryKey().orElseThrow();
        return "HostName=localhost;DeviceId=" + id + ";SharedAccessKey=" + key;
    }

    private Provisioning provisioning(String connectionString) throws IOException {
        return Provisionings.manual(connectionString,
                Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII));
    }

    private JsonNode reported(String device) {
        return emulator.registry().twin(IdentityRef.module(device, "$edgeAgent")).reportedDocument();
    }

    private static String manifest(String createOptions) {
        return """
                {"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
                  "runtime": {"type": "docker", "settings": {}},
                  "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
                    "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always",
                                "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
                  "modules": {"filter": {"version": "1.0", "type": "docker", "status": "running", "restartPolicy": "always",
                    "settings": {"image": "busybox:1", "createOptions": "%s"}}}}},
                 "$edgeHub": {"properties.desired": {"schemaVersion": "1.1",
                   "routes": {"up": "FROM /messages/modules/filter/outputs/* INTO $upstream"},
                   "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}},
                 "filter": {"properties.desired": {"TemperatureThreshold": 25}}}}""".formatted(createOptions);
    }

    @Test
    void aDeploymentSetInIotHubIsAppliedReportedAndItsModulesGetIdentities() throws Exception {
        String device = "edge-a";
        Provisioning provisioning = provisioning(edgeDevice(device));
        ProvisioningState state = link.provision(provisioning);
        assertThat(state.state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        connectHub(provisioning);

        await().atMost(WAIT).until(() -> reported(device).path("lastDesiredStatus").path("code").asInt() == 417);
        ObjectNode content = (ObjectNode) JSON.readTree(manifest("{}")).get("modulesContent");
        emulator.registry().applyConfigurationContent(device, content);

        await().atMost(WAIT).until(() -> runtime.applied.size() == 1);
        assertThat(runtime.applied.get(0).at("/modulesContent/$edgeHub/properties.desired/routes/up").asText())
                .isEqualTo("FROM /messages/modules/filter/outputs/* INTO $upstream");
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode reported = reported(device);
            assertThat(reported.at("/lastDesiredStatus/code").asInt()).isEqualTo(200);
            assertThat(reported.at("/lastDesiredVersion").asLong()).isPositive();
            assertThat(reported.at("/modules/filter/runtimeStatus").asText()).isEqualTo("running");
            assertThat(reported.at("/schemaVersion").asText()).isEqualTo("1.1");
        });
        assertThat(emulator.registry().modules(device)).extracting(m -> m.moduleId())
                .contains("$edgeAgent", "$edgeHub", "filter");
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode hubReported = emulator.registry().twin(IdentityRef.module(device, "$edgeHub")).reportedDocument();
            assertThat(hubReported.at("/lastDesiredStatus/code").asInt()).isEqualTo(200);
            assertThat(hubReported.at("/lastDesiredVersion").asLong()).isPositive();
            assertThat(hubReported.at("/schemaVersion").asText()).isEqualTo("1.1");
        });

        // the filter's message, routed INTO $upstream, reaches IoT Hub as module filter with IoT Edge's properties
        store.append(new Message("filter/output1", HubMessageCodec.encode(new HubMessage("{\"alert\":1}".getBytes(
                StandardCharsets.UTF_8), Map.of(), Map.of("kind", "alert"), MessageSource.module("filter", "output1")))),
                List.of(Destination.of(UpstreamConnector.ENDPOINT))).join();
        await().atMost(WAIT).until(() -> telemetry(device, "filter").size() == 1);
        JsonNode received = telemetry(device, "filter").get(0);
        assertThat(received.path("body").asText()).isEqualTo("{\"alert\":1}");
        assertThat(received.at("/properties/kind").asText()).isEqualTo("alert");
        assertThat(received.path("systemProperties").toString()).contains("output1");

        // direct methods from the cloud: $edgeAgent's own, and a module's, answered on the module's upstream connection
        assertThat(invoke(device, "$edgeAgent", "ping", "null").path("status").asInt()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode echoed = invoke(device, "filter", "echo", "{\"n\":1}");
            assertThat(echoed.path("status").asInt()).as(echoed.toString()).isEqualTo(200);
            assertThat(echoed.at("/payload/module").asText()).isEqualTo("filter");
            assertThat(echoed.at("/payload/got/n").asInt()).isEqualTo(1);
        });
        assertThat(invoke(device, "filter", "reboot", "{}").path("status").asInt()).isEqualTo(501);

        // a broken deployment: refused whole with 400, the running one stays
        emulator.registry().applyConfigurationContent(device, (ObjectNode) JSON.readTree(manifest("{not json")).get("modulesContent"));
        await().atMost(WAIT).until(() -> reported(device).at("/lastDesiredStatus/code").asInt() == 400);
        assertThat(reported(device).at("/lastDesiredStatus/description").asText()).contains("createOptions");
        assertThat(runtime.applied).hasSize(1);
        assertThat(link.state().state()).isEqualTo(ProvisioningState.Link.CONNECTED);
    }

    @Test
    void aModulesTwinIsKeptInStepWithIotHubBothWaysAndBothSidesMeetAfterAnOutage() throws Exception {
        String device = "edge-c";
        Provisioning provisioning = provisioning(edgeDevice(device));
        link.provision(provisioning);
        connectHub(provisioning);
        emulator.registry().applyConfigurationContent(device, (ObjectNode) JSON.readTree(manifest("{}")).get("modulesContent"));
        IdentityRef filter = IdentityRef.module(device, "filter");

        // desired from IoT Hub reaches the module: the deployment's, then a change made in the cloud
        await().atMost(WAIT).until(() -> desired.getOrDefault("filter", JSON.nullNode()).path("TemperatureThreshold").asInt() == 25);
        emulator.registry().patchTwin(filter, Optional.empty(), Optional.of((ObjectNode) JSON.readTree(
                "{\"TemperatureThreshold\": 30}")), Optional.empty());
        await().atMost(WAIT).until(() -> desired.get("filter").path("TemperatureThreshold").asInt() == 30);

        // reported from the module reaches IoT Hub
        report("filter", "{\"TemperatureThreshold\": 30, \"unit\": \"C\"}");
        await().atMost(WAIT).until(() -> emulator.registry().twin(filter).reportedDocument().path("TemperatureThreshold").asInt() == 30);

        // the guest offline: both sides change, and meet once it is back
        upstream.close();
        store.close();
        emulator.registry().patchTwin(filter, Optional.empty(), Optional.of((ObjectNode) JSON.readTree(
                "{\"TemperatureThreshold\": 35}")), Optional.empty());
        reportedHere.put("filter", (ObjectNode) JSON.readTree("{\"TemperatureThreshold\": 31}"));
        connectHub(provisioning);
        await().atMost(WAIT).until(() -> desired.get("filter").path("TemperatureThreshold").asInt() == 35);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode cloud = emulator.registry().twin(filter).reportedDocument();
            assertThat(cloud.path("TemperatureThreshold").asInt()).isEqualTo(31);
            assertThat(cloud.has("unit")).as("removed offline, removed in IoT Hub").isFalse();
        });
    }

    /** A module's reported patch as the edge hub takes it: kept, then handed to the link. */
    private void report(String module, String patch) throws IOException {
        JsonNode parsed = JSON.readTree(patch);
        reportedHere.merge(module, (ObjectNode) parsed.deepCopy(), (old, add) -> TwinPatch.merged(old, add));
        upstream.reportModule(module, parsed);
    }

    @Test
    void aWrongKeyAnUnknownDeviceAndAPlainDeviceAreRefusedAndNothingIsKept() throws Exception {
        String good = edgeDevice("edge-b");
        emulator.registry().putDevice(new DeviceSpec("plain", Optional.empty(), Optional.empty(), Optional.of(false),
                Optional.empty()), Optional.empty());
        String plainKey = emulator.registry().device("plain").credentials().primaryKey().orElseThrow();
        for (String refused : List.of(good.replaceAll("SharedAccessKey=.*", "SharedAccessKey=" + "AAAA" + good.substring(good.length() - 8)),
                good.replace("edge-b", "nobody"), "HostName=localhost;DeviceId=plain;SharedAccessKey=" + plainKey)) {
            assertThatThrownBy(() -> link.provision(provisioning(refused))).as(refused)
                    .isInstanceOf(RequestException.class).hasMessageContaining("previous provisioning is kept");
        }
        assertThat(link.state().provisioned()).isFalse();
        assertThat(dir.resolve("cloud/provisioning.json")).doesNotExist();
    }
}

package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.channel.CommandResult;
import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.daemon.api.HubPublish;
import io.eflow.daemon.api.RenewRequest;
import io.eflow.daemon.api.TpmProvisioningInfo;
import io.eflow.edge.hub.mqtt.PahoClient;
import io.eflow.forward.Forward;
import io.eflow.forward.Forwards;
import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.Feature;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.modules.AgentClient;
import io.eflow.modules.CloudClient;
import io.eflow.modules.HubClient;
import io.eflow.modules.RuntimeSocket;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * eflow as an IoT Edge device of an IoT Hub — the repository's emulator, driven from the cloud side by the official
 * service SDK (azure-iothub), as an EFLOW user would with az: an edge device is created, the guest is provisioned with
 * its connection string, a deployment is set on the device and runs in the guest, {@code $edgeAgent} reports it in
 * IoT Edge's schema, its direct methods answer (uploads to blob storage included), the filter's alerts arrive in IoT
 * Hub as module {@code filter}, the filter's twin and a module's direct method go both ways between the cloud and the
 * module, cloud-to-device messages reach a host application connected as the device (kept while it is away), a
 * broken deployment is reported 400 and changes nothing, and a wrong key or a disabled device is refused
 * with the previous provisioning kept.
 *
 * <p>The guest reaches the emulator by IoT Hub's own name and ports: see {@link EmulatorRoute}.
 */
@BothBackends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CloudIT extends SharedGuestTest {
    private static final Duration SLOW = Duration.ofSeconds(240);
    static final String HUB = EmulatorRoute.HUB;
    private static IotHubEmulator emulator;
    private static Path work;

    /** The edge device the guest is provisioned as (each test method runs on an instance of its own). */
    private String device;

    @BeforeAll
    static void startEmulator(TestHost host) throws IOException {
        work = host.workDir("cloud");
        emulator = startEmulator();
    }

    private static IotHubEmulator startEmulator() throws IOException {
        return EmulatorRoute.start(work.resolve("iothub"));
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    /** The shared guest unprovisioned, without the deployment, forwards and redirects this class made. */
    @AfterParameterizedClassInvocation
    static void putTheGuestBack(String backend, TestHost host) {
        String guest = host.sharedGuest(backend);
        new CloudClient(new RuntimeSocket(host.manager())).remove(guest);
        EmulatorRoute.redirect(host.manager(), host.paths(), guest, false);
        putBack(host, backend, f -> f.direction() == Forward.Direction.TO_HOST ? EmulatorRoute.isRouteForward(f) : f.guestPort() == 8883);
        HubIT.LOADED.remove(backend);
    }

    @BeforeEach
    void reachTheEmulator() throws Exception {
        device = "eflow-it-" + backend;
        if (HubIT.LOADED.add(backend)) {
            for (String sample : List.of("filter", "temperature-sensor")) {
                new AgentClient(host.manager()).load(guest, HubIT.SAMPLES.resolve(sample + "/target/" + sample + ".tar"),
                        "localhost:5000/eflow-samples/" + sample + ":0.1.0");
            }
        }
        if (host.manager().config(guest).backend() == BackendKind.NAMESPACE) {
            addForwards();
        }
        EmulatorRoute.redirect(host.manager(), host.paths(), guest, true);
    }

    private void addForwards() {
        Forwards forwards = new Forwards(host.manager());
        List<Forward> present = forwards.list(guest);
        for (Forward forward : EmulatorRoute.forwards(emulator)) {
            if (!present.contains(forward)) {
                forwards.add(guest, forward);
            }
        }
    }

    private CloudClient cloud() {
        return new CloudClient(new RuntimeSocket(host.manager()));
    }

    @Test
    @Order(1)
    void aWrongKeyOrAnUnknownDeviceIsRefusedAndNothingIsProvisioned() throws Exception {
        String good = service("create-edge", device + "-refusals").path("connectionString").asText();
        String wrongKey = good.replaceAll("SharedAccessKey=.*", "SharedAccessKey=" + "d3Jvbmcta2V5LW9mLXRoaXJ0eS10d28tYnl0ZXMhIQ==");
        String unknown = good.replace("DeviceId=" + device + "-refusals", "DeviceId=no-such-device");

        for (String refused : List.of(wrongKey, unknown)) {
            assertThatThrownBy(() -> cloud().provision(guest, request(refused)))
                    .isInstanceOfSatisfying(EflowException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.getMessage()).contains("refused").contains("previous provisioning is kept")
                                .doesNotContain("d3Jvbmc").doesNotContain("\n");
                    });
        }
        assertThatThrownBy(() -> cloud().provision(guest, request("HostName=" + HUB + ";DeviceId=x")))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(cloud().provisioning(guest).provisioned()).isFalse();
        assertThat(run("sudo", "sh", "-c", "ls -A /var/lib/eflow/cloud 2>/dev/null; true"))
                .as("no file was left by a refused provisioning").isEmpty();
    }

    @Test
    @Order(2)
    void aDeploymentSetInIotHubRunsInTheGuestAndIsReportedInIotEdgesSchema() throws Exception {
        String connectionString = service("create-edge", device).path("connectionString").asText();
        ProvisioningState state = cloud().provision(guest, request(connectionString));
        assertThat(state.state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(state.device()).isEqualTo(device);
        assertThat(run("sudo", "stat", "-c", "%a", "/var/lib/eflow/cloud/provisioning.json")).isEqualTo("600");

        Path manifest = work.resolve("deployment-" + backend + ".json");
        Files.writeString(manifest, deployment("25"));
        service("apply", device, manifest.toString());

        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode running = Json.MAPPER.valueToTree(new AgentClient(host.manager()).modules(guest));
            assertThat(running.at("/filter/runtimeStatus").asText()).isEqualTo("running");
            assertThat(running.at("/tempSensor/runtimeStatus").asText()).isEqualTo("running");
        });
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode reported = service("module-twin", device, "$edgeAgent").path("properties").path("reported");
            assertThat(reported.at("/lastDesiredStatus/code").asInt()).isEqualTo(200);
            assertThat(reported.path("schemaVersion").asText()).isEqualTo("1.1");
            assertThat(reported.at("/modules/filter/runtimeStatus").asText()).isEqualTo("running");
            assertThat(reported.at("/modules/tempSensor/runtimeStatus").asText()).isEqualTo("running");
            assertThat(reported.at("/runtime/platform/os").asText()).isEqualTo("linux");
        });
        assertThat(service("modules", device).path("modules")).extracting(JsonNode::asText)
                .contains("$edgeAgent", "$edgeHub", "filter", "tempSensor");
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode hubReported = service("module-twin", device, "$edgeHub").path("properties").path("reported");
            assertThat(hubReported.at("/lastDesiredStatus/code").asInt()).isEqualTo(200);
            // the clients by the provisioned device's id, as IoT Hub knows them
            assertThat(hubReported.path("clients").path(device + "/filter").path("status").asText()).isEqualTo("Connected");
            assertThat(hubReported.path("clients").path(device + "/filter").path("lastConnectedTimeUtc").asText()).isNotBlank();
        });
        assertThat(cloud().check(guest).status()).isEqualTo("ok");
    }

    @Test
    @Order(3)
    void theFiltersAlertsArriveInIotHubAsModuleFilter() throws Exception {
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode received = service("telemetry", device, "filter");
            assertThat(received.isArray() ? received : received.path("messages")).isNotEmpty();
        });
    }

    @Test
    @Order(4)
    void edgeAgentAnswersPingRestartModuleAndGetModuleLogsFromTheCloud() throws Exception {
        JsonNode ping = service("invoke", device, "$edgeAgent", "ping", "null");
        assertThat(ping.path("status").asInt()).as(ping.toString()).isEqualTo(200);
        int restarts = new AgentClient(host.manager()).modules(guest).get("filter").restartCount();
        JsonNode restart = service("invoke", device, "$edgeAgent", "RestartModule", "{\"schemaVersion\":\"1.0\",\"id\":\"filter\"}");
        assertThat(restart.path("status").asInt()).as(restart.toString()).isEqualTo(200);
        await().atMost(SLOW).untilAsserted(() -> assertThat(new AgentClient(host.manager()).modules(guest).get("filter")
                .restartCount()).isGreaterThan(restarts));
        JsonNode unknown = service("invoke", device, "$edgeAgent", "RestartModule", "{\"schemaVersion\":\"1.0\",\"id\":\"nope\"}");
        assertThat(unknown.path("status").asInt()).as(unknown.toString()).isEqualTo(404);
        JsonNode logs = service("invoke", device, "$edgeAgent", "GetModuleLogs",
                "{\"schemaVersion\":\"1.0\",\"items\":[{\"id\":\"temp.*\",\"filter\":{\"tail\":5}}],\"encoding\":\"none\","
                        + "\"contentType\":\"text\"}");
        assertThat(logs.path("status").asInt()).as(logs.toString()).isEqualTo(200);
        assertThat(logs.path("payload")).hasSize(1);
        assertThat(logs.at("/payload/0/id").asText()).isEqualTo("tempSensor");
        assertThat(logs.at("/payload/0/payload").asText().lines().count()).isBetween(1L, 5L);
    }

    @Test
    @Order(5)
    void aThresholdSetInTheFiltersTwinInIotHubReachesTheFilterAndTheValueItAppliedComesBack() throws Exception {
        service("update-module-twin", device, "filter", "{\"properties\":{\"desired\":{\"TemperatureThreshold\":27.5}}}");
        await().atMost(SLOW).untilAsserted(() -> assertThat(service("module-twin", device, "filter")
                .at("/properties/reported/TemperatureThreshold").asDouble()).isEqualTo(27.5));
        // the guest keeps both sides of the twin, for the module while offline
        JsonNode local = Json.MAPPER.readTree(run("sudo", "sh", "-c", "cat /var/lib/eflow/hub/twins/*filter.json"));
        assertThat(local.at("/desired/TemperatureThreshold").asDouble()).isEqualTo(27.5);
        assertThat(local.at("/reported/TemperatureThreshold").asDouble()).isEqualTo(27.5);
    }

    @Test
    @Order(6)
    void aDirectMethodFromTheCloudReachesAModuleAndItsAnswerComesBack() throws Exception {
        JsonNode reset = service("invoke", device, "tempSensor", "reset", "{}");
        assertThat(reset.path("status").asInt()).as(reset.toString()).isEqualTo(200);
        assertThat(reset.at("/payload/message").asText()).contains("starts again");
        JsonNode unknown = service("invoke", device, "tempSensor", "selfDestruct", "{}");
        assertThat(unknown.path("status").asInt()).as(unknown.toString()).isEqualTo(501);
    }

    @Test
    @Order(7)
    void edgeAgentUploadsModuleLogsAndASupportBundleToBlobStorageAndTellsHowTheTaskWent() throws Exception {
        String container = "logs-" + backend;
        String sasUrl = service("blob-sas", container).path("sasUrl").asText();
        JsonNode started = service("invoke", device, "$edgeAgent", "UploadModuleLogs", """
                {"schemaVersion": "1.0", "sasUrl": "%s", "items": [{"id": "tempSensor", "filter": {"tail": 10}}],
                 "encoding": "gzip", "contentType": "text"}""".formatted(sasUrl));
        assertThat(started.path("status").asInt()).as(started.toString()).isEqualTo(200);
        String logsTask = started.at("/payload/correlationId").asText();
        JsonNode bundle = service("invoke", device, "$edgeAgent", "UploadSupportBundle",
                "{\"schemaVersion\": \"1.0\", \"sasUrl\": \"" + sasUrl + "\"}");
        assertThat(bundle.path("status").asInt()).as(bundle.toString()).isEqualTo(200);
        for (String task : List.of(logsTask, bundle.at("/payload/correlationId").asText())) {
            await().atMost(SLOW).untilAsserted(() -> {
                JsonNode status = service("invoke", device, "$edgeAgent", "GetTaskStatus",
                        "{\"schemaVersion\": \"1.0\", \"correlationId\": \"" + task + "\"}");
                assertThat(status.at("/payload/status").asText()).as(status.toString()).isEqualTo("Completed");
            });
        }
        assertThat(service("blobs", container).path("names")).extracting(JsonNode::asText)
                .anySatisfy(name -> assertThat(name).contains("/tempSensor-").endsWith(".log.gz"))
                .anySatisfy(name -> assertThat(name).contains("support-bundle").endsWith(".zip"));
        JsonNode refused = service("invoke", device, "$edgeAgent", "UploadModuleLogs",
                "{\"schemaVersion\": \"1.0\", \"sasUrl\": \"http://plain.example/c?sig=x\", \"items\": [{\"id\": \".*\"}]}");
        assertThat(refused.path("status").asInt()).as(refused.toString()).isEqualTo(400);
    }

    @Test
    @Order(8)
    void cloudToDeviceMessagesReachAHostApplicationConnectedAsTheDeviceAndWaitForIt() throws Exception {
        // sent before anyone listens: IoT Hub hands it to the guest, whose hub keeps it for the device
        assertThat(service("c2d", device, "first").path("status").asInt()).isEqualTo(204);
        await().atMost(SLOW).untilAsserted(() -> assertThat(Json.MAPPER.valueToTree(new HubClient(new RuntimeSocket(
                host.manager())).status(guest)).at("/store/endpoints/$devicebound/queueLength").asLong()).isEqualTo(1));

        String localDevice = run("hostname");
        ConnectionString identity = ConnectionString.parse(new HubClient(new RuntimeSocket(host.manager()))
                .identity(guest, localDevice).connectionString());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient client = new MqttClient("ssl://" + hubForward(), localDevice, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(identity.hostName() + "/" + localDevice + "/?api-version=2018-06-30");
        options.setPassword(SasToken.sign(identity.resource(), identity.sharedAccessKey(), Instant.now().plusSeconds(3600),
                Optional.empty()).toString().toCharArray());
        options.setSocketFactory(PahoClient.trusting(new HubClient(new RuntimeSocket(host.manager())).ca(guest)));
        options.setConnectionTimeout(60);
        try {
            client.connect(options);
            client.subscribe("devices/" + localDevice + "/messages/devicebound/#", 1, (topic, message) ->
                    received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
            assertThat(received.poll(SLOW.toSeconds(), TimeUnit.SECONDS)).startsWith("devices/" + localDevice
                    + "/messages/devicebound/").contains("kind=greeting").endsWith(" first");
            assertThat(service("c2d", device, "second").path("status").asInt()).isEqualTo(204);
            assertThat(received.poll(SLOW.toSeconds(), TimeUnit.SECONDS)).endsWith(" second");
        } finally {
            client.disconnectForcibly(0, 1000);
            client.close(true);
        }
    }

    /** A host port forwarded to the edge hub's TLS port, as a host application reaches the hub. */
    private String hubForward() throws IOException {
        Forwards forwards = new Forwards(host.manager());
        Optional<Forward> present = forwards.list(guest).stream()
                .filter(f -> f.direction() == Forward.Direction.INTO_GUEST && f.guestPort() == 8883).findFirst();
        if (present.isPresent()) {
            return present.get().host();
        }
        Forward forward = new Forward(Forward.Direction.INTO_GUEST, "127.0.0.1:" + ForwardIT.freePort(), 8883);
        forwards.add(guest, forward);
        return forward.host();
    }

    @Test
    @Order(9)
    void withIotHubGoneReadingsWaitAndAllArriveInOrderWhenItIsBack() throws Exception {
        emulator.close();
        HubClient hub = new HubClient(new RuntimeSocket(host.manager()));
        int count = 20;
        for (int n = 0; n < count; n++) {
            hub.publish(guest, new HubPublish("filter", "input1", ("{\"machine\":{\"temperature\":99.5},\"itSequence\":" + n
                    + ",\"itBackend\":\"" + backend + "\"}").getBytes(StandardCharsets.UTF_8), null, Map.of(), null, null));
        }
        await().atMost(SLOW).untilAsserted(() -> assertThat(Json.MAPPER.valueToTree(hub.status(guest))
                .at("/store/endpoints/$upstream/queueLength").asLong()).isGreaterThanOrEqualTo(count));
        // the same hub comes back on the same ports, with its identities (its state) and none of the telemetry
        emulator = startEmulator();

        await().atMost(SLOW).untilAsserted(() -> assertThat(sequences(service("telemetry", device, "filter"))).hasSize(count));
        assertThat(sequences(service("telemetry", device, "filter"))).isEqualTo(IntStream.range(0, count).boxed().toList());
        await().atMost(SLOW).until(() -> cloud().provisioning(guest).state() == ProvisioningState.Link.CONNECTED);
    }

    @Test
    @Order(10)
    void aDeploymentFromTheCloudSurvivesAGuestRestartWithIotHubGone() throws Exception {
        emulator.close();
        restartGuest();

        // offline is normal: the modules the cloud deployed run again from the guest's own copy of the deployment
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode running = Json.MAPPER.valueToTree(new AgentClient(host.manager()).modules(guest));
            assertThat(running.at("/filter/runtimeStatus").asText()).isEqualTo("running");
            assertThat(running.at("/tempSensor/runtimeStatus").asText()).isEqualTo("running");
        });
        await().atMost(SLOW).untilAsserted(() -> assertThat(cloud().provisioning(guest).state())
                .isIn(ProvisioningState.Link.OFFLINE, ProvisioningState.Link.CONNECTING));

        emulator = startEmulator();
        await().atMost(SLOW).until(() -> cloud().provisioning(guest).state() == ProvisioningState.Link.CONNECTED);
        await().atMost(SLOW).untilAsserted(() -> assertThat(service("module-twin", device, "$edgeAgent")
                .at("/properties/reported/lastDesiredStatus/code").asInt()).isEqualTo(200));
    }

    /** The itSequence of this backend's readings among what IoT Hub received, in arrival order. */
    private List<Integer> sequences(JsonNode received) throws IOException {
        List<Integer> sequences = new ArrayList<>();
        for (JsonNode message : received) {
            JsonNode body = Json.MAPPER.readTree(message.path("body").asText());
            if (body.path("itBackend").asText().equals(backend)) {
                sequences.add(body.path("itSequence").asInt());
            }
        }
        return sequences;
    }

    @Test
    @Order(11)
    void aBrokenDeploymentIsReported400AndTheRunningModulesStay() throws Exception {
        Path manifest = work.resolve("broken-" + backend + ".json");
        Files.writeString(manifest, deployment("25").replace("\"createOptions\": \"{}\"", "\"createOptions\": \"{not json\""));
        service("apply", device, manifest.toString());

        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode reported = service("module-twin", device, "$edgeAgent").path("properties").path("reported");
            assertThat(reported.at("/lastDesiredStatus/code").asInt()).isEqualTo(400);
            assertThat(reported.at("/lastDesiredStatus/description").asText()).contains("createOptions");
        });
        JsonNode running = Json.MAPPER.valueToTree(new AgentClient(host.manager()).modules(guest));
        assertThat(running.at("/filter/runtimeStatus").asText()).isEqualTo("running");
        assertThat(running.at("/tempSensor/runtimeStatus").asText()).isEqualTo("running");
    }

    @Test
    @Order(12)
    void aDisabledDeviceIsShownRefusedWithTheHubsReason() throws Exception {
        service("disable", device);
        // the sessions drop or the next contact is refused; the state says so without a restart
        await().atMost(SLOW).untilAsserted(() -> {
            ProvisioningState state = cloud().provisioning(guest);
            assertThat(state.state()).isIn(ProvisioningState.Link.REFUSED, ProvisioningState.Link.OFFLINE);
            assertThat(state.lastError()).isNotBlank();
        });
    }

    @Test
    @Order(13)
    void aGroupSymmetricKeyEnrollmentProvisionsTheGuestThroughDpsAndTheCloudsDeploymentRuns() throws Exception {
        String registration = device + "-dps-key";
        String groupKey = newKey();
        service("enroll-key-group", "eflow-it-keys-" + backend, groupKey);

        ProvisioningState state = cloud().provision(guest, dps(ProvisioningType.DPS_SYMMETRIC_KEY, registration, groupKey, null));

        assertThat(state.dps().status()).isEqualTo("assigned");
        assertThat(run("sudo", "cat", "/var/lib/eflow/cloud/provisioning.json")).doesNotContain(groupKey);
        deploysFromTheCloud(state, registration, "26");
    }

    @Test
    @Order(14)
    void aCaSignedX509GroupProvisionsTheGuestThroughDpsAndTheCloudsDeploymentRuns() throws Exception {
        String registration = device + "-dps-x509";
        Path ca = certificates().authority("eflow-it-ca-" + backend);
        Path leaf = certificates().leaf(ca, registration);
        service("enroll-x509-group", "eflow-it-x509-" + backend, ca.resolve("cert.pem").toString());

        ProvisioningState state = cloud().provision(guest, new ProvisioningSpec(ProvisioningType.DPS_X509, null, null, null,
                "https://" + HUB, emulator.provisioning().idScope(), null, null, null,
                Files.readString(leaf.resolve("cert.pem")) + Files.readString(ca.resolve("cert.pem")),
                Files.readString(leaf.resolve("key.pem")), trust()));

        assertThat(state.dps().registrationId()).isEqualTo(registration);
        assertThat(run("sudo", "stat", "-c", "%a", "/var/lib/eflow/cloud/provisioning.json")).isEqualTo("600");
        deploysFromTheCloud(state, registration, "27");

        // a renewed certificate of the same CA replaces the old one without a redeployment
        Path renewed = certificates().leaf(ca, registration);
        ProvisioningState after = cloud().renew(guest, new RenewRequest(Files.readString(renewed.resolve("cert.pem"))
                + Files.readString(ca.resolve("cert.pem")), Files.readString(renewed.resolve("key.pem"))));
        assertThat(after.state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(run("sudo", "cat", "/var/lib/eflow/cloud/provisioning.json"))
                .contains(Files.readString(renewed.resolve("cert.pem")).lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    @Order(15)
    void aManualX509DeviceProvisionsTheGuestAndTheCloudsDeploymentRuns() throws Exception {
        String deviceId = device + "-x509";
        Path identity = certificates().selfSigned(deviceId);
        service("create-edge-x509", deviceId, certificates().thumbprint(identity.resolve("cert.pem")));

        ProvisioningState state = cloud().provision(guest, new ProvisioningSpec(ProvisioningType.MANUAL_X509, null, HUB,
                deviceId, null, null, null, null, null, Files.readString(identity.resolve("cert.pem")),
                Files.readString(identity.resolve("key.pem")), trust()));

        assertThat(state.dps()).isNull();
        deploysFromTheCloud(state, deviceId, "28");
    }

    @Test
    @Order(16)
    void aDisabledEnrollmentIsRefusedInPlainWordsAndThePreviousProvisioningStays() throws Exception {
        ProvisioningState before = cloud().provisioning(guest);
        String key = service("enroll-disabled", device + "-off").path("key").asText();

        assertThatThrownBy(() -> cloud().provision(guest, dps(ProvisioningType.DPS_SYMMETRIC_KEY, device + "-off", null, key)))
                .isInstanceOfSatisfying(EflowException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("disabled").contains("previous provisioning is kept")
                            .doesNotContain(key).doesNotContain("\n");
                });
        assertThatThrownBy(() -> cloud().provision(guest, new ProvisioningSpec(ProvisioningType.DPS_SYMMETRIC_KEY, null, null,
                null, "https://" + HUB, "0ne99999999", device + "-off", key, null, null, null, trust())))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.getMessage())
                        .contains("did not accept the device's proof").contains("401002"));
        assertThatThrownBy(() -> cloud().provision(guest, dps(ProvisioningType.DPS_SYMMETRIC_KEY, device + "-off", null,
                "not base64!")))
                .isInstanceOfSatisfying(EflowException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("--symmetric-key: the key is not base64").doesNotContain("\n");
                });
        Path one = certificates().selfSigned(device + "-one");
        Path other = certificates().selfSigned(device + "-one");
        assertThatThrownBy(() -> cloud().provision(guest, new ProvisioningSpec(ProvisioningType.DPS_X509, null, null, null,
                "https://" + HUB, emulator.provisioning().idScope(), null, null, null, Files.readString(one.resolve("cert.pem")),
                Files.readString(other.resolve("key.pem")), trust())))
                .isInstanceOfSatisfying(EflowException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("the identity key is not the key of the certificate");
                });
        ProvisioningState after = cloud().provisioning(guest);
        assertThat(after.device()).isEqualTo(before.device());
        assertThat(after.type()).isEqualTo(before.type());
    }

    @Test
    @Order(17)
    void aTpmEnrollmentProvisionsTheGuestWithTheHostsTpmWhichTheGuestCannotChange() throws Exception {
        TpmProvisioningInfo info = host.manager().tpmProvisioningInfo();
        service("enroll-tpm", info.registrationId(), info.endorsementKey());
        String index = TestHost.NAMESPACE.equals(backend) ? "0x1500030" : "0x1500031";
        host.tpm().tool(List.of("tpm2_nvundefine", "-C", "o", index));
        assertThat(host.tpm().tool(List.of("tpm2_nvdefine", "-C", "o", "-s", "8", "-a", "ownerread|ownerwrite|authread", index))
                .exitCode()).isZero();
        String before = hostTpmState();
        host.manager().setFeature(guest, Feature.DPS_TPM, true);
        try {
            restartGuest();
            // the runtime up first: a TCG VM's tools are slow enough that the provisioning wants the call's whole time
            await().atMost(SLOW).ignoreExceptions().until(() -> new AgentClient(host.manager()).modules(guest) != null);
            ProvisioningState state = cloud().provision(guest, new ProvisioningSpec(ProvisioningType.DPS_TPM, null, null, null,
                    "https://" + HUB, emulator.provisioning().idScope(), null, null, null, null, null, trust()));

            assertThat(state.dps().registrationId()).as("the id eflow tpm-info shows").isEqualTo(info.registrationId());
            deploysFromTheCloud(state, info.registrationId(), "29");
            assertThat(host.tpm().tool(List.of("tpm2_getcap", "handles-persistent")).stdout().toLowerCase(Locale.ROOT))
                    .as("DPS's key, in eflow's range of the host's TPM").contains("0x81000e00");
            assertThat(host.tpm().tool(List.of("tpm2_getcap", "handles-transient")).stdout())
                    .as("the guest's attestation left nothing loaded in the host's TPM").isBlank();

            for (String attack : List.of("tpm2_clear -c p", "tpm2_changeauth -c o newpass", "tpm2_changeauth -c e newpass",
                    "tpm2_hierarchycontrol -C p shEnable clear", "tpm2_nvdefine -C o -s 8 0x1500040",
                    "printf 12345678 | tpm2_nvwrite -C o -i - " + index, "tpm2_nvundefine -C o " + index, "tpm2_pcrextend 0:sha256="
                            + "0000000000000000000000000000000000000000000000000000000000000000",
                    "tpm2_createprimary -C o -c /tmp/srk.ctx >/dev/null && tpm2_evictcontrol -C o -c /tmp/srk.ctx 0x81000001;"
                            + " refused=$?; tpm2_flushcontext -t; exit $refused", "tpm2_createprimary -C p -c /tmp/p.ctx",
                    "tpm2_dictionarylockout -c")) {
                CommandResult refused = invoke("sh", "-c", "export TPM2TOOLS_TCTI='cmd:socat - UNIX-CONNECT:"
                        + "/run/eflow-tpm/tpm.sock'; " + attack);
                assertThat(refused.exitCode()).as(attack).isNotZero();
                assertThat(refused.stderrText()).as(attack).contains("0x143");
            }

            assertThat(host.tpm().tool(List.of("tpm2_getcap", "handles-transient")).stdout())
                    .as("the attacks left nothing loaded in the host's TPM").isBlank();
            // the key stays in the TPM: a restarted guest signs with it again, without DPS
            restartGuest();
            await().atMost(SLOW).until(() -> cloud().provisioning(guest).state() == ProvisioningState.Link.CONNECTED);
            cloud().remove(guest);
            assertThat(host.tpm().tool(List.of("tpm2_getcap", "handles-persistent")).stdout().toLowerCase(Locale.ROOT))
                    .as("removing the provisioning evicts the key").doesNotContain("0x81000e00");
            assertThat(hostTpmState()).as("the host's TPM as it was: persistent handles, NV indexes, hierarchy state")
                    .isEqualTo(before);
        } finally {
            host.tpm().tool(List.of("tpm2_nvundefine", "-C", "o", index));
            host.manager().setFeature(guest, Feature.DPS_TPM, false);
            restartGuest();
        }
    }

    @Test
    @Order(18)
    void withDpsDownTheProvisioningIsKeptAndRetriedWithBackOffUntilDpsAnswers() throws Exception {
        String registration = device + "-dps-later";
        String groupKey = newKey();
        service("enroll-key-group", "eflow-it-later-" + backend, groupKey);
        emulator.close();
        try {
            ProvisioningState waiting = cloud().provision(guest, dps(ProvisioningType.DPS_SYMMETRIC_KEY, registration, groupKey, null));
            assertThat(waiting.state()).isEqualTo(ProvisioningState.Link.REGISTERING);
            assertThat(waiting.dps().status()).isEqualTo("unreachable");
            assertThat(waiting.dps().nextAttempt()).isNotNull();
            assertThat(waiting.lastError()).contains("DPS at " + HUB);
            Thread.sleep(5000);
            ProvisioningState later = cloud().provisioning(guest);
            assertThat(later.state()).as("still waiting for DPS").isEqualTo(ProvisioningState.Link.REGISTERING);
            assertThat(later.dps().nextAttempt()).as("tried again, later each time").isAfter(waiting.dps().nextAttempt());
        } finally {
            // DPS and the hub come back on the same ports, with their enrollments and devices (their state)
            emulator = startEmulator();
        }
        await().atMost(SLOW).until(() -> cloud().provisioning(guest).state() == ProvisioningState.Link.CONNECTED);
        assertThat(cloud().provisioning(guest).device()).isEqualTo(registration);
        assertThat(cloud().provisioning(guest).dps().status()).isEqualTo("assigned");
    }

    /**
     * What the guest must not change in the host's TPM, read directly: persistent handles, NV indexes, PCRs, and of
     * the variable properties the hierarchies' auth and enable flags and the lockout counter (the others count what
     * is loaded now).
     */
    private String hostTpmState() {
        StringBuilder state = new StringBuilder();
        for (List<String> read : List.of(List.of("tpm2_getcap", "handles-persistent"), List.of("tpm2_getcap", "handles-nv-index"),
                List.of("tpm2_pcrread", "sha256"), List.of("tpm2_getcap", "properties-variable"))) {
            Exec.Result result = host.tpm().tool(read);
            assertThat(result.exitCode()).as(String.join(" ", read) + ": " + result.stderr()).isZero();
            state.append(String.join(" ", read)).append('\n');
            boolean kept = !read.get(1).equals("properties-variable");
            for (String line : result.stdout().lines().toList()) {
                if (!line.startsWith(" ") && read.get(1).equals("properties-variable")) {
                    kept = line.startsWith("TPM2_PT_PERMANENT") || line.startsWith("TPM2_PT_STARTUP_CLEAR")
                            || line.startsWith("TPM2_PT_LOCKOUT_COUNTER");
                }
                if (kept) {
                    state.append(line).append('\n');
                }
            }
        }
        return state.toString();
    }

    /** Stops and starts the guest; the forwards and the redirect live in its connection and network namespace: made again. */
    private void restartGuest() {
        host.manager().stop(guest);
        host.manager().start(guest);
        if (host.manager().config(guest).backend() == BackendKind.NAMESPACE) {
            Forwards forwards = new Forwards(host.manager());
            for (Forward forward : forwards.list(guest)) {
                if (EmulatorRoute.isRouteForward(forward)) {
                    forwards.remove(guest, forward);
                    forwards.add(guest, forward);
                }
            }
        }
        EmulatorRoute.redirect(host.manager(), host.paths(), guest, true);
    }

    /** The guest, just provisioned as {@code deviceId}, runs the deployment IoT Hub then sets on that device. */
    private void deploysFromTheCloud(ProvisioningState state, String deviceId, String threshold) throws Exception {
        assertThat(state.state()).as(state.lastError()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(state.hub()).isEqualTo(HUB);
        assertThat(state.device()).isEqualTo(deviceId);
        Path manifest = work.resolve("deployment-" + deviceId + ".json");
        Files.writeString(manifest, deployment(threshold));
        service("apply", deviceId, manifest.toString());
        await().atMost(SLOW).untilAsserted(() -> {
            JsonNode reported = service("module-twin", deviceId, "$edgeAgent").path("properties").path("reported");
            assertThat(reported.at("/lastDesiredStatus/code").asInt()).isEqualTo(200);
            assertThat(reported.at("/modules/filter/runtimeStatus").asText()).isEqualTo("running");
        });
        assertThat(new AgentClient(host.manager()).deployment(guest).toString()).contains("\"value\":\"" + threshold + "\"");
    }

    /** A DPS symmetric-key provisioning with the device's key or its group's, at the emulator's DPS. */
    private ProvisioningSpec dps(ProvisioningType type, String registration, String groupKey, String key) throws IOException {
        return new ProvisioningSpec(type, null, null, null, "https://" + HUB, emulator.provisioning().idScope(), registration,
                key, groupKey, null, null, trust());
    }

    /** A fresh 32-byte key, base64, as DPS makes them. */
    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String trust() throws IOException {
        return Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII);
    }

    private static TestPki certificates() {
        return new TestPki(work.resolve("pki"));
    }

    private ProvisioningSpec request(String connectionString) throws IOException {
        return ProvisioningSpec.connectionString(connectionString, trust());
    }

    /** The samples' filter and sensor with IoT Edge's routes: sensor to filter, the filter's alerts upstream. */
    private static String deployment(String threshold) {
        String filter = """
                {"version": "1.0", "type": "docker", "status": "running", "restartPolicy": "always", "imagePullPolicy": "never",
                 "env": {"TEMPERATURE_THRESHOLD": {"value": "%s"}},
                 "settings": {"image": "localhost:5000/eflow-samples/filter:0.1.0", "createOptions": "{}"}}""".formatted(threshold);
        String sensor = """
                {"version": "1.0", "type": "docker", "status": "running", "restartPolicy": "always", "imagePullPolicy": "never",
                 "env": {"SEND_INTERVAL_MS": {"value": "500"}},
                 "settings": {"image": "localhost:5000/eflow-samples/temperature-sensor:0.1.0", "createOptions": "{}"}}""";
        String routes = """
                {"sensorToFilter": "FROM /messages/modules/tempSensor/outputs/temperatureOutput INTO BrokeredEndpoint(\\"/modules/filter/inputs/input1\\")",
                 "filterToUpstream": "FROM /messages/modules/filter/outputs/output1 INTO $upstream"}""";
        return EdgeAgentIT.manifest(new TreeMap<>(Map.of("filter", filter, "tempSensor", sensor)))
                .replace("\"routes\": {}", "\"routes\": " + routes);
    }

    /** Runs one command of the service script (the official service SDK) and returns its outcome. */
    private static JsonNode service(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "src/test/node/service.js"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = builder.environment();
        env.put("IOTHUB_CONNECTION_STRING", emulator.serviceConnectionString());
        env.put("IOTHUB_MQTT_PORT", Integer.toString(emulator.mqttPort()));
        env.put("IOTHUB_HTTPS_PORT", Integer.toString(emulator.httpsPort()));
        env.put("NODE_EXTRA_CA_CERTS", emulator.caCertificate().toString());
        env.put("DPS_ID_SCOPE", emulator.provisioning().idScope());
        env.put("DPS_CONNECTION_STRING", emulator.provisioning().serviceConnectionString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("node service.js " + String.join(" ", args) + ": " + out).isZero();
        return Json.MAPPER.readTree(out.lines().reduce((a, b) -> b).orElse("null"));
    }
}

package io.eflow.iothub.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.Credentials;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof that the emulator speaks IoT Hub's protocols: the official Azure IoT Node SDKs from the npm registry
 * ({@code azure-iot-device} with {@code azure-iot-device-mqtt}'s Mqtt and MqttWs transports, {@code azure-iothub}) run
 * their scenarios ({@code src/test/node/*.js}) against one emulator started here on ephemeral ports, and what they
 * observed is asserted.
 */
class SdkScenariosTest extends EmulatorScenarios {
    @Test
    void aDeviceClientSendsTelemetryKeepsItsTwinAnswersMethodsAndReceivesCloudMessages() throws Exception {
        JsonNode outcome = NodeSdk.run(emulator, "device.js");

        JsonNode telemetry = outcome.path("telemetry");
        assertThat(telemetry.path("body").asText()).isEqualTo("{\"temperature\":21.5}");
        assertThat(telemetry.path("properties").path("alert").asText()).isEqualTo("true");
        assertThat(telemetry.path("properties").path("unit name").asText()).isEqualTo("C/°");
        JsonNode system = telemetry.path("systemProperties");
        assertThat(system.path("messageId").asText()).isEqualTo("m-1");
        assertThat(system.path("correlationId").asText()).isEqualTo("c-1");
        assertThat(system.path("contentType").asText()).isEqualTo("application/json");
        assertThat(system.path("contentEncoding").asText()).isEqualTo("utf-8");
        assertThat(system.path("connectionDeviceId").asText()).isEqualTo("sdk-device");

        assertThat(outcome.path("initialDesiredVersion").asInt()).isEqualTo(1);
        assertThat(outcome.path("reportedSeenByService").path("firmware").asText()).isEqualTo("1.2.3");
        assertThat(outcome.path("reportedSeenByService").path("nested").path("a").asInt()).isEqualTo(1);
        assertThat(outcome.path("desiredDelta").path("setting").asText()).isEqualTo("on");
        assertThat(outcome.path("desiredDelta").path("$version").asInt()).isEqualTo(2);
        assertThat(outcome.path("tagsAfter").path("site").asText()).isEqualTo("lab");

        assertThat(outcome.path("method").path("status").asInt()).isEqualTo(201);
        assertThat(outcome.path("method").path("payload").path("got").path("delay").asInt()).isEqualTo(5);
        assertThat(outcome.path("method").path("payload").path("method").asText()).isEqualTo("reboot");
        assertThat(outcome.path("badTimeout").path("status").asInt()).isEqualTo(400);
        assertThat(outcome.path("offlineMethod").path("status").asInt()).isEqualTo(404);

        assertThat(outcome.path("c2dStatus").asInt()).isEqualTo(204);
        assertThat(outcome.path("c2d").path("data").asText()).isEqualTo("hello device");
        assertThat(outcome.path("c2d").path("messageId").asText()).isEqualTo("c2d-1");
        assertThat(outcome.path("c2d").path("properties").toString()).contains("\"key\":\"kind\"", "\"value\":\"greeting\"");
    }

    @Test
    void aDeviceClientOnMqttOverWebSocketsSendsKeepsItsTwinAndAnswersMethods() throws Exception {
        JsonNode outcome = NodeSdk.run(emulator, "mqttws.js");

        assertThat(outcome.path("telemetry").path("body").asText()).isEqualTo("over websockets");
        assertThat(outcome.path("telemetry").path("properties").path("transport").asText()).isEqualTo("MqttWs");
        assertThat(outcome.path("reported").asText()).isEqualTo("websocket");
        assertThat(outcome.path("method").path("status").asInt()).isEqualTo(200);
        assertThat(outcome.path("method").path("payload").path("pong").asBoolean()).isTrue();
    }

    @Test
    void aModuleClientSendsAsItsModuleKeepsItsModuleTwinAndAnswersModuleMethods() throws Exception {
        JsonNode outcome = NodeSdk.run(emulator, "module.js");

        List<JsonNode> telemetry = new ArrayList<>();
        outcome.path("telemetry").forEach(telemetry::add);
        assertThat(telemetry).hasSize(2);
        assertThat(telemetry.get(0).path("body").asText()).isEqualTo("plain");
        assertThat(telemetry.get(0).path("moduleId").asText()).isEqualTo("filter");
        assertThat(telemetry.get(0).path("systemProperties").path("connectionModuleId").asText()).isEqualTo("filter");
        assertThat(telemetry.get(1).path("systemProperties").path("outputName").asText()).isEqualTo("alerts");
        assertThat(telemetry.get(1).path("properties").path("level").asText()).isEqualTo("high");

        assertThat(outcome.path("reportedSeenByService").path("applied").asInt()).isEqualTo(25);
        assertThat(outcome.path("desiredDelta").path("TemperatureThreshold").asInt()).isEqualTo(30);
        assertThat(outcome.path("method").path("status").asInt()).isEqualTo(200);
        assertThat(outcome.path("method").path("payload").path("reset").asText()).isEqualTo("hard");
    }

    @Test
    void theServiceRegistryManagesDevicesModulesTwinsAndDeployments() throws Exception {
        JsonNode outcome = NodeSdk.run(emulator, "registry.js");

        JsonNode created = outcome.path("created");
        assertThat(created.path("status").asText()).isEqualTo("enabled");
        assertThat(created.path("type").asText()).isEqualTo("sas");
        assertThat(created.path("hasKeys").asBoolean()).isTrue();
        assertThat(created.path("iotEdge").asBoolean()).isFalse();
        assertThat(outcome.path("duplicate").path("status").asInt()).isEqualTo(409);
        assertThat(outcome.path("updated").path("status").asText()).isEqualTo("disabled");
        assertThat(outcome.path("updated").path("statusReason").asText()).isEqualTo("testing");
        assertThat(outcome.path("updated").path("sameKey").asBoolean()).as("an update naming no keys keeps them").isTrue();
        assertThat(outcome.path("got").asText()).isEqualTo("disabled");
        assertThat(outcome.path("listed").toString()).contains("reg-plain");
        assertThat(outcome.path("afterDelete").path("status").asInt()).isEqualTo(404);

        assertThat(outcome.path("edge").asBoolean()).isTrue();
        assertThat(outcome.path("edgeModules").toString()).contains("$edgeAgent", "$edgeHub");
        assertThat(outcome.path("module").asText()).isEqualTo("tempSensor");
        assertThat(outcome.path("deviceTwinTags").path("floor").asInt()).isEqualTo(3);
        assertThat(outcome.path("staleEtag").path("status").asInt()).isEqualTo(412);
        assertThat(outcome.path("moduleDesired").path("interval").asInt()).isEqualTo(5);

        JsonNode agent = outcome.path("edgeAgentDesired");
        assertThat(agent.path("schemaVersion").asText()).isEqualTo("1.1");
        assertThat(agent.path("modules").path("tempSensor").path("settings").path("image").asText())
                .isEqualTo("mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.0");
        assertThat(outcome.path("edgeHubRoutes").path("up").asText()).isEqualTo("FROM /messages/* INTO $upstream");
        assertThat(outcome.path("tempSensorDesired").path("SendInterval").asInt()).isEqualTo(2);
        assertThat(outcome.path("filterDesired").path("TemperatureThreshold").asInt())
                .as("a module made after the deployment starts with its desired properties").isEqualTo(25);
        assertThat(outcome.path("moduleAfterRemove").path("status").asInt()).isEqualTo(404);
        assertThat(outcome.path("unknownDeviceDeployment").path("status").asInt()).isEqualTo(404);
    }

    @Test
    void aDeviceAuthenticatesWithItsRegisteredSelfSignedCertificateAndAnotherCertificateIsRefused(@TempDir Path folder)
            throws Exception {
        TestCertificates registered = TestCertificates.selfSigned("x509-device", folder);
        TestCertificates other = TestCertificates.selfSigned("x509-other", folder);
        emulator.registry().putDevice(new DeviceSpec("x509-device", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Credentials(AuthType.SELF_SIGNED, Optional.empty(), Optional.empty(),
                        Optional.of(registered.thumbprint()), Optional.empty()))), Optional.empty());

        JsonNode outcome = NodeSdk.run(emulator, "x509.js", Map.of("X509_DEVICE_ID", "x509-device",
                "X509_CERT", registered.certificate().toString(), "X509_KEY", registered.key().toString(),
                "X509_OTHER_CERT", other.certificate().toString(), "X509_OTHER_KEY", other.key().toString()));

        assertThat(outcome.path("opened").asBoolean()).isTrue();
        assertThat(outcome.path("twinVersion").asInt()).isEqualTo(1);
        assertThat(outcome.path("telemetry").toString()).isEqualTo("[\"from a certificate\"]");
        assertThat(outcome.path("otherCertificate").path("name").asText()).isEqualTo("UnauthorizedError");
    }

    @Test
    void aDeviceAuthenticatesWithACertificateIssuedByARegisteredCaAndASelfSignedOneOfTheSameNameIsRefused(
            @TempDir Path folder) throws Exception {
        TestCertificates ca = TestCertificates.selfSigned("Device maker CA", folder);
        TestCertificates leaf = ca.issue("ca-device", folder);
        TestCertificates impostor = TestCertificates.selfSigned("ca-device", folder.resolve("impostor"));
        emulator.registry().putDevice(new DeviceSpec("ca-device", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Credentials(AuthType.CERTIFICATE_AUTHORITY, Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty()))), Optional.empty());
        emulator.registry().putCaCertificate("maker", ca.pem());

        JsonNode outcome = NodeSdk.run(emulator, "x509.js", Map.of("X509_DEVICE_ID", "ca-device",
                "X509_CERT", leaf.certificate().toString(), "X509_KEY", leaf.key().toString(),
                "X509_OTHER_CERT", impostor.certificate().toString(), "X509_OTHER_KEY", impostor.key().toString()));

        assertThat(outcome.path("opened").asBoolean()).isTrue();
        assertThat(outcome.path("telemetry").toString()).isEqualTo("[\"from a certificate\"]");
        assertThat(outcome.path("otherCertificate").path("name").asText()).isEqualTo("UnauthorizedError");
    }

    @Test
    void wrongKeysUnknownAndDisabledDevicesBadTokensAndOversizedTwinsAreRefused() throws Exception {
        JsonNode outcome = NodeSdk.run(emulator, "refusals.js");

        assertThat(outcome.path("wrongKey").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("unknownDevice").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("secondaryKeyWorks").asBoolean()).isTrue();
        assertThat(outcome.path("reportedTooLarge").path("message").asText()).contains("32768");
        assertThat(outcome.path("desiredTooLarge").path("status").asInt()).isEqualTo(400);
        assertThat(outcome.path("desiredTooDeep").path("status").asInt()).isEqualTo(400);
        assertThat(outcome.path("stateBeforeDisable").asText()).isEqualTo("Connected");
        assertThat(outcome.path("stateAfterDisable").asText()).isEqualTo("Disconnected");
        assertThat(outcome.path("stateLater").asText()).as("its reconnections are refused").isEqualTo("Disconnected");
        assertThat(outcome.path("disabled").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("expiredToken").path("status").asInt()).isEqualTo(401);
        assertThat(outcome.path("unsignedToken").path("status").asInt()).isEqualTo(401);
        assertThat(outcome.path("wrongPolicyKey").path("status").asInt()).isEqualTo(401);
    }
}

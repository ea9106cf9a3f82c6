package io.eflow.iothub.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof that the emulator's Device Provisioning Service speaks DPS: the official Node SDKs
 * ({@code azure-iot-provisioning-service}, {@code azure-iot-provisioning-device} over its HTTP and MQTT transports with
 * symmetric keys and X.509) enroll, register and are refused, and each assigned device connects to the hub with what
 * it registered with.
 */
class ProvisioningScenariosTest extends EmulatorScenarios {
    @Test
    void devicesRegisterWithIndividualAndGroupKeysOverHttpAndMqttAndConnectToTheAssignedHub() throws Exception {
        JsonNode outcome = NodeSdk.run(emulator, "provisioning.js");

        assertThat(outcome.path("individual").path("type").asText()).isEqualTo("symmetricKey");
        assertThat(outcome.path("individual").path("hasKey").asBoolean()).as("DPS generates keys left out").isTrue();
        assertThat(outcome.path("individual").path("status").asText()).isEqualTo("enabled");
        assertThat(outcome.path("group").path("sameKey").asBoolean()).isTrue();
        assertThat(outcome.path("gotIndividual").asText()).isEqualTo("dps-individual");

        JsonNode overHttp = outcome.path("overHttp");
        assertThat(overHttp.path("assignedHub").asText()).isEqualTo("localhost");
        assertThat(overHttp.path("deviceId").asText()).isEqualTo("dps-individual");
        assertThat(overHttp.path("status").asText()).isEqualTo("assigned");
        assertThat(overHttp.path("substatus").asText()).isEqualTo("initialAssignment");
        assertThat(overHttp.path("hasEtag").asBoolean()).isTrue();
        assertThat(overHttp.path("hasTimes").asBoolean()).isTrue();
        assertThat(overHttp.path("payload").path("model").asText()).isEqualTo("thermostat");
        assertThat(outcome.path("overHttpSent").toString()).isEqualTo("[\"provisioned over http\"]");

        assertThat(outcome.path("overMqtt").path("deviceId").asText()).isEqualTo("dps-member-1");
        assertThat(outcome.path("overMqtt").path("status").asText()).isEqualTo("assigned");
        assertThat(outcome.path("overMqttSent").toString()).isEqualTo("[\"provisioned over mqtt\"]");
        assertThat(outcome.path("individualOverMqtt").path("substatus").asText())
                .as("a device the hub has keeps it").isEqualTo("deviceDataMigrated");
        assertThat(outcome.path("groupOverHttp").path("deviceId").asText()).isEqualTo("dps-member-2");

        assertThat(outcome.path("hubDevice").path("iotEdge").asBoolean()).isTrue();
        assertThat(outcome.path("hubDevice").path("type").asText()).isEqualTo("sas");
        assertThat(outcome.path("hubDevice").path("sameKey").asBoolean()).isTrue();
        assertThat(outcome.path("hubTwin").path("tags").path("site").asText()).isEqualTo("dock");
        assertThat(outcome.path("hubTwin").path("interval").asInt()).isEqualTo(7);

        assertThat(outcome.path("disabled").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("disabledOverMqtt").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("wrongKey").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("wrongKeyOverMqtt").path("name").asText()).as("refused at CONNECT").isNotEmpty();
        assertThat(outcome.path("wrongGroupKey").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("wrongIdScope").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("wrongIdScopeOverMqtt").path("name").asText()).as("refused at CONNECT").isNotEmpty();
        assertThat(outcome.path("hubDeviceOfDisabled").asInt()).isEqualTo(404);

        assertThat(outcome.path("staleEtag").asInt()).isEqualTo(412);
        assertThat(outcome.path("afterDelete").asInt()).isEqualTo(404);
        assertThat(outcome.path("registerAfterDelete").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(outcome.path("wrongServiceKey").asInt()).isEqualTo(401);
    }

    @Test
    void aDeviceWithACertificateFromAGroupsCaRegistersOverMqttAndHttpsAndConnectsAndASelfSignedOneIsRefused(@TempDir Path folder)
            throws Exception {
        TestCertificates ca = TestCertificates.selfSigned("DPS maker CA", folder);
        TestCertificates leaf = ca.issue("dps-x509-device", folder);
        TestCertificates impostor = TestCertificates.selfSigned("dps-x509-device", folder.resolve("impostor"));
        Path caFile = folder.resolve("ca-only.pem");
        Files.writeString(caFile, ca.pem());

        JsonNode outcome = NodeSdk.run(emulator, "provisioning-x509.js", Map.of("X509_DEVICE_ID", "dps-x509-device",
                "X509_CA", caFile.toString(), "X509_CERT", leaf.certificate().toString(), "X509_KEY", leaf.key().toString(),
                "X509_OTHER_CERT", impostor.certificate().toString(), "X509_OTHER_KEY", impostor.key().toString()));

        assertThat(outcome.path("groupSubject").asText()).contains("DPS maker CA");
        assertThat(outcome.path("state").path("deviceId").asText()).isEqualTo("dps-x509-device");
        assertThat(outcome.path("state").path("assignedHub").asText()).isEqualTo("localhost");
        assertThat(outcome.path("sent").toString()).isEqualTo("[\"provisioned with a certificate\"]");
        assertThat(outcome.path("overHttp").path("deviceId").asText()).isEqualTo("dps-x509-device");
        assertThat(outcome.path("overHttp").path("substatus").asText()).isEqualTo("deviceDataMigrated");
        assertThat(outcome.path("impostor").path("name").asText()).as("a certificate the group's CA did not issue")
                .isNotEmpty();
        assertThat(outcome.path("impostorOverHttp").path("name").asText()).isEqualTo("UnauthorizedError");
        assertThat(emulator.registry().device("dps-x509-device").credentials().type().wireName())
                .isEqualTo("certificateAuthority");
    }
}

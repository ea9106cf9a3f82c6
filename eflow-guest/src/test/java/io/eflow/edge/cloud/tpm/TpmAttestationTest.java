package io.eflow.edge.cloud.tpm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.contract.wire.RequestException;
import io.eflow.edge.cloud.CloudLink;
import io.eflow.edge.cloud.DeviceTpm;
import io.eflow.edge.cloud.DpsRegistrar;
import io.eflow.edge.cloud.HubPorts;
import io.eflow.edge.cloud.Provisioning;
import io.eflow.edge.cloud.TrustBundle;
import io.eflow.iothub.emulator.EmulatorOptions;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.iothub.emulator.dps.Attestation;
import io.eflow.iothub.emulator.dps.Enrollment;
import io.eflow.iothub.emulator.tpm.Swtpm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The guest's side of DPS's TPM attestation against a TPM (swtpm, behind a stand-in for eflow's proxy that admits what
 * the proxy admits, reached as the guest reaches the proxy) and the
 * IoT Hub emulator's DPS over HTTPS: the public keys and registration id, the challenge taken in, the token the TPM
 * signs admitted, the key the hub gets being the one in the TPM; and the key removed.
 */
class TpmAttestationTest {
    private static final ObjectMapper JSON = Mappers.standard();
    @TempDir
    Path dir;
    private Swtpm swtpm;
    private AdmittingRelay proxy;
    private IotHubEmulator emulator;
    private TpmAttestation tpm;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        swtpm = Swtpm.start();
        proxy = new AdmittingRelay(dir.resolve("proxy.sock"), swtpm.dir().resolve("tpm.sock"));
        tpm = new TpmAttestation(proxy.tcti(), dir.resolve("tpm-work"), Duration.ofSeconds(30));
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, dir.resolve("iothub")));
        http = HttpClient.newBuilder().sslContext(TrustBundle.of(Optional.of(Files.readString(emulator.caCertificate(),
                StandardCharsets.US_ASCII))).sslContext()).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (emulator != null) {
            emulator.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (swtpm != null) {
            swtpm.close();
        }
    }

    @Test
    void theTpmAnswersDpssChallengeAndHoldsTheKeyTheHubGaveTheDevice() throws Exception {
        TpmAttestation.PublicKeys keys = tpm.publicKeys();
        assertThat(keys.registrationId()).matches("[a-z2-7]{52}");
        assertThat(tpm.publicKeys()).isEqualTo(keys);
        enroll(keys.registrationId(), keys.endorsementKey());

        HttpResponse<String> challenge = register(keys, Optional.empty());
        assertThat(challenge.statusCode()).as(challenge.body()).isEqualTo(401);
        tpm.importKey(JSON.readTree(challenge.body()).path("authenticationKey").asText());
        assertThat(tpm.hasKey()).isTrue();

        String token = SasToken.sign(emulator.provisioning().idScope() + "/registrations/" + keys.registrationId(),
                tpm.signingKey(), Instant.now().plusSeconds(3600), Optional.of("registration")).toString();
        HttpResponse<String> registered = register(keys, Optional.of(token));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(202);
        JsonNode operation = poll(keys.registrationId(), JSON.readTree(registered.body()).path("operationId").asText(), token);
        assertThat(operation.path("status").asText()).isEqualTo("assigned");
        // as the SDKs do, the key in the registration state is taken in again: the same key
        tpm.importKey(operation.path("registrationState").path("tpm").path("authenticationKey").asText());

        String hubKey = emulator.registry().device(keys.registrationId()).credentials().primaryKey().orElseThrow();
        byte[] data = ("localhost/devices/" + keys.registrationId() + "\n1767229200").getBytes(StandardCharsets.UTF_8);
        assertThat(tpm.signingKey().hmacSha256(data)).isEqualTo(SigningKey.base64(hubKey).hmacSha256(data));
        assertThat(new TpmTools(swtpm.tcti(), swtpm.dir(), Duration.ofSeconds(30)).transients()).isEmpty();

        assertThat(proxy.refused()).as("only commands eflow's TPM proxy admits").isEmpty();
        // tpm2_hmac uses the HMAC sequence (HMAC_Start, SequenceUpdate, SequenceComplete) whatever the length
        assertThat(proxy.seen()).contains(0x147, 0x156, 0x157, 0x15B, 0x13E, 0x120);

        tpm.removeKey();
        assertThat(tpm.hasKey()).isFalse();
        assertThatThrownBy(() -> tpm.signingKey().hmacSha256(data)).isInstanceOf(TpmException.class)
                .hasMessageContaining("tpm2_hmac");
    }

    @Test
    void aDpsTpmProvisioningConnectsTheDeviceKeepsItsKeyAcrossRestartsAndRemovingItEvictsTheKey() throws Exception {
        GuestTpm guestTpm = new GuestTpm(dir.resolve("proxy.sock"), tpm);
        String registrationId = guestTpm.registrationId();
        enroll(registrationId, guestTpm.endorsementKey());
        ProvisioningSpec spec = new ProvisioningSpec(ProvisioningType.DPS_TPM, null, null, null,
                "https://localhost:" + emulator.httpsPort(), emulator.provisioning().idScope(), null, null, null, null, null,
                Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII));

        try (CloudLink link = link(guestTpm)) {
            ProvisioningState state = link.provision(Provisioning.of(spec, Instant.now()));
            assertThat(state.state()).as(state.lastError()).isEqualTo(ProvisioningState.Link.CONNECTED);
            assertThat(state.device()).isEqualTo(registrationId);
            assertThat(state.dps().registrationId()).isEqualTo(registrationId);
            assertThat(Files.readString(dir.resolve("cloud/provisioning.json"))).doesNotContain("Key\"");
        }
        assertThat(tpm.hasKey()).isTrue();

        // a restart signs with the key the TPM kept, without asking DPS
        emulator.provisioning().enrollments().delete(Enrollment.Kind.INDIVIDUAL, registrationId, Optional.empty());
        try (CloudLink restarted = link(guestTpm)) {
            restarted.start();
            assertThat(restarted.state().state()).as(restarted.state().lastError()).isEqualTo(ProvisioningState.Link.CONNECTED);
        }

        // the TPM out of the guest's reach at a start (the feature turned off): refused, in words, not thrown away
        try (CloudLink withoutTpm = link(new GuestTpm(dir.resolve("no-such.sock"), tpm))) {
            withoutTpm.start();
            assertThat(withoutTpm.state().state()).isEqualTo(ProvisioningState.Link.REFUSED);
            assertThat(withoutTpm.state().lastError()).contains("eflow feature set dps-tpm on");
            assertThat(withoutTpm.current()).isEmpty();
        }

        // the key gone from the TPM: the next start asks DPS again and gets one
        tpm.removeKey();
        enroll(registrationId, guestTpm.endorsementKey());
        try (CloudLink restarted = link(guestTpm)) {
            restarted.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> restarted.state().state() == ProvisioningState.Link.CONNECTED);
            assertThat(tpm.hasKey()).isTrue();
            restarted.remove();
        }
        assertThat(tpm.hasKey()).as("removing the provisioning evicts the key").isFalse();
        assertThat(proxy.refused()).isEmpty();
    }

    @Test
    void withoutTheTpmFeatureDpsTpmIsRefusedInOneLineThatSaysWhatToDo() {
        GuestTpm absent = new GuestTpm(dir.resolve("no-such.sock"), tpm);
        try (CloudLink link = link(absent)) {
            assertThatThrownBy(() -> link.provision(Provisioning.of(new ProvisioningSpec(ProvisioningType.DPS_TPM, null, null,
                    null, "https://localhost:" + emulator.httpsPort(), emulator.provisioning().idScope(), null, null, null,
                    null, null, null), Instant.now())))
                    .isInstanceOf(RequestException.class).hasMessageContaining("eflow feature set dps-tpm on");
        }
    }

    private CloudLink link(DeviceTpm device) {
        HubPorts ports = new HubPorts(emulator.mqttPort(), emulator.httpsPort());
        return new CloudLink(dir.resolve("cloud"), identity -> CloudLink.edgeAgentIdentity(identity, ports,
                Duration.ofSeconds(10), Clock.systemUTC()), new DpsRegistrar(Duration.ofSeconds(30), Clock.systemUTC(),
                () -> device), CloudLink.Backoff.STANDARD, Clock.systemUTC());
    }

    @Test
    void aKeyWrappedForAnotherTpmIsRefusedByActivateCredential() throws Exception {
        try (Swtpm otherTpm = Swtpm.start()) {
            TpmAttestation other = new TpmAttestation(otherTpm.tcti(), dir.resolve("other-work"), Duration.ofSeconds(30));
            TpmAttestation.PublicKeys otherKeys = other.publicKeys();
            enroll(otherKeys.registrationId(), otherKeys.endorsementKey());
            HttpResponse<String> challenge = register(otherKeys, Optional.empty());

            assertThatThrownBy(() -> tpm.importKey(JSON.readTree(challenge.body()).path("authenticationKey").asText()))
                    .isInstanceOf(TpmException.class).hasMessageContaining("tpm2_activatecredential");
            assertThat(tpm.hasKey()).isFalse();
            assertThat(new TpmTools(swtpm.tcti(), swtpm.dir(), Duration.ofSeconds(30)).transients()).isEmpty();
        }
    }

    private void enroll(String registrationId, String endorsementKey) {
        Instant now = Instant.now();
        emulator.provisioning().enrollments().put(new Enrollment(Enrollment.Kind.INDIVIDUAL, registrationId,
                new Attestation.Tpm(endorsementKey), Optional.empty(), true, Optional.empty(), true, 1, now, now),
                Optional.empty());
    }

    private HttpResponse<String> register(TpmAttestation.PublicKeys keys, Optional<String> token) throws Exception {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("registrationId", keys.registrationId())
                .set("tpm", JSON.createObjectNode().put("endorsementKey", keys.endorsementKey())
                        .put("storageRootKey", keys.storageRootKey())));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + emulator.httpsPort() + "/"
                + emulator.provisioning().idScope() + "/registrations/" + keys.registrationId()
                + "/register?api-version=2019-03-31")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(t -> request.header("Authorization", t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode poll(String registrationId, String operationId, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + emulator.httpsPort()
                + "/" + emulator.provisioning().idScope() + "/registrations/" + registrationId + "/operations/" + operationId
                + "?api-version=2019-03-31")).header("Authorization", token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}

package io.eflow.edge.cloud;

import io.eflow.contract.iothub.SigningKey;
import io.eflow.contract.wire.Failure;
import io.eflow.contract.wire.ProvisioningSpec;
import io.eflow.contract.wire.ProvisioningState;
import io.eflow.contract.wire.ProvisioningType;
import io.eflow.contract.wire.RequestException;
import io.eflow.edge.hub.mqtt.TestCertificates;
import io.eflow.iothub.emulator.EmulatorOptions;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.iothub.emulator.auth.CaChains;
import io.eflow.iothub.emulator.dps.Attestation;
import io.eflow.iothub.emulator.dps.Enrollment;
import io.eflow.iothub.emulator.registry.AuthType;
import io.eflow.iothub.emulator.registry.Credentials;
import io.eflow.iothub.emulator.registry.DeviceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Each provisioning type but the TPM's, end to end against the IoT Hub emulator's DPS and hub (which the official
 * SDKs judge in the emulator's own tests): the guest's link registers with DPS, is assigned, and the hub accepts the
 * edge device it was given. Refusals are one line and leave the previous provisioning as it was.
 */
class DpsProvisioningTest {
    private static final String SYMMETRIC = "c2VjcmV0LWtleS1vZi1kcHMtZGV2aWNlLTE=";
    private static final String GROUP = "Z3JvdXAta2V5LW9mLXRoZS1mbGVldC0xMjM0NTY=";

    @TempDir
    Path dir;
    private IotHubEmulator emulator;
    private CloudLink link;
    private String trust;

    @BeforeEach
    void start() throws IOException {
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, dir.resolve("iothub")));
        trust = Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII);
        link = link(new HubPorts(emulator.mqttPort(), emulator.httpsPort()));
    }

    @AfterEach
    void stop() {
        link.close();
        emulator.close();
    }

    private CloudLink link(HubPorts ports) {
        return new CloudLink(dir.resolve("cloud"), identity -> CloudLink.edgeAgentIdentity(identity, ports,
                Duration.ofSeconds(5), Clock.systemUTC()), new DpsRegistrar(Duration.ofSeconds(5), Clock.systemUTC(), () -> {
                    throw new AssertionError("no TPM in these tests");
                }), new CloudLink.Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)), Clock.systemUTC());
    }

    private String endpoint() {
        return "https://localhost:" + emulator.httpsPort();
    }

    private ProvisioningSpec dps(ProvisioningType type, String registrationId, String key, String groupKey,
                                 TestCertificates.Issued certificate, String chain) {
        return new ProvisioningSpec(type, null, null, null, endpoint(), emulator.provisioning().idScope(), registrationId,
                key, groupKey, certificate == null ? null : chain, certificate == null ? null : certificate.keyPem(), trust);
    }

    private void enroll(Enrollment.Kind kind, String id, Attestation attestation, boolean enabled) {
        Instant now = Instant.now();
        emulator.provisioning().enrollments().put(new Enrollment(kind, id, attestation, Optional.empty(), true,
                Optional.empty(), enabled, 0, now, now), Optional.empty());
    }

    @Test
    void anIndividualSymmetricKeyEnrollmentAssignsTheDeviceAndTheHubTakesIt() throws IOException {
        enroll(Enrollment.Kind.INDIVIDUAL, "edge-dps-1", new Attestation.SymmetricKey(SYMMETRIC, SYMMETRIC), true);

        ProvisioningState state = link.provision(Provisioning.of(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-dps-1",
                SYMMETRIC, null, null, null), Instant.now()));

        assertThat(state.state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(state.hub()).isEqualTo("localhost");
        assertThat(state.device()).isEqualTo("edge-dps-1");
        assertThat(state.dps().status()).isEqualTo("assigned");
        assertThat(state.dps().substatus()).isEqualTo("initialAssignment");
        assertThat(emulator.registry().device("edge-dps-1").iotEdge()).isTrue();
        assertThat(Files.getPosixFilePermissions(dir.resolve("cloud/dps-assignment.json")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        // a restart reconnects from the kept assignment, without asking DPS
        emulator.provisioning().enrollments().delete(Enrollment.Kind.INDIVIDUAL, "edge-dps-1", Optional.empty());
        CloudLink restarted = link(new HubPorts(emulator.mqttPort(), emulator.httpsPort()));
        restarted.start();
        assertThat(restarted.state().state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(restarted.current().orElseThrow().deviceId()).isEqualTo("edge-dps-1");
        restarted.close();
    }

    @Test
    void theDeviceScopeSignsOneTokenForManyRequests() throws IOException {
        enroll(Enrollment.Kind.INDIVIDUAL, "edge-dps-1", new Attestation.SymmetricKey(SYMMETRIC, SYMMETRIC), true);
        link.provision(Provisioning.of(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-dps-1", SYMMETRIC, null, null, null),
                Instant.now()));
        AtomicInteger signatures = new AtomicInteger();
        SigningKey key = SigningKey.base64(SYMMETRIC);
        CloudIdentity counted = CloudIdentity.withKey("localhost", "edge-dps-1", data -> {
            signatures.incrementAndGet();
            return key.hmacSha256(data);
        }, TrustBundle.of(Optional.of(trust)));
        DeviceScope scope = new DeviceScope(counted, new HubPorts(emulator.mqttPort(), emulator.httpsPort()),
                Duration.ofSeconds(5), Clock.systemUTC());

        for (int i = 0; i < 3; i++) {
            assertThat(scope.module("$edgeAgent")).isPresent();
        }
        assertThat(scope.moduleIds()).contains("$edgeAgent", "$edgeHub");
        assertThat(signatures).as("a key in the TPM signs by running a tool: once, not per request").hasValue(1);
    }

    @Test
    void aGroupEnrollmentAdmitsTheKeyDerivedFromTheGroupKeyAndOnlyTheDerivedKeyIsKept() throws IOException {
        enroll(Enrollment.Kind.GROUP, "fleet", new Attestation.SymmetricKey(GROUP, GROUP), true);

        ProvisioningState state = link.provision(Provisioning.of(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-fleet-7",
                null, GROUP, null, null), Instant.now()));

        assertThat(state.state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(state.device()).isEqualTo("edge-fleet-7");
        String saved = Files.readString(dir.resolve("cloud/provisioning.json"));
        assertThat(saved).doesNotContain(GROUP).contains(derived(GROUP, "edge-fleet-7"));
    }

    @Test
    void anIndividualX509EnrollmentAssignsACertificateDeviceThatCallsTheHubWithItsCertificate() throws Exception {
        TestCertificates.Issued device = TestCertificates.selfSigned("edge-x509-1");
        enroll(Enrollment.Kind.INDIVIDUAL, "edge-x509-1", new Attestation.X509(List.of(device.certificatePem())), true);

        ProvisioningState state = link.provision(Provisioning.of(dps(ProvisioningType.DPS_X509, null, null, null, device,
                device.certificatePem()), Instant.now()));

        assertThat(state.state()).as(state.lastError()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(state.device()).isEqualTo("edge-x509-1");
        assertThat(emulator.registry().device("edge-x509-1").credentials().type()).isEqualTo(AuthType.SELF_SIGNED);
        CloudIdentity identity = link.current().orElseThrow();
        assertThat(identity.key()).isEmpty();
        // module identities get SAS keys all the same, derived from a secret the device keeps
        assertThat(emulator.registry().module("edge-x509-1", "$edgeAgent")).isNotNull();
        assertThat(identity.moduleKey("$edgeAgent")).isEqualTo(identity.moduleKey("$edgeAgent"));
        assertThat(Files.exists(dir.resolve("cloud/module-secret"))).isTrue();
    }

    @Test
    void aCaSignedGroupAdmitsALeafOfItsCaAndARenewedCertificateReplacesTheOldOne() throws Exception {
        TestCertificates.Issued ca = TestCertificates.authority("eflow fleet CA");
        TestCertificates.Issued leaf = TestCertificates.client(ca, "edge-ca-1");
        enroll(Enrollment.Kind.GROUP, "ca-fleet", new Attestation.X509(List.of(ca.certificatePem())), true);

        ProvisioningState state = link.provision(Provisioning.of(dps(ProvisioningType.DPS_X509, "edge-ca-1", null, null, leaf,
                leaf.certificatePem() + ca.certificatePem()), Instant.now()));
        assertThat(state.state()).as(state.lastError()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(emulator.registry().device("edge-ca-1").credentials().type()).isEqualTo(AuthType.CERTIFICATE_AUTHORITY);
        String moduleKey = link.current().orElseThrow().moduleKey("filter");

        TestCertificates.Issued renewed = TestCertificates.client(ca, "edge-ca-1");
        ProvisioningState after = link.renew(X509Identity.of(renewed.certificatePem() + ca.certificatePem(), renewed.keyPem(),
                Instant.now()));
        assertThat(after.state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(Files.readString(dir.resolve("cloud/provisioning.json"))).contains(renewed.certificatePem().strip()
                .lines().skip(1).findFirst().orElseThrow());
        assertThat(link.current().orElseThrow().moduleKey("filter")).as("the modules keep their keys").isEqualTo(moduleKey);

        // a certificate of another CA is refused by the hub, and the renewed one stays
        TestCertificates.Issued stranger = TestCertificates.client(TestCertificates.authority("someone else"), "edge-ca-1");
        byte[] saved = Files.readAllBytes(dir.resolve("cloud/provisioning.json"));
        assertThatThrownBy(() -> link.renew(X509Identity.of(stranger.certificatePem(), stranger.keyPem(), Instant.now())))
                .isInstanceOf(RequestException.class).hasMessageContaining("previous certificate is kept");
        assertThat(Files.readAllBytes(dir.resolve("cloud/provisioning.json"))).isEqualTo(saved);
    }

    @Test
    void aManualX509DeviceConnectsWithTheCertificateWhoseThumbprintTheHubHas() throws Exception {
        TestCertificates.Issued device = TestCertificates.selfSigned("edge-manual-x509");
        emulator.registry().putDevice(new DeviceSpec("edge-manual-x509", Optional.of(true), Optional.empty(), Optional.of(true),
                Optional.of(new Credentials(AuthType.SELF_SIGNED, Optional.empty(), Optional.empty(),
                        Optional.of(CaChains.thumbprint(device.certificate(), "SHA-256")), Optional.empty()))), Optional.empty());

        ProvisioningState state = link.provision(Provisioning.of(new ProvisioningSpec(ProvisioningType.MANUAL_X509, null,
                "localhost", "edge-manual-x509", null, null, null, null, null, device.certificatePem(), device.keyPem(), trust),
                Instant.now()));

        assertThat(state.state()).as(state.lastError()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(state.device()).isEqualTo("edge-manual-x509");
        assertThat(state.dps()).isNull();
    }

    @Test
    void whatDpsRefusesIsOneLineInPlainWordsAndThePreviousProvisioningStays() throws Exception {
        enroll(Enrollment.Kind.INDIVIDUAL, "edge-dps-1", new Attestation.SymmetricKey(SYMMETRIC, SYMMETRIC), true);
        enroll(Enrollment.Kind.INDIVIDUAL, "edge-off", new Attestation.SymmetricKey(SYMMETRIC, SYMMETRIC), false);
        link.provision(Provisioning.of(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-dps-1", SYMMETRIC, null, null, null),
                Instant.now()));
        byte[] saved = Files.readAllBytes(dir.resolve("cloud/provisioning.json"));
        ProvisioningState before = link.state();

        ProvisioningSpec wrongScope = new ProvisioningSpec(ProvisioningType.DPS_SYMMETRIC_KEY, null, null, null, endpoint(),
                "0ne99999999", "edge-dps-1", SYMMETRIC, null, null, null, trust);
        assertThatThrownBy(() -> link.provision(Provisioning.of(wrongScope, Instant.now())))
                .isInstanceOfSatisfying(RequestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Failure.Kind.UPSTREAM);
                    assertThat(e.getMessage()).contains("did not accept the device's proof").contains("401002")
                            .contains("previous provisioning is kept").doesNotContain(SYMMETRIC).doesNotContain("\n");
                });
        assertThatThrownBy(() -> link.provision(Provisioning.of(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-off", SYMMETRIC,
                null, null, null), Instant.now())))
                .isInstanceOf(RequestException.class).hasMessageContaining("disabled");

        assertThat(Files.readAllBytes(dir.resolve("cloud/provisioning.json"))).isEqualTo(saved);
        assertThat(link.state()).isEqualTo(before);
        assertThat(link.current().orElseThrow().deviceId()).isEqualTo("edge-dps-1");
    }

    @Test
    void malformedInputIsRefusedBeforeDpsIsAsked() throws Exception {
        TestCertificates.Issued device = TestCertificates.selfSigned("edge-x509-1");
        TestCertificates.Issued other = TestCertificates.selfSigned("edge-x509-1");
        TestCertificates.Issued expired = TestCertificates.client(TestCertificates.authority("ca"), "edge-old",
                Instant.now().minus(Duration.ofDays(1)));
        assertRefused(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-1", "not base64!", null, null, null), "--symmetric-key: the key is not base64");
        assertRefused(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-1", SYMMETRIC, GROUP, null, null), "one of --symmetric-key");
        assertRefused(new ProvisioningSpec(ProvisioningType.DPS_SYMMETRIC_KEY, null, null, null, endpoint(), "not a scope!",
                "edge-1", SYMMETRIC, null, null, null, null), "--scope-id is not a DPS id scope");
        assertRefused(new ProvisioningSpec(ProvisioningType.DPS_SYMMETRIC_KEY, null, null, null, "http://dps.example/x",
                "0ne00000001", "edge-1", SYMMETRIC, null, null, null, null), "--global-endpoint must be https://host[:port]");
        assertRefused(new ProvisioningSpec(ProvisioningType.DPS_X509, null, null, null, endpoint(), "0ne00000001", null,
                null, null, device.certificatePem(), other.keyPem(), null), "the identity key is not the key of the certificate");
        assertRefused(new ProvisioningSpec(ProvisioningType.DPS_X509, null, null, null, endpoint(), "0ne00000001", null,
                null, null, expired.certificatePem(), expired.keyPem(), null), "expired on");
        assertRefused(new ProvisioningSpec(ProvisioningType.DPS_X509, null, null, null, endpoint(), "0ne00000001", "edge-2",
                null, null, device.certificatePem(), device.keyPem(), null), "from the certificate's common name");
        assertRefused(new ProvisioningSpec(ProvisioningType.MANUAL_X509, null, "hub.example", "edge-1", null, null, null,
                null, null, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", device.keyPem(), null), "identity certificate");
        TestCertificates.Issued ca = TestCertificates.authority("ca");
        TestCertificates.Issued leaf = TestCertificates.client(ca, "edge-chain");
        assertRefused(new ProvisioningSpec(ProvisioningType.MANUAL_X509, null, "hub.example", "edge-chain", null, null, null,
                null, null, leaf.certificatePem() + device.certificatePem(), leaf.keyPem(), null), "chain is incomplete or out of order");
        assertThat(dir.resolve("cloud")).doesNotExist();
    }

    private void assertRefused(ProvisioningSpec spec, String message) {
        assertThatThrownBy(() -> Provisioning.of(spec, Instant.now())).as(message).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")
                        .doesNotContain(SYMMETRIC).doesNotContain(GROUP));
    }

    @Test
    void aDpsThatCannotBeReachedIsRetriedWithBackOffUntilItAnswers() throws Exception {
        // a DPS (and hub) on ports of the test's choosing, with the device enrolled, then stopped: it keeps its state
        int mqtt = freePort();
        int https = freePort();
        Path state = dir.resolve("later");
        emulator.close();
        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", mqtt, https, state));
        enroll(Enrollment.Kind.INDIVIDUAL, "edge-later", new Attestation.SymmetricKey(SYMMETRIC, SYMMETRIC), true);
        String scope = emulator.provisioning().idScope();
        trust = Files.readString(emulator.caCertificate(), StandardCharsets.US_ASCII);
        emulator.close();
        link.close();
        link = link(new HubPorts(mqtt, https));
        ProvisioningSpec spec = new ProvisioningSpec(ProvisioningType.DPS_SYMMETRIC_KEY, null, null, null,
                "https://localhost:" + https, scope, "edge-later", SYMMETRIC, null, null, null, trust);

        ProvisioningState waiting = link.provision(Provisioning.of(spec, Instant.now()));
        assertThat(waiting.state()).isEqualTo(ProvisioningState.Link.REGISTERING);
        assertThat(waiting.dps().status()).isEqualTo("unreachable");
        assertThat(waiting.dps().nextAttempt()).isNotNull();
        assertThat(waiting.lastError()).contains("cannot reach DPS at localhost:" + https);
        assertThat(link.current()).isEmpty();
        Thread.sleep(1500);
        assertThat(link.state().state()).as("still DPS-less after some retries").isEqualTo(ProvisioningState.Link.REGISTERING);

        emulator = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", mqtt, https, state));
        await().atMost(Duration.ofSeconds(20)).until(() -> link.state().state() == ProvisioningState.Link.CONNECTED);
        assertThat(link.state().device()).isEqualTo("edge-later");
        assertThat(link.state().dps().status()).isEqualTo("assigned");
    }

    @Test
    void aDeviceTheHubRefusesGoesBackToDpsAndFollowsItsNewAssignment() throws IOException {
        enroll(Enrollment.Kind.INDIVIDUAL, "edge-moving", new Attestation.SymmetricKey(SYMMETRIC, SYMMETRIC), true);
        link.provision(Provisioning.of(dps(ProvisioningType.DPS_SYMMETRIC_KEY, "edge-moving", SYMMETRIC, null, null, null),
                Instant.now()));
        CloudIdentity first = link.current().orElseThrow();
        assertThat(first.deviceId()).isEqualTo("edge-moving");

        // the operator moves the device: its enrollment now names another device id, and the old device is gone
        Instant now = Instant.now();
        Enrollment old = emulator.provisioning().enrollments().get(Enrollment.Kind.INDIVIDUAL, "edge-moving").orElseThrow();
        emulator.provisioning().enrollments().put(new Enrollment(Enrollment.Kind.INDIVIDUAL, "edge-moving", old.attestation(),
                Optional.of("edge-moved"), true, Optional.empty(), true, 0, now, now), Optional.of("*"));
        emulator.registry().deleteDevice("edge-moving", Optional.empty());
        // what the edge agent's connection reports when the hub refuses the device
        link.lost(first, CloudException.refused("IoT Hub at localhost refused device 'edge-moving': not authorized"));

        await().atMost(Duration.ofSeconds(20)).until(() -> link.current().map(CloudIdentity::deviceId).orElse("")
                .equals("edge-moved"));
        assertThat(link.state().state()).isEqualTo(ProvisioningState.Link.CONNECTED);
        assertThat(link.state().device()).isEqualTo("edge-moved");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String derived(String groupKey, String registrationId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(groupKey), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(registrationId.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

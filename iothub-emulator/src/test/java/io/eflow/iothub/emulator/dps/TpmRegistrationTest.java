package io.eflow.iothub.emulator.dps;

import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.iothub.SigningKey;
import io.eflow.iothub.emulator.registry.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DPS's TPM flow with a TPM (swtpm): the challenge for an enrolled EK, the token the TPM signs with the key it took in,
 * and the device the hub gets with that key; and the refusals.
 */
class TpmRegistrationTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static TpmDevice device;
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final Enrollments enrollments = Enrollments.inMemory(clock);
    private final Registry registry = Registry.inMemory(clock);
    private final Registrations registrations = new Registrations(enrollments, registry, "hub.local", clock);
    private final String scope = enrollments.idScope();

    @BeforeAll
    static void start() throws Exception {
        device = TpmDevice.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (device != null) {
            device.close();
        }
    }

    TpmRegistrationTest() throws IOException {
        enrollments.put(new Enrollment(Enrollment.Kind.INDIVIDUAL, "tpm-dev", new Attestation.Tpm(base64(device.endorsementKey())),
                Optional.empty(), true, Optional.empty(), true, 1, NOW, NOW), Optional.empty());
    }

    @Test
    void theEnrolledTpmSignsItsTokenWithTheChallengesKeyAndTheHubGetsTheDeviceWithIt() throws Exception {
        String authenticationKey = registrations.challenge(scope, "tpm-dev", base64(device.endorsementKey()),
                base64(device.storageRootKey()));
        device.activate(Base64.getDecoder().decode(authenticationKey));

        Registrations.Attested attested = registrations.attest(scope, "tpm-dev", token("tpm-dev", device.signingKey()));
        Operation operation = registrations.register(attested, Optional.empty());

        assertThat(operation.state().tpmAuthenticationKey()).contains(authenticationKey);
        String hubKey = registry.device("tpm-dev").credentials().primaryKey().orElseThrow();
        byte[] data = "hub.local/devices/tpm-dev\n1767229200".getBytes(StandardCharsets.UTF_8);
        assertThat(device.signingKey().hmacSha256(data)).isEqualTo(SigningKey.base64(hubKey).hmacSha256(data));
    }

    @Test
    void anotherEndorsementKeyIsNotChallenged() throws Exception {
        try (TpmDevice other = TpmDevice.start()) {
            assertThatThrownBy(() -> registrations.challenge(scope, "tpm-dev", base64(other.endorsementKey()),
                    base64(other.storageRootKey()))).isInstanceOf(DpsException.class)
                    .extracting(e -> ((DpsException) e).status()).isEqualTo(401);
        }
    }

    @Test
    void aTokenNotSignedWithTheChallengesKeyIsRefusedAsIsOneBeforeAnyChallenge() throws Exception {
        SigningKey guess = SigningKey.base64(Registry.newKey());
        assertThatThrownBy(() -> registrations.attest(scope, "tpm-dev", token("tpm-dev", guess)))
                .hasMessageContaining("not challenged");

        registrations.challenge(scope, "tpm-dev", base64(device.endorsementKey()), base64(device.storageRootKey()));
        assertThatThrownBy(() -> registrations.attest(scope, "tpm-dev", token("tpm-dev", guess)))
                .hasMessageContaining("not signed");
    }

    @Test
    void aRegistrationWithoutATpmEnrollmentIsNotChallenged() throws Exception {
        assertThatThrownBy(() -> registrations.challenge(scope, "nobody", base64(device.endorsementKey()),
                base64(device.storageRootKey()))).hasMessageContaining("no TPM enrollment");
        assertThatThrownBy(() -> registrations.challenge("0ne00000000", "tpm-dev", base64(device.endorsementKey()),
                base64(device.storageRootKey()))).hasMessageContaining("no id scope");
    }

    private Proof token(String registrationId, SigningKey key) {
        return new Proof.Token(SasToken.sign(scope + "/registrations/" + registrationId, key,
                NOW.plus(Duration.ofHours(1)), Optional.of("registration")).toString());
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}

package io.eflow.iothub.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.iothub.emulator.tpm.Swtpm;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof that the emulator's DPS does TPM attestation as DPS does: the official Node SDK's TPM security client
 * ({@code azure-iot-security-tpm} on {@code tss.js}) on a software TPM (swtpm) is enrolled by its endorsement key,
 * registers over HTTP through the challenge, and connects to the assigned hub with tokens its TPM signs.
 */
class TpmProvisioningScenarioTest extends EmulatorScenarios {
    @Test
    void aTpmDeviceRegistersThroughTheChallengeAndConnectsWithTokensItsTpmSigns() throws Exception {
        int port = Swtpm.freePort();
        JsonNode outcome;
        try (Swtpm tpm = Swtpm.startTcp(port)) {
            outcome = NodeSdk.run(emulator, "tpm.js", Map.of("TPM_PORT", Integer.toString(port)));
        }

        String registrationId = outcome.path("registrationId").asText();
        assertThat(registrationId).as("base32 of the EK's SHA-256, lower case, unpadded")
                .isEqualTo(base32(MessageDigest.getInstance("SHA-256").digest(
                        Base64.getDecoder().decode(outcome.path("endorsementKey").asText()))));
        assertThat(outcome.path("enrolled").path("type").asText()).isEqualTo("tpm");
        assertThat(outcome.path("enrolled").path("sameKey").asBoolean()).isTrue();
        assertThat(outcome.path("registered").path("assignedHub").asText()).isEqualTo("localhost");
        assertThat(outcome.path("registered").path("deviceId").asText()).isEqualTo(registrationId);
        assertThat(outcome.path("registered").path("hasAuthenticationKey").asBoolean()).isTrue();
        assertThat(outcome.path("sent").toString()).isEqualTo("[\"signed by the TPM\"]");
        assertThat(outcome.path("stranger").path("name").asText())
                .as("a 401 with no authenticationKey, as DPS refuses a TPM it has no enrollment for").isEqualTo("FormatError");
    }

    /** RFC 4648 base32, lower case, without padding. */
    private static String base32(byte[] bytes) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        return bits > 0 ? out.append(alphabet.charAt((buffer << (5 - bits)) & 31)).toString() : out.toString();
    }
}

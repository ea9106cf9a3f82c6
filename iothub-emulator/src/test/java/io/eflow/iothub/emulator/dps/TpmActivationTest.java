package io.eflow.iothub.emulator.dps;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the emulator wraps is what a real TPM (swtpm) takes in, as the SDKs take it in ({@link TpmDevice}), and the
 * loaded key's HMAC is the one Java computes with the key the emulator made.
 */
class TpmActivationTest {
    private static TpmDevice device;

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

    @Test
    void theTpmWhoseKeysWereGivenImportsTheKeyAndItsHmacIsTheKeys() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        device.activate(TpmActivation.wrap(device.endorsementKey(), device.storageRootKey(), key));

        byte[] data = "scope/registrations/dev\n1767225600".getBytes(StandardCharsets.US_ASCII);
        assertThat(device.signingKey().hmacSha256(data)).isEqualTo(TpmActivation.hmac(key, data));
    }

    @Test
    void anotherTpmsEndorsementKeyCannotActivateTheCredential() throws Exception {
        try (TpmDevice other = TpmDevice.start()) {
            byte[] blob = TpmActivation.wrap(other.endorsementKey(), device.storageRootKey(), new byte[32]);

            assertThatThrownBy(() -> device.activate(blob)).hasMessageContaining("tpm2_activatecredential");
        }
    }

    @Test
    void aKeyThatIsNoRsaStorageKeyIsRefused() {
        assertThatThrownBy(() -> TpmActivation.wrap(new byte[] {0, 2, 0, 1}, new byte[0], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

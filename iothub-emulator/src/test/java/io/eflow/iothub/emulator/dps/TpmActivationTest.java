package io.eflow.iothub.emulator.dps;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the emulator wraps is what a real TPM (swtpm) takes in: tpm2-tools do as the SDKs do with an
 * {@code authenticationKey} (PolicySecret(endorsement) session, ActivateCredential(SRK, EK), Import under the SRK with
 * the credential as the inner key, Load), and the loaded key's HMAC is the one Java computes with the key the emulator
 * made.
 */
class TpmActivationTest {
    /** The SRK template of the C and Node SDKs: RSA-2048, AES-128-CFB, storage attributes with noDA, no policy. */
    static final String[] SRK_TEMPLATE = {"-g", "sha256", "-G", "rsa2048:aes128cfb",
        "-a", "restricted|decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda"};
    private static Swtpm tpm;

    @BeforeAll
    static void start() throws Exception {
        tpm = Swtpm.start();
        tpm.tool("tpm2_createek", "-G", "rsa", "-c", "ek.ctx", "-u", "ek.pub");
        tpm.tool("tpm2_flushcontext", "-t");
        tpm.tool(concat(new String[] {"tpm2_createprimary", "-C", "o", "-c", "srk.ctx"}, SRK_TEMPLATE));
        tpm.tool("tpm2_readpublic", "-c", "srk.ctx", "-o", "srk.pub");
        tpm.tool("tpm2_flushcontext", "-t");
    }

    @AfterAll
    static void stop() throws IOException {
        if (tpm != null) {
            tpm.close();
        }
    }

    @Test
    void theTpmWhoseKeysWereGivenImportsTheKeyAndItsHmacIsTheKeys() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        byte[] blob = TpmActivation.wrap(read("ek.pub"), read("srk.pub"), key);

        byte[] data = "scope/registrations/dev\n1767225600".getBytes(StandardCharsets.US_ASCII);
        assertThat(hmacInTpm(blob, data)).isEqualTo(TpmActivation.hmac(key, data));
    }

    @Test
    void anotherTpmsEndorsementKeyCannotActivateTheCredential() throws Exception {
        try (Swtpm other = Swtpm.start()) {
            other.tool("tpm2_createek", "-G", "rsa", "-c", "ek.ctx", "-u", "ek.pub");
            byte[] blob = TpmActivation.wrap(Files.readAllBytes(other.dir().resolve("ek.pub")), read("srk.pub"), new byte[32]);

            assertThatThrownBy(() -> hmacInTpm(blob, new byte[] {1})).hasMessageContaining("tpm2_activatecredential");
        }
    }

    @Test
    void aKeyThatIsNoRsaStorageKeyIsRefused() {
        assertThatThrownBy(() -> TpmActivation.wrap(new byte[] {0, 2, 0, 1}, new byte[0], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** As the SDKs and eflow's guest do it, with tpm2-tools; answers the HMAC of {@code data} by the imported key. */
    private static byte[] hmacInTpm(byte[] blob, byte[] data) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(blob);
        byte[] credential = next(in);
        byte[] secret = next(in);
        write("cred.bin", ByteBuffer.allocate(8 + credential.length + secret.length).putInt(0xBADCC0DE).putInt(1)
                .put(credential).put(secret).array());
        write("dup.priv", next(in));
        write("dup.seed", next(in));
        write("key.pub", next(in));
        try {
            tpm.tool("tpm2_startauthsession", "--policy-session", "-S", "session.ctx");
            tpm.tool("tpm2_policysecret", "-S", "session.ctx", "-c", "e");
            tpm.tool("tpm2_activatecredential", "-c", "srk.ctx", "-C", "ek.ctx", "-i", "cred.bin", "-o", "inner.key",
                    "-P", "session:session.ctx");
        } finally {
            tpm.tool("tpm2_flushcontext", "-t");
            tpm.tool("tpm2_flushcontext", "-s");
        }
        tpm.tool("tpm2_import", "-C", "srk.ctx", "-u", "key.pub", "-i", "dup.priv", "-s", "dup.seed", "-k", "inner.key",
                "-r", "key.priv");
        tpm.tool("tpm2_flushcontext", "-t");
        tpm.tool("tpm2_load", "-C", "srk.ctx", "-u", "key.pub", "-r", "key.priv", "-c", "key.ctx");
        tpm.tool("tpm2_flushcontext", "-t");
        write("data.bin", data);
        String hex = tpm.tool("tpm2_hmac", "-c", "key.ctx", "--hex", "data.bin");
        tpm.tool("tpm2_flushcontext", "-t");
        return HexFormat.of().parseHex(hex.strip());
    }

    /** A TPM2B with its size, as tpm2-tools keep them in files. */
    private static byte[] next(ByteBuffer in) {
        int size = Short.toUnsignedInt(in.getShort(in.position()));
        byte[] out = new byte[2 + size];
        in.get(out);
        return out;
    }

    private static byte[] read(String file) throws IOException {
        return Files.readAllBytes(tpm.dir().resolve(file));
    }

    private static void write(String file, byte[] bytes) throws IOException {
        Files.write(tpm.dir().resolve(file), bytes);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package io.eflow.tpm;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The endorsement key eflow reads from a real (software) TPM, against what tpm2-tools read from the same TPM: the same
 * TPM2B_PUBLIC bytes, and a registration id that coreutils compute the same way (sha256sum, base32).
 */
class EndorsementKeyIT {
    private SoftwareTpm softwareTpm;

    @BeforeEach
    void start() throws Exception {
        softwareTpm = SoftwareTpm.start();
    }

    @AfterEach
    void stop() {
        softwareTpm.close();
    }

    private Exec.Result direct(Path dir, String command) {
        Exec.Result result = Exec.of("sh", "-c", command).in(dir).env("TPM2TOOLS_TCTI", softwareTpm.directTcti()).timeoutSeconds(30).run();
        assertThat(result.exitCode()).as(command + ": " + result.stderr()).isZero();
        return result;
    }

    /** SHA-256, base32, lowercase, no padding: the SDKs' registration id, computed by coreutils. */
    private static String registrationIdOf(Path dir, String file) {
        Exec.Result result = Exec.of("sh", "-c", "sha256sum " + file + " | cut -d' ' -f1 | xxd -r -p | base32 -w0 | tr -d = | tr A-Z a-z")
                .in(dir).run();
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().strip();
    }

    @Test
    void theKeyIsTheOneTpm2CreateekDerivesAndNothingStaysLoaded(@TempDir Path dir) throws Exception {
        EndorsementKey key = EndorsementKey.read(softwareTpm.spec());
        assertThat(direct(dir, "tpm2_getcap handles-transient").stdout()).as("nothing left loaded").isBlank();

        direct(dir, "tpm2_createek -c ek.ctx -G rsa -u ek.pub -f tss && tpm2_flushcontext -t");
        byte[] tools = Files.readAllBytes(dir.resolve("ek.pub"));
        assertThat(key.tpm2bPublic()).isEqualTo(tools);
        assertThat(tools.length).as("a 2048-bit RSA public area").isGreaterThan(256 + 2);
        assertThat(key.registrationId()).isEqualTo(registrationIdOf(dir, "ek.pub")).matches("[a-z2-7]{52}");
        assertThat(key.base64()).isEqualTo(Base64.getEncoder().encodeToString(tools));
        assertThat(EndorsementKey.read(softwareTpm.spec())).as("derived again, the same").isEqualTo(key);
    }

    @Test
    void anEkPersistedAtItsHandleIsTheOneShown(@TempDir Path dir) throws Exception {
        // an EK the host's owner persisted with a template of their own: the SDKs take the persisted one, so does eflow
        direct(dir, "tpm2_createprimary -C e -G rsa2048 -c other.ctx && tpm2_evictcontrol -C o -c other.ctx 0x81010001 && tpm2_flushcontext -t");
        direct(dir, "tpm2_readpublic -c 0x81010001 -f tss -o persisted.pub");
        EndorsementKey key = EndorsementKey.read(softwareTpm.spec());
        assertThat(key.tpm2bPublic()).isEqualTo(Files.readAllBytes(dir.resolve("persisted.pub")));
        assertThat(key.registrationId()).isEqualTo(registrationIdOf(dir, "persisted.pub"));
    }

    @Test
    void noTpmAndAnUnreachableOneSaySoInOneLine(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> EndorsementKey.read("/nonexistent/tpmrm0")).isInstanceOf(EflowException.class)
                .hasMessage("this host has no TPM (/nonexistent/tpmrm0): there is no endorsement key to show");
        Path notListening = Files.createFile(dir.resolve("tpm.sock"));
        assertThatThrownBy(() -> EndorsementKey.read("unix:" + notListening)).isInstanceOf(EflowException.class)
                .hasMessageStartingWith("cannot reach the host TPM unix:" + notListening + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theRegistrationIdIsBase32OfTheSha256() {
        // RFC 4648's test vectors run through the same encoder, on a hash: base32 of SHA-256("") is known
        assertThat(EndorsementKey.registrationId(new byte[0])).isEqualTo("4oymiquy7qobjgx36tejs35zeqt24qpemsnzgtfeswmrw6csxbkq");
        assertThat(EndorsementKey.template()).hasSize(2 + 2 + 4 + 34 + 6 + 2 + 2 + 4 + 258);
    }
}

package io.eflow.channel;

import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks on key files shared by the tests: modes, and what OpenSSH's own tools make of them. */
final class KeyFileAssertions {
    private KeyFileAssertions() {
    }

    static void assertMode(Path file, String mode) throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("mode of %s", file).isEqualTo(mode);
    }

    /** `ssh-keygen -l -f` prints "bits fingerprint comment (type)"; returns the fingerprint. */
    static String sshKeygenFingerprint(Path file) {
        Exec.Result result = Exec.of("ssh-keygen", "-l", "-f", file.toString()).check();
        List<String> fields = List.of(result.stdout().strip().split("\\s+"));
        assertThat(fields.get(fields.size() - 1)).isEqualTo("(ED25519)");
        return fields.get(1);
    }

    /** `ssh-keygen -y -f` derives the public key from a private key file, proving OpenSSH can load it. */
    static String sshKeygenPublicFromPrivate(Path privateKey) {
        return Exec.of("ssh-keygen", "-y", "-f", privateKey.toString()).check().stdout().strip();
    }

    /** Proves a private key belongs to a public key by a signature round trip (MINA cannot compare Ed25519 privates). */
    static void assertSameKeyPair(KeyPair loaded, PublicKey expectedPublic) throws Exception {
        byte[] message = "eflow key round trip".getBytes();
        Signature signer = Signature.getInstance("Ed25519", "BC");
        signer.initSign(loaded.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("Ed25519", "BC");
        verifier.initVerify(expectedPublic);
        verifier.update(message);
        assertThat(verifier.verify(signature)).as("private key matches the expected public key").isTrue();
    }
}

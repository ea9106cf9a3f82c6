package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseKeysTest {
    @TempDir
    Path tmp;

    @Test
    void createsAPrivateKeyOnlyRootCanReadAndReloadsTheSamePair() throws IOException {
        Path dir = tmp.resolve("release");
        ReleaseKeys created = ReleaseKeys.loadOrCreate(dir);
        Path key = dir.resolve(ReleaseKeys.PRIVATE_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve(ReleaseKeys.PUBLIC_FILE))).startsWith("-----BEGIN PUBLIC KEY-----\n");

        ReleaseKeys again = ReleaseKeys.loadOrCreate(dir);
        assertThat(again.publicKey()).isEqualTo(created.publicKey());
        byte[] data = "manifest".getBytes(StandardCharsets.UTF_8);
        assertThat(TrustStore.ofKeys(created.publicKey()).signer(data, again.sign(data).signatureBytes())).isPresent();
    }

    @Test
    void rederivesALostPublicKeyFromThePrivateOne() throws IOException {
        Path dir = tmp.resolve("release");
        ReleaseKeys created = ReleaseKeys.loadOrCreate(dir);
        Files.delete(dir.resolve(ReleaseKeys.PUBLIC_FILE));
        ReleaseKeys loaded = ReleaseKeys.load(dir);
        assertThat(loaded.publicKey()).isEqualTo(created.publicKey());
        assertThat(ReleaseKeys.readPublicKey(dir)).contains(created.publicKey());
    }

    @Test
    void signaturesDoNotVerifyOverOtherBytes() {
        ReleaseKeys keys = ReleaseKeys.loadOrCreate(tmp.resolve("release"));
        ManifestSignature sig = keys.sign("a".getBytes(StandardCharsets.UTF_8));
        assertThat(sig.algorithm()).isEqualTo("Ed25519");
        assertThat(sig.keyId()).isEqualTo(keys.keyId()).matches("sha256:[0-9a-f]{16}");
        assertThat(TrustStore.ofKeys(keys.publicKey()).signer("b".getBytes(StandardCharsets.UTF_8), sig.signatureBytes())).isEmpty();
        assertThat(ManifestSignature.parse(sig.toJson())).isEqualTo(sig);
    }

    @Test
    void trustStoreHoldsTheLocalKeyAndEveryPubInTheTrustFolder() throws IOException {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", tmp.resolve("home").toString(),
                "EFLOW_RELEASE_KEY_DIR", tmp.resolve("release").toString(),
                "EFLOW_TRUST_DIR", tmp.resolve("trust").toString()));
        assertThat(TrustStore.load(paths).isEmpty()).isTrue();

        ReleaseKeys local = ReleaseKeys.loadOrCreate(paths.releaseKey());
        ReleaseKeys publisher = ReleaseKeys.loadOrCreate(tmp.resolve("publisher"));
        Files.createDirectories(paths.trust());
        Files.copy(tmp.resolve("publisher").resolve(ReleaseKeys.PUBLIC_FILE), paths.trust().resolve("publisher.pub"));
        Files.writeString(paths.trust().resolve("README"), "not a key, not a .pub");

        TrustStore trust = TrustStore.load(paths);
        assertThat(trust.keys()).extracting(TrustStore.TrustedKey::id).containsExactly(local.keyId(), publisher.keyId());
        assertThat(trust.keys().get(1).source()).endsWith("publisher.pub");
    }

    @Test
    void aBrokenTrustedKeyFileIsNamed() throws IOException {
        Path trustDir = Files.createDirectories(tmp.resolve("trust"));
        Path bad = Files.writeString(trustDir.resolve("bad.pub"), "ssh-ed25519 AAAA… not PEM");
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", tmp.resolve("home").toString(),
                "EFLOW_RELEASE_KEY_DIR", tmp.resolve("release").toString(), "EFLOW_TRUST_DIR", trustDir.toString()));
        assertThatThrownBy(() -> TrustStore.load(paths))
                .isInstanceOf(EflowException.class)
                .hasMessage(bad + " is not an Ed25519 public key in PEM form (-----BEGIN PUBLIC KEY-----)");
    }
}

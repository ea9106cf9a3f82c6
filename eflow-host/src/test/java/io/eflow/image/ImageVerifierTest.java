package io.eflow.image;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageVerifierTest {
    @TempDir
    Path tmp;

    private ReleaseKeys keys;
    private GuestImage image;
    private TrustStore trust;

    @BeforeEach
    void sealSmallImage() throws IOException {
        keys = ReleaseKeys.loadOrCreate(tmp.resolve("release"));
        image = TestFiles.sealedImage(tmp.resolve("image"), 300, keys);
        trust = TrustStore.ofKeys(keys.publicKey());
    }

    @Test
    void acceptsTheImageItsTrustedKeySigned() {
        GuestImage verified = ImageVerifier.verify(image.dir(), trust);
        assertThat(verified.manifest()).isEqualTo(image.manifest());
        assertThat(verified.manifest().parts()).extracting(ImageManifest.Part::name)
                .containsExactly(GuestImage.ROOTFS, GuestImage.VERITY);
        assertThat(verified.verity().dataBlocks()).isEqualTo(300);
        assertThat(verified.rootfs()).isEqualTo(image.dir().resolve("rootfs.erofs"));
    }

    @Test
    void refusesATamperedManifest() throws IOException {
        Path manifest = image.manifestFile();
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.replace("0.1.0+0123abcd", "0.1.0+0123abce"));
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .isInstanceOf(EflowException.class)
                .hasMessageStartingWith("image manifest is not signed by a trusted key");
    }

    @Test
    void refusesATamperedPart() throws IOException {
        TestFiles.flipByte(image.rootfs(), 200 * 4096 + 3);
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .isInstanceOf(EflowException.class)
                .hasMessage("rootfs.erofs: sha256 mismatch (image corrupt or tampered)");
    }

    @Test
    void refusesATamperedHashTree() throws IOException {
        TestFiles.flipByte(image.verityTree(), 10);
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .hasMessage("rootfs.verity: sha256 mismatch (image corrupt or tampered)");
    }

    @Test
    void refusesAPartOfTheWrongSize() throws IOException {
        Files.write(image.rootfs(), new byte[4096], StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .hasMessageStartingWith("rootfs.erofs: size 1232896 but the manifest says 1228800");
    }

    @Test
    void refusesAnImageSignedByAnotherKey() {
        ReleaseKeys other = ReleaseKeys.loadOrCreate(tmp.resolve("other"));
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), TrustStore.ofKeys(other.publicKey())))
                .isInstanceOf(EflowException.class)
                .hasMessage("image manifest is not signed by a trusted key (it names key " + keys.keyId() + ")");
        // Trusting both keys is fine: any trusted key will do.
        assertThat(ImageVerifier.verify(image.dir(), TrustStore.ofKeys(other.publicKey(), keys.publicKey()))).isNotNull();
    }

    @Test
    void refusesWhenNothingIsTrusted() {
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), TrustStore.ofKeys()))
                .hasMessageStartingWith("image manifest is not signed by a trusted key: no keys are trusted yet");
    }

    @Test
    void refusesAnUnsignedImage() throws IOException {
        Files.delete(image.signatureFile());
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .isInstanceOf(EflowException.class)
                .hasMessage("image has no manifest.sig: unsigned images are refused");
    }

    @Test
    void refusesAGarbledSignatureFile() throws IOException {
        Files.writeString(image.signatureFile(), "not json");
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .hasMessageStartingWith("manifest.sig is not valid");
    }

    @Test
    void refusesAFolderWithoutManifest() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ImageVerifier.verify(empty, trust))
                .hasMessage("not an eflow image: " + empty + " has no manifest.json");
    }

    /** A signer who lies about the root hash is still caught by recomputing it from the stored tree. */
    @Test
    void refusesASignedManifestWhoseRootHashDoesNotMatchTheTree() throws IOException {
        ImageManifest m = image.manifest();
        ImageManifest.Verity v = m.verity();
        ImageManifest lying = new ImageManifest(m.name(), m.version(), m.arch(), m.created(), m.recipeHash(), m.parts(),
                new ImageManifest.Verity(v.hashAlgorithm(), v.dataBlockSize(), v.hashBlockSize(), v.dataBlocks(),
                        v.salt(), "00".repeat(32)));
        byte[] json = lying.toJson();
        Files.write(image.manifestFile(), json);
        Files.write(image.signatureFile(), keys.sign(json).toJson());
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .hasMessageContaining("rootfs.verity: root hash ")
                .hasMessageEndingWith("does not match the manifest (image corrupt or tampered)");
    }

    @Test
    void refusesPartNamesThatLeaveTheFolder() throws IOException {
        ImageManifest m = image.manifest();
        List<ImageManifest.Part> parts = new ArrayList<>(m.parts());
        parts.add(new ImageManifest.Part("../../etc/passwd", 1, "00".repeat(32)));
        byte[] json = new ImageManifest(m.name(), m.version(), m.arch(), m.created(), m.recipeHash(), parts, m.verity()).toJson();
        Files.write(image.manifestFile(), json);
        Files.write(image.signatureFile(), keys.sign(json).toJson());
        assertThatThrownBy(() -> ImageVerifier.verify(image.dir(), trust))
                .hasMessage("image manifest lists an invalid part name: ../../etc/passwd");
    }

    @Test
    void manifestBytesAreStableAndRoundTrip() {
        byte[] json = image.manifest().toJson();
        assertThat(ImageManifest.parse(json)).isEqualTo(image.manifest());
        assertThat(ImageManifest.parse(json).toJson()).isEqualTo(json);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .startsWith("{\n  \"name\" : \"eflow-guest\",\n  \"version\" : \"0.1.0+0123abcd\",")
                .endsWith("}\n");
    }
}

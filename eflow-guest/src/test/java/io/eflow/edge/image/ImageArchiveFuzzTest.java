package io.eflow.edge.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.eflow.contract.manifest.ImageReference;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Image tarballs as a user hands them to {@code eflow image load} (docker save's archive or an OCI layout, gzip or
 * not), loaded into a fresh store: refused with an {@link ImageException} whose message is one line, and then nothing
 * is recorded; or loaded, and then every recorded image's manifest, config and layers are in the store. Either way
 * every blob in the store hashes to its name and nothing is left half written in its tmp/. Input: a first byte whose
 * bit 0 says whether the user named the image ({@code --name}), then the tarball.
 */
class ImageArchiveFuzzTest {
    private static final Platform AMD64 = new Platform("linux", "amd64");
    private static final ImageReference NAME = ImageReference.parse("example.com/fuzz/app:1");

    @FuzzTest(maxDuration = "30s")
    void archives(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        Optional<ImageReference> name = (input[0] & 1) != 0 ? Optional.of(NAME) : Optional.empty();
        byte[] archive = Arrays.copyOfRange(input, 1, input.length);
        Path root = Files.createTempDirectory("archive-fuzz");
        try {
            BlobStore store = new BlobStore(root);
            List<PulledImage> loaded;
            try {
                loaded = new ImageArchive(store, AMD64).load(new ByteArrayInputStream(archive), "fuzz.tar", name);
            } catch (ImageException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
                assertThat(store.images()).as("recorded by a refused load").isEmpty();
                loaded = List.of();
            }
            for (PulledImage image : loaded) {
                assertThat(store.images()).containsEntry(image.reference().toString(), image.manifestDigest());
                assertThat(store.has(image.manifestDigest())).isTrue();
                assertThat(store.has(image.config().digest())).isTrue();
                image.layers().forEach(layer -> assertThat(store.has(layer.digest())).as(layer.digest()).isTrue());
            }
            try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"))) {
                for (Path blob : blobs.toList()) {
                    assertThat(Digests.of(Files.readAllBytes(blob))).isEqualTo("sha256:" + blob.getFileName());
                }
            }
            try (Stream<Path> partials = Files.list(root.resolve("tmp"))) {
                assertThat(partials).as("left in the store's tmp/").isEmpty();
            }
        } finally {
            LayerExtractorFuzzTest.deleteTree(root);
        }
    }
}

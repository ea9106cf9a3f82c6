package io.eflow.edge.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.eflow.edge.image.TestImages.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlobStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path root;

    @Test
    void aBlobIsStoredOnceUnderItsDigest() {
        BlobStore store = new BlobStore(root);
        byte[] content = utf8("hello");
        String digest = Digests.of(content);

        assertThat(store.has(digest)).isFalse();
        Path path = store.put(digest, content, "test blob");
        assertThat(path).isEqualTo(root.resolve("blobs/sha256/" + digest.substring(7))).hasBinaryContent(content);
        assertThat(store.put(digest, content, "test blob")).isEqualTo(path);
        assertThat(store.has(digest)).isTrue();
    }

    @Test
    void contentThatDoesNotMatchItsDigestOrSizeLeavesNothing() throws Exception {
        BlobStore store = new BlobStore(root);
        String digest = Digests.of(utf8("expected"));

        assertThatThrownBy(() -> store.put(digest, utf8("tampered"), "layer x"))
                .isInstanceOf(ImageException.class).hasMessageContaining("layer x does not match its digest");
        assertThatThrownBy(() -> store.put(digest, 100, new ByteArrayInputStream(utf8("expected")), "layer y"))
                .hasMessageContaining("layer y is truncated: got 8 of 100 bytes");
        assertThat(store.has(digest)).isFalse();
        try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void aDigestThatIsNotSha256NeverBecomesAPath() {
        assertThatThrownBy(() -> new BlobStore(root).has("sha256:../../etc/passwd"))
                .isInstanceOf(ImageException.class).hasMessageContaining("is not a sha256 digest");
    }

    @Test
    void gcForgetsUnusedImagesAndDeletesTheBlobsOnlyTheyNeeded() throws Exception {
        BlobStore store = new BlobStore(root);
        String shared = put(store, "shared layer");
        String onlyOld = put(store, "old layer");
        String config = put(store, "{}");
        String kept = image(store, "example.com/app:2", config, shared);
        String dropped = image(store, "example.com/app:1", config, shared, onlyOld);
        String stray = put(store, "never referenced");
        Files.writeString(root.resolve("tmp/abc.partial"), "left by a crash");

        Set<String> deleted = store.gc(Set.of("example.com/app:2"));

        assertThat(deleted).containsExactlyInAnyOrder(dropped, onlyOld, stray);
        assertThat(store.images()).containsExactly(Map.entry("example.com/app:2", kept));
        assertThat(List.of(kept, config, shared)).allSatisfy(d -> assertThat(store.has(d)).isTrue());
        assertThat(root.resolve("tmp/abc.partial")).doesNotExist();
        assertThat(new BlobStore(root).images()).containsOnlyKeys("example.com/app:2");
    }

    @Test
    void recordingAnImageWhoseManifestIsMissingIsRefused() {
        assertThatThrownBy(() -> new BlobStore(root).record("a/b:c", Digests.of(utf8("x"))))
                .isInstanceOf(ImageException.class).hasMessageContaining("is not stored");
    }

    @Test
    void aSpooledFileIsAdoptedOnlyWhenItHashesToItsDigest() throws Exception {
        BlobStore store = new BlobStore(root);
        Path good = Files.writeString(store.newPartial("load-"), "spooled");
        Path bad = Files.writeString(store.newPartial("load-"), "tampered");
        String digest = Digests.of(utf8("spooled"));
        String other = Digests.of(utf8("expected"));

        assertThat(store.adopt(digest, good, "blob a")).isEqualTo(store.path(digest)).hasContent("spooled");
        assertThatThrownBy(() -> store.adopt(other, bad, "blob b"))
                .isInstanceOf(ImageException.class).hasMessageStartingWith("blob b does not match its digest (content hashes to sha256:");
        assertThat(store.has(other)).isFalse();
        try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void severalReferencesAreRecordedAllOrNone() throws Exception {
        BlobStore store = new BlobStore(root);
        String config = put(store, "{}");
        String one = image(store, "example.com/a:1", config);
        String missing = Digests.of(utf8("not stored"));

        assertThatThrownBy(() -> store.record(new LinkedHashMap<>(Map.of("example.com/b:1", one, "example.com/c:1", missing))))
                .hasMessageContaining("cannot record example.com/c:1");
        assertThat(store.images()).containsOnlyKeys("example.com/a:1");
        store.record(Map.of("example.com/b:1", one, "example.com/c:1", one));
        assertThat(store.images()).containsOnlyKeys("example.com/a:1", "example.com/b:1", "example.com/c:1");
    }

    private static String put(BlobStore store, String content) {
        String digest = Digests.of(utf8(content));
        store.put(digest, utf8(content), content);
        return digest;
    }

    private static String image(BlobStore store, String reference, String config, String... layers) throws Exception {
        byte[] manifest = JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", ImageManifest.OCI_MANIFEST,
                "config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json", "digest", config, "size", 2),
                "layers", Stream.of(layers).map(l -> Map.of("mediaType", "application/vnd.oci.image.layer.v1.tar",
                        "digest", l, "size", 1)).toList()));
        String digest = Digests.of(manifest);
        store.put(digest, manifest, "manifest");
        store.record(reference, digest);
        return digest;
    }
}

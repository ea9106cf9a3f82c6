package io.eflow.edge.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.eflow.contract.manifest.ImageReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.eflow.edge.image.TestImages.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loads real image tarballs (made by Jib, by hand in docker save's layouts, and by skopeo) into a real store. */
class ImageArchiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Platform AMD64 = new Platform("linux", "amd64");
    private static final Path SKOPEO = Path.of("/usr/bin/skopeo");
    @TempDir
    Path root;
    @TempDir
    Path work;
    private BlobStore store;

    private BlobStore store() {
        if (store == null) {
            store = new BlobStore(root.resolve("store"));
        }
        return store;
    }

    private List<PulledImage> load(Path archive, String name) {
        return new ImageArchive(store(), AMD64).load(archive, Optional.ofNullable(name).map(ImageReference::parse));
    }

    private List<PulledImage> load(byte[] archive, String name) throws Exception {
        Path file = Files.createTempFile(work, "archive", ".tar");
        Files.write(file, archive);
        return load(file, name);
    }

    @AfterEach
    void nothingIsLeftInTmp() throws Exception {
        if (store != null) {
            try (Stream<Path> tmp = Files.list(store.root().resolve("tmp"))) {
                assertThat(tmp).isEmpty();
            }
        }
    }

    // ---- archives made by Jib --------------------------------------------------------------------------------

    /** An image of one layer holding /app/hello.txt, as Jib writes it to a tarball. */
    private Path jib(ImageFormat format, String name) throws Exception {
        Path files = Files.createTempDirectory(work, "jib-files");
        Path hello = files.resolve("hello.txt");
        Files.writeString(hello, "hello from " + name);
        Path tar = Files.createTempFile(work, "jib", ".tar");
        Jib.fromScratch().addLayer(List.of(hello), AbsoluteUnixPath.get("/app")).setFormat(format)
                .containerize(Containerizer.to(TarImage.at(tar).named(name))
                        .setBaseImageLayersCache(work.resolve("jib-cache/base"))
                        .setApplicationLayersCache(work.resolve("jib-cache/app")));
        return tar;
    }

    @Test
    void anOciLayoutFromJibIsStoredAsIfPulled() throws Exception {
        Path tar = jib(ImageFormat.OCI, "example.com/app:1");
        String indexed = JSON.readTree(entries(tar).get("index.json")).path("manifests").get(0).path("digest").asText();

        List<PulledImage> loaded = load(tar, null);

        assertThat(loaded).singleElement().satisfies(image -> {
            assertThat(image.reference()).isEqualTo(ImageReference.parse("example.com/app:1"));
            assertThat(image.manifestDigest()).isEqualTo(indexed);
        });
        assertThat(rootfs(loaded.get(0), "example.com/app:1").resolve("app/hello.txt")).hasContent("hello from example.com/app:1");
    }

    @Test
    void aDockerArchiveFromJibGetsAManifestWrittenForIt() throws Exception {
        Path tar = jib(ImageFormat.Docker, "example.com/app:2");
        Map<String, byte[]> entries = entries(tar);
        assertThat(entries).containsKeys("manifest.json", "config.json").doesNotContainKey("index.json");

        PulledImage image = load(tar, null).get(0);

        assertThat(image.reference()).hasToString("example.com/app:2");
        assertThat(image.manifest().mediaType()).contains(ImageManifest.OCI_MANIFEST);
        assertThat(image.config().digest()).isEqualTo(Digests.of(entries.get("config.json")));
        assertThat(image.layers()).singleElement().satisfies(layer ->
                assertThat(layer.mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip"));
        assertThat(image.config().size()).isEqualTo(entries.get("config.json").length);
        assertThat(rootfs(image, "example.com/app:2").resolve("app/hello.txt")).hasContent("hello from example.com/app:2");
    }

    @Test
    void aTarballGzippedAsAWholeIsRead() throws Exception {
        byte[] gzipped = gzip(Files.readAllBytes(jib(ImageFormat.OCI, "example.com/app:3")));

        PulledImage image = load(gzipped, null).get(0);

        assertThat(rootfs(image, "example.com/app:3").resolve("app/hello.txt")).hasContent("hello from example.com/app:3");
    }

    @Test
    void aLoadedImageCanBeLoadedAgainAndAnotherNameGivenIsRecordedToo() throws Exception {
        Path tar = jib(ImageFormat.OCI, "example.com/app:4");
        String first = load(tar, null).get(0).manifestDigest();

        List<PulledImage> again = load(tar, "localhost:5000/mine:4");

        assertThat(again).extracting(i -> i.reference().toString())
                .containsExactly("example.com/app:4", "localhost:5000/mine:4");
        assertThat(again).allSatisfy(i -> assertThat(i.manifestDigest()).isEqualTo(first));
        assertThat(store().images()).containsOnlyKeys("example.com/app:4", "localhost:5000/mine:4");
    }

    @Test
    void aFlippedByteInAnOciLayerRejectsTheArchiveAndRecordsNothing() throws Exception {
        Path tar = jib(ImageFormat.OCI, "example.com/app:5");
        String layer = layerPath(tar);

        assertThatThrownBy(() -> load(rewrite(tar, (name, content) -> name.equals(layer) ? flip(content, content.length / 2) : content), null))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("is corrupt: " + layer + " does not match its name (its content hashes to sha256:")
                .message().doesNotContain("\n");
        assertThat(store().images()).isEmpty();
        assertThat(store().has("sha256:" + layer.substring("blobs/sha256/".length()))).isFalse();
    }

    @Test
    void aCorruptBlobIsRejectedEvenWhenTheStoreAlreadyHasIt() throws Exception {
        Path tar = jib(ImageFormat.OCI, "example.com/app:6");
        load(tar, null);
        String layer = layerPath(tar);

        assertThatThrownBy(() -> load(rewrite(tar, (name, content) -> name.equals(layer) ? flip(content, 3) : content), "example.com/other:1"))
                .hasMessageContaining("does not match its name");
        assertThat(store().images()).containsOnlyKeys("example.com/app:6");
    }

    @Test
    void aMissingBlobRejectsTheArchive() throws Exception {
        Path tar = jib(ImageFormat.OCI, "example.com/app:7");
        String layer = layerPath(tar);

        assertThatThrownBy(() -> load(rewrite(tar, (name, content) -> name.equals(layer) ? null : content), null))
                .hasMessageMatching(".* is incomplete: it lacks the layer sha256:[0-9a-f]{64} of example.com/app:7 \\(" + layer + "\\)");
        assertThat(store().images()).isEmpty();
    }

    @Test
    void aCorruptGzipLayerInADockerArchiveIsRejected() throws Exception {
        Path tar = jib(ImageFormat.Docker, "example.com/app:8");

        assertThatThrownBy(() -> load(rewrite(tar, (name, content) -> name.endsWith(".tar.gz") ? flip(content, content.length / 2) : content), null))
                .hasMessageContaining("is corrupt: layer ");
        assertThat(store().images()).isEmpty();
    }

    // ---- docker save, by hand --------------------------------------------------------------------------------

    private static final byte[] LAYER_A = new Tar().dir("etc", 0755).file("etc/a", "a").tar();
    private static final byte[] LAYER_B = new Tar().file("etc/b", "b").tar();

    private static byte[] config(byte[]... layers) throws Exception {
        return JSON.writeValueAsBytes(Map.of("architecture", "amd64", "os", "linux", "config", Map.of(),
                "rootfs", Map.of("type", "layers", "diff_ids", Stream.of(layers).map(Digests::of).toList())));
    }

    private static String hex(byte[] content) {
        return Digests.hex(Digests.of(content));
    }

    /** The legacy docker save layout: one directory per layer, config as <id>.json, a repeated layer as a symlink. */
    private static Tar legacyDockerSave(byte[] layerA, List<String> repoTags) throws Exception {
        byte[] config = config(LAYER_A, LAYER_B, LAYER_A);
        String idA = "1".repeat(64);
        String idB = "2".repeat(64);
        String idC = "3".repeat(64);
        List<Map<String, Object>> manifest = List.of(Map.of("Config", hex(config) + ".json", "RepoTags", repoTags,
                "Layers", List.of(idA + "/layer.tar", idB + "/layer.tar", idC + "/layer.tar")));
        return new Tar()
                .dir(idA, 0755).file(idA + "/VERSION", "1.0").file(idA + "/json", "{}").file(idA + "/layer.tar", layerA)
                .dir(idB, 0755).file(idB + "/VERSION", "1.0").file(idB + "/json", "{}").file(idB + "/layer.tar", LAYER_B)
                .dir(idC, 0755).file(idC + "/VERSION", "1.0").file(idC + "/json", "{}")
                .symlink(idC + "/layer.tar", "../" + idA + "/layer.tar")
                .file(hex(config) + ".json", config)
                .file("manifest.json", JSON.writeValueAsBytes(manifest))
                .file("repositories", "{}");
    }

    @Test
    void aLegacyDockerSaveIsRecordedUnderEachRepoTag() throws Exception {
        byte[] tar = legacyDockerSave(LAYER_A, List.of("app:1", "example.com/team/app:latest")).tar();

        List<PulledImage> loaded = load(tar, null);

        assertThat(loaded).extracting(i -> i.reference().toString())
                .containsExactly("docker.io/library/app:1", "example.com/team/app:latest");
        PulledImage image = loaded.get(0);
        assertThat(loaded.get(1).manifestDigest()).isEqualTo(image.manifestDigest());
        assertThat(image.layers()).extracting(Descriptor::digest)
                .containsExactly(Digests.of(LAYER_A), Digests.of(LAYER_B), Digests.of(LAYER_A));
        assertThat(image.layers()).allSatisfy(l -> assertThat(l.mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar"));
        Path rootfs = rootfs(image, "docker.io/library/app:1");
        assertThat(rootfs.resolve("etc/a")).hasContent("a");
        assertThat(rootfs.resolve("etc/b")).hasContent("b");
        assertThat(store().image("example.com/team/app:latest")).contains(image.manifestDigest());
    }

    @Test
    void aFlippedByteInADockerLayerDoesNotMatchItsDiffId() throws Exception {
        byte[] tar = legacyDockerSave(flip(LAYER_A, 600), List.of("app:1")).tar();

        assertThatThrownBy(() -> load(tar, null))
                .hasMessageMatching(".* is corrupt: layer 1{64}/layer.tar does not match its diff_id sha256:"
                        + hex(LAYER_A) + " in the image config \\(its tar hashes to sha256:[0-9a-f]{64}\\); nothing was loaded");
        assertThat(store().images()).isEmpty();
    }

    @Test
    void aDockerArchiveLoadsAllOrNothing() throws Exception {
        byte[] good = config(LAYER_A);
        byte[] bad = config(LAYER_B);
        List<Map<String, Object>> manifest = List.of(
                Map.of("Config", hex(good) + ".json", "RepoTags", List.of("good:1"), "Layers", List.of("a/layer.tar")),
                Map.of("Config", hex(bad) + ".json", "RepoTags", List.of("bad:1"), "Layers", List.of("b/layer.tar")));
        Tar tar = new Tar().file("a/layer.tar", LAYER_A).file("b/layer.tar", flip(LAYER_B, 10))
                .file(hex(good) + ".json", good).file(hex(bad) + ".json", bad).file("manifest.json", JSON.writeValueAsBytes(manifest));

        assertThatThrownBy(() -> load(tar.tar(), null)).hasMessageContaining("layer b/layer.tar does not match its diff_id");
        assertThat(store().images()).isEmpty();
    }

    @Test
    void aDockerArchiveMissingALayerIsIncomplete() throws Exception {
        byte[] config = config(LAYER_A);
        Tar tar = new Tar().file("c.json", config).file("manifest.json", JSON.writeValueAsBytes(
                List.of(Map.of("Config", "c.json", "RepoTags", List.of("app:1"), "Layers", List.of("x/layer.tar")))));

        assertThatThrownBy(() -> load(tar.tar(), null))
                .hasMessageEndingWith(" is incomplete: it lacks x/layer.tar, layer 1 manifest.json names");
    }

    @Test
    void aDockerArchiveOfSeveralImagesCannotBeGivenOneName() throws Exception {
        byte[] one = config(LAYER_A);
        byte[] two = config(LAYER_B);
        Tar tar = new Tar().file("a.tar", LAYER_A).file("b.tar", LAYER_B).file("1.json", one).file("2.json", two)
                .file("manifest.json", JSON.writeValueAsBytes(List.of(
                        Map.of("Config", "1.json", "RepoTags", List.of(), "Layers", List.of("a.tar")),
                        Map.of("Config", "2.json", "Layers", List.of("b.tar")))));

        assertThatThrownBy(() -> load(tar.tar(), null))
                .hasMessageEndingWith(" does not name its image (no RepoTags in manifest.json); give the reference to load it as");
        assertThatThrownBy(() -> load(tar.tar(), "app:1"))
                .hasMessageEndingWith(" holds 2 images; a name can only be given to an archive of one image");
        assertThat(store().images()).isEmpty();
    }

    // ---- OCI layouts, by hand --------------------------------------------------------------------------------

    /** An OCI image layout being put together: blobs, then index.json entries. */
    private static final class Layout {
        final Tar tar = new Tar().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        final List<Map<String, Object>> index = new ArrayList<>();

        Map<String, Object> blob(String mediaType, byte[] content) {
            tar.file("blobs/sha256/" + hex(content), content);
            return TestImages.descriptor(mediaType, content);
        }

        /** Adds config, layer and manifest blobs; returns the manifest's descriptor. */
        Map<String, Object> image(String architecture, byte[] layer) throws Exception {
            byte[] config = JSON.writeValueAsBytes(Map.of("architecture", architecture, "os", "linux",
                    "rootfs", Map.of("type", "layers", "diff_ids", List.of(Digests.of(layer)))));
            byte[] manifest = JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", ImageManifest.OCI_MANIFEST,
                    "config", blob(ImageArchive.OCI_CONFIG, config),
                    "layers", List.of(blob(ImageArchive.OCI_LAYER, layer))));
            return blob(ImageManifest.OCI_MANIFEST, manifest);
        }

        Layout entry(Map<String, Object> descriptor, Map<String, String> annotations) {
            Map<String, Object> entry = new LinkedHashMap<>(descriptor);
            if (!annotations.isEmpty()) {
                entry.put("annotations", annotations);
            }
            index.add(entry);
            return this;
        }

        Tar tar() throws Exception {
            return tar.file("index.json", JSON.writeValueAsBytes(Map.of("schemaVersion", 2,
                    "mediaType", ImageManifest.OCI_INDEX, "manifests", index)));
        }
    }

    private static final byte[] AMD64_LAYER = new Tar().file("arch", "amd64").gzip();
    private static final byte[] ARM64_LAYER = new Tar().file("arch", "arm64").gzip();

    /** One index.json entry that points to an image index of an amd64 and an arm64 image. */
    private static Tar multiPlatform(boolean withAmd64) throws Exception {
        Layout layout = new Layout();
        Map<String, Object> arm64 = new LinkedHashMap<>(layout.image("arm64", ARM64_LAYER));
        arm64.put("platform", Map.of("os", "linux", "architecture", "arm64", "variant", "v8"));
        Map<String, Object> amd64 = new LinkedHashMap<>(withAmd64 ? layout.image("amd64", AMD64_LAYER)
                : TestImages.descriptor(ImageManifest.OCI_MANIFEST, utf8("{\"not\":\"in the archive\"}")));
        amd64.put("platform", Map.of("os", "linux", "architecture", "amd64"));
        byte[] index = JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", ImageManifest.OCI_INDEX,
                "manifests", List.of(amd64, arm64)));
        return layout.entry(layout.blob(ImageManifest.OCI_INDEX, index),
                Map.of(ImageArchive.CONTAINERD_NAME, "example.com/multi:1", ImageArchive.REF_NAME, "1")).tar();
    }

    @Test
    void anIndexEntryIsFollowedToThisPlatformsImageWhoseBlobsAloneMustBeThere() throws Exception {
        Path tar = Files.write(work.resolve("multi.tar"), multiPlatform(false).tar());

        PulledImage image = new ImageArchive(store(), new Platform("linux", "arm64")).load(tar, Optional.empty()).get(0);

        assertThat(image.reference()).hasToString("example.com/multi:1");
        assertThat(rootfs(image, "example.com/multi:1").resolve("arch")).hasContent("arm64");
        assertThatThrownBy(() -> load(tar, null)).hasMessageContaining("is incomplete: it lacks the linux/amd64 manifest");
    }

    @Test
    void anIndexWithoutThisPlatformIsRefused() throws Exception {
        Path tar = Files.write(work.resolve("multi.tar"), multiPlatform(true).tar());
        assertThat(rootfs(load(tar, null).get(0), "example.com/multi:1").resolve("arch")).hasContent("amd64");

        assertThatThrownBy(() -> new ImageArchive(store(), new Platform("linux", "s390x")).load(tar, Optional.empty()))
                .hasMessageEndingWith("has no image for linux/s390x in the index " + indexDigest(tar)
                        + " (it offers [linux/amd64, linux/arm64])");
    }

    @Test
    void anUnnamedLayoutNeedsAName() throws Exception {
        Layout layout = new Layout();
        byte[] tar = layout.entry(layout.image("amd64", AMD64_LAYER), Map.of()).tar().tar();

        assertThatThrownBy(() -> load(tar, null)).isInstanceOf(ImageException.class).hasMessageEndingWith(
                " does not name its image (no io.containerd.image.name or org.opencontainers.image.ref.name annotation"
                        + " in index.json); give the reference to load it as");
        assertThat(store().images()).isEmpty();

        PulledImage image = load(tar, "localhost:5000/named:2").get(0);
        assertThat(store().image("localhost:5000/named:2")).contains(image.manifestDigest());
    }

    @Test
    void aRefNameThatIsOnlyATagNamesNoRepository() throws Exception {
        Layout layout = new Layout();
        byte[] tar = layout.entry(layout.image("amd64", AMD64_LAYER), Map.of(ImageArchive.REF_NAME, "latest")).tar().tar();

        assertThatThrownBy(() -> load(tar, null)).hasMessageEndingWith(" names its image only by the tag 'latest'"
                + " (org.opencontainers.image.ref.name), not by a full reference; give the reference to load it as");
        assertThat(load(tar, "example.com/tagged").get(0).reference()).hasToString("example.com/tagged:latest");
    }

    @Test
    void dockerSaveSince25IsAnOciLayoutWithRepoTagsAsWell() throws Exception {
        Layout layout = new Layout();
        Map<String, Object> manifest = layout.image("amd64", new Tar().file("etc/hybrid", "h").tar());
        layout.entry(manifest, Map.of(ImageArchive.CONTAINERD_NAME, "docker.io/library/hybrid:1", ImageArchive.REF_NAME, "1"));
        JsonNode stored = JSON.readTree(entries(layout.tar()).get("blobs/sha256/" + Digests.hex((String) manifest.get("digest"))));
        String configPath = "blobs/sha256/" + Digests.hex(stored.path("config").path("digest").asText());
        String layerPath = "blobs/sha256/" + Digests.hex(stored.path("layers").get(0).path("digest").asText());
        layout.tar.file("manifest.json", JSON.writeValueAsBytes(List.of(Map.of("Config", configPath,
                "RepoTags", List.of("hybrid:1", "hybrid:extra"), "Layers", List.of(layerPath)))));

        List<PulledImage> loaded = load(layout.tar.tar(), null);

        assertThat(loaded).extracting(i -> i.reference().toString())
                .containsExactly("docker.io/library/hybrid:1", "docker.io/library/hybrid:extra");
        assertThat(loaded).allSatisfy(i -> assertThat(i.manifestDigest()).isEqualTo(manifest.get("digest")));
        assertThat(rootfs(loaded.get(0), "docker.io/library/hybrid:extra").resolve("etc/hybrid")).hasContent("h");
    }

    @Test
    void aLayoutTarredFromItsDirectoryWithDotSlashNamesIsRead() throws Exception {
        Layout layout = new Layout();
        layout.entry(layout.image("amd64", AMD64_LAYER), Map.of(ImageArchive.REF_NAME, "example.com/dot:1"));
        Map<String, byte[]> entries = entries(layout.tar());
        Tar dotted = new Tar().dir("./", 0755).dir("./blobs", 0755).dir("./blobs/sha256", 0755);
        entries.forEach((name, content) -> dotted.file("./" + name, content));

        assertThat(load(dotted.tar(), null)).singleElement()
                .satisfies(i -> assertThat(i.reference()).hasToString("example.com/dot:1"));
    }

    @Test
    void twoDifferentImagesUnderOneNameAreRefused() throws Exception {
        Layout layout = new Layout();
        layout.entry(layout.image("amd64", AMD64_LAYER), Map.of(ImageArchive.REF_NAME, "example.com/same:1"));
        layout.entry(layout.image("amd64", ARM64_LAYER), Map.of(ImageArchive.REF_NAME, "example.com/same:1"));

        assertThatThrownBy(() -> load(layout.tar().tar(), null)).hasMessageEndingWith(" names two different images example.com/same:1");
    }

    // ---- what is no image archive ----------------------------------------------------------------------------

    @Test
    void anythingElseIsNeitherFormat() throws Exception {
        Path plain = Files.write(work.resolve("files.tar"), new Tar().file("hello.txt", "hi").tar());
        Path text = Files.writeString(work.resolve("notes.txt"), "no tar at all\n".repeat(100));
        Path empty = Files.write(work.resolve("empty.tar"), new byte[0]);
        Path gzippedText = Files.write(work.resolve("notes.gz"), gzip(utf8("no tar at all\n".repeat(100))));

        assertThatThrownBy(() -> load(plain, null)).hasMessage(plain + " is neither an OCI image layout nor a"
                + " docker-archive tarball (it has no oci-layout and index.json, nor a manifest.json)");
        assertThatThrownBy(() -> load(text, null)).hasMessage(text + " is neither an OCI image layout nor a"
                + " docker-archive tarball (it is not a tar archive)");
        assertThatThrownBy(() -> load(empty, null)).hasMessageStartingWith(empty + " is neither an OCI image layout nor a docker-archive tarball");
        assertThatThrownBy(() -> load(gzippedText, null)).hasMessageStartingWith(gzippedText + " is neither an OCI image layout");
        assertThatThrownBy(() -> load(work.resolve("missing.tar"), null)).hasMessage("cannot load " + work.resolve("missing.tar") + ": there is no such file");
        assertThatThrownBy(() -> load(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2}, null)).hasMessageEndingWith(
                " is xz-compressed; eflow loads plain and gzip-compressed tarballs: decompress it first");
    }

    @Test
    void aTruncatedArchiveRecordsNothing() throws Exception {
        byte[] whole = Files.readAllBytes(jib(ImageFormat.OCI, "example.com/app:9"));
        byte[] half = Arrays.copyOf(whole, 1024 + 100);

        byte[] midEntry = Arrays.copyOf(whole, 1024 + 512 + 100);

        assertThatThrownBy(() -> load(half, null)).isInstanceOf(ImageException.class).hasMessageEndingWith(
                " is truncated: it breaks off after 1 entries, without the end of a tar archive; nothing was loaded");
        assertThatThrownBy(() -> load(midEntry, null)).isInstanceOf(ImageException.class)
                .hasMessageContaining(" could not be read to the end: ").message().doesNotContain("\n");
        assertThatThrownBy(() -> load(gzip(midEntry), null)).hasMessageContaining(" could not be read to the end: ");
        assertThat(store().images()).isEmpty();
    }

    @Test
    void aStreamLoadsLikeAFile() throws Exception {
        byte[] tar = Files.readAllBytes(jib(ImageFormat.Docker, "example.com/app:10"));
        try (InputStream in = new ByteArrayInputStream(tar)) {
            assertThat(new ImageArchive(store(), AMD64).load(in, "app.tar", Optional.empty()))
                    .extracting(i -> i.reference().toString()).containsExactly("example.com/app:10");
        }
        assertThatThrownBy(() -> new ImageArchive(store(), AMD64).load(new ByteArrayInputStream(utf8("x")), "x.tar", Optional.empty()))
                .hasMessageStartingWith("x.tar is neither");
    }

    // ---- skopeo ----------------------------------------------------------------------------------------------

    @Test
    void aDockerArchiveWrittenBySkopeoIsLoaded() throws Exception {
        Path layoutDir = untar(jib(ImageFormat.OCI, "example.com/app:11"), work.resolve("layout"));
        Path archive = work.resolve("skopeo-docker.tar");

        skopeo("copy", "oci:" + layoutDir, "docker-archive:" + archive + ":example.com/skopeo:1");

        PulledImage image = load(archive, null).get(0);
        assertThat(image.reference()).hasToString("example.com/skopeo:1");
        assertThat(rootfs(image, "example.com/skopeo:1").resolve("app/hello.txt")).hasContent("hello from example.com/app:11");
    }

    @Test
    void anOciArchiveWrittenBySkopeoIsNamedOnlyByItsTag() throws Exception {
        Path layoutDir = untar(jib(ImageFormat.OCI, "example.com/app:12"), work.resolve("layout"));
        Path archive = work.resolve("skopeo-oci.tar");

        skopeo("copy", "oci:" + layoutDir, "oci-archive:" + archive + ":12");

        assertThatThrownBy(() -> load(archive, null)).hasMessageContaining("names its image only by the tag '12'");
        PulledImage image = load(archive, "example.com/skopeo:12").get(0);
        assertThat(rootfs(image, "example.com/skopeo:12").resolve("app/hello.txt")).hasContent("hello from example.com/app:12");
    }

    private void skopeo(String... args) throws Exception {
        // the README promises skopeo's archives: without skopeo this fails rather than skips
        assertThat(SKOPEO).as("skopeo is installed (scripts/install-host-deps)").isExecutable();
        List<String> command = new ArrayList<>(List.of(SKOPEO.toString(), "--insecure-policy", "--tmpdir", work.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("skopeo.log").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("skopeo finishes").isTrue();
        assertThat(process.exitValue()).as(() -> {
            try {
                return "skopeo failed: " + Files.readString(work.resolve("skopeo.log"));
            } catch (Exception e) {
                return "skopeo failed";
            }
        }).isZero();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Checks what the agent will read (the recorded manifest) and extracts the image's layers. */
    private Path rootfs(PulledImage image, String reference) throws Exception {
        assertThat(store().image(reference)).contains(image.manifestDigest());
        assertThat(store().readManifest(image.manifestDigest())).isEqualTo(image.manifest());
        assertThat(store().has(image.config().digest())).isTrue();
        Path rootfs = Files.createTempDirectory(work, "rootfs");
        for (Descriptor layer : image.layers()) {
            new LayerExtractor().extract(store().path(layer.digest()), rootfs);
        }
        return rootfs;
    }

    private static String layerPath(Path ociTar) throws Exception {
        Map<String, byte[]> entries = entries(ociTar);
        String manifest = JSON.readTree(entries.get("index.json")).path("manifests").get(0).path("digest").asText();
        JsonNode layers = JSON.readTree(entries.get("blobs/sha256/" + Digests.hex(manifest))).path("layers");
        return "blobs/sha256/" + Digests.hex(layers.get(0).path("digest").asText());
    }

    private static String indexDigest(Path ociTar) throws Exception {
        return JSON.readTree(entries(ociTar).get("index.json")).path("manifests").get(0).path("digest").asText();
    }

    private static Map<String, byte[]> entries(Path tar) throws Exception {
        try (InputStream in = Files.newInputStream(tar)) {
            return entries(in);
        }
    }

    private static Map<String, byte[]> entries(Tar tar) throws Exception {
        return entries(new ByteArrayInputStream(tar.tar()));
    }

    private static Map<String, byte[]> entries(InputStream in) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    entries.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        return entries;
    }

    private interface Edit {
        /** @return the new content, or null to leave the entry out */
        byte[] apply(String name, byte[] content);
    }

    /** A copy of a tarball with some entries changed or left out. */
    private byte[] rewrite(Path tar, Edit edit) throws Exception {
        Tar copy = new Tar();
        for (Map.Entry<String, byte[]> e : entries(tar).entrySet()) {
            byte[] content = edit.apply(e.getKey(), e.getValue());
            if (content != null) {
                copy.file(e.getKey(), content);
            }
        }
        return copy.tar();
    }

    private static byte[] flip(byte[] content, int at) {
        byte[] flipped = content.clone();
        flipped[at] ^= 0x01;
        return flipped;
    }

    private static byte[] gzip(byte[] content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GzipCompressorOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static Path untar(Path tar, Path dir) throws Exception {
        for (Map.Entry<String, byte[]> e : entries(tar).entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        return dir;
    }
}

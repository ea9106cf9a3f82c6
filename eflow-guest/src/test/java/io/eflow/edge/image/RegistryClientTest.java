package io.eflow.edge.image;

import io.eflow.contract.manifest.ImageReference;
import io.eflow.contract.manifest.RegistryCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.eflow.edge.image.ImageManifest.DOCKER_LIST;
import static io.eflow.edge.image.ImageManifest.DOCKER_MANIFEST;
import static io.eflow.edge.image.ImageManifest.OCI_INDEX;
import static io.eflow.edge.image.ImageManifest.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls from a real docker-registry on loopback, into a real store on disk. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryClientTest {
    private static final Platform AMD64 = new Platform("linux", "amd64");
    private static final byte[] BASE = new Tar()
            .dir("etc", 0755).file("etc/keep", "kept").file("etc/old", "to be whited out")
            .dir("var/cache", 0755).file("var/cache/a", "a").file("var/cache/b", "b").gzip();
    private static final byte[] UPPER = new Tar()
            .file("etc/.wh.old", "").dir("var/cache", 0700).file("var/cache/.wh..wh..opq", "")
            .file("var/cache/new", "n").gzip();
    private static final byte[] AMD64_LAYER = new Tar().file("arch", "amd64").gzip();
    private static final byte[] ARM64_LAYER = new Tar().file("arch", "arm64").gzip();

    private TestRegistry open;
    private TestRegistry secured;
    private String dockerDigest;
    private String ociDigest;
    private String amd64Digest;
    private String arm64Digest;
    @TempDir
    Path store;

    @BeforeAll
    void startRegistries(@TempDir Path openDir, @TempDir Path securedDir) throws Exception {
        open = TestRegistry.start(openDir);
        secured = TestRegistry.start(securedDir, "edge", "s3cret");
        dockerDigest = TestImages.push(open, "app", "docker", DOCKER_MANIFEST, "amd64", BASE, UPPER);
        ociDigest = TestImages.push(open, "app", null, OCI_MANIFEST, "amd64", BASE, UPPER);
        amd64Digest = TestImages.push(open, "multi", null, OCI_MANIFEST, "amd64", AMD64_LAYER);
        arm64Digest = TestImages.push(open, "multi", null, OCI_MANIFEST, "arm64", ARM64_LAYER);
        TestImages.pushIndex(open, "multi", "oci", OCI_INDEX, OCI_MANIFEST, Map.of("arm64", arm64Digest, "amd64", amd64Digest));
        String dockerAmd64 = TestImages.push(open, "multi", null, DOCKER_MANIFEST, "amd64", AMD64_LAYER);
        String dockerArm64 = TestImages.push(open, "multi", null, DOCKER_MANIFEST, "arm64", ARM64_LAYER);
        TestImages.pushIndex(open, "multi", "docker", DOCKER_LIST, DOCKER_MANIFEST, Map.of("arm64", dockerArm64, "amd64", dockerAmd64));
        TestImages.pushIndex(open, "multi", "s390x", OCI_INDEX, OCI_MANIFEST, Map.of("s390x", amd64Digest));
        TestImages.push(secured, "private", "1", OCI_MANIFEST, "amd64", AMD64_LAYER);
    }

    @AfterAll
    void stopRegistries() throws Exception {
        open.close();
        secured.close();
    }

    private ImageReference ref(TestRegistry registry, String rest) {
        return ImageReference.parse(registry.address() + "/" + rest);
    }

    private static RegistryClient client(RegistryCredential... credentials) {
        return new RegistryClient(Set.of(), List.of(credentials), AMD64);
    }

    @Test
    void pullsADockerV2ImageByTagAndItsLayersUnpackToTheMergedRoot(@TempDir Path rootfs) throws Exception {
        BlobStore blobs = new BlobStore(store);
        PulledImage image = client().pull(ref(open, "app:docker"), blobs);

        assertThat(image.manifestDigest()).isEqualTo(dockerDigest);
        assertThat(image.manifest().mediaType()).contains(DOCKER_MANIFEST);
        assertThat(image.layers()).extracting(Descriptor::digest).containsExactly(Digests.of(BASE), Digests.of(UPPER));
        assertThat(blobs.has(image.config().digest())).isTrue();
        assertThat(blobs.images()).containsEntry(open.address() + "/app:docker", dockerDigest);

        LayerExtractor extractor = new LayerExtractor();
        image.layers().forEach(l -> extractor.extract(blobs.path(l.digest()), rootfs));
        assertThat(rootfs.resolve("etc/keep")).hasContent("kept");
        assertThat(rootfs.resolve("etc/old")).doesNotExist();
        assertThat(rootfs.resolve("etc/.wh.old")).doesNotExist();
        try (Stream<Path> cache = Files.list(rootfs.resolve("var/cache"))) {
            assertThat(cache.map(p -> p.getFileName().toString())).containsExactly("new");
        }
        assertThat(Files.getAttribute(rootfs.resolve("var/cache"), "unix:mode")).isEqualTo(040700);
    }

    @Test
    void aPullTellsItsBytesUpToTheImagesSizeAndCountsStoredBlobsAsDone(@TempDir Path fresh) {
        BlobStore blobs = new BlobStore(fresh);
        List<long[]> first = new ArrayList<>();
        PulledImage image = client().pull(ref(open, "app:docker"), blobs, (done, total) -> first.add(new long[] {done, total}));

        long size = image.config().size() + image.layers().stream().mapToLong(Descriptor::size).sum();
        assertThat(first).allSatisfy(report -> assertThat(report[1]).isEqualTo(size));
        assertThat(first.get(0)[0]).as("the bar starts at nothing").isZero();
        assertThat(first).extracting(report -> report[0]).isSorted().last().isEqualTo(size);
        assertThat(first).as("the layers were counted as they streamed, not after").hasSizeGreaterThan(3);

        // again: everything is stored, so the pull is done at once
        List<long[]> again = new ArrayList<>();
        client().pull(ref(open, "app:docker"), blobs, (done, total) -> again.add(new long[] {done, total}));
        assertThat(again).extracting(report -> report[0]).last().isEqualTo(size);
    }

    @Test
    void pullsAnOciImageByDigest() {
        BlobStore blobs = new BlobStore(store);
        PulledImage image = client().pull(ref(open, "app@" + ociDigest), blobs);

        assertThat(image.manifestDigest()).isEqualTo(ociDigest);
        assertThat(image.manifest().mediaType()).contains(OCI_MANIFEST);
        assertThat(image.layers()).allSatisfy(l -> assertThat(blobs.has(l.digest())).isTrue());
        assertThat(blobs.image(open.address() + "/app@" + ociDigest)).contains(ociDigest);
    }

    @Test
    void anOciIndexAndADockerListResolveToThisPlatformsManifest() {
        BlobStore blobs = new BlobStore(store);
        PulledImage oci = client().pull(ref(open, "multi:oci"), blobs);
        assertThat(oci.manifestDigest()).isEqualTo(amd64Digest);
        assertThat(blobs.has(Digests.of(AMD64_LAYER))).isTrue();
        assertThat(blobs.has(Digests.of(ARM64_LAYER))).isFalse();

        PulledImage arm = new RegistryClient(Set.of(), List.of(), new Platform("linux", "arm64"))
                .pull(ref(open, "multi:docker"), blobs);
        assertThat(arm.manifest().mediaType()).contains(DOCKER_MANIFEST);
        assertThat(arm.layers()).extracting(Descriptor::digest).containsExactly(Digests.of(ARM64_LAYER));
    }

    @Test
    void anIndexWithoutThisArchitectureIsAClearError() {
        assertThatThrownBy(() -> client().pull(ref(open, "multi:s390x"), new BlobStore(store)))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("has no image for linux/amd64").hasMessageContaining("linux/s390x");
    }

    @Test
    void anUnknownImageIsNotFound() {
        assertThatThrownBy(() -> client().pull(ref(open, "app:nope"), new BlobStore(store)))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("not found").hasMessageContaining("app:nope");
        assertThatThrownBy(() -> client().pull(ref(open, "nothing/here:1"), new BlobStore(store)))
                .hasMessageContaining("not found");
    }

    @Test
    void basicAuthLogsInWithTheRegistrysCredential() {
        BlobStore blobs = new BlobStore(store);
        PulledImage image = client(new RegistryCredential(secured.address(), "edge", "s3cret"))
                .pull(ref(secured, "private:1"), blobs);
        assertThat(blobs.has(image.layers().get(0).digest())).isTrue();
    }

    @Test
    void aWrongPasswordIsRefusedWithA401() {
        assertThatThrownBy(() -> client(new RegistryCredential(secured.address(), "edge", "wrong"))
                .pull(ref(secured, "private:1"), new BlobStore(store)))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("refused the login").hasMessageContaining("401")
                .hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> client().pull(ref(secured, "private:1"), new BlobStore(store)))
                .hasMessageContaining("needs a login");
    }

    @Test
    void aBearerChallengeIsAnsweredWithATokenFromItsRealm() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(open, FaultyProxy.Fault.BEARER)) {
            BlobStore blobs = new BlobStore(store);
            PulledImage image = client(new RegistryCredential(proxy.address(), "tokenuser", "tokenpass"))
                    .pull(ref(proxy, "app:docker"), blobs);
            assertThat(image.manifestDigest()).isEqualTo(dockerDigest);
            assertThatThrownBy(() -> client(new RegistryCredential(proxy.address(), "tokenuser", "bad"))
                    .pull(ref(proxy, "app:docker"), new BlobStore(store.resolve("other"))))
                    .hasMessageContaining("refused the login");
        }
    }

    @ParameterizedTest
    @EnumSource(value = FaultyProxy.Fault.class, names = {"CORRUPT", "TRUNCATE"})
    void aCorruptOrCutOffLayerLeavesNoBlob(FaultyProxy.Fault fault) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(open, fault)) {
            BlobStore blobs = new BlobStore(store);
            assertThatThrownBy(() -> client().pull(ref(proxy, "app:docker"), blobs))
                    .isInstanceOf(ImageException.class)
                    .hasMessageContaining(fault == FaultyProxy.Fault.CORRUPT ? "does not match its digest" : "broke off");
            assertThat(blobs.has(Digests.of(BASE))).isFalse();
            assertThat(blobs.has(Digests.of(UPPER))).isFalse();
            assertThat(blobs.images()).isEmpty();
            try (Stream<Path> tmp = Files.list(blobs.root().resolve("tmp"))) {
                assertThat(tmp).isEmpty();
            }
        }
    }

    @Test
    void blobsAlreadyStoredAreNotFetchedAgain() throws Exception {
        BlobStore blobs = new BlobStore(store);
        client().pull(ref(open, "app:docker"), blobs);
        // Through a proxy that would spoil every layer: the pull only succeeds if none is fetched.
        try (FaultyProxy proxy = new FaultyProxy(open, FaultyProxy.Fault.CORRUPT)) {
            assertThat(client().pull(ref(proxy, "app:docker"), blobs).manifestDigest()).isEqualTo(dockerDigest);
        }
    }

    @Test
    void thePlatformIsTakenFromTheJvm() {
        assertThat(Platform.host().os()).isEqualTo("linux");
        assertThat(Platform.host().architecture()).isIn("amd64", "arm64", System.getProperty("os.arch"));
    }

    private ImageReference ref(FaultyProxy proxy, String rest) {
        return ImageReference.parse(proxy.address() + "/" + rest);
    }
}

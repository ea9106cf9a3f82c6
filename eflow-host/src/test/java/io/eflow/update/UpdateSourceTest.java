package io.eflow.update;

import io.eflow.contract.proxy.ProxySettings;
import io.eflow.edge.proxy.Tinyproxy;
import io.eflow.image.BaseRecipe;
import io.eflow.image.FileDigests;
import io.eflow.image.GuestImage;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.TestImages;
import io.eflow.image.TrustStore;
import io.eflow.platform.EflowException;
import io.eflow.platform.Progress;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Catalogs, folders and HTTPS sources: what check lists, and what it refuses. */
class UpdateSourceTest {
    private static final ProxySelector DIRECT = ProxySettings.none().selector();
    private static final Progress NO_PROGRESS = Progress.of(line -> { });
    @TempDir
    Path tmp;

    private ReleaseKeys keys;
    private ReleaseKeys stranger;
    private TrustStore trust;
    private Path updates;
    private HttpsFolderServer server;

    @BeforeEach
    void publish() throws Exception {
        keys = ReleaseKeys.loadOrCreate(tmp.resolve("release"));
        stranger = ReleaseKeys.loadOrCreate(tmp.resolve("stranger"));
        trust = TrustStore.ofKeys(keys.publicKey());
        updates = Files.createDirectories(tmp.resolve("updates"));
        GuestImage image = TestImages.random(tmp.resolve("image"), keys, "1.2.4+0123abcd", BaseRecipe.hostArch(), false);
        for (String version : List.of("1.2.3", "1.2.4", "1.3.0", "2.1.0")) {
            BundleWriter.write(image, Semver.parse(version), keys, updates.resolve("eflow-" + version + ".bundle"), line -> { });
        }
        // The stranger's key signs its bundle and its image: neither is trusted here.
        GuestImage strangerImage = TestImages.random(tmp.resolve("stranger-image"), stranger, "1.2.5+0123abcd", BaseRecipe.hostArch(), false);
        BundleWriter.write(strangerImage, Semver.parse("1.2.5"), stranger, updates.resolve("eflow-1.2.5.bundle"), line -> { });
        Files.writeString(updates.resolve("notes.bundle"), "not a bundle");
        server = new HttpsFolderServer(updates);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theCatalogListsEveryBundleWithItsSignedHeader() throws IOException {
        List<String> progress = new ArrayList<>();
        UpdateCatalog catalog = UpdateCatalog.write(updates, progress::add);
        assertThat(catalog.bundles()).extracting(UpdateCatalog.Entry::file).containsExactly(
                "eflow-1.2.3.bundle", "eflow-1.2.4.bundle", "eflow-1.2.5.bundle", "eflow-1.3.0.bundle", "eflow-2.1.0.bundle");
        assertThat(progress).singleElement().asString().startsWith("left out of the catalog: notes.bundle is not an eflow bundle");
        UpdateCatalog.Entry first = catalog.bundles().get(0);
        Path file = updates.resolve(first.file());
        assertThat(first.size()).isEqualTo(Files.size(file));
        assertThat(first.sha256()).isEqualTo(FileDigests.sha256(file));
        assertThat(first.manifestBytes()).isEqualTo(BundleReader.readHeader(file).manifestJson());
        assertThat(UpdateCatalog.parse(Files.readAllBytes(updates.resolve("catalog.json")))).isEqualTo(catalog);
        // Rewritten: the same bytes (entries kept, nothing re-hashed differently).
        assertThat(UpdateCatalog.write(updates, line -> { }).toJson()).isEqualTo(catalog.toJson());
    }

    @Test
    void aFolderListsTrustedBundlesWithTheirRelationAndRefusesTheRest() {
        List<UpdateCheck.Row> rows = UpdateCheck.source(updates.toString(), null, trust, Semver.parse("1.2.3"), DIRECT);
        assertThat(rows).filteredOn(UpdateCheck.Row::available)
                .extracting(UpdateCheck.Row::version, UpdateCheck.Row::relation, UpdateCheck.Row::keyId)
                .containsExactly(
                        Tuple.tuple("1.2.3", UpdateCheck.Relation.installed, keys.keyId()),
                        Tuple.tuple("1.2.4", UpdateCheck.Relation.next, keys.keyId()),
                        Tuple.tuple("1.3.0", UpdateCheck.Relation.next, keys.keyId()),
                        Tuple.tuple("2.1.0", UpdateCheck.Relation.skip, keys.keyId()));
        assertThat(rows).filteredOn(r -> !r.available()).extracting(UpdateCheck.Row::refused).containsExactly(
                "bundle is not signed by a trusted key (it names key " + stranger.keyId() + ")",
                "notes.bundle is not an eflow bundle: bundle.json expected, found nothing");
        assertThat(UpdateCheck.directory(updates, trust, null)).filteredOn(UpdateCheck.Row::available)
                .allSatisfy(r -> assertThat(r.relation()).isNull());
        assertThat(UpdateCheck.relation(Semver.parse("1.2.2"), Semver.parse("1.2.3"))).isEqualTo(UpdateCheck.Relation.older);
        assertThatThrownBy(() -> UpdateCheck.source(tmp.resolve("nowhere").toString(), null, trust, null, DIRECT))
                .hasMessageStartingWith("update source " + tmp.resolve("nowhere") + " is not a folder");
        assertThatThrownBy(() -> UpdateCheck.source("updates", null, trust, null, DIRECT))
                .hasMessage("update source updates is not an absolute folder path or an https:// URL");
        assertThatThrownBy(() -> UpdateCheck.source(server.base().toString(), Path.of("ca.pem"), trust, null, DIRECT))
                .hasMessage("the CA certificate ca.pem is not an absolute path");
        assertThatThrownBy(() -> UpdateCheck.source(" ", null, trust, null, DIRECT))
                .hasMessage("update check needs a source: a folder of *.bundle files or an https:// URL");
    }

    @Test
    void anHttpsSourceIsCheckedFromItsCatalogWithTheGivenCa() throws IOException {
        UpdateCatalog.write(updates, line -> { });
        Path ca = server.writeCertificate(tmp.resolve("ca.pem"));

        List<UpdateCheck.Row> rows = UpdateCheck.source(server.base().toString(), ca, trust, Semver.parse("1.2.4"), DIRECT);

        assertThat(rows).filteredOn(UpdateCheck.Row::available).extracting(UpdateCheck.Row::version, UpdateCheck.Row::relation)
                .containsExactly(Tuple.tuple("1.2.3", UpdateCheck.Relation.older),
                        Tuple.tuple("1.2.4", UpdateCheck.Relation.installed),
                        Tuple.tuple("1.3.0", UpdateCheck.Relation.next),
                        Tuple.tuple("2.1.0", UpdateCheck.Relation.skip));
        assertThat(rows.get(0).location()).isEqualTo(server.base() + "eflow-1.2.3.bundle");
        UpdateCheck.Row refused = rows.get(rows.size() - 1);
        assertThat(refused.available()).isFalse();
        assertThat(refused.version()).isNull();
        assertThat(refused.location()).endsWith("/eflow-1.2.5.bundle");
        assertThat(refused.refused()).isEqualTo("bundle is not signed by a trusted key (it names key " + stranger.keyId() + ")");
    }

    @Test
    void checksAndDownloadsGoThroughTheInstancesProxyAndAProxyThatRefusesIsOneLine() throws Exception {
        UpdateCatalog.write(updates, line -> { });
        Path ca = server.writeCertificate(tmp.resolve("ca.pem"));
        int port = server.base().getPort();
        try (Tinyproxy proxy = Tinyproxy.start(tmp.resolve("proxy"), port)) {
            ProxySelector via = new ProxySettings(null, proxy.url(), List.of()).selector();
            assertThat(UpdateCheck.source(server.base().toString(), ca, trust, Semver.parse("1.2.4"), via))
                    .filteredOn(UpdateCheck.Row::available).hasSize(4);
            Path target = tmp.resolve("downloads/proxied.bundle");
            Files.createDirectories(target.getParent());
            BundleSource.fetch(server.base().resolve("eflow-1.3.0.bundle"), target, ca, via, NO_PROGRESS, "download");
            assertThat(target).hasSameBinaryContentAs(updates.resolve("eflow-1.3.0.bundle"));
            assertThat(proxy.log()).as("tinyproxy's log").contains("CONNECT").contains(":" + port);
        }
        try (Tinyproxy refusing = Tinyproxy.start(tmp.resolve("refusing"))) {
            ProxySelector via = new ProxySettings(null, refusing.url(), List.of()).selector();
            assertThatThrownBy(() -> UpdateCheck.source(server.base().toString(), ca, trust, null, via))
                    .hasMessageStartingWith("cannot reach " + server.base() + "catalog.json through the proxy 127.0.0.1:" + refusing.port())
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aFetchedBundleIsTheFileAndOpensAsOne() throws IOException {
        Path ca = server.writeCertificate(tmp.resolve("ca.pem"));
        Path target = tmp.resolve("downloads/eflow-1.2.4.bundle");
        Files.createDirectories(target.getParent());

        List<Long> reported = new ArrayList<>();
        long size = Files.size(updates.resolve("eflow-1.2.4.bundle"));
        BundleSource.fetch(server.base().resolve("eflow-1.2.4.bundle"), target, ca, DIRECT, new Progress() {
            @Override
            public void accept(String line) {
            }

            @Override
            public void bytes(String step, long done, long total) {
                assertThat(total).isEqualTo(size);
                reported.add(done);
            }
        }, "download");
        // the download's bar ends at the bundle's length, which the server sent
        assertThat(reported).isNotEmpty().isSorted().last().isEqualTo(size);

        assertThat(target).hasSameBinaryContentAs(updates.resolve("eflow-1.2.4.bundle"));
        assertThat(BundleReader.open(target, trust).version()).isEqualTo(Semver.parse("1.2.4"));
        assertThatThrownBy(() -> BundleSource.fetch(server.base().resolve("missing.bundle"), tmp.resolve("downloads/m.bundle"), ca, DIRECT, NO_PROGRESS,
                "download"))
                .isInstanceOfSatisfying(EflowException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessage("GET " + server.base() + "missing.bundle answered HTTP 404");
        try (var files = Files.list(target.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("eflow-1.2.4.bundle");
        }
    }

    @Test
    void withoutTheCaTheServerIsNotTrusted() {
        assertThatThrownBy(() -> BundleSource.catalog(server.base(), null, DIRECT))
                .isInstanceOf(EflowException.class)
                .hasMessageStartingWith("cannot reach " + server.base() + "catalog.json: ");
    }

    @Test
    void plainHttpIsRefusedInOneLine() {
        URI http = URI.create("http://localhost:" + server.base().getPort() + "/");
        assertThatThrownBy(() -> UpdateCheck.source(http.toString(), null, trust, null, DIRECT))
                .hasMessage("update source " + http + " is not an https:// URL: eflow fetches updates over HTTPS only");
        assertThatThrownBy(() -> BundleSource.fetch(http.resolve("x.bundle"), tmp.resolve("x.bundle"), null, DIRECT, NO_PROGRESS, "download"))
                .hasMessage("update source " + http.resolve("x.bundle") + " is not an https:// URL: eflow fetches updates over HTTPS only");
        assertThat(tmp.resolve("x.bundle")).doesNotExist();
    }

    @Test
    void aCatalogEntryCannotNameAFileOutsideItsFolder() {
        assertThatThrownBy(() -> UpdateCatalog.parse("{\"bundles\":[{\"file\":\"../x.bundle\"}]}".getBytes()))
                .hasMessage("update catalog lists an invalid bundle file name: ../x.bundle");
    }
}

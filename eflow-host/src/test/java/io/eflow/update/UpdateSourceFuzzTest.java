package io.eflow.update;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.eflow.image.TrustStore;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an update source serves, which anyone on the way to a plain-HTTP source may change: a bundle file, opened as
 * the updater opens it, and {@code catalog.json}, whose entries are checked as a client checks them before any
 * download. Either is accepted or refused with an {@link EflowException}, the type the update commands report as one
 * line; nothing is believed without a signature by the trusted key (a fresh one here, which no input carries).
 */
class UpdateSourceFuzzTest {
    private static final TrustStore TRUST = trust();

    @FuzzTest(maxDuration = "30s")
    void bundles(byte[] input) throws IOException {
        Path file = Files.createTempFile("fuzz", ".bundle");
        try {
            Files.write(file, input);
            BundleReader.Header header;
            try {
                header = BundleReader.readHeader(file);
            } catch (EflowException e) {
                assertThat(e.getMessage()).isNotBlank();
                return;
            }
            assertThat(header.manifestJson().length).isLessThanOrEqualTo(BundleReader.MAX_MANIFEST);
            assertThat(header.signature().length).isLessThanOrEqualTo(BundleReader.MAX_SIGNATURE);
            assertThat(header.fileSize()).isEqualTo(input.length);
            refused(() -> BundleReader.open(file, TRUST));
        } finally {
            Files.delete(file);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void catalogs(byte[] input) {
        UpdateCatalog catalog;
        try {
            catalog = UpdateCatalog.parse(input);
        } catch (EflowException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(UpdateCatalog.parse(catalog.toJson())).isEqualTo(catalog);
        Path source = Path.of("/srv/updates");
        for (UpdateCatalog.Entry entry : catalog.bundles()) {
            // a listed name stays a file of the source's folder
            assertThat(source.resolve(entry.file()).normalize().getParent()).isEqualTo(source);
            refused(() -> BundleReader.verify(entry.manifestBytes(), entry.signatureBytes(), TRUST,
                    source.resolve(entry.file()), entry.size()));
        }
    }

    /** Without the trusted key's signature nothing is taken, and the refusal is the one type callers handle. */
    private static void refused(Runnable check) {
        try {
            check.run();
        } catch (EflowException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        throw new AssertionError("accepted without a signature of the trusted key");
    }

    private static TrustStore trust() {
        try {
            return TrustStore.ofKeys(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

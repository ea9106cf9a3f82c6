package io.eflow.edge.hub.auth;

import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdgeCaTest {
    private static final ClientId FILTER = ClientId.module("d1", "filter");
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path temp;
    private final TestClock clock = new TestClock(Instant.parse("2025-03-01T10:00:00Z"));

    private EdgeCa open() throws IOException {
        return EdgeCa.open(temp.resolve("ca"), "d1", clock);
    }

    @Test
    void theCaIsMadeOnceAndReloadedAsItWas() throws IOException {
        EdgeCa made = open();
        byte[] keyFile = Files.readAllBytes(temp.resolve("ca/ca.key.pem"));

        clock.advance(Duration.ofDays(1));
        EdgeCa reloaded = open();

        assertThat(reloaded.certificate()).isEqualTo(made.certificate());
        assertThat(reloaded.caCertificatePem()).isEqualTo(made.caCertificatePem())
                .isEqualTo(Files.readString(temp.resolve("ca/ca.pem")));
        assertThat(Files.readAllBytes(temp.resolve("ca/ca.key.pem"))).isEqualTo(keyFile);
        assertThat(mode(temp.resolve("ca"))).isEqualTo("rwx------");
        assertThat(mode(temp.resolve("ca/ca.key.pem"))).isEqualTo("rw-------");
        assertThat(new String(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void theCaCertificateIsASelfSignedP256CaForTenYears() throws Exception {
        X509Certificate ca = open().certificate();

        ca.verify(ca.getPublicKey());
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=eflow edge CA d1");
        assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
        assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        boolean[] usage = ca.getKeyUsage();
        assertThat(usage[5]).as("keyCertSign").isTrue();
        assertThat(usage[6]).as("cRLSign").isTrue();
        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getNotBefore().toInstant()).isBeforeOrEqualTo(clock.instant());
        assertThat(ca.getNotAfter().toInstant())
                .isEqualTo(clock.instant().minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC).plusYears(10).toInstant());
    }

    @Test
    void aLongDeviceIdIsCutToTheLengthOfACommonName() throws IOException {
        X509Certificate ca = EdgeCa.open(temp.resolve("ca"), "d".repeat(128), clock).certificate();

        assertThat(ca.getSubjectX500Principal().getName()).hasSize("CN=".length() + 64);
    }

    @Test
    void aCertificateWithoutItsKeyIsNotReplacedSilently() throws IOException {
        open();
        Files.delete(temp.resolve("ca/ca.key.pem"));

        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("ca.key.pem");
    }

    @Test
    void aKeyAndCertificateThatDoNotBelongTogetherAreRefused() throws IOException {
        open();
        EdgeCa.open(temp.resolve("other"), "d1", clock);
        Files.copy(temp.resolve("other/ca.pem"), temp.resolve("ca/ca.pem"), StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("is not the certificate of");
    }

    @Test
    void aKeyLeftWithoutCertificateByACrashIsMadeAfresh() throws IOException {
        open();
        Files.delete(temp.resolve("ca/ca.pem"));

        X509Certificate ca = open().certificate();

        assertThat(Pem.readCertificates(temp.resolve("ca/ca.pem"))).containsExactly(ca);
    }

    @Test
    void theServerCertificateChainsToTheCaAndNamesTheHub() throws Exception {
        EdgeCa ca = open();

        IssuedCertificate server = ca.serverCertificate(List.of("gateway.local", "edgeHub", "localhost"),
                List.of("127.0.0.1", "::1"));

        assertThat(server.chain()).hasSize(2).element(1).isEqualTo(ca.certificate());
        X509Certificate leaf = server.leaf();
        validate(leaf, ca.certificate(), clock.instant());
        assertThat(leaf.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "gateway.local"), List.of(2, "edgeHub"), List.of(2, "localhost"),
                List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(Duration.between(clock.instant(), leaf.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(90));
        assertThat(leaf.getNotBefore().toInstant()).isBefore(clock.instant());
        assertThat(KeyPairs.belongTogether(server.privateKey(), leaf.getPublicKey())).isTrue();
        assertThat(server.toString()).doesNotContain(server.privateKey().toString());
    }

    @Test
    void eachServerCertificateIsNew() throws IOException {
        EdgeCa ca = open();

        IssuedCertificate first = ca.serverCertificate(List.of("edgeHub"), List.of());
        IssuedCertificate second = ca.serverCertificate(List.of("edgeHub"), List.of());

        assertThat(second.leaf().getSerialNumber()).isNotEqualTo(first.leaf().getSerialNumber());
        assertThat(second.leaf().getPublicKey()).isNotEqualTo(first.leaf().getPublicKey());
        try (var files = Files.list(temp.resolve("ca"))) {
            assertThat(files).as("kept in memory only").hasSize(3);
        }
    }

    @Test
    void aServerCertificateNeedsANameAndRealAddresses() throws IOException {
        EdgeCa ca = open();

        assertThatThrownBy(() -> ca.serverCertificate(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.serverCertificate(List.of(), List.of("edgeHub"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aClientCertificateIsWrittenForTheIdentityAndVerifies() throws Exception {
        EdgeCa ca = open();
        Path folder = temp.resolve("modules/filter");

        ClientCertificate client = ca.issueClient(FILTER, folder);

        assertThat(client.keyFile()).isEqualTo(folder.resolve("client.key.pem"));
        assertThat(client.certificateFile()).isEqualTo(folder.resolve("client.pem"));
        assertThat(mode(folder)).isEqualTo("rwx------");
        assertThat(mode(client.keyFile())).isEqualTo("rw-------");
        assertThat(mode(client.certificateFile())).isEqualTo("rw-r--r--");
        X509Certificate leaf = Pem.readCertificates(client.certificateFile()).get(0);
        assertThat(leaf).isEqualTo(client.certificate());
        PrivateKey key = Pem.readEcPrivateKey(client.keyFile());
        assertThat(key).isInstanceOf(ECPrivateKey.class);
        assertThat(KeyPairs.belongTogether(key, leaf.getPublicKey())).isTrue();

        validate(leaf, ca.certificate(), clock.instant());
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=d1/filter");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(clock.instant());
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(ca.verifyClient(List.of(leaf), clock.instant())).isEqualTo(FILTER);
        assertThat(ca.verifyClient(List.of(leaf, ca.certificate()), clock.instant().plus(Duration.ofDays(364))))
                .isEqualTo(FILTER);
    }

    @Test
    void aDeviceCertificateNamesTheDevice() throws Exception {
        EdgeCa ca = open();
        ClientId device = ClientId.device("d1");

        X509Certificate leaf = ca.issueClient(device, temp.resolve("device")).certificate();

        assertThat(ca.verifyClient(List.of(leaf), clock.instant())).isEqualTo(device);
    }

    @Test
    void idsWithCharactersSpecialInNamesComeBackAsTheyWere() throws Exception {
        EdgeCa ca = open();
        ClientId odd = ClientId.module("d1", "a,b=c+d'e");

        X509Certificate leaf = ca.issueClient(odd, temp.resolve("odd")).certificate();

        assertThat(ca.verifyClient(List.of(leaf), clock.instant())).isEqualTo(odd);
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws IOException {
        EdgeCa ca = open();
        EdgeCa other = EdgeCa.open(temp.resolve("other"), "d1", clock);
        X509Certificate foreign = other.issueClient(FILTER, temp.resolve("foreign")).certificate();

        assertThatThrownBy(() -> ca.verifyClient(List.of(foreign, other.certificate()), clock.instant()))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not issued by this device's edge CA");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() throws IOException {
        EdgeCa ca = open();
        X509Certificate leaf = ca.issueClient(FILTER, temp.resolve("filter")).certificate();

        assertThatThrownBy(() -> ca.verifyClient(List.of(leaf), clock.instant().plus(Duration.ofDays(366))))
                .isInstanceOf(CertificateException.class).hasMessageContaining("expired at 2026-03-01T10:00:00Z");
        assertThatThrownBy(() -> ca.verifyClient(List.of(leaf), clock.instant().minusSeconds(1)))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not valid before");
    }

    @Test
    void aCertificateNotForClientsIsRefused() throws IOException {
        EdgeCa ca = open();
        // a server certificate whose name reads as a device id
        X509Certificate server = ca.serverCertificate(List.of("d1"), List.of()).leaf();

        assertThatThrownBy(() -> ca.verifyClient(List.of(server), clock.instant()))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not for client authentication");
        assertThatThrownBy(() -> ca.verifyClient(List.of(ca.certificate()), clock.instant()))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not for client authentication");
        assertThatThrownBy(() -> ca.verifyClient(List.of(), clock.instant()))
                .isInstanceOf(CertificateException.class).hasMessageContaining("no client certificate");
    }

    @Test
    void certificatesDoNotOutliveTheCa() throws IOException {
        EdgeCa ca = open();
        clock.advance(Duration.ofDays(3650 - 30));

        X509Certificate server = ca.serverCertificate(List.of("edgeHub"), List.of()).leaf();
        X509Certificate client = ca.issueClient(FILTER, temp.resolve("filter")).certificate();

        assertThat(server.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
        assertThat(client.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    }

    /** PKIX path validation, as a TLS client does, at {@code now}. */
    @Test
    void theCaRenewsWithItsOwnKeyAtEightyPercentOfItsLife() throws Exception {
        EdgeCa ca = open();
        X509Certificate first = ca.certificate();
        Instant due = first.getNotBefore().toInstant().plus(Duration.between(first.getNotBefore().toInstant(),
                first.getNotAfter().toInstant()).multipliedBy(8).dividedBy(10));
        assertThat(ca.renewsAt()).isEqualTo(due);

        clock.advance(Duration.between(clock.instant(), due).minusMinutes(1));
        assertThat(ca.renewIfDue()).isFalse();
        clock.advance(Duration.ofMinutes(2));
        assertThat(ca.renewIfDue()).isTrue();

        X509Certificate renewed = ca.certificate();
        assertThat(renewed.getPublicKey()).isEqualTo(first.getPublicKey());
        assertThat(renewed.getSubjectX500Principal()).isEqualTo(first.getSubjectX500Principal());
        assertThat(renewed.getExtensionValue("2.5.29.14")).as("same key identifier").isEqualTo(first.getExtensionValue("2.5.29.14"));
        assertThat(renewed.getNotAfter()).isAfter(first.getNotAfter());
        assertThat(Pem.readCertificates(temp.resolve("ca/ca.pem"))).containsExactly(renewed, first);
        assertThat(temp.resolve("ca/trust-bundle.pem")).hasContent(ca.caCertificatePem());
        assertThat(open().caCertificatePem()).as("reloaded").isEqualTo(ca.caCertificatePem());
        assertThat(ca.renewIfDue()).as("not due again for years").isFalse();
        clock.advance(Duration.between(clock.instant(), first.getNotAfter().toInstant()).plusDays(1));
        assertThat(ca.caCertificatePem()).as("the old certificate, expired, is handed out no more")
                .isEqualTo(Pem.certificates(renewed));
    }

    /** OpenSSL, unlike Java, checks the trusted certificate's own dates: it judges what a module or host application sees. */
    @Test
    void clientsHoldingTheOldOrTheNewCertificateTrustBothAcrossTheRenewal() throws Exception {
        EdgeCa ca = open();
        Path old = Files.writeString(temp.resolve("old.pem"), ca.caCertificatePem());
        clock.advance(Duration.between(clock.instant(), ca.renewsAt()).minusDays(1));
        X509Certificate issuedBefore = ca.serverCertificate(List.of("edgeHub"), List.of()).leaf();
        Instant firstExpiry = ca.certificate().getNotAfter().toInstant();
        clock.advance(Duration.ofDays(1));
        ca.renewIfDue();
        X509Certificate issuedAfter = ca.serverCertificate(List.of("edgeHub"), List.of()).leaf();
        Path bundle = Files.writeString(temp.resolve("bundle.pem"), ca.caCertificatePem());

        assertThat(openSslVerify(old, issuedAfter, clock.instant())).as("old file, new leaf").contains(": OK");
        assertThat(openSslVerify(bundle, issuedBefore, clock.instant())).as("bundle, old leaf").contains(": OK");
        Instant afterFirstExpiry = firstExpiry.plus(Duration.ofDays(1));
        clock.advance(Duration.between(clock.instant(), afterFirstExpiry));
        X509Certificate issuedLate = ca.serverCertificate(List.of("edgeHub"), List.of()).leaf();
        assertThat(openSslVerify(bundle, issuedLate, afterFirstExpiry)).as("bundle once the old one expired").contains(": OK");
        assertThat(openSslVerify(old, issuedLate, afterFirstExpiry)).as("why the bundle is handed out")
                .contains("certificate has expired");
    }

    @Test
    void theTrustBundleIsRewrittenInPlaceForTheModulesThatMountedIt() throws Exception {
        EdgeCa ca = open();
        Path bundle = temp.resolve("ca/trust-bundle.pem");
        Object inode = Files.getAttribute(bundle, "unix:ino");
        clock.advance(Duration.between(clock.instant(), ca.renewsAt()));

        ca.renewIfDue();

        assertThat(Files.getAttribute(bundle, "unix:ino")).isEqualTo(inode);
        assertThat(Pem.readCertificates(bundle)).hasSize(2).first().isEqualTo(ca.certificate());
        assertThat(mode(bundle)).isEqualTo("rw-r--r--");
    }

    private String openSslVerify(Path caFile, X509Certificate leaf, Instant at) throws Exception {
        Path leafFile = Files.writeString(temp.resolve("leaf.pem"), Pem.certificates(leaf));
        Process openssl = new ProcessBuilder("openssl", "verify", "-CAfile", caFile.toString(), "-attime",
                Long.toString(at.getEpochSecond()), leafFile.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        openssl.waitFor();
        return output;
    }

    private static void validate(X509Certificate leaf, X509Certificate ca, Instant now) throws GeneralSecurityException {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(now));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}

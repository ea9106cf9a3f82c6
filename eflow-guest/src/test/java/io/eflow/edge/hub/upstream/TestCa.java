package io.eflow.edge.hub.upstream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost, written as PEM files mosquitto
 * reads ({@code ca.pem}, {@code server.pem}, {@code server.key}).
 */
final class TestCa {
    private final X509Certificate ca;
    private final Path caFile;
    private final Path certificateFile;
    private final Path keyFile;
    private final KeyPair serverKeys;
    private final X509Certificate server;

    private TestCa(X509Certificate ca, Path caFile, Path certificateFile, Path keyFile, KeyPair serverKeys,
                   X509Certificate server) {
        this.ca = ca;
        this.serverKeys = serverKeys;
        this.server = server;
        this.caFile = caFile;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
    }

    static TestCa create(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair caKeys = keyPair();
        X500Name caName = new X500Name("CN=eflow test CA");
        Instant now = Instant.now();
        X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate ca = sign(caBuilder, caKeys.getPrivate());

        KeyPair serverKeys = keyPair();
        X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=localhost"), serverKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate server = sign(serverBuilder, caKeys.getPrivate());

        Path caFile = dir.resolve("ca.pem");
        Path certificateFile = dir.resolve("server.pem");
        Path keyFile = dir.resolve("server.key");
        writePem(caFile, ca);
        writePem(certificateFile, server);
        writePem(keyFile, new JcaPKCS8Generator(serverKeys.getPrivate(), null));
        return new TestCa(ca, caFile, certificateFile, keyFile, serverKeys, server);
    }

    /** TLS that trusts this CA only. */
    SSLSocketFactory socketFactory() throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("test-ca", ca);
        return TrustedCertificates.socketFactory(trusted);
    }

    /** A TLS server of the certificate this CA signed, for endpoints written in the test. */
    SSLServerSocketFactory serverSocketFactory() throws GeneralSecurityException, IOException {
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        keys.setKeyEntry("server", serverKeys.getPrivate(), new char[0], new X509Certificate[] {server, ca});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context.getServerSocketFactory();
    }

    Path caFile() {
        return caFile;
    }

    Path certificateFile() {
        return certificateFile;
    }

    Path keyFile() {
        return keyFile;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            if (object instanceof PemObjectGenerator generator) {
                pem.writeObject(generator);
            } else {
                pem.writeObject(object);
            }
        }
    }
}

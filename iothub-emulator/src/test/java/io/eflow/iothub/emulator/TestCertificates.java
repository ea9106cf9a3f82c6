package io.eflow.iothub.emulator;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Client certificates as a device maker makes them for IoT Hub: self-signed (selfSigned authentication, by
 * thumbprint), or a CA and leaves it issues (certificateAuthority). The certificate file holds the leaf and, for an
 * issued one, its CA after it.
 */
record TestCertificates(Path certificate, Path key, String thumbprint, X509Certificate x509, PrivateKey privateKey) {
    static TestCertificates selfSigned(String commonName, Path folder) throws Exception {
        return make(commonName, folder, null);
    }

    /** A certificate of {@code commonName} issued by this one (a CA). */
    TestCertificates issue(String commonName, Path folder) throws Exception {
        return make(commonName, folder, this);
    }

    String pem() throws Exception {
        return pem("CERTIFICATE", x509.getEncoded());
    }

    private static TestCertificates make(String commonName, Path folder, TestCertificates issuer) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        X500Name issuerName = issuer == null ? name : new X500Name(issuer.x509().getSubjectX500Principal().getName());
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(issuer == null));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer == null ? pair.getPrivate() : issuer.privateKey())));
        Files.createDirectories(folder);
        Path certificateFile = folder.resolve(commonName + ".pem");
        Path keyFile = folder.resolve(commonName + ".key.pem");
        Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded())
                + (issuer == null ? "" : issuer.pem()));
        Files.writeString(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        String thumbprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()))
                .toUpperCase(Locale.ROOT);
        return new TestCertificates(certificateFile, keyFile, thumbprint, certificate, pair.getPrivate());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}

package io.eflow.iothub.emulator.tls;

import io.eflow.contract.files.AtomicFile;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The emulator's own certificate authority: what clients trust (its {@code ca.pem} is the second line the emulator
 * prints) in place of the public CAs that sign IoT Hub's real certificates. Made once in the state folder and kept, so
 * a client configured with it stays configured across restarts; the server certificate is issued afresh at each start
 * for the names it is asked to serve. ECDSA P-256 with SHA-256, which Node's, Python's and Java's TLS stacks all take;
 * key identifiers and critical basic constraints and key usage, which strict verifiers require.
 */
public final class HubCa {
    public static final String CERTIFICATE_FILE = "ca.pem";
    static final String KEY_FILE = "ca.key.pem";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE = "SHA256withECDSA";

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Path certificateFile;

    private HubCa(PrivateKey key, X509Certificate certificate, Path certificateFile) {
        this.key = key;
        this.certificate = certificate;
        this.certificateFile = certificateFile;
    }

    /** The CA kept in {@code folder}, made there the first time. */
    public static HubCa open(Path folder) throws IOException {
        Path keyFile = folder.resolve(KEY_FILE);
        Path certificateFile = folder.resolve(CERTIFICATE_FILE);
        try {
            if (Files.exists(keyFile) && Files.exists(certificateFile)) {
                return new HubCa(readKey(keyFile), readCertificate(certificateFile), certificateFile);
            }
            KeyPair pair = newKeyPair();
            X500Name name = new X500Name("CN=eflow IoT Hub emulator CA " + Long.toHexString(RANDOM.nextLong() >>> 16));
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = sign(builder, pair.getPrivate());
            Files.createDirectories(folder);
            AtomicFile.write(keyFile, pkcs8(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), AtomicFile.OWNER_ONLY);
            AtomicFile.write(certificateFile, pem(certificate).getBytes(StandardCharsets.US_ASCII), AtomicFile.READABLE);
            return new HubCa(pair.getPrivate(), certificate, certificateFile);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the emulator's CA in " + folder + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The PEM file clients trust. */
    public Path certificateFile() {
        return certificateFile;
    }

    /**
     * A server certificate for {@code hostName} and the loopback names, valid a year.
     *
     * @param hostName a DNS name or an IP literal
     */
    public ServerIdentity serverIdentity(String hostName) throws IOException {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))),
                    new X500Name("CN=" + hostName.replaceAll("[,+=\"\\\\<>;]", "_")), pair.getPublic());
            Set<String> dns = new LinkedHashSet<>(List.of(hostName, "localhost"));
            Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
            List<GeneralName> names = new ArrayList<>();
            for (String name : dns) {
                if (isIpLiteral(name)) {
                    ips.add(name);
                } else {
                    names.add(new GeneralName(GeneralName.dNSName, name));
                }
            }
            ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            return new ServerIdentity(pair.getPrivate(), List.of(sign(builder, key), certificate));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue the emulator's server certificate: " + e.getMessage(), e);
        }
    }

    static boolean isIpLiteral(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
        X509CertificateHolder holder = builder.build(contentSigner);
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    /** PKCS#8 ("PRIVATE KEY"), which every TLS stack reads, rather than BC's default SEC1 form for EC keys. */
    static String pkcs8(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(file + " holds no private key");
        }
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IOException(file + " holds no certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}

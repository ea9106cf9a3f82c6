package io.eflow.console;

import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
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
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The console's TLS identity: the operator's certificate and key when given, else a server certificate from an
 * install-local CA ({@code ca.pem}, which remote CLIs and browsers are told to trust; its key never leaves the host).
 * The server certificate is made afresh at each start of the listener, for this host's names and addresses as they
 * are then. ECDSA P-256 throughout, as the hub's edge CA.
 */
final class ConsoleTls {
    static final String CA_FILE = "ca.pem";
    private static final String CA_KEY_FILE = "ca.key.pem";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    static final char[] STORE_PASSWORD = "eflow-console".toCharArray();

    private ConsoleTls() {
    }

    /** A key store holding the server's key and chain under alias {@code console}. */
    static KeyStore keyStore(Path folder, String listenHost, Path certificate, Path key) {
        try {
            if (certificate != null) {
                return store(readKey(key), readCertificates(certificate));
            }
            KeyPair caPair = caKeyPair(folder);
            X509Certificate ca = readCertificates(folder.resolve(CA_FILE)).get(0);
            KeyPair serverPair = newKeyPair();
            X509Certificate server = issueServer(ca, caPair.getPrivate(), serverPair, names(listenHost));
            return store(serverPair.getPrivate(), List.of(server, ca));
        } catch (IOException e) {
            throw EflowException.failure("cannot read the console's certificate: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new EflowException("the console's certificate or key cannot be used: " + e.getMessage());
        }
    }

    /** SHA-256 of the certificate, as browsers show it: colon-separated upper-case hex. */
    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<X509Certificate> readCertificates(Path pem) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException(pem + " holds no PEM certificate");
        }
        return certificates;
    }

    private static PrivateKey readKey(Path pem) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                // only the private part: a SEC1 key the JDK wrote has no public key in it, which getKeyPair would need
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new GeneralSecurityException(pem + " holds no unencrypted PEM private key");
        }
    }

    private static KeyStore store(PrivateKey key, List<X509Certificate> chain) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("console", key, STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
        return store;
    }

    /** The CA's key pair, made with its certificate on first use. */
    private static KeyPair caKeyPair(Path folder) throws IOException, GeneralSecurityException {
        Path keyFile = folder.resolve(CA_KEY_FILE);
        Path certificateFile = folder.resolve(CA_FILE);
        if (Files.isRegularFile(keyFile) && Files.isRegularFile(certificateFile)) {
            PrivateKey key = readKey(keyFile);
            return new KeyPair(readCertificates(certificateFile).get(0).getPublicKey(), key);
        }
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=eflow console CA " + HexFormat.of().formatHex(RANDOM.generateSeed(4)));
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate ca = sign(builder, pair.getPrivate());
        // PKCS#8: with its curve named inside, which the SEC1 form the PEM writer picks for an EC key would lose
        FileTrees.writeDurably(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), "rw-------");
        FileTrees.writeDurably(certificateFile, pem(ca), "rw-r--r--");
        return pair;
    }

    private static X509Certificate issueServer(X509Certificate ca, PrivateKey caKey, KeyPair server, Set<String> names)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(SERVER_VALIDITY)), new X500Name("CN=eflow console"), server.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(server.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
            boolean address = IPV4.matcher(name).matches() || name.contains(":");
            alternatives.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives.toArray(GeneralName[]::new)));
        return sign(builder, caKey);
    }

    /**
     * localhost, the host's name and every address it has now that the listener takes (IPv4 for {@code 0.0.0.0}, IPv6
     * too for {@code ::}), or only the one it listens on.
     */
    static Set<String> names(String listenHost) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // no resolvable host name: the addresses serve
        }
        boolean ipv6 = ConsoleSettings.ipv6Wildcard(listenHost);
        if (listenHost != null && !listenHost.equals("0.0.0.0") && !ipv6) {
            names.add(listenHost);
            return names;
        }
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                // a link-local IPv6 address needs its interface named to be reached, which no certificate can say
                nic.inetAddresses().filter(address -> address instanceof Inet4Address || ipv6 && !address.isLinkLocalAddress())
                        .forEach(address -> names.add(address.getHostAddress().replaceAll("%.*", "")));
            }
        } catch (SocketException e) {
            // names and loopback serve
        }
        return names;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static byte[] pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

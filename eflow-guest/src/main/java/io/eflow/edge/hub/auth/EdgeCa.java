package io.eflow.edge.hub.auth;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The install's edge CA: it signs the hub's TLS server certificate and the client certificates of modules and host
 * applications, and it is what those clients trust ({@code EdgeModuleCACertificateFile}).
 *
 * <p>ECDSA P-256 with SHA-256 throughout, as IoT Edge's own key service makes by default: every IoT SDK's TLS stack
 * takes it, and keys and handshakes are far cheaper than RSA's. Certificates carry subject and authority key
 * identifiers and critical basic constraints and key usage, which strict verifiers (Python 3.13's default context,
 * OpenSSL's X509_STRICT) require.
 *
 * <p>Made on first use in its folder ({@code ca.key.pem} 0600, {@code ca.pem}) and reloaded after. If the device id
 * changes later the CA stays: its name only helps a person tell installs apart.
 */
public final class EdgeCa {
    static final String KEY_FILE = "ca.key.pem";
    static final String CERTIFICATE_FILE = "ca.pem";
    /** The files {@link #issueClient} writes in the caller's folder. */
    public static final String CLIENT_KEY_FILE = "client.key.pem";
    public static final String CLIENT_CERTIFICATE_FILE = "client.pem";

    private static final Duration SERVER_VALIDITY = Duration.ofDays(90);
    /** Host applications check the server certificate with the host's clock, which may lag the guest's. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    /** RFC 5280's upper bound for a common name; only the CA's name is ours to shorten. */
    private static final int COMMON_NAME_MAX = 64;
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Clock clock;

    private EdgeCa(PrivateKey key, X509Certificate certificate, Clock clock) {
        this.key = key;
        this.certificate = certificate;
        this.clock = clock;
    }

    public static EdgeCa open(Path folder, String deviceId) throws IOException {
        return open(folder, deviceId, Clock.systemUTC());
    }

    /**
     * Loads the CA from {@code folder}, or makes it there the first time.
     *
     * @param deviceId named in the CA's subject when it is made
     * @throws IOException when the files cannot be read, do not belong together, or the certificate lost its key
     */
    public static EdgeCa open(Path folder, String deviceId, Clock clock) throws IOException {
        Objects.requireNonNull(deviceId, "deviceId");
        PrivateFiles.ownFolder(folder);
        Path keyFile = folder.resolve(KEY_FILE);
        Path certificateFile = folder.resolve(CERTIFICATE_FILE);
        if (Files.exists(certificateFile)) {
            if (!Files.exists(keyFile)) {
                throw new IOException(certificateFile + " is there but its key " + keyFile + " is not: restore the key,"
                        + " or remove " + certificateFile + " to make a new edge CA, which every module and host"
                        + " application must then be given to trust");
            }
            PrivateKey key = Pem.readEcPrivateKey(keyFile);
            X509Certificate certificate = Pem.readCertificate(certificateFile);
            if (!KeyPairs.belongTogether(key, certificate.getPublicKey())) {
                throw new IOException(certificateFile + " is not the certificate of " + keyFile
                        + ": restore the pair from a backup, or remove both to make a new edge CA");
            }
            return new EdgeCa(key, certificate, clock);
        }
        // No certificate: never made, or a crash came between key and certificate, before anyone could trust it.
        KeyPair pair = newKeyPair();
        X509Certificate certificate = selfSigned(pair, deviceId, clock.instant());
        PrivateFiles.write(keyFile, Pem.privateKey(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                PrivateFiles.OWNER_ONLY);
        PrivateFiles.write(certificateFile, Pem.certificates(certificate).getBytes(StandardCharsets.US_ASCII),
                PrivateFiles.READABLE);
        return new EdgeCa(pair.getPrivate(), certificate, clock);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate in PEM: what modules ({@code EdgeModuleCACertificateFile}) and host applications trust. */
    public String caCertificatePem() {
        return Pem.certificates(certificate);
    }

    /**
     * A new TLS server certificate for the hub, valid 90 days from now: for the names and addresses clients connect to
     * ({@code IOTEDGE_GATEWAYHOSTNAME}, {@code edgeHub}, {@code localhost}, …).
     *
     * @param ipAddresses IPv4 or IPv6 literals
     * @throws IllegalArgumentException with no name at all, or an address that is not a literal
     */
    public IssuedCertificate serverCertificate(List<String> dnsNames, List<String> ipAddresses) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        // BC parses the literal and refuses anything else
        ipAddresses.forEach(address -> names.add(new GeneralName(GeneralName.iPAddress, address)));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs a DNS name or an IP address: clients check it");
        }
        Instant now = clock.instant();
        KeyPair pair = newKeyPair();
        X509Certificate leaf = leaf(commonName("eflow edge hub"), pair.getPublic(), now.minus(BACKDATE),
                now.plus(SERVER_VALIDITY), KeyPurposeId.id_kp_serverAuth, Optional.of(new GeneralNames(names.toArray(GeneralName[]::new))));
        return new IssuedCertificate(pair.getPrivate(), List.of(leaf, certificate));
    }

    /**
     * A module's TLS server certificate, as IoT Edge's workload API issues it: for {@code commonName} (a DNS name or an
     * IP literal) and the module's own name, valid until {@code until} but at most 90 days.
     *
     * @throws IllegalArgumentException when {@code commonName} is neither a DNS name nor an IP literal
     */
    public IssuedCertificate moduleServerCertificate(String moduleId, String commonName, Optional<Instant> until) {
        GeneralName asked = IPAddress.isValid(commonName) ? new GeneralName(GeneralName.iPAddress, commonName)
                : new GeneralName(GeneralName.dNSName, dnsName(commonName));
        GeneralNames names = new GeneralNames(new GeneralName[] {asked, new GeneralName(GeneralName.dNSName, dnsName(moduleId.toLowerCase(Locale.ROOT)))});
        Instant now = clock.instant();
        KeyPair pair = newKeyPair();
        X509Certificate leaf = leaf(commonName(truncate(commonName)), pair.getPublic(), now.minus(BACKDATE),
                earlier(until, now.plus(SERVER_VALIDITY)), KeyPurposeId.id_kp_serverAuth, Optional.of(names));
        return new IssuedCertificate(pair.getPrivate(), List.of(leaf, certificate));
    }

    /**
     * A module's identity certificate, as IoT Edge's workload API issues it: its common name is
     * {@code deviceId/moduleId}, which this hub takes as the module when it logs in with it, and its URI name IoT
     * Edge's {@code azureiot://{hub}/devices/{device}/modules/{module}}. Valid until {@code until} but at most a year;
     * not backdated, as {@link #issueClient} explains.
     */
    public IssuedCertificate moduleIdentityCertificate(ClientId module, String iotHubHostName, Optional<Instant> until) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        KeyPair pair = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, module.toString()).build();
        String uri = "azureiot://" + iotHubHostName + "/devices/" + module.deviceId()
                + module.moduleId().map(m -> "/modules/" + m).orElse("");
        GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        X509Certificate leaf = leaf(subject, pair.getPublic(), now,
                earlier(until, now.atOffset(ZoneOffset.UTC).plusYears(1).toInstant()), KeyPurposeId.id_kp_clientAuth,
                Optional.of(names));
        return new IssuedCertificate(pair.getPrivate(), List.of(leaf, certificate));
    }

    private static Instant earlier(Optional<Instant> asked, Instant limit) {
        return asked.filter(limit::isAfter).orElse(limit);
    }

    /** What a DNS name may hold; anything else would make a certificate TLS clients refuse to parse. */
    private static String dnsName(String name) {
        if (!DNS_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is neither a DNS name nor an IP address");
        }
        return name;
    }

    /**
     * A client certificate for {@code identity}, valid a year from now, written to {@code folder} (made 0700 when
     * missing) as {@value #CLIENT_KEY_FILE} (0600) and {@value #CLIENT_CERTIFICATE_FILE}.
     *
     * <p>Not backdated: only this hub checks it, with the clock it was issued by, and the hub refuses certificates
     * older than the identity's key.
     */
    public ClientCertificate issueClient(ClientId identity, Path folder) throws IOException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        KeyPair pair = newKeyPair();
        // The subject may pass 64 characters (device and module ids go to 128 each): Java and OpenSSL read it.
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, identity.toString()).build();
        X509Certificate leaf = leaf(subject, pair.getPublic(), now,
                now.atOffset(ZoneOffset.UTC).plusYears(1).toInstant(), KeyPurposeId.id_kp_clientAuth, Optional.empty());
        PrivateFiles.createFolder(folder);
        Path keyFile = folder.resolve(CLIENT_KEY_FILE);
        Path certificateFile = folder.resolve(CLIENT_CERTIFICATE_FILE);
        PrivateFiles.write(keyFile, Pem.privateKey(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                PrivateFiles.OWNER_ONLY);
        PrivateFiles.write(certificateFile, Pem.certificates(leaf).getBytes(StandardCharsets.US_ASCII),
                PrivateFiles.READABLE);
        return new ClientCertificate(pair.getPrivate(), leaf, keyFile, certificateFile);
    }

    /**
     * Who a TLS client certificate names, if this CA issued it for a client and it is valid at {@code now}. Only the
     * leaf counts: a chain the client adds proves nothing this CA's signature does not.
     *
     * @param chain leaf first, as the TLS handshake gives it (the handshake proved the client holds the leaf's key)
     * @throws CertificateException saying which check failed
     */
    public ClientId verifyClient(List<X509Certificate> chain, Instant now) throws CertificateException {
        if (chain.isEmpty()) {
            throw new CertificateException("no client certificate");
        }
        X509Certificate leaf = chain.get(0);
        String subject = leaf.getSubjectX500Principal().getName();
        try {
            leaf.verify(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the certificate of '" + subject + "' was not issued by this device's edge CA");
        }
        Date at = Date.from(now);
        try {
            certificate.checkValidity(at);
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new CertificateException("the edge CA is not valid at " + now + " (valid " + validity(certificate) + ")");
        }
        try {
            leaf.checkValidity(at);
        } catch (CertificateExpiredException e) {
            throw new CertificateException("the certificate of '" + subject + "' expired at " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new CertificateException("the certificate of '" + subject + "' is not valid before " + leaf.getNotBefore().toInstant());
        }
        // The hub's own server certificate is signed by this CA too; its name could read as a device id.
        List<String> purposes = leaf.getExtendedKeyUsage();
        if (leaf.getBasicConstraints() >= 0 || purposes == null || !purposes.contains(KeyPurposeId.id_kp_clientAuth.getId())) {
            throw new CertificateException("the certificate of '" + subject + "' is not for client authentication"
                    + " (no clientAuth extended key usage)");
        }
        return identityIn(leaf);
    }

    private static ClientId identityIn(X509Certificate leaf) throws CertificateException {
        RDN[] commonNames = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (commonNames.length != 1 || commonNames[0].isMultiValued()) {
            throw new CertificateException("the certificate's subject '" + leaf.getSubjectX500Principal().getName()
                    + "' does not have one common name");
        }
        ASN1Encodable value = commonNames[0].getFirst().getValue();
        String name = value instanceof ASN1String text ? text.getString() : value.toString();
        String[] parts = name.split("/", -1);
        try {
            return switch (parts.length) {
                case 1 -> ClientId.device(parts[0]);
                case 2 -> ClientId.module(parts[0], parts[1]);
                default -> throw new IllegalArgumentException("more than one '/'");
            };
        } catch (IllegalArgumentException e) {
            throw new CertificateException("the certificate's common name '" + name + "' is not deviceId or deviceId/moduleId");
        }
    }

    private X509Certificate leaf(X500Name subject, PublicKey publicKey, Instant from, Instant until,
                                 KeyPurposeId purpose, Optional<GeneralNames> alternativeNames) {
        // nothing the CA signs outlives it
        Instant notAfter = until.isAfter(certificate.getNotAfter().toInstant()) ? certificate.getNotAfter().toInstant() : until;
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(from),
                    Date.from(notAfter), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            if (alternativeNames.isPresent()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames.get());
            }
            return sign(builder, key);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair, String deviceId, Instant now) {
        X500Name subject = commonName(truncate("eflow edge CA " + deviceId));
        Instant from = now.minus(BACKDATE);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(from),
                    Date.from(from.atOffset(ZoneOffset.UTC).plusYears(10).toInstant()), subject, pair.getPublic())
                    // path length 0: it signs end certificates only
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return sign(builder, pair.getPrivate());
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the edge CA certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is part of every Java runtime", e);
        }
    }


    /** 127 random bits, positive and never zero, as RFC 5280 asks of serial numbers. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }

    private static X500Name commonName(String name) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    }

    private static String truncate(String name) {
        return name.length() <= COMMON_NAME_MAX ? name : name.substring(0, COMMON_NAME_MAX);
    }

    private static String validity(X509Certificate certificate) {
        return certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant();
    }
}

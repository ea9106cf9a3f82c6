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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.time.Period;
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
 *
 * <p>Renewal, as IoT Edge's {@code auto_renew} does it at 80% of a lifetime, but without its failure mode (clients
 * that stop trusting the hub the day the edge CA is replaced): the CA certificate is renewed with the same key and
 * name, so everything it ever signed still verifies, and {@code ca.pem} and the trust bundle hold the new certificate
 * and the old one until the old one expires, so a client holding either trusts both. Modules read the trust bundle
 * through a bind mount of the file, which is why it is rewritten in place rather than replaced.
 */
public final class EdgeCa {
    static final String KEY_FILE = "ca.key.pem";
    static final String CERTIFICATE_FILE = "ca.pem";
    /** What modules mount ({@code EdgeModuleCACertificateFile}): {@code ca.pem}'s certificates, rewritten in place. */
    static final String TRUST_BUNDLE_FILE = "trust-bundle.pem";
    static final Period CA_VALIDITY = Period.ofYears(10);
    /** IoT Edge's default threshold: a certificate is renewed once this share of its lifetime has passed. */
    static final double RENEW_AT = 0.8;
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
    private final Path folder;
    private final Clock clock;
    /** The current CA certificate: what new certificates name as issuer. */
    private volatile X509Certificate certificate;
    /** Certificates this CA had before its renewals, same key and name, kept in the bundle until they expire. */
    private volatile List<X509Certificate> earlier;

    private EdgeCa(PrivateKey key, Path folder, List<X509Certificate> certificates, Clock clock) {
        this.key = key;
        this.folder = folder;
        this.certificate = certificates.get(0);
        this.earlier = List.copyOf(certificates.subList(1, certificates.size()));
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
            List<X509Certificate> certificates = Pem.readCertificates(certificateFile);
            for (X509Certificate certificate : certificates) {
                if (!KeyPairs.belongTogether(key, certificate.getPublicKey())) {
                    throw new IOException(certificateFile + " is not the certificate of " + keyFile
                            + ": restore the pair from a backup, or remove both to make a new edge CA");
                }
            }
            EdgeCa ca = new EdgeCa(key, folder, certificates, clock);
            ca.publishTrustBundle(); // a crash may have left it behind ca.pem
            return ca;
        }
        // No certificate: never made, or a crash came between key and certificate, before anyone could trust it.
        KeyPair pair = newKeyPair();
        X509Certificate certificate = selfSigned(pair.getPrivate(), pair.getPublic(), commonName(truncate("eflow edge CA " + deviceId)),
                clock.instant());
        PrivateFiles.write(keyFile, Pem.privateKey(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                PrivateFiles.OWNER_ONLY);
        PrivateFiles.write(certificateFile, Pem.certificates(certificate).getBytes(StandardCharsets.US_ASCII),
                PrivateFiles.READABLE);
        EdgeCa ca = new EdgeCa(pair.getPrivate(), folder, List.of(certificate), clock);
        ca.publishTrustBundle();
        return ca;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * The CA's certificates in PEM, the current one first, then earlier ones not yet expired: what modules
     * ({@code EdgeModuleCACertificateFile}) and host applications trust.
     */
    public String caCertificatePem() {
        Instant now = clock.instant();
        List<X509Certificate> all = new ArrayList<>();
        all.add(certificate);
        earlier.stream().filter(old -> old.getNotAfter().toInstant().isAfter(now)).forEach(all::add);
        return Pem.certificates(all.toArray(X509Certificate[]::new));
    }

    /** The file modules mount to trust the hub: the same certificates as {@link #caCertificatePem()}. */
    public Path trustBundle() {
        return folder.resolve(TRUST_BUNDLE_FILE);
    }

    /** When the current CA certificate is renewed by {@link #renewIfDue()}. */
    public Instant renewsAt() {
        return renewalTime(certificate);
    }

    /**
     * The time from which a certificate is due for renewal: {@value #RENEW_AT} of its lifetime after it starts.
     * Callers compare it with the wall clock each time they check, never as a timer, so a clock that jumps ahead
     * renews at once rather than after the timer's wait.
     */
    public static Instant renewalTime(X509Certificate certificate) {
        Instant from = certificate.getNotBefore().toInstant();
        Duration lifetime = Duration.between(from, certificate.getNotAfter().toInstant());
        return from.plusMillis((long) (lifetime.toMillis() * RENEW_AT));
    }

    /**
     * Renews the CA certificate if {@link #renewsAt()} has come: same key, same name, a new lifetime from now; the
     * old certificate stays in {@code ca.pem} and the trust bundle until it expires.
     *
     * @return whether it renewed: certificates issued before still verify, but the hub's server certificate should
     *         name the new one in its chain
     * @throws IOException when the new certificate cannot be saved; the current one stays in use
     */
    public synchronized boolean renewIfDue() throws IOException {
        Instant now = clock.instant();
        if (now.isBefore(renewsAt())) {
            return false;
        }
        X509Certificate renewed = selfSigned(key, certificate.getPublicKey(),
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), now);
        List<X509Certificate> kept = new ArrayList<>();
        kept.add(renewed);
        kept.add(certificate);
        earlier.forEach(kept::add);
        kept.removeIf(old -> old != renewed && !old.getNotAfter().toInstant().isAfter(now));
        PrivateFiles.write(folder.resolve(CERTIFICATE_FILE),
                Pem.certificates(kept.toArray(X509Certificate[]::new)).getBytes(StandardCharsets.US_ASCII), PrivateFiles.READABLE);
        certificate = renewed;
        earlier = List.copyOf(kept.subList(1, kept.size()));
        publishTrustBundle();
        return true;
    }

    /**
     * Writes the trust bundle over the file modules have mounted, in place: a bind mount holds the file, so a new
     * file renamed over it would never reach a running module. Written then cut to length, the file is never empty.
     */
    private void publishTrustBundle() throws IOException {
        byte[] bytes = caCertificatePem().getBytes(StandardCharsets.US_ASCII);
        Path file = trustBundle();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            for (long at = 0; buffer.hasRemaining(); ) {
                at += channel.write(buffer, at);
            }
            channel.truncate(bytes.length);
            channel.force(true);
        }
        Files.setPosixFilePermissions(file, PrivateFiles.READABLE);
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
                    // the key's identifier only: with the CA's serial in it too, OpenSSL would not take the CA's renewed
                    // certificate (same key and name, new serial) as the issuer
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate.getPublicKey()));
            if (alternativeNames.isPresent()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames.get());
            }
            return sign(builder, key);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    /** The same name and key give the same key identifier: a renewed certificate stands in for the one before. */
    private static X509Certificate selfSigned(PrivateKey privateKey, PublicKey publicKey, X500Name subject, Instant now) {
        Instant from = now.minus(BACKDATE);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(from),
                    Date.from(from.atOffset(ZoneOffset.UTC).plus(CA_VALIDITY).toInstant()), subject, publicKey)
                    // path length 0: it signs end certificates only
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey));
            return sign(builder, privateKey);
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

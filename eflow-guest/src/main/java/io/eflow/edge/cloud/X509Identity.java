package io.eflow.edge.cloud;

import io.eflow.edge.hub.auth.KeyPairs;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * A device's X.509 identity: its certificate chain (leaf first) and the leaf's private key, both PEM as the user gave
 * them. Checked when read, so a wrong pair is refused before anything is tried or kept.
 */
public record X509Identity(String certificatePem, String privateKeyPem) {
    /**
     * How far the device's clock may lag the CA's: a certificate issued a moment ago on another machine is taken by a
     * device whose clock is a little behind (a VM's often is), and IoT Hub checks the validity again with its own.
     */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(10);
    /**
     * The identity, checked: the key is the leaf's, each certificate is valid at {@code now}, and each but the last is
     * signed by the next one (a chain in order with nothing missing between).
     *
     * @throws IllegalArgumentException in one line, naming what is wrong
     */
    public static X509Identity of(String certificatePem, String privateKeyPem, Instant now) {
        if (certificatePem == null || certificatePem.isBlank()) {
            throw new IllegalArgumentException("the identity certificate is missing");
        }
        if (privateKeyPem == null || privateKeyPem.isBlank()) {
            throw new IllegalArgumentException("the identity key is missing");
        }
        X509Identity identity = new X509Identity(certificatePem, privateKeyPem);
        List<X509Certificate> chain = identity.chain();
        PrivateKey key = identity.privateKey();
        X509Certificate leaf = chain.get(0);
        if (!KeyPairs.belongTogether(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException("the identity key is not the key of the certificate for " + subject(leaf));
        }
        for (X509Certificate certificate : chain) {
            if (now.isAfter(certificate.getNotAfter().toInstant())) {
                throw new IllegalArgumentException("the certificate for " + subject(certificate) + " expired on "
                        + certificate.getNotAfter().toInstant());
            }
            if (now.plus(CLOCK_SKEW).isBefore(certificate.getNotBefore().toInstant())) {
                throw new IllegalArgumentException("the certificate for " + subject(certificate) + " is not valid before "
                        + certificate.getNotBefore().toInstant());
            }
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("the certificate chain is incomplete or out of order: " + subject(chain.get(i))
                        + " is not signed by the next one, " + subject(chain.get(i + 1)));
            }
        }
        return identity;
    }

    /** The leaf's subject common name: DPS takes it as the registration id, IoT Hub as the device id. */
    public String commonName() {
        String name = chain().get(0).getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String part : name.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return "";
    }

    public Instant notAfter() {
        return chain().stream().map(X509Certificate::getNotAfter).min(Date::compareTo).orElseThrow().toInstant();
    }

    /** The certificates, leaf first. */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)))) {
                chain.add((X509Certificate) certificate);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the identity certificate is not PEM: " + firstLine(e));
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the identity certificate file holds no PEM certificate");
        }
        return chain;
    }

    public PrivateKey privateKey() {
        try (PEMParser parser = new PEMParser(new StringReader(privateKeyPem))) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException("the identity key file holds no unencrypted PEM private key");
        } catch (IOException e) {
            throw new IllegalArgumentException("the identity key is not a PEM private key: " + firstLine(e));
        }
    }

    /**
     * What TLS presents as the client: this chain and key, whatever CAs the server names as acceptable (IoT Hub and DPS
     * name none that a device's own CA would match, and the JDK's default manager would then present nothing).
     */
    public KeyManager[] keyManagers() {
        return new KeyManager[] {new Presenting(chain().toArray(X509Certificate[]::new), privateKey())};
    }

    private static final class Presenting extends X509ExtendedKeyManager {
        private static final String ALIAS = "device";
        private final X509Certificate[] chain;
        private final PrivateKey key;

        Presenting(X509Certificate[] chain, PrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }


    private static String subject(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName(X500Principal.RFC2253) + "'";
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** The PEM holds the private key: never shown. */
    @Override
    public String toString() {
        return "X509Identity[" + commonName() + "]";
    }
}

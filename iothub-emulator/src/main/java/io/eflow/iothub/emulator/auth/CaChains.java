package io.eflow.iothub.emulator.auth;

import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * IoT Hub's certificateAuthority check (also DPS's for an X.509 enrollment group): the leaf names the device as its common name, is valid now, and chains —
 * through intermediates the client presented, each a valid CA certificate — to one of the hub's registered CAs.
 */
public final class CaChains {
    private static final int MAX_LENGTH = 8;

    private CaChains() {
    }

    public static List<X509Certificate> parse(Collection<String> pems) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String pem : pems) {
                for (var certificate : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                    certificates.add((X509Certificate) certificate);
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("a registered CA certificate cannot be read: " + e.getMessage(), e);
        }
        return certificates;
    }

    public static void verify(IdentityRef ref, List<X509Certificate> chain, List<X509Certificate> roots) {
        if (ref.isModule()) {
            throw HubException.unauthorized("certificateAuthority authentication is for devices, not '" + ref + "'");
        }
        X509Certificate current = chain.get(0);
        if (!ref.deviceId().equals(commonName(current))) {
            throw HubException.unauthorized("the certificate names '" + commonName(current) + "', not device '" + ref + "'");
        }
        try {
            current.checkValidity();
            for (int depth = 0; depth < MAX_LENGTH; depth++) {
                for (X509Certificate root : roots) {
                    if (signedBy(current, root)) {
                        root.checkValidity();
                        return;
                    }
                }
                X509Certificate issuer = null;
                for (X509Certificate candidate : chain) {
                    if (candidate != current && candidate.getBasicConstraints() >= 0 && signedBy(current, candidate)) {
                        issuer = candidate;
                        break;
                    }
                }
                if (issuer == null) {
                    break;
                }
                issuer.checkValidity();
                current = issuer;
            }
        } catch (GeneralSecurityException e) {
            throw HubException.unauthorized("the certificate chain of '" + ref + "' is not valid: " + e.getMessage());
        }
        throw HubException.unauthorized("the certificate of '" + ref + "' does not chain to a CA registered with the hub");
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The certificate's SHA-1 or SHA-256 thumbprint as IoT Hub and DPS write it: hex, upper case. */
    public static String thumbprint(X509Certificate certificate, String algorithm) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()))
                    .toUpperCase(Locale.ROOT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot take the " + algorithm + " thumbprint: " + e.getMessage(), e);
        }
    }

    public static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }
}

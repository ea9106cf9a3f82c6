package io.eflow.edge.hub.auth;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate the edge CA issued with the key it was made for: the chain is leaf then edge CA, as a TLS peer presents
 * it. The hub's own server certificate (made at each runtime start, kept in memory only) and the modules' server and
 * identity certificates from the workload API.
 */
public record IssuedCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
    public IssuedCertificate {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The key in PKCS#8 PEM, for a module that asked the workload API for a certificate. */
    public String privateKeyPem() {
        return Pem.privateKey(privateKey);
    }

    /** The chain in PEM, leaf first. */
    public String chainPem() {
        return Pem.certificates(chain.toArray(X509Certificate[]::new));
    }

    /** Without the key. */
    @Override
    public String toString() {
        return "certificate " + leaf().getSubjectX500Principal() + ", until " + leaf().getNotAfter().toInstant();
    }
}

package io.eflow.edge.hub.auth;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The hub's TLS server certificate: its key and the chain it presents, leaf then edge CA. Made at each runtime start
 * and kept in memory only.
 */
public record ServerCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
    public ServerCertificate {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Without the key. */
    @Override
    public String toString() {
        return "server certificate " + leaf().getSubjectX500Principal() + ", until " + leaf().getNotAfter().toInstant();
    }
}

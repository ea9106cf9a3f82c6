package io.eflow.edge.hub.auth;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A client's certificate from the edge CA, and the PEM files it was written to: {@code keyFile} 0600,
 * {@code certificateFile} readable.
 */
public record ClientCertificate(PrivateKey privateKey, X509Certificate certificate, Path keyFile, Path certificateFile) {
    public ClientCertificate {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(certificateFile, "certificateFile");
    }

    /** Without the key. */
    @Override
    public String toString() {
        return "client certificate " + certificate.getSubjectX500Principal() + " in " + certificateFile;
    }
}

package io.eflow.iothub.emulator.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** The server's key and certificate chain (leaf first, then the CA), for the MQTT and HTTPS listeners. */
public record ServerIdentity(PrivateKey key, List<X509Certificate> chain) {
    public ServerIdentity {
        chain = List.copyOf(chain);
    }

    public X509Certificate[] chainArray() {
        return chain.toArray(X509Certificate[]::new);
    }
}

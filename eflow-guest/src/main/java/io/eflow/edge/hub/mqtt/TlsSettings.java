package io.eflow.edge.hub.mqtt;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The TLS listener's identity: the hub's server certificate (issued by the edge CA) and, when clients may log in
 * with X.509 certificates, the CA their certificates must chain to.
 *
 * @param key      the server certificate's private key
 * @param chain    the server certificate first, then the CAs up to (not necessarily including) the root
 * @param clientCa the CA that issues client certificates; without it the server asks for none
 */
public record TlsSettings(PrivateKey key, List<X509Certificate> chain, Optional<X509Certificate> clientCa) {
    public TlsSettings {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs its certificate");
        }
        Objects.requireNonNull(clientCa, "clientCa");
    }

    /** TLS 1.2 and 1.3 only (IoT Hub refuses older versions); the JDK's provider, as the guest ships no native one. */
    SslContext serverContext() throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2");
        // OPTIONAL: a client with a SAS token shows no certificate, one with a certificate logs in by it
        clientCa.ifPresent(ca -> builder.clientAuth(ClientAuth.OPTIONAL).trustManager(ca));
        return builder.build();
    }
}

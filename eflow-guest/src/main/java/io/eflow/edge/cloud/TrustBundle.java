package io.eflow.edge.cloud;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What the device trusts in a server's TLS certificate: the Java runtime's public CAs, and the certificates of the
 * trust bundle if one was given (IoT Edge's {@code trust_bundle_cert}).
 */
public final class TrustBundle {
    private final List<X509Certificate> extra;

    private TrustBundle(List<X509Certificate> extra) {
        this.extra = List.copyOf(extra);
    }

    /** @throws IllegalArgumentException when the PEM holds no certificate or one that cannot be read */
    public static TrustBundle of(Optional<String> pem) {
        if (pem.isEmpty()) {
            return new TrustBundle(List.of());
        }
        Collection<? extends Certificate> read;
        try {
            read = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.get().getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the trust bundle is not PEM certificates: " + e.getMessage());
        }
        if (read.isEmpty()) {
            throw new IllegalArgumentException("the trust bundle holds no certificate: give the CA certificates as PEM");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate c : read) {
            certificates.add((X509Certificate) c);
        }
        return new TrustBundle(certificates);
    }

    public int size() {
        return extra.size();
    }

    /** TLS that trusts the runtime's CAs and the bundle's. */
    public SSLContext sslContext() {
        return sslContext(null);
    }

    /** TLS that trusts the runtime's CAs and the bundle's and presents {@code client} (null for no certificate). */
    public SSLContext sslContext(KeyManager[] client) {
        try {
            List<TrustManager> managers = new ArrayList<>();
            managers.add(defaultTrust(null));
            if (!extra.isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < extra.size(); i++) {
                    store.setCertificateEntry("trust-bundle-" + i, extra.get(i));
                }
                managers.add(defaultTrust(store));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(client, new TrustManager[] {new EitherTrust(managers)}, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with the trust bundle", e);
        }
    }

    private static X509TrustManager defaultTrust(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in this Java runtime");
    }

    /** A chain is trusted when any of the managers trusts it: the public CAs or the bundle's. */
    private record EitherTrust(List<TrustManager> managers) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the device does not accept TLS clients");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = null;
            for (TrustManager manager : managers) {
                try {
                    ((X509TrustManager) manager).checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream().flatMap(m -> Arrays.stream(((X509TrustManager) m).getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
    }
}

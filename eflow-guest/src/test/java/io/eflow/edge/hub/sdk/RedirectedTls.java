package io.eflow.edge.hub.sdk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose sockets reach the hub on its ephemeral TLS port whatever port they are asked for. The
 * Java SDK takes no port: over MQTT it connects to {@code ssl://{GatewayHostName}:8883} through the socket factory of
 * the {@code ClientOptions.sslContext} it is given (and refuses a proxy). TLS is the given context's, on the name the
 * SDK asked for, so the hub's certificate is checked as a module checks it; no test needs 8883 free.
 */
final class RedirectedTls {
    /** {@code host:port} of every connect the SDK asked for. */
    final List<String> asked = new CopyOnWriteArrayList<>();
    final SSLContext context;

    RedirectedTls(SSLContext tls, int port) {
        Factory factory = new Factory(tls.getSocketFactory(), port, asked);
        this.context = new SSLContext(new Spi(tls, factory), tls.getProvider(), tls.getProtocol()) {
        };
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext tls;
        private final SSLSocketFactory factory;

        Spi(SSLContext tls, SSLSocketFactory factory) {
            this.tls = tls;
            this.factory = factory;
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
            // the wrapped context is initialised: this one only redirects its sockets
            throw new UnsupportedOperationException("a redirecting context wraps an initialised one and is not initialised itself");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return factory;
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return tls.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return tls.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return tls.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return tls.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return tls.getClientSessionContext();
        }
    }

    /** Paho creates an unconnected socket and connects it: that socket is the one redirected. */
    private static final class Factory extends SSLSocketFactory {
        private final SSLSocketFactory tls;
        private final int port;
        private final List<String> asked;

        Factory(SSLSocketFactory tls, int port, List<String> asked) {
            this.tls = tls;
            this.port = port;
            this.asked = asked;
        }

        @Override
        public Socket createSocket() {
            return new RedirectedSslSocket(tls, port, asked);
        }

        @Override
        public Socket createSocket(String host, int ignored) throws IOException {
            asked.add(host + ":" + ignored);
            return tls.createSocket(new Socket(InetAddress.getLoopbackAddress(), port), host, ignored, true);
        }

        @Override
        public Socket createSocket(String host, int ignored, InetAddress localHost, int localPort) throws IOException {
            return createSocket(host, ignored);
        }

        @Override
        public Socket createSocket(InetAddress host, int ignored) throws IOException {
            return createSocket(host.getHostName(), ignored);
        }

        @Override
        public Socket createSocket(InetAddress host, int ignored, InetAddress localHost, int localPort)
                throws IOException {
            return createSocket(host.getHostName(), ignored);
        }

        @Override
        public Socket createSocket(Socket layered, String host, int port, boolean autoClose) throws IOException {
            return tls.createSocket(layered, host, port, autoClose);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }
    }
}

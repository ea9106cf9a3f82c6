package io.eflow.samples.module;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Where the hub's TLS port is really reached: a forward such as {@code eflow forward add 18883 8883} on the host, or a
 * test's hub on a free port. The SDK always connects to {@code {GatewayHostName}:8883}; {@link #over} gives it a TLS
 * context whose sockets connect here instead, while TLS still names (SNI) and verifies the gateway host name the SDK
 * asked for, which the hub's server certificate carries.
 */
public record Forward(String host, int port) {
    public Forward {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a forward's port is 1-65535, not " + port);
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /** {@code tls} (initialized: it holds the trust), its client sockets connected through this forward. */
    public SSLContext over(SSLContext tls) {
        SSLSocketFactory forwarded = new Factory(tls.getSocketFactory(), this);
        return new SSLContext(new SSLContextSpi() {
            @Override
            protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
                throw new KeyManagementException("initialized already");
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                return forwarded;
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
        }, tls.getProvider(), tls.getProtocol()) {
        };
    }

    /** Paho asks for an unconnected socket and connects it: that socket goes through the forward. */
    private static final class Factory extends SSLSocketFactory {
        private final SSLSocketFactory tls;
        private final Forward forward;

        Factory(SSLSocketFactory tls, Forward forward) {
            this.tls = tls;
            this.forward = forward;
        }

        @Override
        public Socket createSocket() {
            return new ForwardedSslSocket(tls, forward.address());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connected(host, port);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(host.getHostName(), port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return connected(address.getHostName(), port);
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return tls.createSocket(socket, host, port, autoClose);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }

        private SSLSocket connected(String host, int port) throws IOException {
            ForwardedSslSocket socket = new ForwardedSslSocket(tls, forward.address());
            socket.connect(InetSocketAddress.createUnresolved(host, port), 0);
            return socket;
        }
    }
}

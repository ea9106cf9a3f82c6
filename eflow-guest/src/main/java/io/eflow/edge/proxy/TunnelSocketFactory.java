package io.eflow.edge.proxy;

import io.eflow.contract.proxy.ProxySettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets that reach their endpoint through the https proxy with an HTTP CONNECT when the settings name one for
 * its host, and directly otherwise; TLS then runs end to end inside the tunnel. Paho takes it as its socket factory:
 * it makes an unconnected socket, connects it, and treats it as an {@link SSLSocket} from there on.
 */
public final class TunnelSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory tls;
    private final Supplier<ProxySettings> proxy;

    public TunnelSocketFactory(SSLSocketFactory tls, Supplier<ProxySettings> proxy) {
        this.tls = tls;
        this.proxy = proxy;
    }

    @Override
    public Socket createSocket() {
        return new TunnelledSocket(this);
    }

    /** The raw connection to {@code target}: a CONNECT tunnel through the proxy, or a direct TCP connection. */
    Socket open(InetSocketAddress target, int timeoutMillis) throws IOException {
        String host = target.getHostString();
        InetSocketAddress via = proxy.get().proxyFor(host, true);
        if (via == null) {
            Socket direct = new Socket();
            direct.connect(target, timeoutMillis);
            return direct;
        }
        // Java's socket with an HTTP proxy speaks CONNECT itself; the target stays a name for the proxy to resolve
        Socket tunnel = new Socket(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(via.getHostString(), via.getPort())));
        try {
            // bounds the wait for the proxy's answer to CONNECT too, not only the TCP connect
            tunnel.setSoTimeout(timeoutMillis);
            tunnel.connect(InetSocketAddress.createUnresolved(host, target.getPort()), timeoutMillis);
            tunnel.setSoTimeout(0);
        } catch (IOException e) {
            tunnel.close();
            throw new IOException("through the proxy " + via.getHostString() + ":" + via.getPort() + ": " + e.getMessage(), e);
        }
        return tunnel;
    }

    SSLSocket layer(Socket raw, InetSocketAddress target) throws IOException {
        return (SSLSocket) tls.createSocket(raw, target.getHostString(), target.getPort(), true);
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return tls.createSocket(socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket(address, port);
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

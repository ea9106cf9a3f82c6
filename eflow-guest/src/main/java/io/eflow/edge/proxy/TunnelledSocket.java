package io.eflow.edge.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The unconnected TLS socket {@link TunnelSocketFactory} hands out: {@code connect} opens the raw connection (through
 * the proxy or not) and layers TLS on it; everything after that is the layered socket's, except that the end of its
 * input is held back while the connection is young ({@link EarlyEndGuard}).
 */
final class TunnelledSocket extends SSLSocket {
    private final TunnelSocketFactory factory;
    private volatile SSLSocket tls;
    /** The raw connection while TLS is not yet layered on it, so that close() can end a connect in progress. */
    private volatile Socket raw;

    TunnelledSocket(TunnelSocketFactory factory) {
        this.factory = factory;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (!(endpoint instanceof InetSocketAddress target)) {
            throw new IllegalArgumentException("not an internet address: " + endpoint);
        }
        raw = factory.open(target, timeout);
        try {
            tls = factory.layer(raw, target);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    private SSLSocket tls() throws SocketException {
        if (tls == null) {
            throw new SocketException("not connected");
        }
        return tls;
    }

    private SSLSocket connected() {
        if (tls == null) {
            throw new IllegalStateException("not connected");
        }
        return tls;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        // timed from here, not from the connect: Paho takes the stream after the handshake, just before it starts the
        // threads whose start it waits for, and a slow connect or handshake must not use the time up
        return EarlyEndGuard.holdingEnd(tls().getInputStream(), System.nanoTime());
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return tls().getOutputStream();
    }

    @Override
    public void close() throws IOException {
        if (tls != null) {
            tls.close();
        } else if (raw != null) {
            raw.close();
        }
    }

    @Override
    public boolean isConnected() {
        return tls != null && tls.isConnected();
    }

    @Override
    public boolean isClosed() {
        return tls != null && tls.isClosed();
    }

    @Override
    public InetAddress getInetAddress() {
        return tls == null ? null : tls.getInetAddress();
    }

    @Override
    public int getPort() {
        return tls == null ? 0 : tls.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return tls == null ? null : tls.getLocalAddress();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return tls == null ? null : tls.getRemoteSocketAddress();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        tls().setSoTimeout(timeout);
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
        return tls().getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        tls().setTcpNoDelay(on);
    }

    @Override
    public void shutdownInput() throws IOException {
        tls().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tls().shutdownOutput();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return connected().getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return connected().getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        connected().setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return connected().getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return connected().getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        connected().setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return connected().getSession();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return connected().getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        connected().setSSLParameters(parameters);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        connected().addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        connected().removeHandshakeCompletedListener(listener);
    }

    @Override
    public void startHandshake() throws IOException {
        tls().startHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        connected().setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return connected().getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        connected().setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return connected().getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        connected().setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return connected().getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        connected().setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return connected().getEnableSessionCreation();
    }
}

package io.eflow.samples.module;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS client socket that, asked to connect to {@code host:port}, connects TCP to its forward instead and runs TLS
 * over that as {@code host:port} (SNI, certificate check). Everything after the connection is the JDK's own TLS
 * socket's; before it, there is nothing to do (Paho sets nothing before it connects).
 */
final class ForwardedSslSocket extends SSLSocket {
    private final SSLSocketFactory tls;
    private final InetSocketAddress forward;
    private SSLSocket socket;
    private boolean closed;

    ForwardedSslSocket(SSLSocketFactory tls, InetSocketAddress forward) {
        this.tls = tls;
        this.forward = forward;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public synchronized void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (!(endpoint instanceof InetSocketAddress named)) {
            throw new IllegalArgumentException("a TCP address, not " + endpoint);
        }
        if (closed || socket != null) {
            throw new SocketException(closed ? "Socket is closed" : "already connected");
        }
        Socket tcp = new Socket();
        try {
            tcp.connect(forward.isUnresolved() ? new InetSocketAddress(forward.getHostString(), forward.getPort()) : forward, timeout);
            socket = (SSLSocket) tls.createSocket(tcp, named.getHostString(), named.getPort(), true);
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    private synchronized SSLSocket tls() {
        if (socket == null) {
            throw new IllegalStateException("not connected yet");
        }
        return socket;
    }

    private synchronized SSLSocket connected() throws SocketException {
        if (socket == null) {
            throw new SocketException(closed ? "Socket is closed" : "Socket is not connected");
        }
        return socket;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (socket != null) {
            socket.close();
        }
    }

    @Override
    public synchronized boolean isConnected() {
        return socket != null && socket.isConnected();
    }

    @Override
    public synchronized boolean isClosed() {
        return closed || socket != null && socket.isClosed();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return connected().getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return connected().getOutputStream();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        connected().setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return connected().getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        connected().setTcpNoDelay(on);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        connected().setKeepAlive(on);
    }

    @Override
    public void shutdownInput() throws IOException {
        connected().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        connected().shutdownOutput();
    }

    @Override
    public InetAddress getInetAddress() {
        return socket == null ? null : socket.getInetAddress();
    }

    @Override
    public int getPort() {
        return socket == null ? 0 : socket.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket == null ? null : socket.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return socket == null ? -1 : socket.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket == null ? null : socket.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket == null ? null : socket.getLocalSocketAddress();
    }

    @Override
    public void startHandshake() throws IOException {
        connected().startHandshake();
    }

    @Override
    public SSLSession getSession() {
        return tls().getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return tls().getHandshakeSession();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return tls().getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        tls().setSSLParameters(parameters);
    }

    @Override
    public String getApplicationProtocol() {
        return tls().getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return tls().getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
        tls().setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return tls().getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        tls().setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return tls().getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return tls().getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        tls().setEnabledProtocols(protocols);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tls().addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tls().removeHandshakeCompletedListener(listener);
    }

    @Override
    public void setUseClientMode(boolean mode) {
        tls().setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return tls().getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        tls().setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return tls().getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        tls().setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return tls().getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        tls().setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return tls().getEnableSessionCreation();
    }

    @Override
    public String toString() {
        return "ForwardedSslSocket[" + (socket == null ? "via " + forward : socket) + "]";
    }
}

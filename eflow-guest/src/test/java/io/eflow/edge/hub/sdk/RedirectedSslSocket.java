package io.eflow.edge.hub.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An unconnected TLS socket whose connect goes to one local port, keeping the host name it was asked for as TLS's
 * (SNI and the certificate check); from then on it is the real TLS socket layered on that connection. What Paho
 * calls on an MQTT client's socket is handed over; nothing works before the connect.
 */
final class RedirectedSslSocket extends SSLSocket {
    private final SSLSocketFactory tls;
    private final int port;
    private final List<String> asked;
    private SSLSocket socket;

    RedirectedSslSocket(SSLSocketFactory tls, int port, List<String> asked) {
        this.tls = tls;
        this.port = port;
        this.asked = asked;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        InetSocketAddress wanted = (InetSocketAddress) endpoint;
        asked.add(wanted.getHostString() + ":" + wanted.getPort());
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
        socket = (SSLSocket) tls.createSocket(plain, wanted.getHostString(), wanted.getPort(), true);
    }

    private SSLSocket socket() throws SocketException {
        if (socket == null) {
            throw new SocketException("not connected");
        }
        return socket;
    }

    @Override
    public boolean isConnected() {
        return socket != null && socket.isConnected();
    }

    @Override
    public boolean isClosed() {
        return socket != null && socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return socket().getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return socket().getOutputStream();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        socket().setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return socket().getSoTimeout();
    }

    @Override
    public void shutdownInput() throws IOException {
        socket().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket().shutdownOutput();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return socket.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        socket.setSSLParameters(parameters);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return socket.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return socket.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        socket.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return socket.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return socket.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        socket.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return socket.getSession();
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        socket.addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        socket.removeHandshakeCompletedListener(listener);
    }

    @Override
    public void startHandshake() throws IOException {
        socket().startHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        socket.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return socket.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        socket.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return socket.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        socket.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return socket.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean enable) {
        socket.setEnableSessionCreation(enable);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return socket.getEnableSessionCreation();
    }
}

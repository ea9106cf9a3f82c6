package io.eflow.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1, one request per connection: the only HTTP the CLI speaks, to its own daemon over the host's UNIX socket,
 * or to another host's daemon over HTTPS ({@code eflow --host}) with an API token. Jetty's HttpClient can do both,
 * but in a fresh JVM it took ~0.9 s to its first answer here (thread pool, scheduler, selector, hundreds of classes)
 * against ~40 ms for this, and every CLI command is a fresh JVM. Answers are read with Content-Length, chunked
 * transfer coding (deploy's streamed progress) or until close.
 */
final class DaemonHttp {
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final Path socket;
    private final URI remote;
    private final SSLSocketFactory tls;
    private final String token;

    private DaemonHttp(Path socket, URI remote, SSLSocketFactory tls, String token) {
        this.socket = socket;
        this.remote = remote;
        this.tls = tls;
        this.token = token;
    }

    /** The host's own daemon, on its root-only socket. */
    static DaemonHttp unix(Path socket) {
        return new DaemonHttp(socket, null, null, null);
    }

    /**
     * Another host's daemon ({@code https://host:port}), its certificate checked by {@code trust} against the name in
     * the URL.
     *
     * @param token an API token, sent as a bearer token; null: none (every call but the login is then refused)
     */
    static DaemonHttp remote(URI base, SSLContext trust, String token) {
        return new DaemonHttp(null, base, trust.getSocketFactory(), token);
    }

    /** Where the daemon is, for messages: its socket or URL. */
    String where() {
        return socket != null ? socket.toString() : remote.toString();
    }

    boolean isRemote() {
        return remote != null;
    }

    /** Nothing listens (no socket file, a file left by a dead daemon, or no answer at the remote address). */
    static final class NotAnswering extends IOException {
        NotAnswering(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Sends one request; {@code body} may be null. The caller closes the answer. */
    Response send(String method, String target, byte[] body) throws IOException {
        return send(method, target, body, "application/json");
    }

    /** Sends one request with a body of the given media type. The caller closes the answer. */
    Response send(String method, String target, byte[] body, String contentType) throws IOException {
        Connection connection = connect();
        try {
            try {
                write(connection.out(), method, target, body, contentType);
            } catch (IOException writeFailed) {
                // the daemon may answer (404, 400) before it has read the body, then close: its answer is still
                // waiting in our receive buffer, and it says more than "broken pipe" would
                try {
                    return read(connection);
                } catch (IOException noAnswer) {
                    writeFailed.addSuppressed(noAnswer);
                    throw writeFailed;
                }
            }
            return read(connection);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** An open connection's two directions, and what closes it. */
    private record Connection(InputStream in, OutputStream out, Closeable closer) implements Closeable {
        @Override
        public void close() throws IOException {
            closer.close();
        }
    }

    private Connection connect() throws IOException {
        if (socket != null) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                channel.close();
                throw new NotAnswering(e.getMessage(), e);
            }
            return new Connection(new BufferedInputStream(Channels.newInputStream(channel)), Channels.newOutputStream(channel), channel);
        }
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(remote.getHost(), port()), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            plain.close();
            throw new NotAnswering(e.getMessage(), e);
        }
        SSLSocket secure = (SSLSocket) tls.createSocket(plain, remote.getHost(), port(), true);
        try {
            SSLParameters parameters = secure.getSSLParameters();
            // the certificate must name the host the user asked for, as a browser would check
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
            secure.setSSLParameters(parameters);
            secure.startHandshake();
        } catch (IOException e) {
            secure.close();
            throw new IOException("TLS with " + remote.getHost() + ":" + port() + " failed: " + e.getMessage()
                    + " (is --ca the console's CA, and does its certificate name this host?)", e);
        }
        return new Connection(new BufferedInputStream(secure.getInputStream()), secure.getOutputStream(), secure);
    }

    private int port() {
        return remote.getPort() == -1 ? 443 : remote.getPort();
    }

    private void write(OutputStream out, String method, String target, byte[] body, String contentType) throws IOException {
        byte[] head = head(method, target, body, contentType).getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + (body == null ? 0 : body.length)];
        System.arraycopy(head, 0, request, 0, head.length);
        if (body != null) {
            System.arraycopy(body, 0, request, head.length, body.length);
        }
        out.write(request);
        out.flush();
    }

    private String head(String method, String target, byte[] body, String contentType) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(remote == null ? target : remote.getRawPath().replaceAll("/$", "") + target)
                .append(" HTTP/1.1\r\n")
                .append("Host: ").append(remote == null ? "eflowd" : remote.getHost() + ":" + port()).append("\r\n")
                .append("Connection: close\r\n")
                .append("Accept: application/json, application/x-ndjson\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n").append("Content-Length: ").append(body.length).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static Response read(Connection connection) throws IOException {
        InputStream in = connection.in();
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("the daemon closed the connection without an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + statusLine, e);
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        InputStream body;
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = new ChunkedInputStream(in);
        } else if (headers.containsKey("content-length")) {
            body = new BoundedInputStream(in, Long.parseLong(headers.get("content-length")));
        } else {
            body = in;
        }
        return new Response(status, headers, body, connection);
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, without the terminator; null at end of stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= MAX_HEADER_LINE) {
                throw new IOException("HTTP line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** An answer: status, lower-cased headers and the body, which is read from the open connection. */
    record Response(int status, Map<String, String> headers, InputStream body, Closeable connection) implements Closeable {
        byte[] bodyBytes() throws IOException {
            return body.readAllBytes();
        }

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    /** Exactly {@code length} bytes, then end of stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b == -1) {
                throw new IOException("the daemon's answer ended " + remaining + " bytes early");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n == -1) {
                throw new IOException("the daemon's answer ended " + remaining + " bytes early");
            }
            remaining -= n;
            return n;
        }
    }
}

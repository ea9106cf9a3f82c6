package io.eflow.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a UNIX socket, one request per connection: the only HTTP the CLI speaks, to its own daemon.
 * Jetty's HttpClient can do it too, but in a fresh JVM it took ~0.9 s to its first answer here (thread pool,
 * scheduler, selector, hundreds of classes) against ~40 ms for this, and every CLI command is a fresh JVM.
 * Answers are read with Content-Length, chunked transfer coding (deploy's streamed progress) or until close.
 */
final class UnixHttpClient {
    private static final int MAX_HEADER_LINE = 16 * 1024;

    private final Path socket;

    UnixHttpClient(Path socket) {
        this.socket = socket;
    }

    Path socket() {
        return socket;
    }

    /** Nothing listens on the socket (no file, or a file left by a dead daemon). */
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
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new NotAnswering(e.getMessage(), e);
        }
        try {
            try {
                write(channel, method, target, body, contentType);
            } catch (IOException writeFailed) {
                // the daemon may answer (404, 400) before it has read the body, then close: its answer is still
                // waiting in our receive buffer, and it says more than "broken pipe" would
                try {
                    return read(channel, new BufferedInputStream(Channels.newInputStream(channel)));
                } catch (IOException noAnswer) {
                    writeFailed.addSuppressed(noAnswer);
                    throw writeFailed;
                }
            }
            return read(channel, new BufferedInputStream(Channels.newInputStream(channel)));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void write(SocketChannel channel, String method, String target, byte[] body, String contentType) throws IOException {
        byte[] head = head(method, target, body, contentType).getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + (body == null ? 0 : body.length)];
        System.arraycopy(head, 0, request, 0, head.length);
        if (body != null) {
            System.arraycopy(body, 0, request, head.length, body.length);
        }
        OutputStream out = Channels.newOutputStream(channel);
        out.write(request);
        out.flush();
    }

    private static String head(String method, String target, byte[] body, String contentType) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: eflowd\r\n")
                .append("Connection: close\r\n")
                .append("Accept: application/json, application/x-ndjson\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n").append("Content-Length: ").append(body.length).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static Response read(SocketChannel channel, InputStream in) throws IOException {
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
        return new Response(status, headers, body, channel);
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
    record Response(int status, Map<String, String> headers, InputStream body, SocketChannel channel) implements Closeable {
        byte[] bodyBytes() throws IOException {
            return body.readAllBytes();
        }

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        @Override
        public void close() throws IOException {
            channel.close();
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

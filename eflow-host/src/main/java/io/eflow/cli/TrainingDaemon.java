package io.eflow.cli;

import io.eflow.daemon.api.CliLine;
import io.eflow.daemon.api.ErrorBody;
import io.eflow.platform.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A stand-in for eflowd during {@link CdsTraining}: it answers canned JSON on a UNIX socket, so the training run goes
 * through the CLI's whole request path (the JDK's UNIX socket channel and the secure random it seeds, the HTTP client,
 * the answer's deserializer, the text rendering) and the AppCDS archive holds those classes too. An answer it has not
 * been given is eflowd's 404 with an {@link ErrorBody}, which trains the error path; a {@link CliLine.Answer} is
 * sent as eflowd sends it, for the lines the CLI hands over. Never used by eflow itself.
 */
final class TrainingDaemon implements Closeable {
    private final ServerSocketChannel server;
    private final Path socket;

    private TrainingDaemon(ServerSocketChannel server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /** Listens on {@code socket} and answers "METHOD target" from {@code answers} until closed. */
    static TrainingDaemon start(Path socket, Map<String, Object> answers) throws IOException {
        Files.createDirectories(socket.getParent());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread thread = new Thread(() -> serve(server, answers), "training-daemon");
        thread.setDaemon(true);
        thread.start();
        return new TrainingDaemon(server, socket);
    }

    private static void serve(ServerSocketChannel server, Map<String, Object> answers) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String request = requestLine(client);
                Object answer = answers.get(request);
                int status = answer == null ? 404 : 200;
                byte[] body = answer instanceof CliLine.Answer line ? line.encode()
                        : Json.write(answer == null ? new ErrorBody("no answer for " + request) : answer);
                String type = answer instanceof CliLine.Answer ? "application/octet-stream" : "application/json";
                String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found") + "\r\nContent-Type: " + type + "\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
                client.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
                client.write(ByteBuffer.wrap(body));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** "METHOD target" of a request, after reading its head and body (the client sends both before it reads). */
    private static String requestLine(SocketChannel client) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        int headEnd;
        while ((headEnd = received.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0) {
            buffer.clear();
            if (client.read(buffer) < 0) {
                throw new IOException("request ended in its head");
            }
            received.write(buffer.array(), 0, buffer.position());
        }
        InputStream head = new ByteArrayInputStream(received.toByteArray(), 0, headEnd + 2);
        String first = DaemonHttp.readLine(head);
        long length = 0;
        for (String line = DaemonHttp.readLine(head); line != null && !line.isEmpty(); line = DaemonHttp.readLine(head)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        long remaining = headEnd + 4 + length - received.size();
        while (remaining > 0) {
            buffer.clear();
            int read = client.read(buffer);
            if (read < 0) {
                break;
            }
            remaining -= read;
        }
        String[] parts = first == null ? new String[0] : first.split(" ");
        return parts.length < 2 ? "" : parts[0] + " " + parts[1];
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}

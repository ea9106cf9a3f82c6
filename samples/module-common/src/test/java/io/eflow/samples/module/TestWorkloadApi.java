package io.eflow.samples.module;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * IoT Edge's workload API as the runtime serves it to modules, on a UNIX socket: {@code GET /trust-bundle} answers
 * the edge CA, {@code POST /modules/{m}/genid/{g}/sign} an HMAC-SHA256 under the module's key; one request per
 * connection, closed after the answer. Anything else is 404. Public: the samples' other modules test on it too.
 */
public final class TestWorkloadApi implements AutoCloseable {
    private static final Pattern SIGN = Pattern.compile("POST /modules/([^/]+)/genid/([^/]+)/sign\\?api-version=\\S+ HTTP/1\\.1");
    private static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([^\"]*)\"");

    private final Path socket;
    private final ServerSocketChannel server;
    private final String caPem;
    private final Map<String, String> moduleKeys;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TestWorkloadApi(Path socket, String caPem, Map<String, String> moduleKeys) throws IOException {
        this.socket = socket;
        this.caPem = caPem;
        this.moduleKeys = Map.copyOf(moduleKeys);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.acceptor = new Thread(this::serve, "test-workload-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @param moduleKeys each module's key (base64), by module id */
    public static TestWorkloadApi start(Path socket, String caPem, Map<String, String> moduleKeys) throws IOException {
        return new TestWorkloadApi(socket, caPem, moduleKeys);
    }

    /** As IOTEDGE_WORKLOADURI has it. */
    public String uri() {
        return "unix://" + socket;
    }

    /** The requests received, whole (head and body), in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                answer(Channels.newInputStream(client), Channels.newOutputStream(client));
            } catch (IOException e) {
                // closed, or a client that went away
            }
        }
    }

    private void answer(InputStream in, OutputStream out) throws IOException {
        String head = readHead(in);
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        requests.add(head + body);
        Matcher sign = SIGN.matcher(requestLine);
        Matcher data = DATA.matcher(body);
        if (requestLine.startsWith("GET /trust-bundle?api-version=")) {
            respond(out, 200, "{\"certificate\":\"" + caPem.replace("\r", "").replace("\n", "\\n") + "\"}");
        } else if (sign.matches() && moduleKeys.containsKey(sign.group(1)) && data.find()) {
            byte[] digest = hmac(moduleKeys.get(sign.group(1)), Base64.getDecoder().decode(data.group(1)));
            respond(out, 200, "{\"digest\":\"" + Base64.getEncoder().encodeToString(digest) + "\"}");
        } else {
            respond(out, 404, "{\"message\":\"no such module or request\"}");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended in its head");
            }
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
    }

    private static void respond(OutputStream out, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found") + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static byte[] hmac(String base64Key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

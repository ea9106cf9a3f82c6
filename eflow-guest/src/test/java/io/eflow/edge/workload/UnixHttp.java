package io.eflow.edge.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.json.Mappers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** HTTP/1.1 over a UNIX socket, written by hand so the tests see exactly what goes over the wire. */
final class UnixHttp {
    record Answer(int status, JsonNode body) {
    }

    private UnixHttp() {
    }

    /** One request on its own connection, which the request asks to close (as the Java SDK does). */
    static Answer request(Path socket, String method, String target, String body) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(raw(method, target, body, true)));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                all.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return parse(all.toString(StandardCharsets.UTF_8));
        }
    }

    static byte[] raw(String method, String target, String body, boolean close) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + target + " HTTP/1.1\r\nHost: workload.sock\r\n"
                + (close ? "Connection: close\r\n" : "")
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n") + "\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(content);
        return request.toByteArray();
    }

    static Answer parse(String response) throws IOException {
        int status = Integer.parseInt(response.substring(9, 12));
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        return new Answer(status, body.isEmpty() ? null : Mappers.standard().readTree(body));
    }
}

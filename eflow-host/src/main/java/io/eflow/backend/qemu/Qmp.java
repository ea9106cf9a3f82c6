package io.eflow.backend.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.platform.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A QEMU Machine Protocol session on the guest's QMP socket: greeting, capabilities, then commands. */
final class Qmp implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private Qmp(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    static Qmp connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            Qmp qmp = new Qmp(channel);
            qmp.readLine(); // greeting
            qmp.execute("qmp_capabilities");
            return qmp;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Runs a command and returns its "return" value; events that arrive first are skipped. */
    JsonNode execute(String command) throws IOException {
        out.write(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            JsonNode reply = Json.mapper().readTree(readLine());
            if (reply.has("return")) {
                return reply.get("return");
            }
            if (reply.has("error")) {
                throw new IOException("QMP " + command + ": " + reply.get("error").path("desc").asText());
            }
        }
    }

    private String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QEMU closed its QMP socket");
        }
        return line;
    }

    /** Whether the guest has opened the virtio-serial port behind chardev {@code id}. */
    boolean frontendOpen(String id) throws IOException {
        for (JsonNode chardev : execute("query-chardev")) {
            if (id.equals(chardev.path("label").asText())) {
                return chardev.path("frontend-open").asBoolean(false);
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

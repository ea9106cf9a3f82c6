package io.eflow.edge.hub.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client on a bare socket, for what Paho will not do: stay silent past its keep-alive, or send nothing at all.
 * Packets are encoded by Netty's MQTT encoder.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) TestHub.WAIT.toMillis());
    }

    /** Sends an MQTT 3.1.1 CONNECT and returns the CONNACK's return code. */
    int connect(String clientId, String password, int keepAliveSeconds) throws IOException {
        return connect(MqttVersion.MQTT_3_1_1, clientId, password, keepAliveSeconds);
    }

    /** Sends CONNECT in a version of MQTT and returns the CONNACK's return code (reason code for MQTT 5). */
    int connect(MqttVersion version, String clientId, String password, int keepAliveSeconds) throws IOException {
        send(MqttMessageBuilders.connect().protocolVersion(version).clientId(clientId)
                .cleanSession(true).keepAlive(keepAliveSeconds).hasUser(true).username("edge-hub.local/" + clientId)
                .hasPassword(true).password(password.getBytes(StandardCharsets.UTF_8)).build());
        byte[] connack = socket.getInputStream().readNBytes(4);
        if (connack.length != 4 || connack[0] != 0x20) {
            throw new IOException("no CONNACK");
        }
        return connack[3] & 0xFF;
    }

    void send(MqttMessage message) throws IOException {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteBuf bytes = encoder.readOutbound();
        try {
            byte[] raw = new byte[bytes.readableBytes()];
            bytes.readBytes(raw);
            socket.getOutputStream().write(raw);
            socket.getOutputStream().flush();
        } finally {
            bytes.release();
            encoder.finishAndReleaseAll();
        }
    }

    /** Reads and drops whatever the server sends until it closes the connection; false if it stays open. */
    boolean closedByServer() throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // not what this client waits for
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

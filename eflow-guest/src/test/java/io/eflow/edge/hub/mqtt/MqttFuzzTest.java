package io.eflow.edge.hub.mqtt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's MQTT head on raw bytes from a client, through the pipeline a socket gets (Netty's decoder, then eflow's
 * protocol), in memory. Whatever arrives, the head answers only with well-formed MQTT, starting with a CONNACK; the
 * hub hears messages only from the identity that authenticated, and a disconnect for every connect; and no packet
 * fails the connection with an unexpected exception (the head logs those with their stack trace).
 *
 * <p>Input: a first byte of switches, then the bytes the client sends. Bit 0 set: a valid CONNECT of edge1/filter
 * goes first, so the fuzzer spends its time past the handshake; bits 1–7: the size of the pieces the bytes arrive in,
 * less one, as TCP may cut them anywhere.
 */
class MqttFuzzTest {
    private static final int MAX_PACKET = 4096;
    private static final Logger HEAD_LOG = Logger.getLogger(MqttConnection.class.getPackageName());

    static {
        // the head logs each connection and refusal at INFO: at fuzzing speed that is all the run would do
        HEAD_LOG.setLevel(Level.WARNING);
    }

    @FuzzTest(maxDuration = "30s")
    void packets(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean connectFirst = (input[0] & 1) != 0;
        int piece = ((input[0] & 0xFF) >>> 1) + 1;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);

        TestHub hub = new TestHub().allow(HeadTestBase.FILTER, HeadTestBase.FILTER_KEY);
        Failures failures = new Failures();
        HEAD_LOG.addHandler(failures);
        EmbeddedChannel channel = new EmbeddedChannel();
        List<byte[]> written = new ArrayList<>();
        try {
            MqttServer.addProtocol(channel, hub, ServerSettings.plain("127.0.0.1", 0).withMaxPacketSize(MAX_PACKET),
                    new ConcurrentHashMap<>(), SavedSessions.inMemory());
            if (connectFirst) {
                send(channel, connect(), written);
            }
            for (int from = 0; from < stream.length && channel.isOpen(); from += piece) {
                send(channel, Arrays.copyOfRange(stream, from, Math.min(stream.length, from + piece)), written);
            }
            channel.close();
            channel.runPendingTasks();
            drain(channel, written);
        } finally {
            channel.finishAndReleaseAll();
            HEAD_LOG.removeHandler(failures);
        }

        assertThat(failures.thrown).as("exceptions the head logged").isEmpty();
        List<MqttMessageType> answers = decode(written);
        if (!answers.isEmpty()) {
            assertThat(answers.get(0)).isEqualTo(MqttMessageType.CONNACK);
        }
        hub.sent.forEach(sent -> assertThat(sent.from()).isEqualTo(HeadTestBase.FILTER));
        if (hub.events.isEmpty()) {
            assertThat(hub.sent).as("messages without a connection").isEmpty();
        } else {
            assertThat(hub.events.get(0)).isEqualTo("connected " + HeadTestBase.FILTER);
            assertThat(hub.events.get(hub.events.size() - 1)).isEqualTo("disconnected " + HeadTestBase.FILTER);
        }
    }

    private static void send(EmbeddedChannel channel, byte[] bytes, List<byte[]> written) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        // the hub's answers hop onto the loop as tasks
        channel.runPendingTasks();
        drain(channel, written);
    }

    private static void drain(EmbeddedChannel channel, List<byte[]> written) {
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            ByteBuf bytes = (ByteBuf) out;
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.readBytes(copy);
            bytes.release();
            written.add(copy);
        }
    }

    /** The server's bytes as MQTT packets; each must decode cleanly. */
    private static List<MqttMessageType> decode(List<byte[]> written) {
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(MAX_PACKET * 4));
        List<MqttMessageType> types = new ArrayList<>();
        try {
            written.forEach(bytes -> decoder.writeInbound(Unpooled.wrappedBuffer(bytes)));
            for (Object in = decoder.readInbound(); in != null; in = decoder.readInbound()) {
                MqttMessage message = (MqttMessage) in;
                try {
                    assertThat(message.decoderResult().isSuccess()).as("the head wrote %s", message).isTrue();
                    types.add(message.fixedHeader().messageType());
                } finally {
                    ReferenceCountUtil.release(message);
                }
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
        return types;
    }

    private static byte[] connect() {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        try {
            encoder.writeOutbound(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId(HeadTestBase.FILTER.toString()).cleanSession(true).keepAlive(60)
                    .hasUser(true).username("edge-hub.local/" + HeadTestBase.FILTER)
                    .hasPassword(true).password(HeadTestBase.FILTER_KEY.getBytes(StandardCharsets.UTF_8)).build());
            ByteBuf bytes = encoder.readOutbound();
            byte[] raw = new byte[bytes.readableBytes()];
            bytes.readBytes(raw);
            bytes.release();
            return raw;
        } finally {
            encoder.finishAndReleaseAll();
        }
    }

    /** What the head logged with a stack trace: a failure it did not expect. */
    private static final class Failures extends Handler {
        final List<Throwable> thrown = new ArrayList<>();

        @Override
        public void publish(LogRecord record) {
            if (record.getThrown() != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
                thrown.add(record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

package io.eflow.edge.hub.message;

import io.eflow.edge.hub.message.HubMessageCodec.MalformedMessageException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubMessageCodecTest {

    @Test
    void everySourceKindRoundTrips() {
        for (MessageSource source : List.of(MessageSource.device(), MessageSource.twinChange(),
                MessageSource.module("filter"), MessageSource.module("filter", "output1"))) {
            HubMessage message = new HubMessage("{\"t\":21.5}".getBytes(StandardCharsets.UTF_8),
                    Map.of(SystemProperties.CONTENT_TYPE, "application/json", SystemProperties.MESSAGE_ID, "m-1"),
                    Map.of("severity", "4", "unit", "°C"), source);
            assertThat(HubMessageCodec.decode(HubMessageCodec.encode(message))).isEqualTo(message);
        }
    }

    @Test
    void emptyAndLargeMessagesAndAnyTextRoundTrip() {
        HubMessage empty = new HubMessage(new byte[0], Map.of(), Map.of(), MessageSource.device());
        assertThat(HubMessageCodec.encode(empty)).hasSize(5);
        assertThat(HubMessageCodec.decode(HubMessageCodec.encode(empty))).isEqualTo(empty);

        byte[] body = new byte[300_000];
        Arrays.fill(body, (byte) 0x5a);
        Map<String, String> application = new LinkedHashMap<>();
        application.put("emoji 😀", "a\u0000b");
        application.put("long", "x".repeat(70_000));
        HubMessage large = new HubMessage(body, Map.of(), application, MessageSource.module("m", "o"));
        assertThat(HubMessageCodec.decode(HubMessageCodec.encode(large))).isEqualTo(large);
    }

    @Test
    void anotherVersionIsRefusedByName() {
        byte[] bytes = HubMessageCodec.encode(new HubMessage(new byte[] {1}, Map.of(), Map.of(), MessageSource.device()));
        bytes[0] = 2;
        assertThatThrownBy(() -> HubMessageCodec.decode(bytes)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("format version 2").hasMessageContaining("reads version 1");
        assertThatThrownBy(() -> HubMessageCodec.decode(new byte[0])).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void everyCutShortPayloadIsRefused() {
        byte[] whole = HubMessageCodec.encode(new HubMessage("body".getBytes(StandardCharsets.UTF_8),
                Map.of(SystemProperties.CORRELATION_ID, "c"), Map.of("k", "v"), MessageSource.module("m", "out")));
        for (int length = 1; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> HubMessageCodec.decode(cut)).as("cut at %d", length)
                    .isInstanceOf(MalformedMessageException.class).hasMessageContaining("cut short");
        }
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertThatThrownBy(() -> HubMessageCodec.decode(longer)).hasMessageContaining("1 bytes after its body");
    }

    @Test
    void impossibleCountsAndBadTextAreRefusedWithoutReadingOn() {
        // version, device, then a property count of 2^28: far more than the payload holds
        assertThatThrownBy(() -> HubMessageCodec.decode(new byte[] {1, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> HubMessageCodec.decode(new byte[] {1, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not a valid length");
        assertThatThrownBy(() -> HubMessageCodec.decode(new byte[] {1, 9}))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unknown source kind 9");
        // module source whose id is one byte that is not UTF-8
        assertThatThrownBy(() -> HubMessageCodec.decode(new byte[] {1, 1, 1, (byte) 0xff, 0, 0, 0}))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("module id is not UTF-8");
        // module source with an empty id
        assertThatThrownBy(() -> HubMessageCodec.decode(new byte[] {1, 1, 0, 0, 0, 0}))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("source is not valid");
    }
}

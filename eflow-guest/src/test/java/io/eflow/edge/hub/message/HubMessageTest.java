package io.eflow.edge.hub.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubMessageTest {

    @Test
    void theBodyAndPropertiesAreCopiedInAndTheBodyOut() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> properties = new HashMap<>(Map.of("a", "1"));
        HubMessage message = new HubMessage(body, Map.of(), properties, MessageSource.device());

        body[0] = 'x';
        properties.put("b", "2");
        message.body()[1] = 'y';

        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(message.applicationProperties()).containsOnlyKeys("a");
        assertThatThrownBy(() -> message.applicationProperties().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void propertyNamesIgnoreCaseAsInIotHub() {
        HubMessage message = new HubMessage(new byte[0], Map.of(SystemProperties.CONTENT_TYPE, "application/json"),
                Map.of("Severity", "4"), MessageSource.module("m", "o"));

        assertThat(message.systemProperty("CONTENTTYPE")).isEqualTo("application/json");
        assertThat(message.applicationProperty("severity")).isEqualTo("4");
        assertThat(message.applicationProperty("missing")).isNull();
    }

    @Test
    void messagesWithEqualContentAreEqual() {
        HubMessage one = new HubMessage(new byte[] {1, 2}, Map.of("to", "x"), Map.of(), MessageSource.module("m"));
        HubMessage two = new HubMessage(new byte[] {1, 2}, Map.of("to", "x"), Map.of(), MessageSource.module("m"));
        assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
        assertThat(one).isNotEqualTo(new HubMessage(new byte[] {1, 3}, Map.of("to", "x"), Map.of(), MessageSource.module("m")));
    }

    @Test
    void nullsAndEmptyNamesAreRefused() {
        Map<String, String> withNull = new HashMap<>();
        withNull.put("b", null);
        assertThatThrownBy(() -> new HubMessage(new byte[0], Map.of(), withNull, MessageSource.device()))
                .isInstanceOf(NullPointerException.class).hasMessage("applicationProperties b");
        assertThatThrownBy(() -> MessageSource.module("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageSource.module("m", "")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.eflow.samples.filter;

import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MessageProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageFilterTest {
    private final MessageFilter filter = new MessageFilter(25);

    private static Message reading(String machineTemperature) {
        return new Message("{\"machine\":{\"temperature\":" + machineTemperature + ",\"pressure\":1.5},"
                + "\"ambient\":{\"temperature\":21.0,\"humidity\":25},\"timeCreated\":\"2025-01-01T00:00:00.000Z\"}");
    }

    @Test
    void aReadingAboveTheThresholdGoesToOutput1AsAnAlertUnchanged() {
        Message reading = reading("25.01");

        MessageFilter.Decision decision = filter.decide(reading);

        assertThat(decision).isInstanceOfSatisfying(MessageFilter.Alert.class, alert -> {
            assertThat(alert.alert().getBytes()).isEqualTo(reading.getBytes());
            assertThat(alert.alert().getProperty("MessageType")).isEqualTo("Alert");
            assertThat(alert.temperature()).isEqualTo(25.01);
            assertThat(alert.threshold()).isEqualTo(25.0);
        });
    }

    @Test
    void aReadingAtOrBelowTheThresholdIsDropped() {
        assertThat(filter.decide(reading("25"))).isEqualTo(new MessageFilter.Below(25.0, 25.0));
        assertThat(filter.decide(reading("-4.5"))).isEqualTo(new MessageFilter.Below(-4.5, 25.0));
    }

    @Test
    void theThresholdIsTheOneGiven() {
        MessageFilter hot = new MessageFilter(90.5);

        assertThat(hot.decide(reading("90.5"))).isInstanceOf(MessageFilter.Below.class);
        assertThat(hot.decide(reading("1e2"))).isInstanceOf(MessageFilter.Alert.class);
        assertThatThrownBy(() -> new MessageFilter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAlertKeepsTheReadingsApplicationPropertiesAndContentTypeButNotWhereItCameFrom() {
        Message reading = reading("30");
        reading.setContentType("application/json");
        reading.setContentEncoding("utf-8");
        reading.setProperty("site", "hall 1");
        reading.setProperty("MessageType", "Reading");
        reading.setConnectionDeviceId("edge1");
        reading.setConnectionModuleId("tempSensor");
        reading.setMessageId("42");

        Message alert = ((MessageFilter.Alert) filter.decide(reading)).alert();

        assertThat(Arrays.stream(alert.getProperties()).map(p -> p.getName() + "=" + p.getValue()))
                .containsExactly("site=hall 1", "MessageType=Alert");
        assertThat(alert.getContentType()).isEqualTo("application/json");
        assertThat(alert.getContentEncoding()).isEqualTo("utf-8");
        assertThat(alert.getConnectionDeviceId()).isNull();
        assertThat(alert.getConnectionModuleId()).isNull();
        assertThat(alert.getMessageId()).isNotEqualTo("42");
        assertThat(reading.getProperties()).extracting(MessageProperty::getValue).contains("Reading");
    }

    @Test
    void whatIsNotAReadingIsIgnoredWithTheReason() {
        assertThat(filter.decide(new Message("{\"machine\":")))
                .isInstanceOfSatisfying(MessageFilter.Ignored.class, ignored -> assertThat(ignored.reason()).startsWith("not JSON: "));
        for (String body : new String[] {"{}", "[]", "42", "hello", "{\"machine\":{}}", "{\"machine\":[30]}",
                "{\"machine\":{\"temperature\":\"30\"}}", "{\"machine\":{\"temperature\":null}}"}) {
            assertThat(filter.decide(new Message(body.getBytes(StandardCharsets.UTF_8)))).as(body)
                    .isEqualTo(new MessageFilter.Ignored("no number at machine.temperature"));
        }
    }
}

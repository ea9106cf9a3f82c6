package io.eflow.samples.filter;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageFilterTest {
    private static final String INPUT = "devices/edge1/modules/filter/inputs/input1/";
    private final MessageFilter filter = new MessageFilter("edge1", "filter", 25);

    private static byte[] reading(String machineTemperature) {
        return ("{\"machine\":{\"temperature\":" + machineTemperature + ",\"pressure\":1.5},"
                + "\"ambient\":{\"temperature\":21.0,\"humidity\":25},\"timeCreated\":\"2025-01-01T00:00:00.000Z\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void subscribesToInput1WithEveryPropertyBag() {
        assertThat(filter.subscription()).isEqualTo("devices/edge1/modules/filter/inputs/input1/#");
    }

    @Test
    void aReadingAboveTheThresholdGoesToOutput1AsAnAlertUnchanged() {
        byte[] payload = reading("25.01");

        MessageFilter.Decision decision = filter.decide(INPUT + "$.cdid=edge1&$.cmid=tempSensor", payload);

        assertThat(decision).isInstanceOfSatisfying(MessageFilter.Alert.class, alert -> {
            assertThat(alert.topic())
                    .isEqualTo("devices/edge1/modules/filter/messages/events/$.on=output1&MessageType=Alert");
            assertThat(alert.payload()).isSameAs(payload);
            assertThat(alert.temperature()).isEqualTo(25.01);
        });
    }

    @Test
    void aReadingAtOrBelowTheThresholdIsDropped() {
        assertThat(filter.decide(INPUT, reading("25"))).isEqualTo(new MessageFilter.Below(25.0, 25.0));
        assertThat(filter.decide(INPUT, reading("-4.5"))).isEqualTo(new MessageFilter.Below(-4.5, 25.0));
    }

    @Test
    void theThresholdIsTheOneGiven() {
        MessageFilter hot = new MessageFilter("edge1", "filter", 90.5);

        assertThat(hot.decide(INPUT, reading("90.5"))).isInstanceOf(MessageFilter.Below.class);
        assertThat(hot.decide(INPUT, reading("1e2"))).isInstanceOf(MessageFilter.Alert.class);
        assertThatThrownBy(() -> new MessageFilter("d", "m", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAlertKeepsTheReadingsApplicationPropertiesAndContentTypeButNotWhereItCameFrom() {
        MessageFilter.Decision decision = filter.decide(INPUT + "$.cdid=edge1&$.cmid=tempSensor&$.mid=42"
                + "&$.ct=application%2Fjson&$.ce=utf-8&site=hall%201&MessageType=Reading", reading("30"));

        assertThat(decision).isInstanceOfSatisfying(MessageFilter.Alert.class, alert -> assertThat(alert.topic())
                .isEqualTo("devices/edge1/modules/filter/messages/events/$.on=output1"
                        + "&$.ct=application%2Fjson&$.ce=utf-8&site=hall%201&MessageType=Alert"));
    }

    @Test
    void messagesOnOtherTopicsAreIgnored() {
        assertThat(filter.decide("devices/edge1/modules/filter/inputs/input2/", reading("30")))
                .isEqualTo(new MessageFilter.Ignored("input input2, not input1"));
        assertThat(filter.decide("devices/edge1/modules/other/inputs/input1/", reading("30")))
                .isEqualTo(new MessageFilter.Ignored("not an input of edge1/filter"));
    }

    @Test
    void whatIsNotAReadingIsIgnoredWithTheReason() {
        assertThat(filter.decide(INPUT, "hello".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(MessageFilter.Ignored.class, ignored -> assertThat(ignored.reason())
                        .startsWith("not JSON: unexpected 'h' at character 0"));
        for (String body : new String[] {"{}", "[]", "42", "{\"machine\":{}}", "{\"machine\":[30]}",
                "{\"machine\":{\"temperature\":\"30\"}}", "{\"machine\":{\"temperature\":null}}"}) {
            assertThat(filter.decide(INPUT, body.getBytes(StandardCharsets.UTF_8))).as(body)
                    .isEqualTo(new MessageFilter.Ignored("no number at machine.temperature"));
        }
    }
}

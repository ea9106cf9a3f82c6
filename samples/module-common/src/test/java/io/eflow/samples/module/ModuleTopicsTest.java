package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ModuleTopicsTest {
    @Test
    void anOutputIsTheSystemPropertyOutInTheEventsTopic() {
        assertThat(ModuleTopics.output("edge1", "tempSensor", "temperatureOutput", Map.of()))
                .isEqualTo("devices/edge1/modules/tempSensor/messages/events/$.on=temperatureOutput");
    }

    @Test
    void applicationPropertiesFollowTheOutputUrlEncoded() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("$.ct", "application/json");
        properties.put("MessageType", "Alert");
        properties.put("site name", "hall 1 & 2=ok+");

        assertThat(ModuleTopics.output("d", "m", "output1", properties)).isEqualTo(
                "devices/d/modules/m/messages/events/$.on=output1&$.ct=application%2Fjson&MessageType=Alert"
                        + "&site%20name=hall%201%20%26%202%3Dok%2B");
    }

    @Test
    void aPropertyCannotChangeTheOutput() {
        assertThat(ModuleTopics.output("d", "m", "output1", Map.of("$.on", "elsewhere")))
                .isEqualTo("devices/d/modules/m/messages/events/$.on=output1");
    }

    @Test
    void anInputIsSubscribedWithEveryPropertyBag() {
        assertThat(ModuleTopics.inputSubscription("edge1", "filter", "input1"))
                .isEqualTo("devices/edge1/modules/filter/inputs/input1/#");
    }

    @Test
    void anInputTopicGivesTheInputAndItsDecodedProperties() {
        var input = ModuleTopics.parseInput(
                "devices/edge1/modules/filter/inputs/input1/$.cdid=edge1&$.cmid=tempSensor&site%20name=hall%201&a+b=c",
                "edge1", "filter");

        assertThat(input).isPresent();
        assertThat(input.get().name()).isEqualTo("input1");
        assertThat(input.get().properties()).containsExactly(Map.entry("$.cdid", "edge1"),
                Map.entry("$.cmid", "tempSensor"), Map.entry("site name", "hall 1"), Map.entry("a+b", "c"));
    }

    @Test
    void anInputTopicMayHaveNoPropertyBag() {
        assertThat(ModuleTopics.parseInput("devices/d/modules/m/inputs/input1/", "d", "m"))
                .hasValueSatisfying(input -> {
                    assertThat(input.name()).isEqualTo("input1");
                    assertThat(input.properties()).isEmpty();
                });
        assertThat(ModuleTopics.parseInput("devices/d/modules/m/inputs/input1", "d", "m"))
                .hasValueSatisfying(input -> assertThat(input.name()).isEqualTo("input1"));
    }

    @Test
    void topicsOfOtherModulesOrNotInputsAreNotInputs() {
        assertThat(ModuleTopics.parseInput("devices/d/modules/other/inputs/input1/", "d", "m")).isEmpty();
        assertThat(ModuleTopics.parseInput("devices/d/modules/m/messages/events/$.on=x", "d", "m")).isEmpty();
        assertThat(ModuleTopics.parseInput("devices/d/modules/m/inputs/", "d", "m")).isEmpty();
    }

    @Test
    void aPropertyBagSurvivesEncodingAndDecoding() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("$.ce", "utf-8");
        properties.put("ключ", "значение/ü");
        properties.put("empty", "");

        assertThat(ModuleTopics.decodeProperties(ModuleTopics.encodeProperties(properties)))
                .containsExactlyEntriesOf(properties);
    }

    @Test
    void aStrayPercentIsKeptAsSent() {
        assertThat(ModuleTopics.decodeProperties("k=100%&x")).containsExactly(Map.entry("k", "100%"),
                Map.entry("x", ""));
    }
}

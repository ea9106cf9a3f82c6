package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwinTest {
    @Test
    void aTwinGetsAnswerIsReadWithItsVersionsTakenOut() {
        Twin twin = Twin.parse("{\"desired\":{\"TemperatureThreshold\":25,\"$version\":3},"
                + "\"reported\":{\"TemperatureThreshold\":20,\"$version\":7}}");

        assertThat(twin.desired()).isEqualTo(new TwinProperties(Map.of("TemperatureThreshold", 25.0), 3));
        assertThat(twin.reported()).isEqualTo(new TwinProperties(Map.of("TemperatureThreshold", 20.0), 7));
    }

    @Test
    void aTwinWithoutBothSidesOrVersionsIsRefused() {
        assertThatThrownBy(() -> Twin.parse("[]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Twin.parse("{\"desired\":{\"$version\":1}}"))
                .hasMessage("the twin's reported properties are no JSON object");
        assertThatThrownBy(() -> Twin.parse("{\"desired\":{\"a\":1},\"reported\":{\"$version\":1}}"))
                .hasMessage("the twin's desired properties have no $version");
        assertThatThrownBy(() -> Twin.parse("{\"desired\":{\"$version\":1.5},\"reported\":{\"$version\":1}}"))
                .hasMessage("the twin's desired properties have no $version");
        assertThatThrownBy(() -> Twin.parse("{\"desired\":")).isInstanceOf(Json.JsonException.class);
    }
}

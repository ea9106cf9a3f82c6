package io.eflow.samples.module;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {
    @Test
    void readsTheSensorsReading() {
        Object reading = Json.parse("{\"machine\":{\"temperature\":21.37,\"pressure\":1.15},"
                + "\"ambient\":{\"temperature\":20.84,\"humidity\":25},\"timeCreated\":\"2025-01-01T00:00:00Z\"}");

        assertThat(reading).isEqualTo(Map.of(
                "machine", Map.of("temperature", 21.37, "pressure", 1.15),
                "ambient", Map.of("temperature", 20.84, "humidity", 25.0),
                "timeCreated", "2025-01-01T00:00:00Z"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void readsEveryKindOfValue() {
        Object value = Json.parse(" [ true , false , null , -0.5e2 , 0 , \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\" , { } , [ ] ] ");

        assertThat((List<Object>) value).containsExactly(true, false, null, -50.0, 0.0,
                "a\"\\/\b\f\n\r\t\u00e9\ud83d\ude00", Map.of(), List.of());
    }

    @Test
    void keepsTheOrderOfMembers() {
        Map<?, ?> object = (Map<?, ?>) Json.parse("{\"z\":1,\"a\":2,\"m\":3}");

        assertThat(List.copyOf(object.keySet())).isEqualTo(List.of("z", "a", "m"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "1.", "-",
            ".5", "1e", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "tru", "nul", "{} {}", "'single'",
            "\"tab\tinside\"", "NaN"})
    void refusesWhatIsNotJson(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.JsonException.class)
                .hasMessageContaining("at character");
    }

    @Test
    void refusesNestingDeeperThanItsLimit() {
        char[] open = new char[Json.MAX_DEPTH + 2];
        char[] close = new char[open.length];
        Arrays.fill(open, '[');
        Arrays.fill(close, ']');

        assertThatThrownBy(() -> Json.parse(new String(open) + new String(close)))
                .hasMessageContaining("nested deeper than " + Json.MAX_DEPTH);
        assertThat(Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH)))
                .isInstanceOf(List.class);
    }

    @Test
    void writesWhatItReadsAndWholeNumbersWithoutAFraction() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("TemperatureThreshold", 25.0);
        value.put("fraction", 25.5);
        value.put("int", 3);
        value.put("text", "a\"\\\n\u0001é");
        value.put("list", Arrays.asList(true, null, -0.25e-7));
        value.put("empty", Map.of());

        String text = Json.write(value);

        assertThat(text).isEqualTo("{\"TemperatureThreshold\":25,\"fraction\":25.5,\"int\":3,"
                + "\"text\":\"a\\\"\\\\\\n\\u0001é\",\"list\":[true,null,-2.5E-8],\"empty\":{}}");
        assertThat(Json.parse(text)).isEqualTo(Map.of("TemperatureThreshold", 25.0, "fraction", 25.5, "int", 3.0,
                "text", "a\"\\\n\u0001é", "list", Arrays.asList(true, null, -2.5e-8), "empty", Map.of()));
    }

    @Test
    void writesNoNumberJsonHasNot() {
        assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(Map.of("a", Double.POSITIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Json.write(1e300)).isEqualTo("1.0E300");
    }
}

package io.eflow.samples.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonReaderTest {
    @Test
    void readsTheSensorsReading() {
        Object reading = JsonReader.parse("{\"machine\":{\"temperature\":21.37,\"pressure\":1.15},"
                + "\"ambient\":{\"temperature\":20.84,\"humidity\":25},\"timeCreated\":\"2025-01-01T00:00:00Z\"}");

        assertThat(reading).isEqualTo(Map.of(
                "machine", Map.of("temperature", 21.37, "pressure", 1.15),
                "ambient", Map.of("temperature", 20.84, "humidity", 25.0),
                "timeCreated", "2025-01-01T00:00:00Z"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void readsEveryKindOfValue() {
        Object value = JsonReader.parse(" [ true , false , null , -0.5e2 , 0 , \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\" , { } , [ ] ] ");

        assertThat((List<Object>) value).containsExactly(true, false, null, -50.0, 0.0,
                "a\"\\/\b\f\n\r\t\u00e9\ud83d\ude00", Map.of(), List.of());
    }

    @Test
    void keepsTheOrderOfMembers() {
        Map<?, ?> object = (Map<?, ?>) JsonReader.parse("{\"z\":1,\"a\":2,\"m\":3}");

        assertThat(List.copyOf(object.keySet())).isEqualTo(List.of("z", "a", "m"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "1.", "-",
            ".5", "1e", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "tru", "nul", "{} {}", "'single'",
            "\"tab\tinside\"", "NaN"})
    void refusesWhatIsNotJson(String text) {
        assertThatThrownBy(() -> JsonReader.parse(text)).isInstanceOf(JsonReader.JsonException.class)
                .hasMessageContaining("at character");
    }

    @Test
    void refusesNestingDeeperThanItsLimit() {
        char[] open = new char[JsonReader.MAX_DEPTH + 2];
        char[] close = new char[open.length];
        Arrays.fill(open, '[');
        Arrays.fill(close, ']');

        assertThatThrownBy(() -> JsonReader.parse(new String(open) + new String(close)))
                .hasMessageContaining("nested deeper than " + JsonReader.MAX_DEPTH);
        assertThat(JsonReader.parse("[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH)))
                .isInstanceOf(List.class);
    }
}

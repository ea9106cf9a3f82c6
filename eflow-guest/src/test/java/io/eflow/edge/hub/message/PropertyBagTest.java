package io.eflow.edge.hub.message;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PropertyBagTest {

    @Test
    void aBagSurvivesEncodingAndDecoding() {
        Map<String, String> system = new LinkedHashMap<>();
        system.put(SystemProperties.MESSAGE_ID, "m 1");
        system.put(SystemProperties.CONTENT_TYPE, "application/json");
        system.put(SystemProperties.CONNECTION_DEVICE_ID, "edge1");
        system.put(SystemProperties.CONNECTION_MODULE_ID, "filter");
        Map<String, String> application = Map.of("temperature", "21.5", "a&b", "x=y", "émoji", "✓", "plus", "1+1");

        PropertyBag.Properties decoded = PropertyBag.decode(PropertyBag.encode(system, application));

        assertThat(decoded.system()).isEqualTo(system);
        assertThat(decoded.application()).isEqualTo(application);
        assertThat(decoded.output()).isEmpty();
    }

    @Test
    void systemPropertiesTravelUnderIotHubsShortNamesFirst() {
        Map<String, String> system = new LinkedHashMap<>();
        system.put(SystemProperties.CONTENT_TYPE, "application/json");
        system.put(SystemProperties.ENQUEUED_TIME, "2024-01-01T00:00:00Z"); // IoT Hub has no short name for it

        assertThat(PropertyBag.encode(system, Map.of("n", "a b")))
                .isEqualTo("%24.ct=application%2Fjson&n=a%20b");
    }

    @Test
    void readsKeysAsTheSdksEscapeThemAndAsTheyAre() {
        PropertyBag.Properties escaped = PropertyBag.decode("%24.ct=application%2Fjson&%24.ce=utf-8&%24.mid=42");
        PropertyBag.Properties plain = PropertyBag.decode("$.ct=application/json&$.ce=utf-8&$.mid=42");

        assertThat(escaped.system()).containsOnly(
                Map.entry(SystemProperties.CONTENT_TYPE, "application/json"),
                Map.entry(SystemProperties.CONTENT_ENCODING, "utf-8"),
                Map.entry(SystemProperties.MESSAGE_ID, "42"));
        assertThat(plain).isEqualTo(escaped);
        assertThat(escaped.application()).isEmpty();
    }

    @Test
    void aPlusIsAPlusNotASpace() {
        PropertyBag.Properties decoded = PropertyBag.decode("formula=a+b&escaped=a%2Bb&space=a%20b");

        assertThat(decoded.application()).containsOnly(
                Map.entry("formula", "a+b"), Map.entry("escaped", "a+b"), Map.entry("space", "a b"));
    }

    @Test
    void theOutputNameIsKeptAsideAndOtherUnknownSystemKeysAreDropped() {
        PropertyBag.Properties decoded = PropertyBag.decode("%24.on=output1&$.ifid=urn%3Aiot&%24.unknown=x&alert=1");

        assertThat(decoded.output()).contains("output1");
        assertThat(decoded.system()).isEmpty();
        assertThat(decoded.application()).containsOnly(Map.entry("alert", "1"));
        assertThat(PropertyBag.decode("$.on=").output()).isEmpty();
    }

    @Test
    void anEmptyBagHasNothing() {
        for (String bag : new String[] {"", null, "&&"}) {
            PropertyBag.Properties decoded = PropertyBag.decode(bag);
            assertThat(decoded.system()).isEmpty();
            assertThat(decoded.application()).isEmpty();
            assertThat(decoded.output()).isEqualTo(Optional.empty());
        }
        assertThat(PropertyBag.encode(Map.of(), Map.of())).isEmpty();
    }

    @Test
    void aKeyWithoutValueHasTheEmptyValue() {
        assertThat(PropertyBag.decode("flag&other=").application())
                .containsOnly(Map.entry("flag", ""), Map.entry("other", ""));
    }

    @Test
    void aBrokenEscapeIsRefused() {
        assertThatThrownBy(() -> PropertyBag.decode("a=%zz")).isInstanceOf(IllegalArgumentException.class);
    }
}

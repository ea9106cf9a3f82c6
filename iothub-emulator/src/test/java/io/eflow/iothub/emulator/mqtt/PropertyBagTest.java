package io.eflow.iothub.emulator.mqtt;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PropertyBagTest {
    @Test
    void readsTheBagAsTheSdksWriteIt() {
        PropertyBag bag = PropertyBag.parse("%24.mid=m1&%24.ct=application%2Fjson&unit%20name=C%2F%C2%B0&flag&a+b=1/");

        assertThat(bag.systemProperties()).containsEntry("messageId", "m1").containsEntry("contentType", "application/json");
        assertThat(bag.properties()).containsEntry("unit name", "C/°").containsEntry("flag", "").containsEntry("a+b", "1");
    }

    @Test
    void readsUnencodedValuesAndAnEmptyBag() {
        assertThat(PropertyBag.parse("$.ct=application/json&$.on=alerts&$.custom=x").systemProperties())
                .containsEntry("contentType", "application/json").containsEntry("outputName", "alerts").containsEntry("custom", "x");
        assertThat(PropertyBag.parse("").properties()).isEmpty();
        assertThat(PropertyBag.parse("/").properties()).isEmpty();
    }

    @Test
    void theTopicsNameTheirPartsWithOrWithoutABag() {
        assertThat(Topic.parse("devices/d1/messages/events/")).isEqualTo(new Topic.Telemetry("d1", Optional.empty(), ""));
        assertThat(Topic.parse("devices/d1/modules/m1/messages/events/a=1")).isInstanceOfSatisfying(Topic.Telemetry.class,
                t -> assertThat(t.moduleId()).contains("m1"));
        assertThat(Topic.parse("devices/d1/messages/events")).isInstanceOf(Topic.Telemetry.class);
        assertThat(Topic.parse("$iothub/methods/res/200/?$rid=7")).isEqualTo(new Topic.MethodResponse(200, "7"));
        assertThat(Topic.parse("$iothub/twin/PATCH/properties/reported/?$rid=9&x=1")).isEqualTo(new Topic.TwinReported("9"));
        assertThat(PropertyBag.encode(Map.of("mid", "a b"), Map.of("k", "v/w"))).isEqualTo("%24.mid=a%20b&k=v%2Fw");
    }
}

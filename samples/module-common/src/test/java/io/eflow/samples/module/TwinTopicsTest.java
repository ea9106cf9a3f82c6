package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class TwinTopicsTest {
    @Test
    void requestsNameTheirRequestId() {
        assertThat(TwinTopics.get("7")).isEqualTo("$iothub/twin/GET/?$rid=7");
        assertThat(TwinTopics.reportedPatch("8")).isEqualTo("$iothub/twin/PATCH/properties/reported/?$rid=8");
    }

    @Test
    void anAnswerGivesItsStatusRequestAndVersion() {
        assertThat(TwinTopics.response("$iothub/twin/res/200/?$rid=7"))
                .contains(new TwinTopics.Response(200, "7", OptionalLong.empty()));
        assertThat(TwinTopics.response("$iothub/twin/res/204/?$rid=8&$version=12"))
                .contains(new TwinTopics.Response(204, "8", OptionalLong.of(12)));
        // the order of the query's pairs is not fixed, and IoT Hub's encoding of '$' is read too
        assertThat(TwinTopics.response("$iothub/twin/res/429/?%24version=3&%24rid=a%2Fb"))
                .contains(new TwinTopics.Response(429, "a/b", OptionalLong.of(3)));
    }

    @Test
    void whatIsNoAnswerIsNone() {
        assertThat(TwinTopics.response("$iothub/twin/res/200/")).isEmpty();
        assertThat(TwinTopics.response("$iothub/twin/res/ok/?$rid=1")).isEmpty();
        assertThat(TwinTopics.response("$iothub/twin/PATCH/properties/desired/?$version=2")).isEmpty();
        assertThat(TwinTopics.response("devices/d/modules/m/inputs/input1/")).isEmpty();
    }

    @Test
    void aDesiredPatchsTopicGivesItsVersion() {
        assertThat(TwinTopics.desiredVersion("$iothub/twin/PATCH/properties/desired/?$version=5")).hasValue(5);
        assertThat(TwinTopics.desiredVersion("$iothub/twin/PATCH/properties/desired/")).isEmpty();
        assertThat(TwinTopics.desiredVersion("$iothub/twin/PATCH/properties/desired/?$version=x")).isEmpty();
        assertThat(TwinTopics.desiredVersion("$iothub/twin/res/200/?$version=5")).isEmpty();
    }
}

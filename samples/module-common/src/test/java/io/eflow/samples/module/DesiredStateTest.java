package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredStateTest {
    private final DesiredState state = new DesiredState();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return (Map<String, Object>) Json.parse(text);
    }

    private static TwinProperties desired(String text, long version) {
        return new TwinProperties(json(text), version);
    }

    @Test
    void theFirstWholeTwinIsTakenWhateverItsVersion() {
        assertThat(state.whole(desired("{\"TemperatureThreshold\":25}", 0)))
                .isEqualTo(new DesiredState.Outcome.Applied(desired("{\"TemperatureThreshold\":25}", 0)));
    }

    @Test
    void aWholeTwinIsTakenOnlyWhenNewer() {
        state.whole(desired("{\"a\":1}", 4));

        assertThat(state.whole(desired("{\"a\":2}", 4))).isEqualTo(new DesiredState.Outcome.Stale(4, 4));
        assertThat(state.whole(desired("{\"a\":0}", 3))).isEqualTo(new DesiredState.Outcome.Stale(3, 4));
        assertThat(state.whole(desired("{\"a\":5}", 5)))
                .isEqualTo(new DesiredState.Outcome.Applied(desired("{\"a\":5}", 5)));
    }

    @Test
    void theNextVersionsPatchIsMergedIntoWhatIsApplied() {
        state.whole(desired("{\"TemperatureThreshold\":25,\"keep\":true,\"gone\":1,\"nested\":{\"x\":1,\"y\":2}}", 3));

        DesiredState.Outcome outcome = state.patch(OptionalLong.of(4),
                json("{\"TemperatureThreshold\":30,\"gone\":null,\"nested\":{\"y\":null,\"z\":3},\"new\":\"n\"}"));

        assertThat(outcome).isEqualTo(new DesiredState.Outcome.Applied(desired(
                "{\"TemperatureThreshold\":30,\"keep\":true,\"nested\":{\"x\":1,\"z\":3},\"new\":\"n\"}", 4)));
    }

    @Test
    void aPatchThatIsNotNewerIsIgnored() {
        state.whole(desired("{\"TemperatureThreshold\":25}", 3));

        assertThat(state.patch(OptionalLong.of(3), json("{\"TemperatureThreshold\":99}")))
                .isEqualTo(new DesiredState.Outcome.Stale(3, 3));
        assertThat(state.patch(OptionalLong.of(2), json("{\"TemperatureThreshold\":98}")))
                .isEqualTo(new DesiredState.Outcome.Stale(2, 3));
        // nothing of them was applied: the next patch builds on version 3
        assertThat(state.patch(OptionalLong.of(4), json("{}")))
                .isEqualTo(new DesiredState.Outcome.Applied(desired("{\"TemperatureThreshold\":25}", 4)));
    }

    @Test
    void aPatchAfterAGapOrWithoutAVersionOrBeforeAnyTwinMeansReadingTheWholeTwin() {
        assertThat(state.patch(OptionalLong.of(1), json("{\"a\":1}")))
                .isEqualTo(new DesiredState.Outcome.Missed(OptionalLong.of(1), OptionalLong.empty()));
        state.whole(desired("{\"a\":1}", 1));

        assertThat(state.patch(OptionalLong.of(3), json("{\"a\":3}")))
                .isEqualTo(new DesiredState.Outcome.Missed(OptionalLong.of(3), OptionalLong.of(1)));
        assertThat(state.patch(OptionalLong.empty(), json("{\"a\":3}")))
                .isEqualTo(new DesiredState.Outcome.Missed(OptionalLong.empty(), OptionalLong.of(1)));
        assertThat(state.whole(desired("{\"a\":3}", 3))).isInstanceOf(DesiredState.Outcome.Applied.class);
    }

    @Test
    void withoutAVersionInTheTopicThePatchsOwnVersionCounts() {
        state.whole(desired("{\"a\":1}", 1));

        assertThat(state.patch(OptionalLong.empty(), json("{\"a\":2,\"$version\":2}")))
                .isEqualTo(new DesiredState.Outcome.Applied(desired("{\"a\":2}", 2)));
        assertThat(state.patch(OptionalLong.empty(), json("{\"a\":0,\"$version\":1}")))
                .isEqualTo(new DesiredState.Outcome.Stale(1, 2));
    }

    @Test
    void aMergeDoesNotChangeWhatWasAppliedBefore() {
        Map<String, Object> nested = new HashMap<>(Map.of("x", 1.0));
        Map<String, Object> before = new LinkedHashMap<>(Map.of("nested", nested));

        Map<String, Object> after = new LinkedHashMap<>(before);
        DesiredState.merge(after, json("{\"nested\":{\"x\":2}}"));

        assertThat(nested).containsEntry("x", 1.0);
        assertThat(after).isEqualTo(json("{\"nested\":{\"x\":2}}"));
    }
}

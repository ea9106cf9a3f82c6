package io.eflow.samples.filter;

import io.eflow.samples.module.Log;
import io.eflow.samples.module.Twin;
import io.eflow.samples.module.TwinProperties;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Desired → applied → reported, without a hub: the reports are recorded and answered as each test wants. */
class TwinThresholdTest {
    private static final String INPUT = "devices/edge1/modules/filter/inputs/input1/";
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Log log = new Log("filter", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());
    private final MessageFilter filter = new MessageFilter("edge1", "filter", 25);
    private final List<Map<String, Object>> reports = new ArrayList<>();
    private CompletableFuture<Long> answer = CompletableFuture.completedFuture(1L);
    private final TwinThreshold threshold = new TwinThreshold(filter, log, patch -> {
        reports.add(patch);
        return answer;
    });

    private static TwinProperties desired(Map<String, Object> values, long version) {
        return new TwinProperties(values, version);
    }

    private static byte[] reading(double temperature) {
        return ("{\"machine\":{\"temperature\":" + temperature + "}}").getBytes(StandardCharsets.UTF_8);
    }

    private List<String> lines(String containing) {
        return output.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(containing)).toList();
    }

    @Test
    void aDesiredNumberIsAppliedAndReported() {
        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", 30.0), 2));

        assertThat(filter.threshold()).isEqualTo(30.0);
        assertThat(filter.decide(INPUT, reading(29.9))).isEqualTo(new MessageFilter.Below(29.9, 30.0));
        assertThat(filter.decide(INPUT, reading(30.1))).isInstanceOf(MessageFilter.Alert.class);
        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 30.0));
        assertThat(lines("threshold 30.00 from the module twin (desired version 2; it was 25.00)")).hasSize(1);

        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", -4.5, "other", "x"), 3));

        assertThat(filter.threshold()).isEqualTo(-4.5);
        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 30.0), Map.of("TemperatureThreshold", -4.5));
    }

    @Test
    void anInvalidDesiredValueIsToldOnceAndTheThresholdStaysAndIsReportedAsItStands() {
        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", "hot"), 2));
        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", "hot", "other", 1.0), 3));

        assertThat(filter.threshold()).isEqualTo(25.0);
        assertThat(lines("TemperatureThreshold \"hot\", not a number")).singleElement().asString()
                .contains("(version 2)").endsWith("the threshold stays 25.00");
        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 25.0), Map.of("TemperatureThreshold", 25.0));

        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", 40.0), 4));
        threshold.desiredChanged(desired(Map.of(), 5)); // removed
        threshold.desiredChanged(desired(Map.of("x", 1.0), 6));
        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", List.of(50.0)), 7));

        assertThat(filter.threshold()).isEqualTo(40.0);
        assertThat(lines("has no TemperatureThreshold")).singleElement().asString()
                .contains("(version 5)").endsWith("the threshold stays 40.00");
        assertThat(lines("has TemperatureThreshold [50], not a number")).hasSize(1);
        assertThat(reports).hasSize(6).last().isEqualTo(Map.of("TemperatureThreshold", 40.0));
    }

    @Test
    void theSameInvalidValueAfterAValidOneIsToldAgain() {
        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", "hot"), 2));
        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", 30.0), 3));
        threshold.desiredChanged(desired(Map.of("TemperatureThreshold", "hot"), 4));

        assertThat(lines("not a number")).hasSize(2);
        assertThat(filter.threshold()).isEqualTo(30.0);
    }

    @Test
    void aReportThatFailedIsMadeAgainAfterTheTwinIsNextRead() {
        Twin read = new Twin(desired(Map.of("TemperatureThreshold", 30.0), 2), new TwinProperties(Map.of(), 1));
        answer = CompletableFuture.failedFuture(new IllegalStateException("not connected to edgeHub"));
        threshold.desiredChanged(read.desired());
        assertThat(lines("could not report TemperatureThreshold 30.00: IllegalStateException: not connected to edgeHub"))
                .hasSize(1);

        answer = CompletableFuture.completedFuture(2L);
        threshold.twinRead(read);
        threshold.twinRead(read);

        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 30.0), Map.of("TemperatureThreshold", 30.0));
    }

    @Test
    void aTwinReadWithNothingUnreportedReportsNothing() {
        threshold.twinRead(new Twin(desired(Map.of("TemperatureThreshold", 30.0), 2), new TwinProperties(Map.of(), 1)));

        assertThat(reports).isEmpty();
        assertThat(filter.threshold()).isEqualTo(25.0); // what to apply comes by desiredChanged, not here
    }
}

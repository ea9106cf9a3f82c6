package io.eflow.samples.filter;

import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.eflow.samples.module.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Desired → applied → reported, without a hub: the reports and twin reads are recorded and answered as each test wants. */
class TwinThresholdTest {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Log log = new Log("filter", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());
    private final MessageFilter filter = new MessageFilter(25);
    private final List<Map<String, Object>> reports = new ArrayList<>();
    private int twinReads;
    private CompletableFuture<?> answer = CompletableFuture.completedFuture(null);
    private final TwinThreshold threshold = new TwinThreshold(filter, log, patch -> {
        reports.add(patch);
        return answer;
    }, () -> twinReads++);

    /** Desired properties as the SDK hands them over: values, and the version. */
    private static TwinCollection desired(Map<String, Object> values, Integer version) {
        TwinCollection properties = new TwinCollection(new HashMap<>(values));
        properties.setVersion(version);
        return properties;
    }

    private List<String> lines(String containing) {
        return output.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(containing)).toList();
    }

    @Test
    void aDesiredNumberIsAppliedAndReported() {
        threshold.whole(desired(Map.of("TemperatureThreshold", 30.0), 2));

        assertThat(filter.threshold()).isEqualTo(30.0);
        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 30.0));
        assertThat(lines("threshold 30.00 from the module twin (desired version 2; it was 25.00)")).hasSize(1);

        threshold.patch(desired(Map.of("TemperatureThreshold", -4.5, "other", "x"), 3));

        assertThat(filter.threshold()).isEqualTo(-4.5);
        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 30.0), Map.of("TemperatureThreshold", -4.5));
        assertThat(twinReads).isZero();
    }

    @Test
    void anInvalidDesiredValueIsToldOnceAndTheThresholdStaysAndIsReportedAsItStands() {
        threshold.whole(desired(Map.of("TemperatureThreshold", "hot"), 2));
        threshold.patch(desired(Map.of("other", 1.0), 3)); // the desired value stays "hot"

        assertThat(filter.threshold()).isEqualTo(25.0);
        assertThat(lines("TemperatureThreshold \"hot\", not a number")).singleElement().asString()
                .contains("(version 2)").endsWith("the threshold stays 25.00");
        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 25.0), Map.of("TemperatureThreshold", 25.0));

        threshold.patch(desired(Map.of("TemperatureThreshold", 40.0), 4));
        Map<String, Object> removed = new HashMap<>();
        removed.put("TemperatureThreshold", null);
        threshold.patch(desired(removed, 5));
        threshold.patch(desired(Map.of("x", 1.0), 6));
        threshold.patch(desired(Map.of("TemperatureThreshold", List.of(50.0)), 7));

        assertThat(filter.threshold()).isEqualTo(40.0);
        assertThat(lines("has no TemperatureThreshold")).singleElement().asString()
                .contains("(version 5)").endsWith("the threshold stays 40.00");
        assertThat(lines("has TemperatureThreshold [50.0], not a number")).hasSize(1);
        assertThat(reports).hasSize(6).last().isEqualTo(Map.of("TemperatureThreshold", 40.0));
    }

    @Test
    void theSameInvalidValueAfterAValidOneIsToldAgain() {
        threshold.whole(desired(Map.of("TemperatureThreshold", "hot"), 2));
        threshold.patch(desired(Map.of("TemperatureThreshold", 30.0), 3));
        threshold.patch(desired(Map.of("TemperatureThreshold", "hot"), 4));

        assertThat(lines("not a number")).hasSize(2);
        assertThat(filter.threshold()).isEqualTo(30.0);
    }

    @Test
    void patchesAreTakenInVersionOrderAndAGapHasTheWholeTwinRead() {
        threshold.whole(desired(Map.of("TemperatureThreshold", 30.0), 2));

        threshold.patch(desired(Map.of("TemperatureThreshold", 99.0), 2)); // seen already
        assertThat(lines("ignored desired properties version 2: version 2 is applied")).hasSize(1);
        threshold.patch(desired(Map.of("TemperatureThreshold", 50.0), 4)); // 3 was missed
        threshold.patch(desired(Map.of("TemperatureThreshold", 51.0), null));

        assertThat(filter.threshold()).isEqualTo(30.0);
        assertThat(twinReads).isEqualTo(2);
        assertThat(lines("do not follow version 2: reading the whole twin")).hasSize(2);

        threshold.whole(desired(Map.of("TemperatureThreshold", 50.0), 4));
        threshold.whole(desired(Map.of("TemperatureThreshold", 40.0), 3)); // an older answer, late

        assertThat(filter.threshold()).isEqualTo(50.0);
    }

    @Test
    void aPatchBeforeAnyTwinHasTheWholeTwinRead() {
        threshold.patch(desired(Map.of("TemperatureThreshold", 30.0), 5));

        assertThat(twinReads).isEqualTo(1);
        assertThat(filter.threshold()).isEqualTo(25.0);
    }

    @Test
    void aReportThatFailedIsMadeAgainAfterTheTwinIsNextRead() {
        answer = CompletableFuture.failedFuture(new IllegalStateException("not connected to edgeHub"));
        threshold.whole(desired(Map.of("TemperatureThreshold", 30.0), 2));
        assertThat(lines("could not report TemperatureThreshold 30.00: IllegalStateException: not connected to edgeHub"))
                .hasSize(1);

        answer = CompletableFuture.completedFuture(null);
        threshold.whole(desired(Map.of("TemperatureThreshold", 30.0), 2));
        threshold.whole(desired(Map.of("TemperatureThreshold", 30.0), 2));

        assertThat(reports).containsExactly(Map.of("TemperatureThreshold", 30.0), Map.of("TemperatureThreshold", 30.0));
    }
}

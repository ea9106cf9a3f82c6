package io.eflow.samples.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.Message;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.edge.hub.TestDeployments;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.samples.module.HubConnection;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter against the guest's real edge hub, run in-process as the guest runs it: a deployment gives the filter's
 * twin a desired TemperatureThreshold, the filter connects (the SDK, MQTT over TLS, through a forward to the hub's TLS
 * port on a free port) with the credentials the agent would hand it, applies the threshold before it takes its first
 * reading, reports it, and follows the deployments that change it.
 */
class FilterOnTheEdgeHubTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ClientId FILTER = ClientId.module("dev1", "filter");

    @TempDir
    Path dir;
    private TestHub hub;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Log log = new Log("filter", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        hub.close();
    }

    /** The filter as its main wires it, with the starting threshold TEMPERATURE_THRESHOLD would give. */
    private MessageFilter startFilter(double environmentThreshold) {
        MessageFilter filter = new MessageFilter(environmentThreshold);
        closeables.add(Filter.connect(Optional.of(hub.access("filter")), filter, log));
        return filter;
    }

    private HubConnection startSensor() throws Exception {
        HubConnection sensor = new HubConnection(Optional.of(hub.access("sensor")), new HubConnection.Setup() {
        }, new Log("sensor"));
        closeables.add(sensor);
        sensor.start();
        await(sensor::isConnected);
        return sensor;
    }

    private static void send(HubConnection sensor, double temperature) {
        Message reading = new Message("{\"machine\":{\"temperature\":" + temperature + "}}");
        reading.setContentType("application/json");
        reading.setContentEncoding("utf-8");
        assertThat(sensor.send(reading, "temperatureOutput")).isTrue();
    }

    private JsonNode twin() throws Exception {
        return hub.service().hub().twin(FILTER).get(10, TimeUnit.SECONDS);
    }

    private String logged() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private void await(Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + "; the filter logged:\n" + logged());
            }
            Thread.sleep(25);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    @Test
    void theDesiredThresholdIsAppliedBeforeTheFirstReadingReportedAndFollowed() throws Exception {
        hub.service().deploy(manifest("{\"TemperatureThreshold\": 30}"));
        HubConnection sensor = startSensor();
        send(sensor, 28); // waits in the filter's queue: judged by 30 from the twin, not by the environment's 25

        MessageFilter filter = startFilter(25);

        await(() -> logged().contains("machine temperature 28.00"));
        assertThat(logged()).contains("machine temperature 28.00 not above 30.00: dropped")
                .contains("threshold 30.00 from the module twin (desired version 1; it was 25.00)");
        await(() -> twin().at("/reported/TemperatureThreshold").isNumber());
        assertThat(twin().at("/reported/TemperatureThreshold").asDouble()).isEqualTo(30.0);

        hub.service().deploy(manifest("{\"TemperatureThreshold\": 40.5}"));

        await(() -> twin().at("/reported/TemperatureThreshold").asDouble() == 40.5);
        assertThat(filter.threshold()).isEqualTo(40.5);
        send(sensor, 40);
        send(sensor, 41);
        await(() -> logged().contains("machine temperature 40.00") && logged().contains("machine temperature 41.00"));
        assertThat(logged()).contains("machine temperature 40.00 not above 40.50: dropped")
                .as("a patch carries its version: no whole twin read").doesNotContain("reading the whole twin")
                .contains("machine temperature 41.00 above 40.50: alert sent to output1")
                .contains("threshold 40.50 from the module twin (desired version 2; it was 30.00)");
    }

    @Test
    void anInvalidDesiredValueKeepsTheThresholdAndIsReportedAsItStands() throws Exception {
        hub.service().deploy(manifest("{\"TemperatureThreshold\": 30}"));
        MessageFilter filter = startFilter(25);
        await(() -> twin().at("/reported/TemperatureThreshold").asDouble() == 30.0);
        long reportedVersion = twin().at("/reported/$version").asLong();

        hub.service().deploy(manifest("{\"TemperatureThreshold\": \"hot\"}"));

        await(() -> twin().at("/reported/$version").asLong() > reportedVersion);
        assertThat(twin().at("/reported/TemperatureThreshold").asDouble()).isEqualTo(30.0);
        assertThat(filter.threshold()).isEqualTo(30.0);
        assertThat(logged()).contains("the module twin's desired properties (version 2) has TemperatureThreshold "
                + "\"hot\", not a number: the threshold stays 30.00");
    }

    @Test
    void withoutADesiredThresholdTheEnvironmentsStaysAndIsReported() throws Exception {
        hub.service().deploy(manifest("{}"));
        MessageFilter filter = startFilter(-100);

        await(() -> twin().at("/reported/TemperatureThreshold").isNumber());
        assertThat(twin().at("/reported/TemperatureThreshold").asDouble()).isEqualTo(-100.0);
        assertThat(filter.threshold()).isEqualTo(-100.0);
        assertThat(logged()).contains("has no TemperatureThreshold: the threshold stays -100.00");
    }

    @Test
    void afterTheHubCameBackTheWholeTwinIsReadAgainAndAChangeMissedMeanwhileIsApplied() throws Exception {
        hub.service().deploy(manifest("{\"TemperatureThreshold\": 30}"));
        MessageFilter filter = startFilter(25);
        await(() -> twin().at("/reported/TemperatureThreshold").asDouble() == 30.0);
        int port = hub.forward().port();

        hub.close(); // the SDK's connection drops: it reconnects by itself
        await(() -> logged().contains("connection to edgeHub lost"));
        // The change is made while the filter cannot connect, by a hub of the same state on a port of its own: deployed
        // on the filter's own port, it could land after the SDK's reconnection and reach the filter as a patch instead.
        try (TestHub meanwhile = TestHub.start(dir)) {
            meanwhile.service().deploy(manifest("{\"TemperatureThreshold\": 45}"));
        }
        hub = TestHub.start(dir, port);

        await(() -> filter.threshold() == 45.0);
        assertThat(logged()).contains("reconnected to edgeHub")
                .contains("threshold 45.00 from the module twin (desired version 2; it was 30.00)");
        await(() -> twin().at("/reported/TemperatureThreshold").asDouble() == 45.0);
    }

    @Test
    void theSamplesDeploymentGivesTheFilterItsThresholdThroughTheTwin() throws Exception {
        // the manifest scripts/quickstart applies, as it is (surefire runs in samples/filter)
        String sample = Files.readString(Path.of("../deployment.json"));
        hub.service().deploy(DeploymentManifest.parse(sample).manifest());
        MessageFilter filter = startFilter(-100);

        await(() -> twin().at("/reported/TemperatureThreshold").isNumber());
        assertThat(twin().at("/desired/TemperatureThreshold").asDouble()).isEqualTo(25.0);
        assertThat(twin().at("/reported/TemperatureThreshold").asDouble()).isEqualTo(25.0);
        assertThat(filter.threshold()).isEqualTo(25.0);
    }

    /** A deployment of the sensor and the filter, the sensor's readings routed to the filter's input1. */
    private static DeploymentManifest manifest(String filterDesired) {
        return TestDeployments.of(List.of("sensor", "filter"), """
                {"sensorToFilter": "FROM /messages/modules/sensor/outputs/temperatureOutput INTO BrokeredEndpoint(\\"/modules/filter/inputs/input1\\")"}""",
                Map.of("filter", filterDesired));
    }
}

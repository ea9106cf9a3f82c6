package io.eflow.samples.sensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.edge.hub.MethodResult;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** The sensor against the guest's real edge hub, in-process: its readings reach the hub, its direct methods answer. */
class TemperatureSensorOnTheEdgeHubTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TestHub hub;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Log log = new Log("tempSensor", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());
    private final MachineSimulator machine = new MachineSimulator(RandomGenerator.of("L64X128MixRandom"));

    @BeforeEach
    void start() throws Exception {
        hub = TestHub.start(dir);
        hub.deploy("{\"up\": \"FROM /messages/modules/tempSensor/outputs/temperatureOutput INTO $upstream\"}", "tempSensor");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private void await(BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + "; logged:\n" + output.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(25);
        }
    }

    @Test
    void readingsGoToTemperatureOutputAsJson() throws Exception {
        List<HubMessage> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = hub.service().hub().watch(source -> source.equals(MessageSource.module("tempSensor", TemperatureSensor.OUTPUT)), seen::add);
                HubConnection sensor = TemperatureSensor.connect(Optional.of(hub.access("tempSensor")), machine, log)) {
            await(sensor::isConnected);

            TemperatureSensor.send(sensor, machine, 1, log);
            TemperatureSensor.send(sensor, machine, 2, log);

            await(() -> seen.size() == 2);
            JsonNode reading = JSON.readTree(seen.get(1).body());
            assertThat(reading.at("/machine/temperature").isNumber()).isTrue();
            assertThat(reading.at("/ambient/humidity").isNumber()).isTrue();
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("reading 2 sent to temperatureOutput: {\"machine\"");
        }
    }

    @Test
    void resetAnswers200AndCoolsTheMachineAnyOtherMethodIs501() throws Exception {
        try (HubConnection sensor = TemperatureSensor.connect(Optional.of(hub.access("tempSensor")), machine, log)) {
            await(sensor::isConnected);
            for (int i = 0; i < 200; i++) {
                machine.next(Instant.now());
            }

            MethodResult reset = hub.service().hub().invoke("tempSensor", "reset", "{}".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
            MethodResult unknown = hub.service().hub().invoke("tempSensor", "selfDestruct", "{}".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);

            assertThat(reset.status()).isEqualTo(200);
            assertThat(JSON.readTree(reset.payload()).path("message").asText()).contains("starts again from 20.0");
            assertThat(machine.next(Instant.now()).machineTemperature()).isLessThan(21.0);
            assertThat(unknown.status()).isEqualTo(501);
            assertThat(JSON.readTree(unknown.payload()).path("message").asText()).isEqualTo("no direct method 'selfDestruct' here");
        }
    }
}

package io.eflow.cli;

import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.contract.wire.PullProgress;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleWaitTest {
    private static final String SENSOR = "localhost:5000/samples/sensor:1.0";
    private static final String OLD = "localhost:5000/samples/sensor:0.9";
    private static final DeploymentManifest MANIFEST = DeploymentManifest.parse("""
            {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
               "runtime": {"type": "docker", "settings": {}},
               "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "a"}},
                                 "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "h"}}},
               "modules": {
                 "sensor": {"version": "1.0", "type": "docker", "status": "running", "restartPolicy": "always",
                            "settings": {"image": "%s"}},
                 "parked": {"version": "1.0", "type": "docker", "status": "stopped", "restartPolicy": "never",
                            "settings": {"image": "%s"}}}}},
             "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": {},
               "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}}""".formatted(SENSOR, SENSOR)).manifest();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ProgressLines terminal = new ProgressLines(new PrintStream(out, true, StandardCharsets.UTF_8), true);

    @Test
    void followsThePullWithABarUntilTheModuleRunsItsNewImage() {
        Deque<Map<String, ModuleReport>> looks = new ArrayDeque<>();
        looks.add(Map.of("sensor", report(OLD, "running", "running", null))); // the old one, not yet replaced
        looks.add(Map.of("sensor", report(SENSOR, "stopped", "pulling " + SENSOR, new PullProgress(0, 40L << 20))));
        looks.add(Map.of("sensor", report(SENSOR, "stopped", "pulling " + SENSOR, new PullProgress(20L << 20, 40L << 20))));
        looks.add(Map.of("sensor", report(SENSOR, "running", "running", null)));

        new ModuleWait(MANIFEST, terminal).until(looks::removeFirst, Duration.ofSeconds(30));

        assertThat(looks).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("sensor: stopped, pulling " + SENSOR + "\n"
                + "\r\033[K[------------------------------]   0%  0/40 MiB"
                + "\r\033[K[###############---------------]  50%  20/40 MiB\n"
                + "sensor: running, running\n");
    }

    @Test
    void aModuleTheAgentBacksOffFromEndsTheWaitWithItsReason() {
        Map<String, ModuleReport> look = Map.of("sensor", report(SENSOR, "backoff", "image: " + SENSOR + " not found; retrying in 2 s", null));

        assertThatThrownBy(() -> new ModuleWait(MANIFEST, terminal).until(() -> look, Duration.ofSeconds(30)))
                .isInstanceOf(EflowException.class).hasMessage("sensor: backoff, image: " + SENSOR + " not found; retrying in 2 s");
    }

    @Test
    void aRetrysPullIsWaitedForAndAModuleThatRanOnceAndEndedWellIsDone() {
        Deque<Map<String, ModuleReport>> looks = new ArrayDeque<>();
        looks.add(Map.of("sensor", report(SENSOR, "backoff", "pulling " + SENSOR, new PullProgress(1, 2))));
        looks.add(Map.of("sensor", new ModuleReport("stopped", "exited with 0", 0, 0, Instant.EPOCH, Instant.EPOCH, null, "1.0",
                "docker", "running", "never", SENSOR, null, 0, null)));

        new ModuleWait(MANIFEST, terminal).until(looks::removeFirst, Duration.ofSeconds(30));

        assertThat(looks).isEmpty();
    }

    @Test
    void givesUpAfterItsTimeout() {
        Map<String, ModuleReport> look = Map.of("sensor", report(SENSOR, "stopped", "created", null));

        assertThatThrownBy(() -> new ModuleWait(MANIFEST, terminal).until(() -> look, Duration.ofMillis(600)))
                .hasMessageContaining("not all running after 0 s");
    }

    private static ModuleReport report(String image, String state, String description, PullProgress pull) {
        return new ModuleReport(state, description, null, 0, Instant.EPOCH, null, null, "1.0", "docker", "running", "always", image,
                null, 0, pull);
    }
}

package io.eflow.edge.agent;

import io.eflow.contract.manifest.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The monitor on a real clock with short intervals; a shell test on a file stands in for the module's. */
class HealthMonitorTest {
    private final Clock clock = Clock.systemUTC();
    private final HealthMonitor monitor = new HealthMonitor(clock);
    private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        monitor.close();
    }

    private HealthMonitor.Watch watch(String script, Duration startPeriod, int retries) {
        HealthCheck check = new HealthCheck(List.of("CMD-SHELL", script), Duration.ofMillis(50), Duration.ofSeconds(5),
                startPeriod, retries);
        return monitor.watch(check, check.command().orElseThrow(), clock.instant(),
                (status, description) -> changes.add(status + ": " + description));
    }

    private String nextChange() throws InterruptedException {
        String change = changes.poll(10, TimeUnit.SECONDS);
        assertThat(change).as("a change within 10 s").isNotNull();
        return change;
    }

    @Test
    void reportsHealthyUnhealthyAfterItsRetriesAndHealthyAgain() throws Exception {
        Path healthy = Files.createFile(dir.resolve("healthy"));
        watch("test -e " + healthy + " || { echo gone; exit 1; }", Duration.ZERO, 2);
        assertThat(nextChange()).isEqualTo("HEALTHY: healthy");

        Files.delete(healthy);
        assertThat(nextChange()).isEqualTo("UNHEALTHY: unhealthy: 2 failed health checks in a row; the last exited with 1: gone");

        Files.createFile(healthy);
        assertThat(nextChange()).isEqualTo("HEALTHY: healthy");
        assertThat(changes).isEmpty();
    }

    @Test
    void failuresInTheStartPeriodAreNotReported() throws Exception {
        watch("exit 1", Duration.ofSeconds(30), 1);
        watch("exit 1", Duration.ZERO, 1);
        assertThat(nextChange()).startsWith("UNHEALTHY: ");
        Thread.sleep(500);
        assertThat(changes).as("the module in its start period stays starting").isEmpty();
    }

    @Test
    void noProbeRunsOnceCancelled() throws Exception {
        Path count = dir.resolve("count");
        HealthMonitor.Watch watch = watch("echo probe >> " + count, Duration.ZERO, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(count) && Files.readAllLines(count).size() >= 3);
        watch.cancel();
        Thread.sleep(200); // a probe already running may still finish
        long probes = Files.readAllLines(count).size();
        Thread.sleep(500);
        assertThat(Files.readAllLines(count)).hasSize((int) probes);
    }
}

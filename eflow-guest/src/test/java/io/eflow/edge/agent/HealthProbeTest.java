package io.eflow.edge.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real short-lived processes stand in for crun exec: the probe neither knows nor cares what its command does. */
class HealthProbeTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private HealthProbe.Result probe(Duration timeout, String script) throws Exception {
        return HealthProbe.run(List.of("/bin/sh", "-c", script), timeout, scheduler, Clock.fixed(NOW, ZoneOffset.UTC))
                .get(20, TimeUnit.SECONDS);
    }

    @Test
    void passesOnExitZero() throws Exception {
        HealthProbe.Result result = probe(Duration.ofSeconds(10), "exit 0");
        assertThat(result.passed()).isTrue();
        assertThat(result.started()).isEqualTo(NOW);
    }

    @Test
    void failsWithTheExitCodeAndBothOutputStreams() throws Exception {
        HealthProbe.Result result = probe(Duration.ofSeconds(10), "echo out; echo err >&2; exit 3");
        assertThat(result.passed()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).isEqualTo("out\nerr\n");
    }

    @Test
    void keepsOnlyTheTailOfALongOutputAndNeverStallsTheProbe() throws Exception {
        // a megabyte is far more than a pipe holds: the probe only finishes if its output is drained as it comes
        HealthProbe.Result result = probe(Duration.ofSeconds(15), "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo the end");
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).startsWith("…x").endsWith("x\nthe end\n");
        assertThat(result.output().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(HealthProbe.OUTPUT_TAIL + 3);
    }

    @Test
    void aProbeOverItsTimeoutFailsAndIsKilledWithItsChildren() throws Exception {
        Path late = dir.resolve("late");
        long started = System.nanoTime();
        HealthProbe.Result result = probe(Duration.ofMillis(300), "(sleep 1; touch " + late + ") & sleep 30; wait");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.exitCode()).isEqualTo(HealthProbe.NO_EXIT);
        assertThat(result.output()).isEqualTo("the health check exceeded its timeout (0.3 s)");
        Thread.sleep(1500);
        assertThat(late).as("the probe's child was killed too").doesNotExist();
    }

    @Test
    void aTestThatCannotStartFails() throws Exception {
        HealthProbe.Result result = HealthProbe.run(List.of(dir.resolve("no-such-program").toString()), Duration.ofSeconds(1),
                scheduler, Clock.systemUTC()).get(5, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isEqualTo(HealthProbe.NO_EXIT);
        assertThat(result.output()).startsWith("cannot run the health check: ");
    }

    @Test
    void theTailNeverStartsInsideACharacter() {
        byte[] text = "aé€b".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 1 bytes
        HealthProbe.Tail inside = new HealthProbe.Tail(3);
        inside.add(text, text.length);
        assertThat(inside.text()).as("cut inside €").isEqualTo("…b");
        HealthProbe.Tail between = new HealthProbe.Tail(4);
        between.add(text, text.length);
        assertThat(between.text()).as("cut before €").isEqualTo("…€b");
        HealthProbe.Tail small = new HealthProbe.Tail(8);
        small.add("abc".getBytes(StandardCharsets.UTF_8), 3);
        small.add("defgh".getBytes(StandardCharsets.UTF_8), 5);
        assertThat(small.text()).isEqualTo("abcdefgh");
        small.add("ij".getBytes(StandardCharsets.UTF_8), 2);
        assertThat(small.text()).isEqualTo("…cdefghij");
    }

    @Test
    void aQuietTestLeavesNoOutput() throws Exception {
        Files.writeString(dir.resolve("healthy"), "");
        assertThat(probe(Duration.ofSeconds(10), "test -e " + dir.resolve("healthy")).output()).isEmpty();
    }
}

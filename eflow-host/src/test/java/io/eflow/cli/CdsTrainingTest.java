package io.eflow.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** bin/eflow records its AppCDS archive from this run, so it must work with no daemon, no root and no state. */
class CdsTrainingTest {

    @Test
    void everyLineReachesItsCommandAndEndsAsExpected() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(CdsTraining.run(sink)).as(out.toString(StandardCharsets.UTF_8)).isEmpty();
        String said = out.toString(StandardCharsets.UTF_8);
        long rootChecks = said.lines().filter(line -> line.contains("eflow needs root")).count();
        assertThat(rootChecks).as("lines that parsed and stopped at the root check")
                .isEqualTo(CdsTraining.LINES.stream().filter(line -> line.exit() == EflowCli.FAILURE).count());
        assertThat(said).contains("Unknown option: '--bad'");
    }

    @Test
    void runsEveryCommandOfflineAndLeavesNothingBehind() {
        assertThatCode(() -> CdsTraining.main(new String[0])).doesNotThrowAnyException();
        assertThat(Path.of("/nonexistent")).doesNotExist();
    }
}

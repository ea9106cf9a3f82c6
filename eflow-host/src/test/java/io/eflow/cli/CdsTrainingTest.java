package io.eflow.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** bin/eflow records its AppCDS archive from this run, so it must work with no daemon, no root and no state. */
class CdsTrainingTest {

    @Test
    void runsEveryCommandOfflineAndLeavesNothingBehind() {
        assertThatCode(() -> CdsTraining.main(new String[0])).doesNotThrowAnyException();
        assertThat(Path.of("/nonexistent")).doesNotExist();
    }
}

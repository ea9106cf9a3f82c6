package io.eflow.platform;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelStepsTest {
    @Test
    void theStepsRunSideBySide() throws IOException {
        CountDownLatch bothRunning = new CountDownLatch(2);
        ParallelSteps.Step meetTheOther = () -> {
            bothRunning.countDown();
            try {
                if (!bothRunning.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("the other step never ran beside this one");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        };

        ParallelSteps.run(List.of(meetTheOther, meetTheOther));

        assertThat(bothRunning.getCount()).isZero();
    }

    @Test
    void aFailureIsThrownOnlyOnceEveryStepHasEndedAndTheFirstInOrderWins() {
        AtomicBoolean slowStepEnded = new AtomicBoolean();
        assertThatThrownBy(() -> ParallelSteps.run(List.of(
                () -> {
                    throw new IOException("first");
                },
                () -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    slowStepEnded.set(true);
                },
                () -> {
                    throw new IllegalStateException("third");
                })))
                .isInstanceOf(IOException.class).hasMessage("first");
        assertThat(slowStepEnded).isTrue();
    }
}

package io.eflow.samples.module;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    @Test
    void doublesUpToTheMaximumAndStartsOverAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));

        assertThat(backoff.next()).hasSeconds(1);
        assertThat(backoff.next()).hasSeconds(2);
        assertThat(backoff.next()).hasSeconds(4);
        assertThat(backoff.next()).hasSeconds(5);
        assertThat(backoff.next()).hasSeconds(5);
        backoff.reset();
        assertThat(backoff.next()).hasSeconds(1);
    }

    @Test
    void needsAPositiveFirstWaitNoLongerThanTheMaximum() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

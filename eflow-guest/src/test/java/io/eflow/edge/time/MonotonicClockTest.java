package io.eflow.edge.time;

import io.eflow.edge.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class MonotonicClockTest {
    @Test
    void itStartsAtTheWallClockAndThenIgnoresItsJumps() {
        TestClock wall = new TestClock(Instant.parse("2026-06-01T12:00:00Z"));
        AtomicLong nanos = new AtomicLong(42);
        MonotonicClock clock = MonotonicClock.of(wall, nanos::get);

        wall.advance(Duration.ofDays(1));
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-06-01T12:00:03Z"));

        wall.advance(Duration.ofHours(-25));
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-06-01T12:00:05Z"));
        assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
    }

    @Test
    void theSystemOneStartsNearNowAndNeverGoesBack() throws InterruptedException {
        MonotonicClock clock = MonotonicClock.start();
        Instant first = clock.instant();
        Thread.sleep(5);

        assertThat(Duration.between(Instant.now(), first).abs()).isLessThan(Duration.ofSeconds(1));
        assertThat(clock.instant()).isAfter(first);
    }
}

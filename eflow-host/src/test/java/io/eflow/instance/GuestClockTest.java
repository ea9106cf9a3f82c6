package io.eflow.instance;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestClockTest {
    @TempDir
    Path dir;
    private static final Instant SENT = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aGuestClockADayAheadIsReadFromTheMiddleOfTheRoundTrip() {
        // sent at 12:00:00, answered 200 ms later: the guest read its clock at about 12:00:00.1 by the host's
        String guest = (SENT.getEpochSecond() + 86_400) + ".100000000";
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(200), guest)).contains(Duration.ofDays(1));
    }

    @Test
    void aGuestClockBehindComesOutNegative() {
        String guest = (SENT.getEpochSecond() - 3600) + ".050000000\n";
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(100), guest)).contains(Duration.ofHours(1).negated());
    }

    @Test
    void withinASecondIsLeftAlone() {
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(100), SENT.getEpochSecond() + ".950000000")).isEmpty();
        assertThat(GuestClock.offset(SENT, Duration.ofMillis(100), (SENT.getEpochSecond() - 1) + ".100000000")).isEmpty();
    }

    @Test
    void aSlowReadingSaysTooLittleToActOn() {
        assertThat(GuestClock.offset(SENT, Duration.ofSeconds(3), (SENT.getEpochSecond() + 86_400) + ".0")).isEmpty();
    }

    @Test
    void somethingElseThanSecondsIsAnError() {
        assertThatThrownBy(() -> GuestClock.offset(SENT, Duration.ofMillis(10), "Mon Dec  7 12:00:00 UTC 2026"))
                .isInstanceOf(EflowException.class).hasMessageContaining("not seconds since the epoch");
    }

    @Test
    void theSetCommandMovesTheClockByTheOffsetFromItsOwnReading() throws Exception {
        // the script with date(1) standing in: it prints what it would set instead of setting it
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path date = bin.resolve("date");
        Files.writeString(date, "#!/bin/sh\nif [ \"$1\" = +%s%N ]; then echo 1765000010000000500; else echo \"$@\" >&2; fi\n");
        Files.setPosixFilePermissions(date, PosixFilePermissions.fromString("rwxr-xr-x"));
        Exec.Result ahead = Exec.of("sh", "-c", GuestClock.SET_BY_OFFSET, "sh", Long.toString(Duration.ofSeconds(10).toNanos()))
                .env("PATH", bin + ":/usr/bin:/bin").run();
        assertThat(ahead.stderr().strip()).isEqualTo("-u -s @1765000000.000000500");
        Exec.Result behind = Exec.of("sh", "-c", GuestClock.SET_BY_OFFSET, "sh", Long.toString(Duration.ofMillis(-2500).toNanos()))
                .env("PATH", bin + ":/usr/bin:/bin").run();
        assertThat(behind.stderr().strip()).isEqualTo("-u -s @1765000012.500000500");
    }
}

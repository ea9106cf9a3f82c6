package io.eflow.update;

import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The named steps of an update where the crash-safety tests kill the daemon with {@code kill -9} (and, at the
 * points inside the trial boot, the guest too). Armed by root only, by writing a point's name into
 * {@code <run>/faults/update}; reaching an armed point disarms it first, so the restarted daemon carries on.
 */
public enum FaultPoint {
    /** The bundle's signature and version are accepted; nothing is written yet. */
    VERIFIED("verified", false),
    /** Half of the root filesystem is in the inactive slot's temporary file. */
    WRITING("writing", false),
    /** The inactive slot is written and recorded; the boot-control record still names only the old slot. */
    WRITTEN("written", false),
    /** The trial is set: the next start boots the new slot. The guest still runs the old one. */
    SWITCHED("switched", false),
    /** The guest is stopped for the restart into the trial. */
    STOPPED("stopped", false),
    /** The guest is booting the trial slot: it loses its power too. */
    TRIAL_BOOT("trial-boot", true),
    /** The trial is healthy and its commit held: the guest loses its power before it commits. */
    BEFORE_COMMIT("before-commit", true),
    /** The guest committed the new slot; the daemon has not recorded it yet. */
    COMMITTED("committed", false),
    /** A trial failed and the guest halted itself; the daemon has not started it again yet. */
    FAILED_TRIAL("failed-trial", false);

    private final String word;
    private final boolean killsGuest;

    FaultPoint(String word, boolean killsGuest) {
        this.word = word;
        this.killsGuest = killsGuest;
    }

    public String word() {
        return word;
    }

    public static Optional<FaultPoint> of(String word) {
        return Arrays.stream(values()).filter(p -> p.word.equals(word.strip())).findFirst();
    }

    static Path file(EflowPaths paths) {
        return paths.run().resolve("faults").resolve("update");
    }

    /** Whether this point is armed (without disarming it). */
    boolean armed(EflowPaths paths) {
        try {
            Path file = file(paths);
            return Files.isRegularFile(file) && Files.readString(file, StandardCharsets.US_ASCII).strip().equals(word);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * When armed: disarms, cuts the guest's power where this point says so ({@code powerOffGuest}), and kills this
     * process with SIGKILL — no shutdown hook, no finally block, exactly what a crash leaves.
     */
    void reach(EflowPaths paths, Runnable powerOffGuest) {
        if (!armed(paths)) {
            return;
        }
        try {
            Files.delete(file(paths));
        } catch (IOException e) {
            throw EflowException.failure("cannot disarm fault point " + word + ": " + e.getMessage(), e);
        }
        if (killsGuest) {
            powerOffGuest.run();
        }
        System.err.println("eflowd: fault point " + word + " reached: kill -9");
        Exec.of("kill", "-9", Long.toString(ProcessHandle.current().pid())).run();
        while (true) {
            // SIGKILL is on its way; nothing after this line may run
            Thread.onSpinWait();
        }
    }
}

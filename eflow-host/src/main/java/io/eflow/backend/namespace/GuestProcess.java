package io.eflow.backend.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guest's init as a host process, known by the pid crun wrote and the start time read when the guest came up.
 * Asking this is microseconds where {@code crun state} costs a process start, and every command asks it.
 * The start time guards against a reused pid.
 */
record GuestProcess(long pid, long startTicks) {

    static Path pidFile(Path run) {
        return run.resolve("guest.pid");
    }

    private static Path identityFile(Path run) {
        return run.resolve("guest.identity");
    }

    /** Records the init that crun started, from the pid file crun wrote. */
    static GuestProcess record(Path run) throws IOException {
        long pid = Long.parseLong(Files.readString(pidFile(run)).trim());
        GuestProcess process = new GuestProcess(pid, startTicks(pid));
        Files.writeString(identityFile(run), pid + " " + process.startTicks() + "\n");
        return process;
    }

    /** Whether the recorded init still runs (not gone, not a zombie, not another process with its pid). */
    static boolean running(Path run) {
        try {
            String[] recorded = Files.readString(identityFile(run)).trim().split(" ");
            long pid = Long.parseLong(recorded[0]);
            String[] stat = stat(pid);
            return !stat[0].equals("Z") && Long.parseLong(stat[19]) == Long.parseLong(recorded[1]);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long startTicks(long pid) throws IOException {
        return Long.parseLong(stat(pid)[19]);
    }

    /** /proc/PID/stat fields after the command name (state is [0], start time [19]). */
    private static String[] stat(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}

package io.eflow.backend.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The guest's QEMU, known by the pid it wrote with -pidfile and its start time, so a reused pid is never taken
 * for it; it is daemonized and outlives the daemon, which finds it again from these files.
 */
record QemuProcess(long pid, long startTicks) {

    static Path pidFile(Path run) {
        return run.resolve("qemu.pid");
    }

    static Path identityFile(Path run) {
        return run.resolve("qemu.identity");
    }

    static QemuProcess record(Path run) throws IOException {
        long pid = Long.parseLong(Files.readString(pidFile(run)).trim());
        QemuProcess process = new QemuProcess(pid, startTicks(pid));
        Files.writeString(identityFile(run), pid + " " + process.startTicks() + "\n");
        return process;
    }

    /** The recorded QEMU if it still runs (not gone, not a zombie, not another process with its pid). */
    static Optional<QemuProcess> find(Path run) {
        try {
            String[] recorded = Files.readString(identityFile(run)).trim().split(" ");
            QemuProcess process = new QemuProcess(Long.parseLong(recorded[0]), Long.parseLong(recorded[1]));
            return process.alive() ? Optional.of(process) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A QEMU that wrote its pid file but was never recorded (the start failed in between): it counts only if its
     * command line names this guest's QMP socket, so a reused pid is never killed.
     */
    static Optional<QemuProcess> unrecorded(Path run, Path qmpSocket) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(run)).trim());
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            if (!cmdline.contains(qmpSocket.toString())) {
                return Optional.empty();
            }
            QemuProcess process = new QemuProcess(pid, startTicks(pid));
            return process.alive() ? Optional.of(process) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    boolean alive() {
        try {
            String[] stat = stat(pid);
            return !stat[0].equals("Z") && Long.parseLong(stat[19]) == startTicks;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    void kill() {
        if (alive()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
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

package io.eflow.guest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples the guest's own resource use from /proc. On the namespace backend /proc/stat and /proc/meminfo
 * describe the host, so CPU and memory are summed over the guest's own processes, which is right on both backends.
 */
final class SystemSampler {
    private static final long TICKS_PER_SECOND = 100;
    private final Path proc;
    private long lastTicks = -1;
    private long lastNanos;

    SystemSampler(Path proc) {
        this.proc = proc;
    }

    /**
     * @param cpuPercent   CPU used by guest processes since the last sample, in percent of one core
     * @param memoryUsedMb resident memory of all guest processes
     * @param processes    number of processes in the guest
     * @param uptimeSeconds seconds since the guest's PID 1 started
     */
    record Sample(double cpuPercent, long memoryUsedMb, int processes, long uptimeSeconds) {
    }

    Sample sample() throws IOException {
        long ticks = 0;
        long rssPages = 0;
        int processes = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path entry : entries) {
                try {
                    String[] stat = statFields(Files.readString(entry.resolve("stat")));
                    ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]); // utime, stime
                    rssPages += Long.parseLong(Files.readString(entry.resolve("statm")).trim().split(" ")[1]);
                    processes++;
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we read it
                }
            }
        }
        long now = System.nanoTime();
        double cpu = 0;
        if (lastTicks >= 0 && now > lastNanos) {
            double seconds = (now - lastNanos) / 1e9;
            cpu = Math.max(0, (ticks - lastTicks) / (double) TICKS_PER_SECOND / seconds * 100.0);
        }
        lastTicks = ticks;
        lastNanos = now;
        return new Sample(Math.round(cpu * 10) / 10.0, rssPages * 4096 / (1024 * 1024), processes, uptimeSeconds());
    }

    private long uptimeSeconds() throws IOException {
        double systemUptime = Double.parseDouble(Files.readString(proc.resolve("uptime")).split(" ")[0]);
        long initStartTicks = Long.parseLong(statFields(Files.readString(proc.resolve("1/stat")))[19]);
        return Math.max(0, (long) (systemUptime - initStartTicks / (double) TICKS_PER_SECOND));
    }

    /** Fields after the command name, which may itself hold spaces and parentheses. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }
}

package io.eflow.host;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the host offers a guest: the counterpart of Get-EflowHostConfiguration.
 *
 * @param freeMemoryMb      memory available for new work (MemAvailable), in MB
 * @param logicalProcessors cores the host reports
 * @param disks             the file systems that hold eflow's state
 */
public record HostInfo(long freeMemoryMb, int logicalProcessors, List<Disk> disks) {

    public record Disk(String path, String type, long totalGb, long freeGb) {
    }

    public static HostInfo probe(Path... statePaths) {
        List<Disk> disks = new ArrayList<>();
        for (Path path : statePaths) {
            Path existing = path;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                continue;
            }
            try {
                FileStore store = Files.getFileStore(existing);
                Disk disk = new Disk(path.toString(), store.type(), store.getTotalSpace() >> 30, store.getUsableSpace() >> 30);
                disks.add(disk);
            } catch (IOException e) {
                throw EflowException.failure("cannot read disk space of " + path + ": " + e.getMessage(), e);
            }
        }
        return new HostInfo(readAvailableMemoryMb(), Runtime.getRuntime().availableProcessors(), List.copyOf(disks));
    }

    private static long readAvailableMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
            throw EflowException.failure("/proc/meminfo has no MemAvailable line", null);
        } catch (IOException e) {
            throw EflowException.failure("cannot read /proc/meminfo: " + e.getMessage(), e);
        }
    }
}
